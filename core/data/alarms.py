"""Alarms before training: what would make a causal-LM run learn the wrong thing.

The three failures peers' trackers are full of are the prompt being trained on, a model that
never stops because its end-of-turn token was masked as padding, and a chat template at
training that differs from the one at inference. Each check here is a pure function over the
tokenized data (:class:`core.data.labels.TokenizedSplit`), the tokenizer and the config, and
returns an :class:`Alarm` (or None) whose message says in plain words what is wrong and whose
``fix`` says what to change. The Tokenize & pad tab shows them, and the Train tab's plan again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from ..config import RunConfig
from .chat import CHAT_FORMATS, row_messages
from .labels import IGNORE, TokenizedSplit


@dataclass(frozen=True)
class Alarm:
    kind: str                                  # a stable name, for tests and the UI
    level: Literal["error", "warn", "info"]
    message: str
    fix: str

    def line(self) -> str:
        return f"{self.message} Fix: {self.fix}"


def untrained_rows(split: TokenizedSplit) -> Alarm | None:
    """Rows whose every trained token lies past max_length: they are left out of training."""
    if not split.dropped:
        return None
    n, rows = len(split.dropped), ", ".join(str(i) for i in split.dropped[:8])
    return Alarm("untrained-rows", "warn",
                 f"{n} of {len(split.counts)} rows have no trained token within max_length {split.max_length} "
                 f"(their answer starts after the cut; rows {rows}{' …' if n > 8 else ''}); they are counted and left "
                 "out of training.",
                 "raise data.max_length, or shorten the prompts (a long system prompt counts too)")


def answers_cut(split: TokenizedSplit) -> Alarm | None:
    if not split.answer_cut:
        return None
    n = len(split.answer_cut)
    return Alarm("answer-cut", "warn",
                 f"{n} rows lose the end of their answer to max_length {split.max_length}: their end-of-turn token "
                 "is cut, so they never show the model where to stop.",
                 "raise data.max_length")


def end_of_turn_never_trained(split: TokenizedSplit, tokenizer: Any) -> Alarm | None:
    """The end-of-sequence / end-of-turn token never carries a label: the model never learns to stop."""
    eos = tokenizer.eos_token_id
    if eos is None or not split.counts:
        return None
    n = split.max_length
    for labels in split.dataset["labels"]:
        if eos in labels[1:n]:
            return None
    return Alarm("eos-never-trained", "error",
                 f"the end-of-turn token {tokenizer.eos_token!r} is never trained: the model will not learn to stop "
                 "and will ramble until max_new_tokens.",
                 "use a chat template whose assistant turns include the end-of-turn token, keep data.add_eos on, "
                 "or raise data.max_length so answers end inside it")


def stop_token_marked(tokenizer: Any, template: str | None, fmt: str, assistant_masks: bool) -> Alarm | None:
    """TRL's check that the template's assistant mask covers the end-of-turn token."""
    if fmt not in CHAT_FORMATS or not assistant_masks or not template:
        return None
    from trl.chat_template_utils import is_chat_template_stop_token_trained

    try:
        ok = is_chat_template_stop_token_trained(tokenizer, chat_template=template)
    except Exception:  # the check renders a sample conversation; a strict template may refuse it
        return None
    if ok:
        return None
    return Alarm("stop-token-unmarked", "error",
                 "the chat template marks the assistant's words but not the end-of-turn token after them, so the "
                 "model never learns to end its turn.",
                 "use a training template whose {% generation %} block includes the end-of-turn token")


def doubled_bos(split: TokenizedSplit, tokenizer: Any) -> Alarm | None:
    bos = tokenizer.bos_token_id
    if bos is None:
        return None
    rows = [i for i, ids in enumerate(split.dataset["input_ids"]) if len(ids) > 1 and ids[0] == ids[1] == bos]
    if not rows:
        return None
    return Alarm("doubled-bos", "warn",
                 f"{len(rows)} rows start with two {tokenizer.bos_token!r} tokens: the chat template writes one and "
                 "the tokenizer adds another, a start the model never saw in pretraining.",
                 "remove the BOS from the template or the tokenizer's post-processor")


def doubled_eos(split: TokenizedSplit, tokenizer: Any) -> Alarm | None:
    eos = tokenizer.eos_token_id
    if eos is None:
        return None
    rows = [i for i, ids in enumerate(split.dataset["input_ids"]) if len(ids) > 1 and ids[-1] == ids[-2] == eos]
    if not rows:
        return None
    return Alarm("doubled-eos", "warn",
                 f"{len(rows)} rows end with two {tokenizer.eos_token!r} tokens (the tokenizer adds one and the "
                 "trainer appends another).",
                 "remove the end-of-sequence token from the tokenizer's post-processor")


def template_differs(tokenizer: Any, template: str | None, cfg: RunConfig, conversations: list[list[dict]]) \
        -> Alarm | None:
    """The layout trained on differs from the model's own chat template (used at inference)."""
    from .chat_templates import template_differences

    own = getattr(tokenizer, "chat_template", None)
    if not own or not conversations:
        return None
    if cfg.data.chat_template != "model":
        return Alarm("template-differs", "warn",
                     f"this model has a chat template of its own, but data.chat_template is {cfg.data.chat_template}: "
                     "it trains on a layout that differs from the one chat tools will use with it.",
                     "set data.chat_template=model, or use the same layout when you prompt the fine-tuned model")
    if template is None or template == own:
        return None
    diff = template_differences(tokenizer, template, conversations[:4])
    if not diff:
        return None
    return Alarm("template-differs", "error",
                 "the template used for training renders these conversations differently from the model's own "
                 f"chat template, which inference will use ({diff[0][:160]}…).",
                 "train with the model's own template (data.chat_template=model)")


