"""Tokenization and padding: how text becomes tokens and how batches get padded.

* :func:`encode_dataset` tokenizes a classification split with ``datasets.map(batched=True)``
  and keeps the result in a small in-process cache keyed by (data fingerprint, tokenizer,
  settings), so the preview tab, the estimator and the training job never tokenize twice.
  Causal-LM rows are tokenized by TRL instead (:mod:`core.data.labels`, with the labels).
* :func:`token_preview` shows one classification example token by token: ids, special
  tokens, the attention mask and where truncation cut (causal LM: ``labels.token_view``).
* :func:`train_lengths`, :func:`length_stats` and :func:`padding_comparison` measure how much
  of a batch is padding under each strategy: pad to max_length (the tutorials' recipe),
  dynamic padding per batch, dynamic padding with length-grouped batches, and padding-free
  packing for causal LM.
* :func:`make_collator` builds the collator a strategy uses. For causal LM it is TRL's, which
  pads the labels with -100 by position, never by id: with pad == eos (SmolLM2) masking by
  id would also mask every real end-of-turn token.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from ..config import RunConfig

STRATEGY_LABELS = {
    "max_length": "pad to max_length (tutorial recipe)",
    "dynamic": "dynamic padding per batch",
    "group_by_length": "dynamic + length-grouped batches",
    "packing": "padding-free packing",
}

_CACHE: "OrderedDict[tuple, Any]" = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 8


def effective_padding(cfg: RunConfig) -> str:
    """Resolve padding=auto: length-grouped batches for classification, packing for causal LM.
    A DPO run pads per batch whatever data.padding says: TRL's preference collator pads each
    batch's chosen and rejected rows to the longest of them."""
    if cfg.model.task == "causal-lm" and cfg.train.objective == "dpo":
        return "dynamic"
    if cfg.data.padding != "auto":
        return cfg.data.padding
    return "packing" if cfg.model.task == "causal-lm" else "group_by_length"


# --------------------------------------------------------------------------- encoding
def encode_batch(batch: dict[str, list], tokenizer: Any, max_length: int, pad_to_max: bool) -> dict[str, list]:
    """The ``datasets.map`` function for classification: standard columns in, model inputs out."""
    pairs = batch.get("text_pair")
    enc = tokenizer(batch["text"], pairs, truncation=True, max_length=max_length,
                    padding="max_length" if pad_to_max else False)
    enc["length"] = [sum(m) for m in enc["attention_mask"]]
    return dict(enc)


def encode_dataset(ds: Any, tokenizer: Any, cfg: RunConfig) -> Any:
    """Tokenize one classification split (cached)."""
    pad_to_max = effective_padding(cfg) == "max_length"
    key = (getattr(ds, "_fingerprint", id(ds)), getattr(tokenizer, "name_or_path", ""), len(tokenizer),
           tokenizer.pad_token_id, cfg.data.max_length, pad_to_max)
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    out = ds.map(encode_batch, batched=True, remove_columns=[c for c in ds.column_names if c != "label"],
                 fn_kwargs=dict(tokenizer=tokenizer, max_length=cfg.data.max_length, pad_to_max=pad_to_max),
                 desc="Tokenizing")
    if "label" in out.column_names:
        out = out.rename_column("label", "labels")
    with _CACHE_LOCK:
        _CACHE[key] = out
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return out


def cache_info() -> int:
    return len(_CACHE)


def train_lengths(prepared: Any, tokenizer: Any, cfg: RunConfig) -> list[int]:
    """Untruncated token lengths of every training example (for statistics): TRL's tokens for
    causal LM (a preference pair: prompt + its longer answer), the encoder's for classification."""
    if prepared.detected is not None and prepared.detected.format == "preference":
        from .pairs import pair_lengths  # a DPO pair: its longer side, prompt included

        return [max(pair_lengths(tokenizer, row)[1:]) for row in prepared.train]
    if cfg.model.task == "causal-lm":
        from .labels import tokenize_split

        return tokenize_split(tokenizer, prepared.train, cfg, prepared.detected).lengths
    big = cfg.replace(data={"max_length": 131072, "padding": "dynamic"})
    return list(encode_dataset(prepared.train, tokenizer, big)["length"])


