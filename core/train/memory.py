"""A run's own memory: what the process held when the job started, its high-water mark
during the run, and so what the run itself added (CUDA allocator statistics on a GPU, the
process's resident set on CPU).

Why "added": in the app the process already holds the web server, the libraries and the
session's preview models (often 1-2 GB) before a run starts, and the peak of the whole
process says little about the run. The estimate (core.train.estimate) is compared with
what the run added, less the runtime it counts once for a process of its own; the CLI's
process starts with little more than that runtime, so the same comparison holds there."""
from __future__ import annotations

import gc


def release_freed_memory() -> None:
    """Hand memory freed by earlier work back to the system (glibc keeps freed heap pages
    otherwise), so the RSS at a job's start is what is really in use."""
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the measure is only less exact
        pass


def reset_peak_memory() -> float | None:
    """Start measuring this run's peak and return the memory in use now, in MB: CUDA's
    allocated bytes (peak statistics reset), or on Linux the process's RSS (writing 5 to
    /proc/self/clear_refs resets VmHWM to the current RSS), so a run's summary neither
    reports an earlier run's peak nor counts what the process held before it started."""
    release_freed_memory()
    try:
        import torch

        if torch.cuda.is_available():
            torch.cuda.reset_peak_memory_stats()
            return round(torch.cuda.memory_allocated() / 2**20, 1)
    except Exception:  # pragma: no cover
        pass
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:  # not Linux, or not allowed: the peak is the process's since it started
        return None
    return _status_mb("VmRSS:")


def _status_mb(key: str) -> float | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key):
                    return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    return None


def peak_memory_mb() -> float:
    """Peak GPU memory allocated (CUDA), else the process's peak RSS (VmHWM), in MB."""
    try:
        import torch

        if torch.cuda.is_available():
            return round(torch.cuda.max_memory_allocated() / 2**20, 1)
    except Exception:  # pragma: no cover
        pass
    peak = _status_mb("VmHWM:")
    if peak is not None:
        return peak
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
