"""Time per epoch before training: a few real optimizer steps with the current settings,
scaled to an epoch and to the whole run."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..config import RunConfig
from ..results.runs import Status


def time_per_epoch(cfg: RunConfig, steps: int = 6) -> dict[str, Any]:
    """Time a few real optimizer steps (in a throw-away run folder) and scale to an epoch.

    The first step is left out of the average (it pays for warm-up: allocations, kernel
    selection, and with group_by_length the longest batch). Runs a Trainer in this process:
    never call it while another job trains here (the UI borrows the trainer through
    core.train.queue.JobQueue.exclusive)."""
    import shutil
    import tempfile
    import time

    from .job import Job
    from .plan import steps_per_epoch, total_steps

    tmp = Path(tempfile.mkdtemp(prefix="fts-timing-"))
    t0 = time.perf_counter()
    try:
        probe = cfg.replace(train={"max_steps": max(2, steps), "eval_strategy": "no", "save_strategy": "no",
                                   "logging_steps": 1, "run_name": "", "early_stopping_patience": 0})
        job = Job(probe, run_dir=tmp / "probe", evaluate=False).run()  # timing only: nothing evaluated or saved
        if job.status != Status.FINISHED:
            raise ValueError(job.message)
        times = [e["time"] for e in job.events if e.get("type") == "train"]
        per_step = (times[-1] - times[0]) / max(len(times) - 1, 1) if len(times) > 1 else times[-1]
        n_train = job.summary.get("n_train", 0)
        per_epoch = steps_per_epoch(cfg, n_train)
        run_steps = total_steps(cfg, n_train)
        return {"seconds_per_step": per_step, "steps_timed": max(len(times) - 1, 1),
                "steps_per_epoch": per_epoch, "seconds_per_epoch": per_step * per_epoch,
                "total_steps": run_steps, "total_seconds": per_step * run_steps,
                "device": job.summary.get("device", ""), "probe_seconds": time.perf_counter() - t0}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def duration(seconds: float) -> str:
    """12 s, 3 min 20 s, 1 h 05 min."""
    s = max(0, int(round(seconds)))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


def timing_lines(t: dict[str, Any], evaluations: str = "") -> list[str]:
    """Plain-words summary of :func:`time_per_epoch`'s result."""
    return [f"{t['seconds_per_step']:.2f} s per step (average of {t['steps_timed']} timed steps on "
            f"{t['device'] or 'this machine'}) × {t['steps_per_epoch']} steps = about "
            f"{duration(t['seconds_per_epoch'])} per epoch",
            f"the whole run ({t['total_steps']} steps) ≈ {duration(t['total_seconds'])} of training"
            + (f", plus {evaluations}" if evaluations else "")]