# --------------------------------------------------------------------------- preview
def token_preview(tokenizer: Any, text: str, text_pair: str | None, cfg: RunConfig) -> dict[str, Any]:
    """One classification example, token by token, with the truncation point marked."""
    max_length = cfg.data.max_length
    full = tokenizer(text, text_pair or None, truncation=False)["input_ids"]
    kept = tokenizer(text, text_pair or None, truncation=True, max_length=max_length)["input_ids"]
    special = set(tokenizer.all_special_ids)
    tokens = []
    for pos, tid in enumerate(kept):
        tokens.append({"pos": pos, "id": int(tid), "token": tokenizer.convert_ids_to_tokens(int(tid)),
                       "special": tid in special, "kept": True})
    n_dropped = max(0, len(full) - len(kept))
    if n_dropped:
        # Truncation keeps closing special tokens ([SEP]); what was cut is the text tail.
        tail = [t for t in full[len(kept) - 1:] if t not in special]
        for i, tid in enumerate(tail[:50]):
            tokens.append({"pos": len(kept) + i, "id": int(tid), "token": tokenizer.convert_ids_to_tokens(int(tid)),
                           "special": False, "kept": False})
    return {"tokens": tokens, "n_tokens": len(full), "n_kept": len(kept), "n_truncated": n_dropped,
            "attention_mask": [1] * len(kept), "max_length": max_length}


# --------------------------------------------------------------------------- statistics
def length_stats(lengths: list[int], max_length: int, bins: int = 30) -> dict[str, Any]:
    import numpy as np

    a = np.asarray(lengths, dtype=float)
    if a.size == 0:
        return {"count": 0}
    counts, edges = np.histogram(a, bins=bins)
    pct = {f"p{q}": float(np.percentile(a, q)) for q in (50, 90, 95, 99)}
    return {"count": int(a.size), "mean": float(a.mean()), "min": int(a.min()), "max": int(a.max()), **pct,
            "share_truncated": float((a > max_length).mean()), "max_length": max_length,
            "hist_counts": counts.tolist(), "hist_edges": edges.tolist()}


def batch_order(lengths: list[int], batch_size: int, strategy: str, seed: int) -> list[list[int]]:
    """Index batches as the Trainer's sampler would form them for one epoch."""
    import torch

    n = len(lengths)
    g = torch.Generator()
    g.manual_seed(seed)
    if strategy == "group_by_length":
        from transformers.trainer_pt_utils import LengthGroupedSampler

        order = list(LengthGroupedSampler(batch_size, lengths=list(lengths), generator=g))
    else:
        order = torch.randperm(n, generator=g).tolist()
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


def padding_comparison(lengths: list[int], batch_size: int, max_length: int, seed: int = 42,
                       task: str = "sequence-classification") -> list[dict[str, Any]]:
    """Total / real / pad tokens per strategy for one epoch at ``batch_size``."""
    clipped = [min(int(x), max_length) for x in lengths]
    real = sum(clipped)
    rows = []
    strategies = ["max_length", "dynamic", "group_by_length"] + (["packing"] if task == "causal-lm" else [])
    for s in strategies:
        if s == "max_length":
            total = len(clipped) * max_length
        elif s == "packing":
            total = real
        else:
            total = sum(max(clipped[i] for i in b) * len(b) for b in batch_order(clipped, batch_size, s, seed))
        rows.append({"strategy": s, "label": STRATEGY_LABELS[s], "total_tokens": total, "real_tokens": real,
                     "pad_tokens": total - real, "pad_fraction": (total - real) / total if total else 0.0})
    return rows


def batch_grid(lengths: list[int], batch_size: int, max_length: int, strategy: str, seed: int = 42,
               batch_index: int = 0) -> list[list[int]]:
    """One batch as rows of 1 (real token) / 0 (padding), as the model sees it."""
    clipped = [min(int(x), max_length) for x in lengths]
    if strategy == "packing":
        batch = batch_order(clipped, batch_size, "dynamic", seed)[batch_index]
        return [[1] * sum(clipped[i] for i in batch)]
    batch = batch_order(clipped, batch_size, "dynamic" if strategy == "max_length" else strategy, seed)[batch_index]
    width = max_length if strategy == "max_length" else max(clipped[i] for i in batch)
    return [[1] * clipped[i] + [0] * (width - clipped[i]) for i in batch]


# --------------------------------------------------------------------------- collators
def make_collator(tokenizer: Any, cfg: RunConfig) -> Any:
    """The collator a run's batches go through: TRL's for causal LM, configured as SFTTrainer
    configures it for the padding strategy (its labels are padded with -100 by position, so
    an end-of-turn token that doubles as the pad token keeps its label); dynamic padding for
    classification."""
    if cfg.model.task == "causal-lm":
        from trl.trainer.sft_trainer import DataCollatorForLanguageModeling

        strategy = effective_padding(cfg)
        return DataCollatorForLanguageModeling(
            pad_token_id=tokenizer.pad_token_id, padding_free=strategy == "packing",
            pad_to_multiple_of=cfg.data.max_length if strategy == "max_length" else None)
    from transformers import DataCollatorWithPadding

    return DataCollatorWithPadding(tokenizer)
