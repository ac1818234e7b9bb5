"""The Data tab's view of a source, computed without starting a run: row count, columns,
the first rows, column roles, label counts and (causal LM) the template in force with one
rendered row. Role problems are reported, not raised, so the user can fix them in place."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # heavy imports stay lazy
    import pandas as pd

import dataclasses

from ..config import RunConfig
from .chat import detect_format, render_text, row_messages, sft_row
from .formats import render_template
from .prepare import MIN_ROWS
from .roles import MAX_CLASSES, ColumnRoles, detect_roles, label_counts
from .sources import DataError

PREVIEW_ROWS = 8


@dataclass
class TablePreview:
    """What the Data tab shows about a source."""

    source: str
    n_rows: int
    columns: list[str]
    head: "pd.DataFrame"
    roles: ColumnRoles
    roles_error: str = ""
    label_counts: dict[str, int] = field(default_factory=dict)
    prompt_format: str = "text"
    template: str = ""
    rendered: str = ""
    template_error: str = ""

    @property
    def summary(self) -> str:
        cols = ", ".join(self.columns)
        return f"{self.n_rows:,} rows · {len(self.columns)} columns ({cols}) · from {self.source}"


def source_name(cfg: RunConfig) -> str:
    d = cfg.data
    if d.hub_dataset.strip():
        return f"hub:{d.hub_dataset.strip()}" + (f"/{d.hub_config.strip()}" if d.hub_config.strip() else "") \
            + f" [{d.hub_split.strip() or 'train'}]"
    return Path(d.path).name


def source_key(cfg: RunConfig) -> tuple:
    """Identifies the training table: the file (and its modification time) or the Hub split."""
    from .sources import resolve_data_path

    d = cfg.data
    if d.hub_dataset.strip():
        return ("hub", d.hub_dataset.strip(), d.hub_config.strip(), d.hub_split.strip())
    p = resolve_data_path(d.path) if d.path.strip() else Path("")
    try:
        mtime = p.stat().st_mtime_ns
    except OSError:
        mtime = 0
    return ("file", str(p), mtime)


def table_preview(cfg: RunConfig, df: "pd.DataFrame", tokenizer: Any = None) -> TablePreview:
    """Roles, label counts and (causal LM) template for a table already read."""
    task = cfg.model.task
    columns = [str(c) for c in df.columns]
    preview = TablePreview(source=source_name(cfg), n_rows=len(df), columns=columns,
                           head=df.head(PREVIEW_ROWS), roles=ColumnRoles(text=""))
    try:
        preview.roles = detect_roles(df, cfg.data, task)
    except DataError as exc:
        preview.roles_error = str(exc)
        try:  # keep whatever else can be found so the dropdowns are useful
            blank = dataclasses.replace(cfg.data, label_column="", text_column="", text_pair_column="")
            preview.roles = detect_roles(df, blank, "causal-lm")
        except DataError:
            pass
    if len(df) < MIN_ROWS:  # said beside the roles, as a run would refuse it
        few = f"only {len(df)} row{'' if len(df) == 1 else 's'}: a run needs at least {MIN_ROWS}"
        preview.roles_error = f"{preview.roles_error}; {few}" if preview.roles_error else few
    if task == "sequence-classification":
        preview.label_counts = label_counts(df, preview.roles.label)
        if len(preview.label_counts) > MAX_CLASSES and not preview.roles_error:
            preview.roles_error = (f"label column {preview.roles.label!r} has {len(preview.label_counts):,} distinct "
                                   f"values (limit {MAX_CLASSES}): it looks like free text, not class labels. "
                                   "Choose another label column")
        return preview
    try:
        preview.prompt_format = detect_format(df, cfg.data, cfg.train.objective).format
    except DataError as exc:
        preview.template_error = str(exc)
        return preview
    preview.template = cfg.data.template if preview.prompt_format == "template" else ""
    preview.rendered, preview.template_error = render_first(cfg, df, tokenizer)
    return preview


def needs_tokenizer(cfg: RunConfig, fmt: str) -> bool:
    """Whether rendering a row of this format needs the model's tokenizer (its chat template)."""
    return fmt in ("sharegpt", "messages") or (fmt in ("prompt_completion", "instruction")
                                               and cfg.data.chat_template != "plain")


def render_first(cfg: RunConfig, df: "pd.DataFrame", tokenizer: Any = None, row: int = 0) -> tuple[str, str]:
    """(one real row exactly as the model sees it in training, error message) for causal LM:
    the chat template applied, special tokens written out (a BOS the tokenizer adds, the
    end-of-turn and end-of-sequence tokens)."""
    from .chat_templates import layout_template

    if len(df) == 0:
        return "", "the table has no rows"
    try:
        detected = detect_format(df, cfg.data, cfg.train.objective)
        i = min(row, len(df) - 1)
        fill = (lambda r: render_template(cfg.data.template, r)) if detected.format == "template" else None
        sft = sft_row(df.iloc[i].to_dict(), detected, cfg.data, cfg.sft, fill, where=f"row {i + 1}")
        if sft is None:
            return "", f"row {i + 1} has nothing to train on (an empty text or answer)"
        if tokenizer is None:
            if needs_tokenizer(cfg, detected.format):
                return "", "this format is laid out by the model's chat template: load the model to see the row"
            return (sft.get("text") or sft["prompt"] + sft["completion"]), ""
        template = layout_template(tokenizer, cfg.data.chat_template) if row_messages(sft) is not None else None
        text = render_text(tokenizer, sft, template, add_eos=cfg.data.add_eos)
        if row_messages(sft) is None:  # strings are tokenized with the tokenizer's own special tokens
            ids = tokenizer("a")["input_ids"]
            if ids and tokenizer.bos_token_id is not None and ids[0] == tokenizer.bos_token_id:
                text = tokenizer.bos_token + text
        return text, ""
    except DataError as exc:
        return "", str(exc)
    except Exception as exc:  # a tokenizer's chat template can fail in many ways
        return "", f"could not render the row: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}"


def example_rows(prepared: Any, limit: int | None = None) -> int:
    return len(prepared.train) if limit is None else min(len(prepared.train), limit)


def example_text(prepared: Any, index: int) -> tuple[str, str | None, str]:
    """(text, text_pair, label name) of training row ``index`` (clamped)."""
    n = len(prepared.train)
    row = prepared.train[max(0, min(int(index), n - 1))]
    label = ""
    if "label" in row and prepared.label_names:
        label = prepared.label_names[int(row["label"])]
    return row["text"], row.get("text_pair") or None, label
