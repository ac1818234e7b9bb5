"""The job queue's rules (core/train/queue.py) and the time-per-epoch probe that borrows the trainer
(core/train/timing.py): a probe never overlaps a run, and its numbers add up."""

import math
import tempfile
import time
from pathlib import Path

import pytest

from core.config import RunConfig
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


def test_time_per_epoch_times_real_steps_and_scales_them():
    before = set(Path(tempfile.gettempdir()).glob("fts-timing-*"))
    t = time_per_epoch(SMALL, steps=4)
    # 96 rows -> 76 train rows (the 20 % validation split) -> 5 steps of 16 per epoch, 2 epochs
    assert t["steps_per_epoch"] == math.ceil(t["steps_per_epoch"]) == 5 and t["total_steps"] == 10
    assert t["steps_timed"] == 3 and 0 < t["seconds_per_step"] < 30
    assert t["seconds_per_epoch"] == pytest.approx(5 * t["seconds_per_step"])
    assert t["total_seconds"] == pytest.approx(10 * t["seconds_per_step"])
    assert set(Path(tempfile.gettempdir()).glob("fts-timing-*")) == before  # nothing left behind
    per_epoch, whole = timing_lines(t, "an evaluation after each epoch")
    assert "s per step" in per_epoch and "× 5 steps" in per_epoch
    assert "(10 steps)" in whole and whole.endswith("plus an evaluation after each epoch")


def test_time_per_epoch_reports_a_failed_probe():
    with pytest.raises(ValueError, match="no such|not found|does not exist|can't"):
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
""".format(root=str(Path(__file__).resolve().parent.parent))
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
""".format(root=str(Path(__file__).resolve().parent.parent))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stderr[-1500:]
