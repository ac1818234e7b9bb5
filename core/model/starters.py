"""Offline starters that have to be built once into the starters folder (the tiny random
GPT-2 for fast tests; SmolLM2 is converted by :mod:`core.model.smollm2`)."""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from ..config import STARTER_MINILM

TINY_GPT2 = dict(n_positions=256, n_embd=128, n_layer=4, n_head=4)
# v2: the tokenizer no longer appends [SEP] itself (see causal_tokenizer); a folder built
# before that keeps its old name and is simply not used.
TINY_FOLDER = "tiny-gpt2-v2"


_TINY_LOCK = threading.Lock()


def materialize_tiny_gpt2() -> Path:
    """Build the tiny GPT-2 starter once (seed 0) into the workspace cache and return it.
    Thread-safe (a lock) and process-safe (a per-process temp folder renamed into place)."""
    from ..paths import starters_dir

    target = starters_dir() / TINY_FOLDER
    if (target / "config.json").is_file() and (target / "model.safetensors").is_file():
        return target
    with _TINY_LOCK:
        if (target / "config.json").is_file() and (target / "model.safetensors").is_file():
            return target
        return _build_tiny_gpt2(target)


def causal_tokenizer() -> Any:
    """MiniLM's WordPiece vocabulary as a causal-LM tokenizer: [CLS] starts a text (BOS) and
    [SEP] ends it (EOS), but encoding adds only the [CLS]. BERT's own post-processor also
    appends [SEP], and TRL appends the EOS to every text and completion itself, which would
    give "[CLS] text [SEP] [SEP]" and a prompt that is no prefix of prompt + completion."""
    import copy

    from tokenizers import processors
    from transformers import AutoTokenizer, PreTrainedTokenizerFast

    from .load import resolve_source

    bert = AutoTokenizer.from_pretrained(resolve_source(STARTER_MINILM))
    backend = copy.deepcopy(bert.backend_tokenizer)
    backend.no_truncation()  # max_length is the studio's business, not the tokenizer file's
    backend.no_padding()
    specials = [("[CLS]", bert.cls_token_id), ("[SEP]", bert.sep_token_id)]
    backend.post_processor = processors.TemplateProcessing(single="[CLS] $A", pair="[CLS] $A [SEP] $B",
                                                           special_tokens=specials)
    # A plain tokenizers-backed class: BertTokenizer would restore its own post-processor on load.
    return PreTrainedTokenizerFast(tokenizer_object=backend, bos_token="[CLS]", eos_token="[SEP]",
                                   pad_token="[PAD]", unk_token="[UNK]", cls_token="[CLS]", sep_token="[SEP]",
                                   mask_token="[MASK]", model_max_length=bert.model_max_length)


def random_causal_lm(folder: Path, architecture: str, shape: dict, seed: int = 0) -> int:
    """Write a causal LM with random weights (``architecture`` "gpt2" or "llama", ``shape`` its
    config sizes) and :func:`causal_tokenizer` to ``folder``; returns the parameter count. The
    tiny starter and the bench's larger test models are built so."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM

    config_cls, model_cls = {"gpt2": (GPT2Config, GPT2LMHeadModel), "llama": (LlamaConfig, LlamaForCausalLM)}[architecture]
    tok = causal_tokenizer()
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
    tmp = target.with_name(f"{TINY_FOLDER}.tmp{os.getpid()}")
    random_causal_lm(tmp, "gpt2", TINY_GPT2)
    (tmp / "README.md").write_text("Tiny GPT-2 built from a config with random weights (seed 0) by "
                                   "Fine-Tune Studio: random weights, not pretrained. Tokenizer: "
                                   "all-MiniLM-L6-v2's vocabulary, [CLS] as BOS and [SEP] as EOS.\n")
    try:
        tmp.rename(target)
    except OSError:  # another process won the race
        import shutil
        shutil.rmtree(tmp, ignore_errors=True)
    return target
