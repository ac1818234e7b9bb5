"""core/train/resources.py, responsive while training: the app leaves the web server a core (the
training threads take the others), the CLI uses them all, OMP_NUM_THREADS caps them. (The poll
that sends only what changed: tests/ui/train/test_train_handlers.py.)"""

from __future__ import annotations

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
