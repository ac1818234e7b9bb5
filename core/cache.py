"""The per-session preview cache: what the Data, Model, Tokenize and Method tabs load (the
table, tokenizer, prepared splits, token lengths, the un-adapted base model), keyed by
the config fields each depends on, so moving a slider never reloads a model."""
from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # heavy imports stay lazy
    import pandas as pd

from .config import RunConfig
from .data.sources import read_source
from .data.table import source_key


class PreviewCache:
    """Per-session memo of the expensive things the preview tabs need.

    Each slot holds one value and the key it was computed for; a different key replaces
    it. Thread-safe: a timer tick and a button click may run at the same time."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._slots: dict[str, tuple[Any, Any]] = {}

    def __deepcopy__(self, memo: dict) -> "PreviewCache":
        # A session's initial value is deep-copied by the web framework; a copy starts empty
        # (models are never duplicated, and locks cannot be copied).
        return PreviewCache()

    def clear(self) -> None:
        with self._lock:
            self._slots.clear()

    def _get(self, slot: str, key: Any, build: Any) -> Any:
        with self._lock:
            held = self._slots.get(slot)
            if held is not None and held[0] == key:
                return held[1]
            self._slots.pop(slot, None)  # free the old value before building the new one
            value = build()
            self._slots[slot] = (key, value)
            return value

    def peek(self, slot: str) -> Any:
        with self._lock:
            held = self._slots.get(slot)
            return held[1] if held else None

    # ---- the slots ------------------------------------------------------------------
    def table(self, cfg: RunConfig) -> "pd.DataFrame":
        return self._get("table", source_key(cfg), lambda: read_source(cfg.data))

    @staticmethod
    def _tokenizer_key(cfg: RunConfig) -> tuple:
        m = cfg.model
        return (m.name_or_path, m.task, m.revision, m.trust_remote_code)

    def tokenizer(self, cfg: RunConfig) -> Any:
        from .model.load import load_tokenizer

        return self._get("tokenizer", self._tokenizer_key(cfg), lambda: load_tokenizer(cfg))

    def loaded_tokenizer(self, cfg: RunConfig) -> Any:
        """The tokenizer for ``cfg``'s model if it is loaded already, else None (never loads)."""
        with self._lock:
            held = self._slots.get("tokenizer")
            return held[1] if held is not None and held[0] == self._tokenizer_key(cfg) else None

    def prepared(self, cfg: RunConfig) -> Any:
        """The cleaned, split data exactly as training will see it."""
        from .data.prepare import prepare

        raw = cfg.to_dict()
        key = (source_key(cfg), json.dumps(raw["data"], sort_keys=True), json.dumps(raw["sft"], sort_keys=True),
               cfg.model.task, cfg.train.seed, self._tokenizer_key(cfg))
        return self._get("prepared", key, lambda: prepare(cfg, self.tokenizer(cfg)))

    def lengths(self, cfg: RunConfig) -> list[int]:
        """Untruncated token lengths of the training split (a DPO pair: its longer side)."""
        from .train.estimate import example_lengths, is_dpo

        prepared = self.prepared(cfg)
        key = (id(prepared), self._tokenizer_key(cfg), cfg.data.add_eos, json.dumps(cfg.to_dict()["sft"]),
               cfg.data.chat_template, is_dpo(cfg))
        return self._get("lengths", key, lambda: example_lengths(cfg, self.tokenizer(cfg), prepared))

    def training_view(self, cfg: RunConfig) -> Any:
        """Causal LM: what the run will train on, token by token, with its alarms
        (core.data.inspect.training_view)."""
        from .data.inspect import training_view

        prepared = self.prepared(cfg)
        d = cfg.data
        key = (id(prepared), self._tokenizer_key(cfg), d.max_length, d.chat_template, d.add_eos, d.padding,
               json.dumps(cfg.to_dict()["sft"]))
        return self._get("training_view", key, lambda: training_view(cfg, self.tokenizer(cfg), prepared))

    def base_model(self, cfg: RunConfig, labels: list[str] | None) -> tuple[Any, Any]:
        """(model, ModelInfo) without the method applied: the Model and Method tabs' view."""
        from .model.load import load_base_model

        m = cfg.model
        key = (m.name_or_path, m.task, m.dtype, m.revision, m.trust_remote_code, m.attn_implementation,
               tuple(labels or ()))

        def build() -> tuple[Any, Any]:
            tok = self.tokenizer(cfg)
            return load_base_model(cfg, labels if m.task == "sequence-classification" else None, tok,
                                   max_length_check=False)

        return self._get("model", key, build)

    def loaded_model(self) -> tuple[Any, Any] | None:
        return self.peek("model")


def model_labels(cache: PreviewCache, cfg: RunConfig) -> list[str] | None:
    """Label names for loading a classification model: from the prepared training split
    (what the job uses), else None for causal LM."""
    if cfg.model.task != "sequence-classification":
        return None
    return list(cache.prepared(cfg).label_names or [])
