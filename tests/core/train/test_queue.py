"""The job queue's rules (core/train/queue.py) and the time-per-epoch probe that borrows the trainer
(core/train/timing.py): a probe never overlaps a run, and its numbers add up."""

import tempfile
import time
from pathlib import Path

import pytest

from core.config import RunConfig
from core.paths import PROJECT_ROOT as ROOT  # the repository root
from core.train.queue import BusyError, JobQueue
from core.train.timing import duration, time_per_epoch, timing_lines

SMALL = RunConfig().replace(data={"max_length": 48, "max_rows": 96},
                            train={"per_device_train_batch_size": 16, "num_train_epochs": 2, "save_strategy": "no"})


def test_a_probe_is_refused_while_a_run_waits_and_a_run_waits_for_a_probe():
    q = JobQueue()
    with q.exclusive("alice"):
        assert q.busy()
        with pytest.raises(BusyError, match="timing a few steps"):
            q.submit(SMALL, "bob")  # local mode: refused, never queued behind the probe
        with pytest.raises(BusyError, match="already timing"):
            with q.exclusive("bob"):
                pass
        job = q.submit(SMALL, "bob", allow_queue=True)  # shared mode: waits its turn
        time.sleep(0.5)
        assert job.status == "queued" and q.position(job) == 1  # the worker did not start it
        q.cancel(job)
    assert not q.busy()
    running = q.submit(SMALL.replace(train={"max_steps": 1}), "carol", allow_queue=True)
    with pytest.raises(BusyError, match="busy with a run"):
        with q.exclusive("alice"):
            pass
    q.cancel(running)
    deadline = time.time() + 120
    while q.busy() and time.time() < deadline:
        time.sleep(0.2)
    assert not q.busy() and running.status in ("stopped", "finished")


def test_a_run_that_has_ended_but_not_yet_freed_its_memory_does_not_block_the_next():
    """The UI shows "Finished" as soon as a job ends; the worker still holds it for a moment
    (gc, freeing memory). Start in that moment must queue a new run, not return the old one
    ("Already training") or say the trainer is busy (a flaky browser test found this)."""
    from core.train.job import Job

    q = JobQueue()
    old = Job(SMALL, owner="alice")
    old.status = "finished"
    q._current = old  # as the worker has it while old.run() is still in its cleanup
    assert q.active_for("alice") is None and not q.busy()
    new = q.submit(SMALL.replace(train={"max_steps": 1, "eval_strategy": "no"}), "alice")  # local mode
    assert new is not old
    deadline = time.time() + 120
    while not new.done and time.time() < deadline:
        time.sleep(0.2)
    assert new.status == "finished", new.message


def test_time_per_epoch_times_representative_steps_on_the_cached_model(monkeypatch):
    """Four real steps (a warm-up and three timed) on the session's loaded model, not a
    fresh load; the prediction adds up; the cached model comes back untouched."""
    import torch

    import core.model.load as load
    from core.cache import PreviewCache, model_labels

    cache = PreviewCache()
    base, _ = cache.base_model(SMALL, model_labels(cache, SMALL))  # what the Method tab has loaded
    weights = {n: p.detach().clone() for n, p in base.named_parameters()}
    flags = {n: p.requires_grad for n, p in base.named_parameters()}
    monkeypatch.setattr(load, "load_model", lambda *a, **k: pytest.fail("LoRA must reuse the loaded model"))
    before = set(Path(tempfile.gettempdir()).glob("fts-timing-*"))
    t = time_per_epoch(SMALL, cache=cache)
    # 96 rows -> 76 train rows (the 20 % validation split) -> 5 steps of 16 per epoch, 2 epochs
    assert t["steps_per_epoch"] == 5 and t["total_steps"] == 10 and t["steps_timed"] == 3
    assert 0 < t["seconds_per_step"] < 60 and t["eval_s"] > 0 and t["warmup_s"] >= 0
    assert t["seconds_per_epoch"] == pytest.approx(5 * t["seconds_per_step"])
    assert t["evaluations"] == 2  # eval_strategy epoch, 2 epochs (the baseline and final aside)
    assert t["total_seconds"] == pytest.approx(t["warmup_s"] + 10 * t["seconds_per_step"] + 2 * t["eval_s"])
    assert set(Path(tempfile.gettempdir()).glob("fts-timing-*")) == before  # nothing left behind
    assert all(torch.equal(p, weights[n]) for n, p in base.named_parameters())
    assert {n: p.requires_grad for n, p in base.named_parameters()} == flags
    assert not any("lora" in n for n, _ in base.named_modules())
    per_epoch, whole = timing_lines(t)
    assert "s per step" in per_epoch and "× 5 steps" in per_epoch
    assert "(10 steps, with 2 evaluations of about" in whole


