"""Test environment for the whole suite: offline, and every cache inside a temporary
workspace (never ~/.cache)."""

import os
import tempfile
from pathlib import Path

_WORK = Path(tempfile.mkdtemp(prefix="fts-tests-"))
os.environ.setdefault("FTS_WORKSPACE", str(_WORK / "workspace"))
os.environ.setdefault("HF_HOME", str(_WORK / "hf"))
os.environ.setdefault("MPLCONFIGDIR", str(_WORK / "mpl"))
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
