"""Test environment for the whole suite: offline, and every cache inside a temporary
workspace (never ~/.cache)."""

import os
import tempfile
from pathlib import Path

# Before torch is imported: idle OpenMP threads sleep instead of spinning (3-4x faster steps
# measured on a busy 2-core machine; see core/__main__.py).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

# Each pytest process (each pytest-xdist worker too) gets its own workspace and caches; the
# controller's would otherwise be inherited by both workers, whose runs would then share folders.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
_WORK = Path(tempfile.mkdtemp(prefix=f"fts-tests-{_WORKER or 'main'}-"))
os.environ["FTS_WORKSPACE"] = str(_WORK / "workspace")
os.environ["HF_HOME"] = str(_WORK / "hf")
os.environ["MPLCONFIGDIR"] = str(_WORK / "mpl")
if _WORKER:
    # Two workers on a 2-core machine: one PyTorch thread each (core.train.resources honours
    # OMP_NUM_THREADS), the app servers they start included; oversubscribed OpenMP barriers
    # cost more than the second thread gives.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
# setdefault: pytest-xdist workers inherit the controller's, so one run converts SmolLM2 once (under a
# process lock, core.model.smollm2) for all of them.
os.environ.setdefault("FTS_STARTERS", str(_WORK / "starters"))
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
