"""Tokenization and padding: how text becomes tokens and how batches get padded.

* :func:`encode_dataset` tokenizes a split with ``datasets.map(batched=True)`` and keeps
  the result in a small in-process cache keyed by (data fingerprint, tokenizer, settings),
  so the preview tab, the estimator and the training job never tokenize twice.
* :func:`token_preview` shows one example token by token: ids, special tokens, the
  attention mask and where truncation cut.
* :func:`length_stats` and :func:`padding_comparison` measure how much of a batch is
  padding under each strategy: pad to max_length (the tutorials' recipe), dynamic
  padding per batch, dynamic padding with length-grouped batches, and padding-free
  packing for causal LM.
* :func:`make_collator` builds the collator the Trainer uses for a strategy.

Causal LM examples are encoded as: the tokenizer's own special tokens, minus a trailing
end-of-sequence token, cut to ``max_length``, then EOS appended when the text was not
truncated (so the model learns to stop only where a text really ends).
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
    """Resolve padding=auto: length-grouped batches for classification, packing for causal LM."""
    if cfg.data.padding != "auto":
        return cfg.data.padding
    return "packing" if cfg.model.task == "causal-lm" else "group_by_length"


# --------------------------------------------------------------------------- encoding
def encode_causal_ids(tokenizer: Any, texts: list[str], max_length: int, add_eos: bool) -> list[list[int]]:
    eos = tokenizer.eos_token_id
    out = []
    for ids in tokenizer(texts, add_special_tokens=True)["input_ids"]:
        if eos is not None and ids and ids[-1] == eos:
            ids = ids[:-1]
        if add_eos and eos is not None and len(ids) < max_length:
            ids = ids + [eos]
        out.append(ids[:max_length])
    return out


def encode_batch(batch: dict[str, list], tokenizer: Any, task: str, max_length: int,
                 pad_to_max: bool, add_eos: bool) -> dict[str, list]:
    """The ``datasets.map`` function: standard columns in, model inputs out."""
    if task == "causal-lm":
        ids = encode_causal_ids(tokenizer, batch["text"], max_length, add_eos)
        if pad_to_max:
            pad = tokenizer.pad_token_id
            return {"input_ids": [i + [pad] * (max_length - len(i)) for i in ids],
                    "attention_mask": [[1] * len(i) + [0] * (max_length - len(i)) for i in ids],
                    "length": [len(i) for i in ids]}
        return {"input_ids": ids, "attention_mask": [[1] * len(i) for i in ids], "length": [len(i) for i in ids]}
    pairs = batch.get("text_pair")
    enc = tokenizer(batch["text"], pairs, truncation=True, max_length=max_length,
                    padding="max_length" if pad_to_max else False)
    enc["length"] = [sum(m) for m in enc["attention_mask"]]
    return dict(enc)


def encode_dataset(ds: Any, tokenizer: Any, cfg: RunConfig) -> Any:
    """Tokenize one split (cached)."""
    pad_to_max = effective_padding(cfg) == "max_length"
    key = (getattr(ds, "_fingerprint", id(ds)), getattr(tokenizer, "name_or_path", ""), len(tokenizer),
           tokenizer.eos_token_id, tokenizer.pad_token_id, cfg.model.task, cfg.data.max_length, pad_to_max,
           cfg.data.add_eos)
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    out = ds.map(encode_batch, batched=True, remove_columns=[c for c in ds.column_names if c != "label"],
                 fn_kwargs=dict(tokenizer=tokenizer, task=cfg.model.task, max_length=cfg.data.max_length,
                                pad_to_max=pad_to_max, add_eos=cfg.data.add_eos),
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


def lengths_of(ds: Any, tokenizer: Any, cfg: RunConfig) -> list[int]:
    """Untruncated token lengths of every example (for statistics)."""
    big = cfg.replace(data={"max_length": 131072})
    tok = encode_dataset(ds, tokenizer, big.replace(data={"padding": "dynamic"}))
    return list(tok["length"])


# --------------------------------------------------------------------------- preview
def token_preview(tokenizer: Any, text: str, text_pair: str | None, cfg: RunConfig) -> dict[str, Any]:
    """One example, token by token, with the truncation point marked."""
    max_length = cfg.data.max_length
    if cfg.model.task == "causal-lm":
        full = encode_causal_ids(tokenizer, [text], 10**9, cfg.data.add_eos)[0]
        kept = encode_causal_ids(tokenizer, [text], max_length, cfg.data.add_eos)[0]
    else:
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
        tail = [t for t in full[len(kept) - 1:] if t not in special] if cfg.model.task != "causal-lm" \
            else full[len(kept):]
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
class CausalPadCollator:
    """Pad a causal-LM batch and mask the padding out of the labels (by attention mask,
    so an EOS that doubles as the pad token is still learned)."""

    def __init__(self, tokenizer: Any, pad_to_multiple_of: int | None = None):
        self.tokenizer = tokenizer
        self.pad_to_multiple_of = pad_to_multiple_of

    def __call__(self, features: list[dict[str, Any]]) -> dict[str, Any]:
        feats = [{"input_ids": f["input_ids"], "attention_mask": f["attention_mask"]} for f in features]
        batch = self.tokenizer.pad(feats, padding=True, pad_to_multiple_of=self.pad_to_multiple_of,
                                   return_tensors="pt")
        batch["labels"] = batch["input_ids"].masked_fill(batch["attention_mask"] == 0, -100)
        return batch


def make_collator(tokenizer: Any, cfg: RunConfig) -> Any:
    strategy = effective_padding(cfg)
    if cfg.model.task == "causal-lm":
        if strategy == "packing":
            from transformers import DataCollatorWithFlattening

            # Concatenates the batch into one row with restarting position_ids; the model
            # must run with use_cache=False so attention stays inside each sequence.
            return DataCollatorWithFlattening(return_position_ids=True, separator_id=-100)
        return CausalPadCollator(tokenizer)
    from transformers import DataCollatorWithPadding

    return DataCollatorWithPadding(tokenizer)
