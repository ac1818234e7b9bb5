"""The process's share of the machine for training: how many threads PyTorch gets (one per
physical core, minus the cores reserved for the app's web server) and giving a finished
run's memory back to the system."""

from __future__ import annotations

import os

from ..config import RunConfig
from .distributed import world_size

_RESERVED_CORES = 0  # cores left to the rest of this process (the app's web server)


def reserve_cores(n: int) -> None:
    """Leave ``n`` physical cores to other work in this process while it trains: the app
    calls this so its web server keeps a core of its own. With every core in PyTorch's
    thread pool, the Train tab's 1-second poll waited for CPU behind the training threads
    (413 ms p95 on a quiet 2-core machine, goal 250); the CLI keeps every core."""
    global _RESERVED_CORES
    _RESERVED_CORES = max(0, int(n))


def set_threads(cfg: RunConfig) -> None:
    """One PyTorch thread per physical core unless the config says otherwise (minus the
    cores reserved by :func:`reserve_cores`, at least one, and never more than
    ``OMP_NUM_THREADS`` when that is set); on small machines oversubscription costs more
    than it gives."""
    import torch

    n = cfg.train.torch_threads
    if not n:
        try:
            import psutil
            n = psutil.cpu_count(logical=False) or os.cpu_count() or 1
        except Exception:  # pragma: no cover
            n = os.cpu_count() or 1
        if hasattr(os, "sched_getaffinity"):  # a container or taskset may allow fewer CPUs
            n = min(n, len(os.sched_getaffinity(0)) or n)
        n = max(1, n // world_size() - _RESERVED_CORES)  # DDP on one machine: share the cores between ranks
        cap = _omp_cap()
        if cap:  # the operator (or a parallel test run) asked for fewer threads
            n = min(n, cap)
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)


def _omp_cap() -> int:
    """OMP_NUM_THREADS as a positive int, or 0 when unset or not a number."""
    try:
        return max(0, int(os.environ.get("OMP_NUM_THREADS", "") or 0))
    except ValueError:
        return 0


def trim_heap() -> None:
    """Give a finished run's freed memory back to the system (glibc keeps freed arenas)."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (macOS, Windows, musl): nothing to trim
        pass
