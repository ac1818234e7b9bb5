"""What a causal LM trains on: TRL's own tokenization and labels, counted, checked and shown.

:func:`tokenize_split` runs TRL's ``SFTTrainer`` dataset preparation once with no truncation
and no dropping (on a throwaway one-layer model: tokenization does not depend on the model),
so the rows keep their order and every row gets TRL's ``input_ids`` and ``labels`` (-100 =
not trained). The studio then applies ``max_length`` itself, counts the trained tokens of
each row, and leaves out the rows that keep none (TRL would drop them silently without
packing and train them for nothing with it), reporting them; rows that lose the end of their
answer are flagged (their end-of-turn token is gone, so they never teach stopping). The Job
hands the kept ``input_ids`` + ``labels`` to SFTTrainer, which uses labels as they are: the
Tokenize tab, the alarms and the trainer all read the very same tokens.

:func:`token_view` shows one row token by token: id, text, special, trained or masked, the
role of the span (system, user, prompt, answer, text, template markup) and where truncation cut.
"""

from __future__ import annotations

import copy
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from ..config import RunConfig
from .chat import ANSWER_FORMATS, CHAT_FORMATS, DetectedFormat, row_messages
from .chat_templates import training_template
from .sources import DataError

IGNORE = -100

_CACHE: "OrderedDict[tuple, TokenizedSplit]" = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 6


def loss_flags(cfg: RunConfig, fmt: str) -> dict[str, bool]:
    """TRL's two switches for a format and the sft section. Prompt/completion and instruction
    rows (and conversations split at their last turn) use the completion mask; whole
    conversations use the assistant mask, which needs a template with generation markers."""
    s = cfg.sft
    chat_turns = fmt in CHAT_FORMATS and not s.last_turn_only
    if fmt in CHAT_FORMATS:
        return {"completion_only_loss": s.last_turn_only, "assistant_only_loss": chat_turns and s.assistant_only_loss}
    if fmt in ANSWER_FORMATS:
        return {"completion_only_loss": s.completion_only_loss, "assistant_only_loss": False}
    return {"completion_only_loss": False, "assistant_only_loss": False}


def training_tokenizer(tokenizer: Any, cfg: RunConfig, detected: DetectedFormat) -> tuple[Any, str | None]:
    """(a copy of the tokenizer carrying the template to train with, that template). The
    caller's tokenizer keeps the model's own template (it is what gets saved)."""
    if detected.format in ("text", "template"):
        return tokenizer, None
    flags = loss_flags(cfg, detected.format)
    if cfg.data.chat_template == "plain":
        return tokenizer, None
    template = training_template(tokenizer, cfg.data.chat_template, flags["assistant_only_loss"])
    tok = copy.deepcopy(tokenizer)
    tok.chat_template = template
    return tok, template


@dataclass
class TokenizedSplit:
    """One split as TRL tokenizes it, with what ``max_length`` does to each row."""

    dataset: Any                 # input_ids, labels: full length, in the rows' order
    max_length: int
    counts: list[int] = field(default_factory=list)   # trained tokens per row within max_length
    dropped: list[int] = field(default_factory=list)  # rows with no trained token left: left out
    answer_cut: list[int] = field(default_factory=list)  # kept rows whose answer loses its end

    @property
    def lengths(self) -> list[int]:
        return [len(ids) for ids in self.dataset["input_ids"]]

    def kept(self) -> Any:
        """The rows that train: input_ids + labels, cut to max_length."""
        ds = self.dataset.select_columns(["input_ids", "labels"])
        if self.dropped:
            drop = set(self.dropped)
            ds = ds.select([i for i in range(len(ds)) if i not in drop])
        n = self.max_length
        return ds.map(lambda r: {"input_ids": r["input_ids"][:n], "labels": r["labels"][:n]})

    def summary(self) -> dict[str, Any]:
        total = sum(min(n, self.max_length) for n in self.lengths)
        return {"rows": len(self.counts), "trained_tokens": sum(self.counts), "tokens": total,
                "dropped": len(self.dropped), "answer_cut": len(self.answer_cut),
                "trained_per_row": sum(self.counts) / max(len(self.counts), 1)}