def unseen_template(tokenizer: Any, cfg: RunConfig, fmt: str) -> Alarm | None:
    """A model without a chat template (a base model) given ChatML it never saw."""
    if cfg.data.chat_template != "chatml" or getattr(tokenizer, "chat_template", None) or fmt in ("text", "template"):
        return None
    pieces = len(tokenizer("<|im_start|>", add_special_tokens=False)["input_ids"])
    split = (f" '<|im_start|>' is not one token in its vocabulary but {pieces} pieces." if pieces > 1 else "")
    return Alarm("unseen-template", "warn",
                 "this is a base model without a chat template: it never saw the ChatML markers it is given now, "
                 f"so it has to learn them from your data (expect more steps before answers look right).{split}",
                 "start from an instruct model that has a chat template, or train longer; prompt the result with "
                 "the same ChatML layout")


def collator_masks_by_id(collator: Any, tokenizer: Any) -> Alarm | None:
    """pad == eos and a collator that masks labels by token id would mask every end-of-turn."""
    eos, pad = tokenizer.eos_token_id, tokenizer.pad_token_id
    if collator is None or eos is None or pad != eos:
        return None
    word = next(i for i in range(10, 1000) if i not in (eos, pad, tokenizer.bos_token_id))
    rows = [{"input_ids": [word, word, eos], "labels": [IGNORE, word, eos], "attention_mask": [1, 1, 1]},
            {"input_ids": [word], "labels": [IGNORE], "attention_mask": [1]}]
    try:
        batch = collator(rows)
    except Exception:  # a collator for another data shape: nothing to say
        return None
    labels = batch["labels"].reshape(-1).tolist()
    if eos in labels:
        return None
    return Alarm("collator-masks-eos", "error",
                 f"pad == eos ({tokenizer.eos_token!r}) and the batch collator masks labels by token id, so every "
                 "end-of-turn token is masked as if it were padding: the model never learns to stop.",
                 "use a collator that masks padding by position (attention mask), as the studio's own do")


def check_split(split: TokenizedSplit, tokenizer: Any, train_tokenizer: Any, template: str | None,
                cfg: RunConfig, fmt: str, rows: Any, collator: Any = None) -> list[Alarm]:
    """Every alarm for one tokenized training split, errors first."""
    from .labels import loss_flags

    flags = loss_flags(cfg, fmt)
    conversations = [m for m in (row_messages(r) for r in list(rows)[:4]) if m]
    found = [untrained_rows(split), answers_cut(split), end_of_turn_never_trained(split, tokenizer),
             stop_token_marked(train_tokenizer, template, fmt, flags["assistant_only_loss"]),
             doubled_bos(split, tokenizer), doubled_eos(split, tokenizer),
             template_differs(tokenizer, template, cfg, conversations), unseen_template(tokenizer, cfg, fmt),
             collator_masks_by_id(collator, tokenizer)]
    order = {"error": 0, "warn": 1, "info": 2}
    return sorted((a for a in found if a is not None), key=lambda a: order[a.level])
