"""A run's own peak memory: reset the high-water mark when a job starts, read it when it ends
(CUDA allocator statistics on a GPU, the process's RSS high-water mark on CPU)."""
from __future__ import annotations


def reset_peak_memory() -> None:
    """Start measuring this run's peak: CUDA's allocator statistics, or on Linux the process's
    RSS high-water mark (writing 5 to /proc/self/clear_refs resets VmHWM to the current RSS),
    so a run's summary does not report an earlier run's peak from the same app process."""
    try:
        import torch

        if torch.cuda.is_available():
            torch.cuda.reset_peak_memory_stats()
            return
    except Exception:  # pragma: no cover
        pass
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:  # not Linux, or not allowed: the peak is the process's since it started
        pass


def peak_memory_mb() -> float:
    """Peak GPU memory allocated (CUDA), else the process's peak RSS (VmHWM), in MB."""
    try:
        import torch

        if torch.cuda.is_available():
            return round(torch.cuda.max_memory_allocated() / 2**20, 1)
    except Exception:  # pragma: no cover
        pass
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
