"""The job queue's rules (core/train/queue.py): a probe (core/train/timing.py) never overlaps a
run, and a run that has ended but not yet freed its memory does not block the next. (Memory over
many runs: test_queue_memory.py.)"""

import time

import pytest

from core.config import RunConfig
from core.train.queue import BusyError, JobQueue

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