def trained_counts(labels: list[list[int]], max_length: int) -> list[int]:
    """Trained tokens per row after keep-start truncation. The loss shifts labels by one, so
    position 0 never counts."""
    return [sum(1 for x in row[1:max_length] if x != IGNORE) for row in labels]


def answer_cut(labels: list[int], max_length: int) -> bool:
    """Whether truncation loses trained tokens (the end of an answer and its end-of-turn)."""
    return any(x != IGNORE for x in labels[max_length:])


def _probe_model(tokenizer: Any) -> Any:
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=8, intermediate_size=8, num_hidden_layers=1,
                         num_attention_heads=1, num_key_value_heads=1, max_position_embeddings=8,
                         pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id)
    with torch.random.fork_rng():
        return LlamaForCausalLM(config)


def trl_tokenize(tokenizer: Any, dataset: Any, completion_only_loss: bool, assistant_only_loss: bool) -> Any:
    """``dataset`` tokenized exactly as SFTTrainer does, without truncation or dropping."""
    import datasets
    from trl import SFTConfig, SFTTrainer

    datasets.disable_progress_bars()  # TRL maps the dataset several times, each with a bar
    with tempfile.TemporaryDirectory(prefix="fts-trl-") as out:
        args = SFTConfig(output_dir=out, max_length=None, packing=False, report_to="none", bf16=False, fp16=False,
                         use_cpu=True, activation_checkpointing=False, save_strategy="no", disable_tqdm=True,
                         completion_only_loss=completion_only_loss, assistant_only_loss=assistant_only_loss,
                         dataset_text_field="text")
        try:
            trainer = SFTTrainer(model=_probe_model(tokenizer), args=args, train_dataset=dataset,
                                 processing_class=tokenizer)
        except RuntimeError as exc:
            if "no assistant tokens" in str(exc):
                raise DataError("a conversation renders without any assistant tokens under this chat template, "
                                "so answer-only loss has nothing to train on; check the roles or set "
                                "sft.assistant_only_loss=false") from None
            raise
        return trainer.train_dataset.select_columns(["input_ids", "labels"])


def tokenize_split(tokenizer: Any, dataset: Any, cfg: RunConfig, detected: DetectedFormat) -> TokenizedSplit:
    """One prepared causal-LM split tokenized through TRL (cached), with the rows that
    ``max_length`` leaves untrained counted and flagged. ``tokenizer`` is the model's own; the
    training template is applied on a copy."""
    tok, template = training_tokenizer(tokenizer, cfg, detected)
    flags = loss_flags(cfg, detected.format)
    strip_eos = detected.format in ("text", "template") and not cfg.data.add_eos
    key = (getattr(dataset, "_fingerprint", id(dataset)), getattr(tokenizer, "name_or_path", ""), len(tokenizer),
           tokenizer.eos_token_id, template, tuple(sorted(flags.items())), strip_eos, cfg.data.max_length)
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    full = trl_tokenize(tok, dataset, **flags)
    if strip_eos:  # TRL always ends a text with EOS; data.add_eos=false takes it off again
        eos = tok.eos_token_id
        full = full.map(lambda r: {"input_ids": r["input_ids"][:-1], "labels": r["labels"][:-1]}
                        if r["input_ids"] and r["input_ids"][-1] == eos else r)
    n = cfg.data.max_length
    labels = list(full["labels"])
    counts = trained_counts(labels, n)
    dropped = [i for i, c in enumerate(counts) if c == 0]
    cut = [i for i, lab in enumerate(labels) if counts[i] > 0 and answer_cut(lab, n)]
    out = TokenizedSplit(full, n, counts, dropped, cut)
    with _CACHE_LOCK:
        _CACHE[key] = out
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return out


# --------------------------------------------------------------------------- one row, token by token
def _special_ids(tokenizer: Any) -> set[int]:
    ids = set(tokenizer.all_special_ids)
    for tid, added in getattr(tokenizer, "added_tokens_decoder", {}).items():
        if getattr(added, "special", False):
            ids.add(int(tid))
    return ids


