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
from .formats import effective_format, format_rows, format_template
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
    preview.prompt_format = effective_format(cfg.data, columns)
    preview.template = format_template(cfg.data, columns)
    preview.rendered, preview.template_error = render_first(cfg, df, preview.roles.text, tokenizer)
    return preview


def render_first(cfg: RunConfig, df: "pd.DataFrame", text_column: str, tokenizer: Any = None,
                 row: int = 0) -> tuple[str, str]:
    """(training text of one real row, error message) for causal LM formatting."""
    if len(df) == 0:
        return "", "the table has no rows"
    fmt = effective_format(cfg.data, [str(c) for c in df.columns])
    if fmt == "text" and text_column not in df.columns:
        return "", "choose the text column"
    if fmt == "chat" and tokenizer is None:
        return "", "the chat format uses the model's own chat template: load the model to see it"
    try:
        return format_rows(df.iloc[[min(row, len(df) - 1)]], cfg.data, text_column, tokenizer)[0], ""
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
