"""Shared fixtures for the UI tests: a real app server (``python app.py``) in a subprocess,
on a free port, with its own workspace, offline, and every cache in a temporary folder."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class AppServer:
    url: str
    workspace: Path
    log: Path
    process: subprocess.Popen

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Gradio's launch() gives up ("When localhost is not accessible, a shareable link must be
# created") when its own HEAD / takes over 3 s, which happens on a loaded machine after
# /config already answered. It prints this line only once that check has passed.
LAUNCHED = "To create a public link"
LOCALHOST_FLAKE = "When localhost is not accessible"


def start_app(folder: Path, *flags: str, timeout: float = 90.0, tries: int = 3) -> AppServer:
    """Launch ``python app.py`` with FTS_WORKSPACE etc. inside ``folder``; wait until it serves
    (again, up to ``tries`` times, when Gradio's start-up self-check timed out)."""
    for attempt in range(1, tries + 1):
        try:
            return _start_app(folder, *flags, timeout=timeout)
        except RuntimeError as exc:
            if LOCALHOST_FLAKE not in str(exc) or attempt == tries:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _start_app(folder: Path, *flags: str, timeout: float = 90.0) -> AppServer:
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    workspace = folder / "workspace"
    env = {**os.environ, "FTS_WORKSPACE": str(workspace), "HF_HOME": str(folder / "hf"),
           "MPLCONFIGDIR": str(folder / "mpl"), "GRADIO_TEMP_DIR": str(folder / "gradio"),
           "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "GRADIO_ANALYTICS_ENABLED": "False", "TOKENIZERS_PARALLELISM": "false", "PYTHONUNBUFFERED": "1"}
    env.pop("SPACE_ID", None)
    log = folder / "app.log"
    fh = open(log, "w")
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port), *flags], cwd=ROOT, env=env,
                            stdout=fh, stderr=subprocess.STDOUT)
    server = AppServer(url=f"http://127.0.0.1:{port}/", workspace=workspace, log=log, process=proc)
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app.py exited with {proc.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(server.url + "config", timeout=2) as r:
                if r.status == 200 and LAUNCHED in server.log_tail(200):
                    return server
        except OSError:
            pass
        time.sleep(0.5)
    stop_app(server)
    raise RuntimeError(f"app.py did not answer within {timeout:.0f}s:\n{server.log_tail()}")


def stop_app(server: AppServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=10)


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    """One app (local mode) per test module."""
    server = start_app(tmp_path_factory.mktemp("app"))
    yield server
    stop_app(server)


@pytest.fixture
def app_factory(tmp_path):
    """Start extra apps with other flags (``app_factory("--mode", "shared")``); all are
    stopped at the end of the test."""
    started: list[AppServer] = []

    def start(*flags: str) -> AppServer:
        server = start_app(tmp_path / f"app{len(started)}", *flags)
        started.append(server)
        return server

    yield start
    for server in started:
        stop_app(server)


@dataclass
class ResultsApp:
    server: AppServer
    client: object  # gradio_client.Client


# The short run the brief asks for: 25 LoRA steps of 16 rows (192 training rows, ~2 epochs),
# no evaluation or checkpoints during training (the job still scores before and after).
RESULTS_A = dict(max_rows=240, max_length=64, max_steps=25, learning_rate=2e-3, eval_strategy="no",
                 save_strategy="no")
# A second, shorter run one setting apart, so History has two curves to overlay.
RESULTS_B = dict(RESULTS_A, max_steps=6, learning_rate=5e-4)


@pytest.fixture(scope="session")
def results_app(tmp_path_factory):
    """One app with two finished runs of one API client, results-a (25 steps) then results-b
    (6 steps, with a time prediction), shared by the tabs after training: through the API
    (tests/ui/app/test_results_tabs.py) and in the browser (tests/browser/test_browser_results.py)."""
    pytest.importorskip("gradio_client")
    from api_helpers import train
    from gradio_client import Client

    server = start_app(tmp_path_factory.mktemp("results-app"))
    try:
        c = Client(server.url, verbose=False)
        train(c, **RESULTS_A, run_name="results-a")
        c.predict(**RESULTS_B, api_name="/time_steps")  # results-b keeps a prediction to check
        train(c, **RESULTS_B, run_name="results-b")
        yield ResultsApp(server, c)
    finally:
        stop_app(server)


# --------------------------------------------------------------------------- engine runs
@pytest.fixture(scope="session")
def trained_lora_run():
    """One short, real LoRA run on MiniLM + the bundled sentiment set, shared by the engine
    tests that need a finished run (training checks, compare, export)."""
    from core.config import RunConfig
    from core.paths import runs_dir
    from core.train.job import Job

    cfg = RunConfig().replace(data={"max_length": 64, "max_rows": 240},
                              train={"max_steps": 48, "eval_strategy": "no", "save_strategy": "no",
                                     "logging_steps": 5})
    job = Job(cfg, run_dir=runs_dir() / "shared-lora-run").run()
    assert job.status == "finished", job.message
    return job


CHAT_SMALL = ROOT / "tests" / "data" / "chat-small.jsonl"  # 28 conversations, some two-turn, a house style
ALL_LINEAR = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


@pytest.fixture(scope="session")
def smollm2_dir():
    """SmolLM2-135M-Instruct converted from the bundled gguf, once per session (a minute or
    two; FTS_STARTERS keeps it between sessions)."""
    from core.model.smollm2 import materialize

    return materialize()


@pytest.fixture
def smollm2_tokenizer(smollm2_dir):
    """A fresh copy of SmolLM2's real tokenizer (tests may change its template)."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(smollm2_dir)


@pytest.fixture(scope="session")
def tiny_llama_dir(tmp_path_factory, smollm2_dir):
    """A 2-layer random Llama (hidden 64) with SmolLM2's real tokenizer: the architecture and
    the tokens of the starter, at a fraction of the cost, for the mask and method tests."""
    import torch
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    folder = tmp_path_factory.mktemp("tiny-llama")
    tok = AutoTokenizer.from_pretrained(smollm2_dir)
    config = LlamaConfig(vocab_size=len(tok), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=1024,
                         tie_word_embeddings=True, bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id,
                         pad_token_id=tok.pad_token_id, attention_dropout=0.0)
    with torch.random.fork_rng():
        torch.manual_seed(0)
        LlamaForCausalLM(config).save_pretrained(folder)
    tok.save_pretrained(folder, save_jinja_files=False)
    return folder


@pytest.fixture(scope="session")
def trained_smollm2_run(smollm2_dir):
    """One short, real LoRA run (all linear layers) of SmolLM2 on a small chat set, shared by
    every test that needs a finished SmolLM2 run (training checks, compare, export)."""
    from core.config import STARTER_SMOLLM2, RunConfig
    from core.paths import runs_dir
    from core.train.job import Job

    cfg = RunConfig().replace(
        model={"name_or_path": STARTER_SMOLLM2, "task": "causal-lm"},
        data={"path": str(CHAT_SMALL), "max_length": 128, "max_rows": 40, "test_size": 0.25},
        adapter={"method": "lora", "r": 8, "lora_alpha": 16, "lora_dropout": 0.0, "target_modules": ALL_LINEAR},
        train={"max_steps": 5, "per_device_train_batch_size": 4, "per_device_eval_batch_size": 8,
               "learning_rate": 1e-3, "warmup_ratio": 0.0, "eval_strategy": "no", "save_strategy": "no",
               "logging_steps": 1},
        # The end-of-run report is half of this fixture's cost: three validation answers of up
        # to 24 tokens are enough for the Compare table and the export's sample (8 x 40 by default).
        generate={"eval_samples": 3, "max_new_tokens": 24})
    job = Job(cfg, run_dir=runs_dir() / "shared-smollm2-run").run()
    assert job.status == "finished", job.message
    return job


@pytest.fixture(scope="session")
def tiny_chat_run():
    """A short real LoRA chat run on the tiny ChatML Llama (tests/tiny_chat.py) over the
    bundled instructions, with the end-of-run report (generations.jsonl, the forgetting check
    on assets/data/general.txt): a finished causal run in seconds, for the Compare tests.
    App tests copy its folder into their server's workspace (its config names the base
    model by absolute path, so the copy loads)."""
    from tiny_chat import save_tiny_chat_model

    from core.config import RunConfig
    from core.paths import runs_dir, workspace
    from core.train.job import Job

    base = save_tiny_chat_model(workspace() / "tiny-chat-llama-shared")
    cfg = RunConfig().replace(
        model={"name_or_path": str(base), "task": "causal-lm"},
        adapter={"method": "lora", "target_modules": ["q_proj", "v_proj", "up_proj", "down_proj"], "r": 8,
                 "lora_alpha": 16},
        data={"path": "assets/data/instructions.jsonl", "max_length": 96, "max_rows": 48},
        train={"max_steps": 16, "learning_rate": 2e-2, "eval_strategy": "no", "save_strategy": "no",
               "per_device_train_batch_size": 8, "report_to": "none"},
        generate={"max_new_tokens": 10, "eval_samples": 4})
    job = Job(cfg, run_dir=runs_dir() / "tiny-chat-shared").run()
    assert job.status == "finished", job.message
    return job


FLAGSHIP_SEEDS = (42, 7)


class DefaultRuns:
    """The default preset's runs by seed, each trained on first use (a test that needs seed 42
    alone does not pay for seed 7)."""

    def __init__(self) -> None:
        self._jobs: dict[int, object] = {}

    def __getitem__(self, seed: int):
        if seed not in self._jobs:
            from core.config import load_config
            from core.paths import PRESETS, runs_dir
            from core.train.job import Job

            cfg = load_config(PRESETS / "sentiment-lora-minilm.yaml", [f"train.seed={seed}"])
            job = Job(cfg, run_dir=runs_dir() / f"default-seed-{seed}").run()
            assert job.status == "finished", job.message
            self._jobs[seed] = job
        return self._jobs[seed]

    def __len__(self) -> int:
        return len(FLAGSHIP_SEEDS)

    def items(self):
        return [(seed, self[seed]) for seed in FLAGSHIP_SEEDS]


@pytest.fixture(scope="session")
def default_runs():
    """The default preset (RunConfig's defaults: LoRA on MiniLM, the bundled sentiment set,
    5 epochs) trained for real once per seed in FLAGSHIP_SEEDS, shared by tests/test_flagship.py
    (the promised examples), tests/core/train/test_coach.py (no false alarm on a healthy run) and
    tests/browser/test_browser_flagship.py (the promise on the Compare tab)."""
    return DefaultRuns()


# --------------------------------------------------------------------------- browser
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Headless Debian chromium driven by playwright; its caches stay in a temp folder."""
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    home = tmp_path_factory.mktemp("chromium-home")
    env = {**os.environ, "XDG_CACHE_HOME": str(home / "cache"), "XDG_CONFIG_HOME": str(home / "config"),
           "XDG_DATA_HOME": str(home / "data"), "GSETTINGS_BACKEND": "memory"}
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, env=env)
        yield b
        b.close()


