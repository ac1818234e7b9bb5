"""ui/train/handlers.py: the Train tab's 1-second poll sends only what changed since the last tick
(a reloaded page gets everything)."""

from __future__ import annotations

import time
from pathlib import Path


def test_the_poll_sends_only_what_changed():
    import gradio as gr

    from core.config import RunConfig
    from core.results.runs import Status
    from core.train.progress import Snapshot
    from ui import train as train_tab
    from ui.common import Session
    from ui.shell import build
    from ui.train import handlers

    _demo, ctx = build()
    parts = ctx.parts_of(train_tab)

    class Running:
        name, cfg, summary, done, message = "fake-run", RunConfig(), {"labels": ["0", "1"]}, False, ""
        status, run_dir, data_report, info = Status.RUNNING, Path("/nonexistent-run"), [], None
        step = 3

        def snapshot(self, since=0):
            events = [{"type": "eval", "step": 0, "baseline": True, "eval_loss": 0.7, "eval_accuracy": 0.4}]
            return Snapshot(name=self.name, status=self.status, message="", step=self.step, max_steps=60, epoch=0.1,
                            started=time.time() - 10, elapsed_s=10.0, eta_s=50.0, tokens_per_second=40.0,
                            events=events, n_events=1, baseline={}, final={})

    job, session = Running(), Session()
    handlers.default_queue = lambda: type("Q", (), {"position": lambda self, j: 0})()
    try:
        first = handlers.view(parts, session, job, force=True)
        assert "Running" in first[parts.status] and first[parts.log]
        again = handlers.view(parts, session, job)
        for comp in (parts.status, parts.metrics, parts.start_btn, parts.stop_btn, parts.timer, parts.run_box,
                     parts.progress):
            assert again[comp] == gr.skip(), comp  # nothing moved: nothing is sent again
        job.step = 4
        moved = handlers.view(parts, session, job)
        assert "step 4 / 60" in moved[parts.progress] and moved[parts.status] == gr.skip()
        forced = handlers.view(parts, session, job, force=True)  # a reloaded page gets everything
        assert "Running" in forced[parts.status]
    finally:
        from core.train.queue import default_queue

        handlers.default_queue = default_queue