def _content_spans(text: str, row: dict[str, Any]) -> list[tuple[int, int, str]]:
    """(start, end, role) of each message's content (or the prompt and answer strings) in
    the rendered text, found in order."""
    msgs = row_messages(row)
    spans: list[tuple[int, int, str]] = []
    if msgs is None:
        if "text" in row:
            return [(0, len(row["text"]), "text")]
        p = len(row["prompt"])
        return [(0, p, "prompt"), (p, p + len(row["completion"]), "answer")]
    cursor = 0
    for m in msgs:
        content = m["content"]
        if not content:
            continue
        at = text.find(content, cursor)
        if at < 0:
            continue
        role = {"assistant": "answer"}.get(m["role"], m["role"])
        spans.append((at, at + len(content), role))
        cursor = at + len(content)
    return spans


def _default_system_span(tokenizer: Any, template: str | None, row: dict[str, Any]) -> int:
    """Characters at the start that hold a system prompt the template added by itself (SmolLM2
    does so for every conversation without a system message); 0 if none."""
    msgs = row_messages(row)
    if not template or not msgs or msgs[0]["role"] == "system":
        return 0
    mark = "\u2063FTS\u2063"
    try:
        alone = tokenizer.apply_chat_template([{"role": "user", "content": mark}], tokenize=False,
                                              chat_template=template).split(mark)[0]
        given = tokenizer.apply_chat_template([{"role": "system", "content": "§"}, {"role": "user", "content": mark}],
                                              tokenize=False, chat_template=template).split(mark)[0]
    except Exception:
        return 0
    if "system" not in alone.lower():
        return 0
    common = 0  # the user turn's header is the common tail of both heads
    while common < min(len(alone), len(given)) and alone[-1 - common] == given[-1 - common]:
        common += 1
    return len(alone) - common


def token_view(tokenizer: Any, row: dict[str, Any], tokenized: dict[str, Any], max_length: int,
               template: str | None, limit: int = 600) -> dict[str, Any]:
    """One row, token by token, as training sees it.

    ``tokenizer``: the one the row was tokenized with (carrying ``template``); ``tokenized``:
    its TRL row (input_ids, labels). Each token: pos, id, text, special, trained (its label
    counts in the loss), kept (inside max_length) and role."""
    from .chat import render_text

    ids, labels = list(tokenized["input_ids"]), list(tokenized["labels"])
    special = _special_ids(tokenizer)
    roles = ["template"] * len(ids)
    try:
        text = render_text(tokenizer, row, template)
        chat = row_messages(row) is not None
        enc = tokenizer(text, add_special_tokens=not chat, return_offsets_mapping=True)
        offsets = enc["offset_mapping"] if list(enc["input_ids"]) == ids else None
    except Exception:  # a slow tokenizer has no offsets: roles fall back to trained / masked
        offsets = None
    if offsets is not None:
        spans = _content_spans(text, row)
        default_system = _default_system_span(tokenizer, template, row)
        for i, (a, b) in enumerate(offsets):
            if ids[i] in special:
                continue
            if b <= default_system:
                roles[i] = "system"
                continue
            for s, e, role in spans:
                if a < e and b > s:
                    roles[i] = role
                    break
    tokens = []
    for pos, (tid, lab) in enumerate(zip(ids, labels)):
        if pos >= limit:
            break
        trained = lab != IGNORE and 0 < pos < max_length
        role = roles[pos]
        if lab != IGNORE and role == "template":
            role = "answer"  # a trained closing token (<|im_end|>) belongs to the answer
        tokens.append({"pos": pos, "id": int(tid), "text": tokenizer.decode([int(tid)]),
                       "special": int(tid) in special, "trained": trained, "kept": pos < max_length,
                       "role": role})
    n_trained_full = sum(1 for x in labels[1:] if x != IGNORE)
    n_trained = sum(1 for x in labels[1:max_length] if x != IGNORE)
    return {"tokens": tokens, "n_tokens": len(ids), "n_kept": min(len(ids), max_length),
            "n_truncated": max(0, len(ids) - max_length), "n_trained": n_trained,
            "n_trained_cut": n_trained_full - n_trained, "max_length": max_length, "shown": len(tokens),
            "roles_known": offsets is not None}