def test_the_probe_times_steps_spread_over_the_runs_sizes():
    """Length-grouped batches start with the epoch's longest: the probe picks its steps by
    size instead (the smallest to warm up, then the 1/6, 3/6 and 5/6 quantiles), whole
    steps of the run's own batches."""
    from core.train.timing import epoch_steps, fit_line, predict, probe_plan, step_tokens

    lengths = [8 + (i * 37) % 120 for i in range(200)]
    cfg = SMALL.replace(data={"max_length": 128})
    steps = epoch_steps(lengths, cfg)
    sizes = [step_tokens(lengths, s, cfg) for s in steps]
    assert sizes[0] == max(sizes)  # the Trainer's order: the longest batch first
    plan, all_sizes = probe_plan(lengths, cfg)
    assert all_sizes == sizes and len(plan) == 4 and all(len(s) == 16 for s in plan)
    timed = [step_tokens(lengths, s, cfg) for s in plan]
    full = sorted(x for x, s in zip(sizes, steps) if len(s) == 16)
    assert timed[0] == full[0] and timed[1:] == [full[len(full) // 6], full[len(full) // 2], full[5 * len(full) // 6]]
    # padding to max_length: every step is the same size
    flat = cfg.replace(data={"padding": "max_length"})
    assert {step_tokens(lengths, s, flat) for s in epoch_steps(lengths, flat)[:-1]} == {16 * 128}
    # the fit: a line through the timed steps, never negative
    assert fit_line([100, 200, 300], [1.5, 2.5, 3.5]) == pytest.approx((0.5, 0.01))
    assert fit_line([100, 200, 300], [3.0, 2.0, 1.0]) == (2.0, 0.0)
    assert fit_line([100, 100, 100], [1.0, 2.0, 3.0]) == (2.0, 0.0)
    # the same probe predicts other lengths of run (epochs are not in the timing key)
    t = {"seconds_per_step": 2.0, "warmup_s": 1.0, "eval_s": 3.0, "n_train": 76}
    longer = predict(t, SMALL.replace(train={"num_train_epochs": 4, "eval_strategy": "steps", "eval_steps": 5}))
    assert (longer["total_steps"], longer["evaluations"]) == (20, 4)
    assert longer["total_seconds"] == pytest.approx(1 + 20 * 2 + 4 * 3)


def test_time_per_epoch_reports_a_failed_probe():
    with pytest.raises(Exception, match="no such|not found|does not exist|can't"):
        time_per_epoch(SMALL.replace(data={"path": "assets/data/nope.csv"}), steps=2)


def test_durations_read_like_a_person_wrote_them():
    assert [duration(x) for x in (4.4, 75, 3600 + 5 * 60)] == ["4 s", "1 min 15 s", "1 h 05 min"]


def test_threads_that_start_at_once_all_get_the_libraries():
    """transformers' lazy names are not thread-safe on first access; core.heavy imports them once."""
    import subprocess
    import sys

    code = """
import sys, threading
sys.path.insert(0, {root!r})
from core.heavy import ensure_loaded
errors = []
def use(name):
    try:
        ensure_loaded()
        import transformers
        getattr(transformers, name)
    except Exception as exc:
        errors.append(repr(exc))
threads = [threading.Thread(target=use, args=(n,)) for n in
           ("Trainer", "AutoModelForSequenceClassification", "TrainingArguments", "Trainer")]
[t.start() for t in threads]; [t.join() for t in threads]
assert not errors, errors
""".format(root=str(ROOT))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stderr[-1500:]


def test_light_handlers_answer_without_the_heavy_libraries():
    """Handlers marked light=True skip the wait for core.heavy's first import, so they must
    never touch transformers: run them in a fresh interpreter and look."""
    import subprocess
    import sys

    code = """
import sys
sys.path.insert(0, {root!r})
from ui.shell import build
from ui import data as data_tab, multi_gpu, session_events, train as train_tab
from ui.data.handlers import load_data
from ui.train.handlers import plan_training, training_status
from ui.common import Session
demo, ctx = build()
values = {{f.name: f.component.value for f in ctx.form.fields}}
values.update({{n: c.value for n, c in ctx.form.extras.items()}})
s = Session()
session_events.init_session(s, None)
session_events.restore_settings(ctx.form, ctx.settings, s)
load_data(ctx.form, ctx.parts_of(data_tab), s, **values)
plan_training(ctx.form, ctx.parts_of(train_tab), s, **values)
training_status(s)
multi_gpu.code_accelerate(ctx.parts_of(train_tab).multi_gpu, s, 4, "fsdp", "bf16")
heavy = [m for m in ("transformers", "peft", "torch") if m in sys.modules]
assert not heavy, heavy
""".format(root=str(ROOT))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stderr[-1500:]
