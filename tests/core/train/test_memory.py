"""core/train/memory.py: a run's peak memory is its own, and what a run adds is kept apart from what
the process held before it (the app's server and previews)."""

from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # trains real models


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="Linux only")
def test_a_runs_peak_memory_is_its_own():
    """summary.json's peak_memory_mb restarts with each run: an earlier peak in the same
    process (another run, a big upload) is not reported as this run's."""
    import numpy as np

    from core.train.memory import peak_memory_mb, reset_peak_memory

    spike = np.ones(800 * 2**20 // 8)  # 800 MB, touched
    del spike
    before = peak_memory_mb()
    reset_peak_memory()
    assert peak_memory_mb() < before - 150  # VmHWM is updated lazily: well under the 800 MB


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="Linux only")
def test_what_a_run_adds_is_measured_apart_from_what_the_process_held():
    """In the app the process holds the server and previews before a run starts: the run's
    summary keeps that apart (memory_at_start_mb) from what the run added (run_memory_mb),
    and the log compares the estimate with the run's part."""
    import numpy as np

    from core.train.memory import peak_memory_mb, reset_peak_memory
    from core.train.progress import memory_line

    held = np.ones(600 * 2**20 // 8)  # the app's 600 MB, touched, kept
    start = reset_peak_memory()
    assert start is not None and start > 600
    run = np.ones(300 * 2**20 // 8)  # what "the run" allocates
    added = peak_memory_mb() - start
    assert 200 < added < 450, added
    del run, held
    line = memory_line({"peak_memory_mb": 1900.0, "memory_at_start_mb": 1300.0, "run_memory_mb": 600.0,
                        "estimated_peak_mb": 1320.0, "estimated_run_mb": 720.0, "device": "CPU"})
    assert line == ("memory (CPU): the run added 600 MB at its peak · 720 MB estimated for it before training "
                    "(1.20×) · process peak 1,900 MB, 1,300 MB of it in use before the run")
    # a summary from before the split was kept still reads as it did
    assert memory_line({"peak_memory_mb": 2475.0, "estimated_peak_mb": 1320.0}).startswith("memory: peak 2,475 MB")