# --------------------------------------------------------------------------- markers
SLOW_FIXTURES = {"app_server", "app_factory", "trained_lora_run", "tiny_chat_run", "browser", "smollm2_dir",
                 "smollm2_tokenizer", "tiny_llama_dir", "trained_smollm2_run", "default_runs",
                 "results_app"}
# Session fixtures that train: every module using one runs on the same xdist worker, so each
# trains once in the whole suite (not once per worker).
SHARED_RUNS = ("trained_smollm2_run", "trained_lora_run", "default_runs", "tiny_chat_run", "results_app")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark what starts app servers or trains shared runs as slow (and browser tests as browser),
    so `pytest -m "not slow and not browser"` is the quick loop. Tests that train a model
    themselves carry `@pytest.mark.slow` (or a module-level `pytestmark`).

    Under pytest-xdist (`-n 2 --dist loadgroup`, scripts/test.sh) each test also gets an
    xdist_group: its module, merged with every other module that uses the same shared run
    (module fixtures and shared runs then live on one worker), and the heaviest groups are
    collected first so the two workers finish together."""
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if used & SLOW_FIXTURES:
            item.add_marker(pytest.mark.slow)
        if "browser" in used:
            item.add_marker(pytest.mark.browser)
    # The workers collect (the controller does not), and pytest-xdist sets each worker's `dist` to
    # "no" and `loadgroup` to True: checking `dist` alone left every test ungrouped, so shared runs
    # trained on both workers (the default runs three times in a suite) and module apps started twice.
    if config.getoption("dist", "no") == "loadgroup" or getattr(config.option, "loadgroup", False):
        _group_for_workers(items)


def _group_for_workers(items) -> None:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        parent[find(a)] = find(b)

    for item in items:
        module = item.nodeid.split("::")[0]
        for run in SHARED_RUNS:
            if run in getattr(item, "fixturenames", ()):
                union(module, run)
    weight: dict[str, float] = {}
    for item in items:
        group = find(item.nodeid.split("::")[0])
        cost = 60.0 if item.get_closest_marker("browser") else 15.0 if item.get_closest_marker("slow") else 1.0
        weight[group] = weight.get(group, 0.0) + cost
    for item in items:
        item.add_marker(pytest.mark.xdist_group(find(item.nodeid.split("::")[0]).replace("/", ".")))
    # Heaviest first (stable: a module's tests keep their order and stay together).
    order = {id(item): i for i, item in enumerate(items)}
    items.sort(key=lambda it: (-weight[find(it.nodeid.split("::")[0])], find(it.nodeid.split("::")[0]),
                               order[id(it)]))
