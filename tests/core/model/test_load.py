"""core/model/load.py: model sources are checked before anything loads, and the tokenizers the
studio loads behave as the data pipeline expects."""

from __future__ import annotations

import json

import pytest

from core.config import STARTER_MINILM
from core.model.load import check_model_source
from core.paths import PathError


def test_local_model_folders_are_confined(tmp_path):
    check_model_source(STARTER_MINILM)
    check_model_source("bert-base-uncased")  # a Hub id is not a path
    with pytest.raises(PathError, match="model folder"):
        check_model_source(str(tmp_path))


def test_pickle_folder_warns(tmp_path):
    from core.model.load import pickle_weights_warning

    (tmp_path / "config.json").write_text(json.dumps({"model_type": "bert"}))
    (tmp_path / "pytorch_model.bin").write_bytes(b"not really")
    assert "pickle" in pickle_weights_warning(str(tmp_path))
    (tmp_path / "model.safetensors").write_bytes(b"x")
    assert pickle_weights_warning(str(tmp_path)) == ""
