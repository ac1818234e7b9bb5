"""Test environment for the whole suite: offline, and every cache inside a temporary
workspace (never ~/.cache)."""

import os
import tempfile
from pathlib import Path

# Before torch is imported: idle OpenMP threads sleep instead of spinning (3-4x faster steps
# measured on a busy 2-core machine; see core/__main__.py).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

_WORK = Path(tempfile.mkdtemp(prefix="fts-tests-"))
os.environ.setdefault("FTS_WORKSPACE", str(_WORK / "workspace"))
os.environ.setdefault("HF_HOME", str(_WORK / "hf"))
os.environ.setdefault("MPLCONFIGDIR", str(_WORK / "mpl"))
# One starters folder for the whole session, the app servers it starts included: SmolLM2 is
# converted once (a minute or two), not once per workspace. Point FTS_STARTERS at a folder of
# your own to keep the conversion between sessions.
os.environ.setdefault("FTS_STARTERS", str(_WORK / "starters"))
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
