"""What a causal-LM run will train on, in one object: TRL's tokens and labels for the training
split (:mod:`core.data.labels`), the tokenizer and template it trains with, and the alarms
(:mod:`core.data.alarms`). The Job builds its trainer from it; the Tokenize & pad tab and the
Train tab's plan show it, so what they show is what trains."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..config import RunConfig
from .alarms import Alarm, check_split
from .labels import TokenizedSplit, loss_flags, token_view, tokenize_split, training_tokenizer


@dataclass
class TrainingView:
    split: TokenizedSplit        # the training rows as TRL tokenizes them
    tokenizer: Any               # the copy that carries the training template
    template: str | None         # the chat template trained with (None: plain strings)
    fmt: str                     # the data format (core.data.chat)
    flags: dict[str, bool]       # TRL's completion_only_loss / assistant_only_loss
    alarms: list[Alarm] = field(default_factory=list)

    def row(self, rows: Any, index: int) -> dict[str, Any]:
        """One training row token by token (core.data.labels.token_view), clamped to the split."""
        i = max(0, min(int(index), len(self.split.counts) - 1))
        view = token_view(self.tokenizer, rows[i], self.split.dataset[i], self.split.max_length, self.template)
        return {**view, "index": i, "dropped": i in self.split.dropped, "answer_cut": i in self.split.answer_cut}


def training_view(cfg: RunConfig, tokenizer: Any, prepared: Any, collator: Any = None) -> TrainingView:
    """The training split of ``prepared`` as a run of ``cfg`` will train on it, with its alarms.
    ``collator``: the batch collator to check (default: the studio's own for the strategy)."""
    from .tokenize import make_collator

    detected = prepared.detected
    train_tok, template = training_tokenizer(tokenizer, cfg, detected)
    split = tokenize_split(tokenizer, prepared.train, cfg, detected)
    collator = collator if collator is not None else make_collator(tokenizer, cfg)
    alarms = check_split(split, tokenizer, train_tok, template, cfg, detected.format, prepared.train, collator)
    return TrainingView(split, train_tok, template, detected.format, loss_flags(cfg, detected.format), alarms)
