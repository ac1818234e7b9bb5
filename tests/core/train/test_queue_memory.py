"""Memory stays flat over many runs in one process (issue 14): a finished job keeps no model
alive and the queue keeps light records only. Measured on main before the fix: two
PreTrainedModel objects more after every run, and RSS 721 -> 796 MB over four tiny runs."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psutil

from core.config import STARTER_TINY_GPT2, RunConfig
from core.train.queue import MAX_RECORDS, JobQueue

RUNS = 4
# The tiny GPT-2 is 8.6M parameters (35 MB in fp32). What a run leaves alive is counted
# exactly: models, and the bytes of every live tensor (weights, gradients, optimizer state),
# which must not grow from run to run. RSS is the backstop: after the first two runs (the
# libraries' one-off allocations, TRL's included: +40 MB from the first to the second run)
# it may drift with the allocator (measured 8-28 MB a run, nothing alive), but not by a
# leaked model and its optimizer state a run.
RSS_PER_RUN_MB = 35
TENSOR_SLACK_MB = 1.0


def live_models() -> int:
    from transformers import PreTrainedModel

    gc.collect()
    return sum(isinstance(o, PreTrainedModel) for o in gc.get_objects())


def live_tensor_mb() -> float:
    """Megabytes held by live tensors (each storage counted once)."""
    import torch

    gc.collect()
    seen, total = set(), 0
    for o in gc.get_objects():
        if isinstance(o, torch.Tensor):
            try:
                storage = o.untyped_storage()
            except (RuntimeError, NotImplementedError):  # meta / sparse tensors hold no bytes here
                continue
            if storage.data_ptr() not in seen:
                seen.add(storage.data_ptr())
                total += storage.nbytes()
    return total / 2**20


def measure_runs() -> dict:
    """Run RUNS tiny jobs through one queue and record what each left alive."""
    cfg = RunConfig().replace(model={"name_or_path": STARTER_TINY_GPT2, "task": "causal-lm"},
                              data={"path": "assets/data/quotes.csv", "max_rows": 40, "max_length": 32},
                              train={"max_steps": 2, "eval_strategy": "no", "save_strategy": "no", "logging_steps": 1})
    queue = JobQueue()
    proc = psutil.Process()
    before = live_models()
    counts, rss, tensors = [], [], []
    for i in range(RUNS):
        job = queue.submit(cfg, owner=f"owner-{i}")
        deadline = time.time() + 600
        while not job.done and time.time() < deadline:
            time.sleep(0.2)
        if job.status != "finished":
            return {"error": f"run {i}: {job.status}: {job.message}"}
        time.sleep(0.3)  # the worker frees the job's memory right after it ends
        counts.append(live_models())
        tensors.append(live_tensor_mb())
        rss.append(proc.memory_info().rss / 2**20)
    return {"before": before, "counts": counts, "tensors": tensors, "rss": rss, "records": queue.records()}


def test_several_runs_in_one_process_keep_no_model_and_rss_flat():
    # In a fresh process: in the suite's own process other tests' servers and threads allocate
    # too, and CI once saw RSS jump 240 MB on the fourth run with models and tensors flat.
    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "PYTHONPATH": str(root)}
    proc = subprocess.run([sys.executable, __file__], cwd=root, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert "error" not in got, got
    assert got["counts"] == [got["before"]] * RUNS, got
    tensors, rss = got["tensors"], got["rss"]
    assert max(tensors) - min(tensors) < TENSOR_SLACK_MB, tensors
    assert (rss[-1] - rss[1]) / (RUNS - 2) < RSS_PER_RUN_MB, rss
    assert got["records"] == RUNS <= MAX_RECORDS


def test_the_queue_forgets_the_oldest_finished_records_beyond_its_bound(monkeypatch, tmp_path):
    from core.results.runs import Status
    from core.train import queue as queue_module

    monkeypatch.setattr(queue_module, "MAX_RECORDS", 3)

    class Done:
        def __init__(self, name):
            self.name, self.owner, self.status = name, "o", Status.FINISHED

        @property
        def done(self):
            return True

    q = JobQueue()
    for i in range(5):
        q._jobs[f"r{i}"] = Done(f"r{i}")
        with q._lock:
            q._forget_locked()
    assert list(q._jobs) == ["r2", "r3", "r4"]
    assert q.latest_for("o").name == "r4"


if __name__ == "__main__":
    print(json.dumps(measure_runs()))
