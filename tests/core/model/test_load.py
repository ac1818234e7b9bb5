"""core/model/load.py: model sources are checked before anything loads, and the tokenizers the
studio loads behave as the data pipeline expects."""

from __future__ import annotations

import json

import pytest

from core.config import STARTER_MINILM, RunConfig
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


def test_the_tiny_gpt2_tokenizer_adds_no_eos_of_its_own():
    """TRL appends the end-of-sequence token to every text itself; BERT's post-processor also
    appends [SEP], which gave "[CLS] text [SEP] [SEP]". The starter's tokenizer adds only [CLS]."""
    from core.model.load import load_tokenizer

    tok = load_tokenizer(RunConfig().replace(model={"task": "causal-lm", "name_or_path": "starter:tiny-gpt2"}))
    ids = tok("quote by ann")["input_ids"]
    assert ids[0] == tok.bos_token_id == tok.cls_token_id and tok.eos_token_id not in ids
    assert tok.eos_token == "[SEP]" and tok.pad_token_id != tok.eos_token_id
    assert len(tok("word " * 300)["input_ids"]) > 300  # no truncation hidden in the tokenizer file
