"""One preference pair as the Data tab shows it: the prompt, and the chosen and the rejected
answer side by side, rendered as DPO training sees them when the model's tokenizer is at hand.

TRL's DPOTrainer renders a conversational pair as ``apply_chat_template(prompt,
add_generation_prompt=True)`` for the prompt and ``apply_chat_template(prompt + answer)`` for
each side, the answer being what the second adds to the first (:func:`pair_lengths` counts
tokens that way for core.train.dpo and the length statistics); plain-string pairs (``data.chat_template: plain``) are the strings,
each answer ending with the end-of-sequence token TRL appends. Without a tokenizer the three
texts are shown as the file has them. Rows are the table's rows, in file order; a row DPO
would drop (an empty side, identical answers) says so instead of showing nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..config import RunConfig
from .chat import detect_format, preference_row
from .sources import DataError

if TYPE_CHECKING:  # heavy imports stay lazy
    import pandas as pd


@dataclass(frozen=True)
class PairView:
    index: int          # 0-based row of the table
    n_rows: int
    prompt: str
    chosen: str
    rejected: str
    rendered: bool      # laid out by the tokenizer (chat template, special tokens) or the raw texts
    tokens: tuple[int, int, int] | None = None  # prompt, chosen, rejected tokens (rendered only)
    max_length: int = 0
    note: str = ""      # why the pair is shown raw, or that training leaves it out

    def cut(self) -> list[str]:
        """The sides that prompt + answer would not fit into max_length (TRL cuts their end)."""
        if self.tokens is None or not self.max_length:
            return []
        p, c, r = self.tokens
        return [side for side, n in (("chosen", c), ("rejected", r)) if p + n > self.max_length]


def is_pairs(df: "pd.DataFrame", cfg: RunConfig) -> bool:
    """Whether the table holds preference pairs (prompt/chosen/rejected, or chosen/rejected chats)."""
    try:
        return detect_format(df, cfg.data, "dpo").format == "preference"
    except DataError:
        return False


def _contents(side: Any) -> str:
    if isinstance(side, list):
        return "\n".join(f"{m['role']}: {m['content']}" if m["role"] != "assistant" else m["content"] for m in side)
    return str(side)


def _render(tokenizer: Any, row: dict[str, Any], template: str | None) -> tuple[str, str, str, tuple[int, int, int]]:
    if isinstance(row["prompt"], list):
        kw = {"chat_template": template} if template else {}
        prompt = tokenizer.apply_chat_template(row["prompt"], tokenize=False, add_generation_prompt=True, **kw)
        n_prompt = len(tokenizer(prompt, add_special_tokens=False)["input_ids"])
        sides = []
        for side in ("chosen", "rejected"):
            full = tokenizer.apply_chat_template(row["prompt"] + row[side], tokenize=False, **kw)
            text = full[len(prompt):] if full.startswith(prompt) else full
            sides.append((text, len(tokenizer(full, add_special_tokens=False)["input_ids"]) - n_prompt))
    else:
        eos = tokenizer.eos_token or ""
        prompt = row["prompt"]
        n_prompt = len(tokenizer(prompt)["input_ids"])
        sides = []
        for side in ("chosen", "rejected"):
            text = row[side] if row[side].endswith(eos) else row[side] + eos
            sides.append((text, len(tokenizer(prompt + text)["input_ids"]) - n_prompt))
    (c, nc), (r, nr) = sides
    return prompt, c, r, (n_prompt, nc, nr)


def pair_view(cfg: RunConfig, df: "pd.DataFrame", index: int, tokenizer: Any = None) -> PairView:
    """Row ``index`` (clamped to the table) of a preference table as one pair. Raises
    DataError when the table holds no pairs."""
    detected = detect_format(df, cfg.data, "dpo")
    n = len(df)
    if n == 0:
        raise DataError("the table has no rows")
    i = max(0, min(int(index), n - 1))
    record = df.iloc[i].to_dict()
    row = preference_row(record, detected.columns, cfg.data, where=f"row {i + 1}")
    if row is None:
        raw = {k: _contents(record.get(c, "")) for k, c in (("prompt", detected.columns.get("prompt", "")),
                                                           ("chosen", detected.columns["chosen"]),
                                                           ("rejected", detected.columns["rejected"]))}
        return PairView(i, n, raw["prompt"], raw["chosen"], raw["rejected"], False, max_length=cfg.data.max_length,
                        note="training leaves this pair out: a side is empty, or both answers are the same")
    return render_pair(cfg, row, tokenizer, i, n)


def render_pair(cfg: RunConfig, row: dict[str, Any], tokenizer: Any, index: int, n_rows: int) -> PairView:
    """A prepared pair (core.data.chat.preference_row) laid out by ``tokenizer`` (None: as it is)."""
    from dataclasses import replace

    from .chat_templates import layout_template

    raw = PairView(index, n_rows, _contents(row["prompt"]), _contents(row["chosen"]), _contents(row["rejected"]),
                   False, max_length=cfg.data.max_length)
    if tokenizer is None:
        return replace(raw, note="the texts as the file has them: load the model to see them laid out by its chat "
                                 "template, as DPO trains on them")
    try:
        template = layout_template(tokenizer, cfg.data.chat_template) if isinstance(row["prompt"], list) else None
        prompt, chosen, rejected, tokens = _render(tokenizer, row, template)
    except DataError as exc:
        return replace(raw, note=str(exc))
    except Exception as exc:  # a tokenizer's chat template can fail in many ways
        return replace(raw, note=f"could not render the pair: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
    return PairView(index, n_rows, prompt, chosen, rejected, True, tokens, cfg.data.max_length)


def pair_lengths(tokenizer: Any, row: dict[str, Any]) -> tuple[int, int, int]:
    """(prompt, prompt + chosen, prompt + rejected) tokens of a prepared pair, rendered as TRL
    renders it with the tokenizer's own chat template (or the raw strings and EOS)."""
    if isinstance(row["prompt"], list):
        def ids(messages: list[dict], **kw: Any) -> int:
            return len(tokenizer.apply_chat_template(messages, tokenize=True, return_dict=True, **kw)["input_ids"])

        return (ids(row["prompt"], add_generation_prompt=True), ids(row["prompt"] + row["chosen"]),
                ids(row["prompt"] + row["rejected"]))
    eos = tokenizer.eos_token or ""
    n = (lambda text: len(tokenizer(text)["input_ids"]))  # noqa: E731
    return n(row["prompt"]), n(row["prompt"] + row["chosen"] + eos), n(row["prompt"] + row["rejected"] + eos)
