"""Responsive while training: the app leaves the web server a core (the training threads
take the others), and the 1-second poll sends only what changed since the last tick."""

from __future__ import annotations

import time
from pathlib import Path

import pytest


def test_the_app_keeps_a_core_for_its_server_and_the_cli_uses_all(monkeypatch):
    import os

    import psutil
    import torch

    from core.config import RunConfig
    from core.train import job

    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)  # set to 1 in pytest-xdist workers
    cores = min(psutil.cpu_count(logical=False) or 1, len(os.sched_getaffinity(0)))
    before = torch.get_num_threads()
    try:
        job.reserve_cores(0)
        job.set_threads(RunConfig())
        assert torch.get_num_threads() == cores  # the CLI: every physical core
        job.reserve_cores(1)
        job.set_threads(RunConfig())
        assert torch.get_num_threads() == max(1, cores - 1)  # the app: one left to the server
        job.set_threads(RunConfig().replace(train={"torch_threads": 2}))
        assert torch.get_num_threads() == 2  # an explicit choice wins
    finally:
        job.reserve_cores(0)
        torch.set_num_threads(before)
    import app

    assert "reserve_cores(1)" in Path(app.__file__).read_text()  # app.py reserves it at launch


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


@pytest.mark.parametrize("cores", [1, 2, 16])
def test_reserving_never_leaves_training_without_a_thread(cores, monkeypatch):
    import psutil
    import torch

    from core.config import RunConfig
    from core.train import job

    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    before = torch.get_num_threads()
    monkeypatch.setattr(psutil, "cpu_count", lambda logical=True: cores)
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: set(range(cores)), raising=False)
    try:
        job.reserve_cores(1)
        job.set_threads(RunConfig())
        assert torch.get_num_threads() == max(1, cores - 1)
    finally:
        job.reserve_cores(0)
        torch.set_num_threads(before)


def test_omp_num_threads_caps_the_training_threads(monkeypatch):
    import psutil
    import torch

    from core.config import RunConfig
    from core.train import job

    before = torch.get_num_threads()
    monkeypatch.setattr(psutil, "cpu_count", lambda logical=True: 8)
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: set(range(8)), raising=False)
    try:
        job.reserve_cores(0)
        monkeypatch.setenv("OMP_NUM_THREADS", "3")
        job.set_threads(RunConfig())
        assert torch.get_num_threads() == 3  # the operator's cap
        monkeypatch.setenv("OMP_NUM_THREADS", "not a number")
        job.set_threads(RunConfig())
        assert torch.get_num_threads() == 8  # ignored, not a crash
    finally:
        torch.set_num_threads(before)
