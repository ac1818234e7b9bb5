"""A Job (core/train/job.py) under faults: stop/resume parity, SIGKILL then resume, out-of-memory, a
full disk, and only safetensors written."""

import errno
import os
import signal
import subprocess
import sys
import time

import pytest

from core.config import RunConfig
from core.paths import PROJECT_ROOT as ROOT  # the repository root
from core.results.runs import (
    checkpoints,
    last_checkpoint,
    list_runs,
    read_events,
    read_summary,
)
from core.train.job import Job

pytestmark = pytest.mark.slow  # trains real models

SMALL = RunConfig().replace(data={"max_rows": 120, "max_length": 48},
                            train={"max_steps": 16, "logging_steps": 1, "eval_strategy": "no",
                                   "save_strategy": "steps", "save_steps": 100, "learning_rate": 1e-3})


def _wait_step(job, step, timeout=180):
    deadline = time.time() + timeout
    while job.progress.get("step", 0) < step and time.time() < deadline and not job.done:
        time.sleep(0.02)


def test_resumed_run_matches_an_uninterrupted_one(tmp_path):
    straight = Job(SMALL, run_dir=tmp_path / "straight").run()
    assert straight.status == "finished"
    job = Job(SMALL, run_dir=tmp_path / "stopped").start()
    _wait_step(job, 6)
    job.stop()
    job.wait(180)
    assert job.status == "stopped"
    at = job.summary["steps"]
    assert 6 <= at < 16 and last_checkpoint(job.run_dir).name == f"checkpoint-{at}"
    first_segment = job.summary["runtime_s"]
    resumed = Job.resume(job.run_dir).run()
    assert resumed.status == "finished", resumed.message
    # the clock continues: the run's time is both segments' (not the second one's alone)
    assert resumed.summary["runtime_s"] >= first_segment + 0.9 * resumed.summary["train_runtime_s"]
    assert resumed.snapshot().elapsed_s == pytest.approx(resumed.summary["runtime_s"], abs=0.5)
    a = {e["step"]: e for e in read_events(straight.run_dir) if e["type"] == "train"}
    b = {e["step"]: e for e in read_events(resumed.run_dir) if e["type"] == "train"}
    assert sorted(b) == sorted(a)
    # same global step, same learning-rate schedule, (nearly) the same losses after the resume
    for step in range(at + 1, 17):
        assert b[step]["learning_rate"] == pytest.approx(a[step]["learning_rate"], rel=1e-6)
    assert b[16]["loss"] == pytest.approx(a[16]["loss"], rel=1e-3)


def test_sigkill_leaves_a_resumable_interrupted_run(tmp_path):
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "core", "train", "--output", str(out), "--quiet",
           "--set", "data.max_rows=120", "--set", "data.max_length=48", "--set", "train.max_steps=20",
           "--set", "train.save_strategy=steps", "--set", "train.save_steps=5", "--set", "train.logging_steps=1",
           "--set", "train.eval_strategy=no", "--set", "train.learning_rate=1e-3"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 300
    while time.time() < deadline and len(checkpoints(out)) < 2 and proc.poll() is None:
        time.sleep(0.1)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    ckpt = last_checkpoint(out)
    assert ckpt is not None
    logged = max(e["step"] for e in read_events(out) if e.get("type") == "train")
    saved = int(ckpt.name.split("-")[1])
    assert logged - saved <= 5, "at most save_steps of work may be lost"
    [row] = [r for r in list_runs(tmp_path) if r["name"] == "killed"]
    assert row["status"] == "interrupted" and row["resumable"]

    r = subprocess.run([sys.executable, "-m", "core", "train", "--resume", "--output", str(out), "--quiet"],
                       cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    s = read_summary(out)
    assert s["status"] == "finished" and s["steps"] == 20
    steps = [e["step"] for e in read_events(out) if e.get("type") == "train"]
    assert steps == sorted(set(steps)) and steps[-1] == 20


@pytest.mark.parametrize("error", ["MemoryError", "cuda"])
def test_out_of_memory_fails_cleanly_with_advice(tmp_path, monkeypatch, error):
    import torch
    import transformers

    def boom(self, *a, **k):
        raise MemoryError() if error == "MemoryError" else torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")

    with monkeypatch.context() as m:
        m.setattr(transformers.Trainer, "train", boom)
        job = Job(SMALL, run_dir=tmp_path / "oom").run()
    assert job.status == "failed"
    for advice in ("smaller per_device_train_batch_size", "gradient_accumulation_steps", "gradient_checkpointing",
                   "max_length", "LoRA or QLoRA"):
        assert advice in job.message
    assert read_summary(job.run_dir)["status"] == "failed"
    # memory released: the next run in the same process works
    ok = Job(SMALL.replace(train={"max_steps": 2}), run_dir=tmp_path / "after").run()
    assert ok.status == "finished", ok.message


def test_full_disk_marks_failed_and_keeps_earlier_checkpoints(tmp_path, monkeypatch):
    import transformers

    real = transformers.Trainer._save_checkpoint
    calls = {"n": 0}

    def flaky(self, *a, **k):
        calls["n"] += 1
        if calls["n"] >= 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, *a, **k)

    monkeypatch.setattr(transformers.Trainer, "_save_checkpoint", flaky)
    cfg = SMALL.replace(train={"save_steps": 4, "max_steps": 12})
    job = Job(cfg, run_dir=tmp_path / "disk").run()
    assert job.status == "failed"
    assert "No space left" in job.message and "earlier checkpoints were kept" in job.message
    assert [p.name for p in checkpoints(job.run_dir)] == ["checkpoint-4"]
    assert read_summary(job.run_dir)["status"] == "failed"


def test_only_safetensors_are_written(tmp_path):
    job = Job(SMALL.replace(train={"max_steps": 4, "save_steps": 2}), run_dir=tmp_path / "safe").run()
    assert job.status == "finished"
    weights = [p for p in job.run_dir.rglob("*") if p.suffix in (".safetensors", ".bin", ".pt", ".pth", ".pkl")]
    model_files = [p for p in weights if "optimizer" not in p.name and "scheduler" not in p.name
                   and "rng_state" not in p.name and "training_args" not in p.name]
    assert model_files and all(p.suffix == ".safetensors" for p in model_files), model_files
