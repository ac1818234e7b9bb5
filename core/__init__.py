"""Fine-Tune Studio engine: pure Python, no gradio anywhere below this folder.

The layout follows the pipeline: ``config`` (RunConfig, the single source of truth), then
``data/`` (sources, formats, tokenizing), ``model/`` (starters, loading, methods),
``train/`` (the job, its queue, plan, estimates, coach) and ``results/`` (runs, compare,
export, codegen, plots). ``python -m core`` is the command line (``core/__main__.py``).

The most used names are importable from here: ``from core import RunConfig, Job``.
"""

from __future__ import annotations

from typing import Any

from .config import ConfigError, RunConfig, load_config

__all__ = ["ConfigError", "RunConfig", "load_config", "Job", "JobQueue", "default_queue"]


def __getattr__(name: str) -> Any:  # the job pulls in more modules; import it on first use
    if name == "Job":
        from .train.job import Job

        return Job
    if name in ("JobQueue", "default_queue"):
        from .train import queue

        return getattr(queue, name)
    raise AttributeError(f"module 'core' has no attribute {name!r}")
