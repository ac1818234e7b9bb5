"""Offline starters that have to be built or converted once into the workspace cache."""
from __future__ import annotations

import os
import threading
from pathlib import Path

from ..config import STARTER_MINILM

TINY_GPT2 = dict(n_positions=256, n_embd=128, n_layer=4, n_head=4)


_TINY_LOCK = threading.Lock()


def materialize_tiny_gpt2() -> Path:
    """Build the tiny GPT-2 starter once (seed 0) into the workspace cache and return it.
    Thread-safe (a lock) and process-safe (a per-process temp folder renamed into place)."""
    from ..paths import cache_dir

    target = cache_dir() / "starters" / "tiny-gpt2"
    if (target / "config.json").is_file() and (target / "model.safetensors").is_file():
        return target
    with _TINY_LOCK:
        if (target / "config.json").is_file() and (target / "model.safetensors").is_file():
            return target
        return _build_tiny_gpt2(target)


def _build_tiny_gpt2(target: Path) -> Path:
    import torch
    from transformers import AutoTokenizer, GPT2Config, GPT2LMHeadModel

    from .load import resolve_source

    tok = AutoTokenizer.from_pretrained(resolve_source(STARTER_MINILM))
    tok.bos_token, tok.eos_token = tok.cls_token, tok.sep_token
    config = GPT2Config(vocab_size=len(tok), bos_token_id=tok.cls_token_id, eos_token_id=tok.sep_token_id,
                        pad_token_id=tok.pad_token_id, **TINY_GPT2)
    with torch.random.fork_rng():
        torch.manual_seed(0)
        model = GPT2LMHeadModel(config)
    tmp = target.with_name(f"tiny-gpt2.tmp{os.getpid()}")
    model.save_pretrained(tmp, safe_serialization=True)
    tok.save_pretrained(tmp)
    (tmp / "README.md").write_text("Tiny GPT-2 built from a config with random weights (seed 0) by "
                                   "Fine-Tune Studio; tokenizer from all-MiniLM-L6-v2.\n")
    try:
        tmp.rename(target)
    except OSError:  # another process won the race
        import shutil
        shutil.rmtree(tmp, ignore_errors=True)
    return target
