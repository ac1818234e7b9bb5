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


def random_causal_lm(folder: Path, architecture: str, shape: dict, seed: int = 0) -> int:
    """Write a causal LM with random weights (``architecture`` "gpt2" or "llama", ``shape`` its
    config sizes) and the MiniLM tokenizer (its [CLS]/[SEP] as BOS/EOS) to ``folder``; returns
    the parameter count. The tiny starter and the bench's larger test models are built so."""
    import torch
    from transformers import AutoTokenizer, GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM

    from .load import resolve_source

    config_cls, model_cls = {"gpt2": (GPT2Config, GPT2LMHeadModel), "llama": (LlamaConfig, LlamaForCausalLM)}[architecture]
    tok = AutoTokenizer.from_pretrained(resolve_source(STARTER_MINILM))
    tok.bos_token, tok.eos_token = tok.cls_token, tok.sep_token
    config = config_cls(**{"vocab_size": len(tok), "bos_token_id": tok.cls_token_id,
                           "eos_token_id": tok.sep_token_id, "pad_token_id": tok.pad_token_id, **shape})
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        model = model_cls(config)
    n = sum(p.numel() for p in model.parameters())
    model.save_pretrained(folder, safe_serialization=True)
    tok.save_pretrained(folder)
    return n


def _build_tiny_gpt2(target: Path) -> Path:
    tmp = target.with_name(f"tiny-gpt2.tmp{os.getpid()}")
    random_causal_lm(tmp, "gpt2", TINY_GPT2)
    (tmp / "README.md").write_text("Tiny GPT-2 built from a config with random weights (seed 0) by "
                                   "Fine-Tune Studio; tokenizer from all-MiniLM-L6-v2.\n")
    try:
        tmp.rename(target)
    except OSError:  # another process won the race
        import shutil
        shutil.rmtree(tmp, ignore_errors=True)
    return target
