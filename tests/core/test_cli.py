"""The command line (core/__main__.py, `python -m core`): train writes a run folder, estimate prints
memory and time before training, and every mistake is one line on stderr."""

import json
import re
import subprocess
import sys

import pytest

from core.paths import PROJECT_ROOT as ROOT  # the repository root

pytestmark = pytest.mark.slow  # trains real models


@pytest.mark.parametrize("sets,fragment", [
    (["data.path=/nonexistent/x.csv"], "data file not found"),
    (["train.learning_rate=-1"], "train.learning_rate must be > 0, got -1"),
    (["train.epochs=3"], "unknown field 'train.epochs'"),
    (["model.name_or_path=starter:nope"], "unknown starter"),
])
def test_cli_gives_one_line_errors(sets, fragment):
    args = [a for s in sets for a in ("--set", s)]
    r = subprocess.run([sys.executable, "-m", "core", "train", "--quiet", *args], cwd=ROOT, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode != 0
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith("error: ") and fragment in last, r.stderr[-800:]


def test_cli_writes_the_run_folder(tmp_path):
    out = tmp_path / "cli"
    preset = ROOT / "assets/presets/sentiment-lora-minilm.yaml"
    r = subprocess.run([sys.executable, "-m", "core", "train", str(preset), "--output", str(out), "--quiet",
                        "--set", "train.max_steps=6", "--set", "train.eval_strategy=no", "--set", "data.max_rows=120",
                        "--set", "train.save_strategy=no"],
                       cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    s = json.loads((out / "summary.json").read_text())
    assert s["status"] == "finished" and s["steps"] == 6
    assert re.search(r"memory \(CPU\): the run added [\d,]+ MB at its peak · [\d,]+ MB estimated for it before "
                     r"training \(\d\.\d\d×\) · process peak [\d,]+ MB, [\d,]+ MB of it in use before the run",
                     r.stdout), r.stdout
    assert set(s["baseline"]) >= {"eval_loss", "eval_accuracy", "eval_f1"} and set(s["final"]) >= {"eval_accuracy"}
    assert (out / "config.yaml").is_file() and (out / "metrics.jsonl").is_file()


def test_cli_estimate_prints_memory_and_time_before_training():
    preset = ROOT / "assets/presets/sentiment-lora-minilm.yaml"
    r = subprocess.run([sys.executable, "-m", "core", "estimate", str(preset), "--time", "--json",
                        "--set", "data.max_rows=120"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    out = json.loads(r.stdout.strip().splitlines()[-1])
    mem, t = out["memory"], out["time"]
    assert mem["fits"] is True
    assert 85e6 < mem["weights"] < 95e6  # MiniLM's 22.7M parameters in fp32 (+ the small head)
    assert mem["activations"] > 0 and mem["total"] > mem["weights"] + mem["activations"] + mem["optimizer"]
    assert 0 < mem["gradients"] < 0.01 * mem["weights"]  # LoRA: gradients for the adapters only
    assert t["steps_per_epoch"] == 6 and t["total_steps"] == 30 and t["seconds_per_step"] > 0  # 96 rows / 16, 5 epochs
    r = subprocess.run([sys.executable, "-m", "core", "estimate", str(preset), "--set", "data.path=nope.csv"],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and r.stderr.startswith("error: ") and len(r.stderr.strip().splitlines()) == 1


def test_cli_bad_config_is_one_line(tmp_path):
    r = subprocess.run([sys.executable, "-m", "core", "train", "--set", "train.learning_rate=-1"],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode != 0
    assert r.stderr.strip() == "error: train.learning_rate must be > 0, got -1"
    bad = tmp_path / "bad.yaml"
    bad.write_text("train: [1, 2\n")
    r = subprocess.run([sys.executable, "-m", "core", "show", str(bad)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode != 0 and len(r.stderr.strip().splitlines()) == 1 and "not valid YAML" in r.stderr
