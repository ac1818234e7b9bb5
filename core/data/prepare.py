"""Prepare the data for a run: read, find roles, format, clean, split.

The output of :func:`prepare` is two ``datasets.Dataset`` splits with standard columns:
``text`` (and ``text_pair``) plus an integer ``label`` for classification, or a
formatted ``text`` for causal LM, and a :class:`DataReport` saying what was done.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # heavy imports stay lazy
    import pandas as pd
    from datasets import Dataset

from ..config import RunConfig
from .formats import _as_text, effective_format, format_rows, format_template
from .roles import MAX_CLASSES, ColumnRoles, _label_str, detect_roles, sorted_labels
from .sources import DataError, read_source, read_validation

MIN_ROWS = 4  # fewer usable rows cannot give both a training and a validation split worth the name


@dataclass
class DataReport:
    source: str
    rows_read: int = 0
    empty_dropped: int = 0
    duplicates_dropped: int = 0
    rows_limited: int = 0
    n_train: int = 0
    n_validation: int = 0
    validation_from: str = "split"
    prompt_format: str = "text"
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"{self.rows_read} rows read from {self.source}"]
        if self.empty_dropped:
            out.append(f"{self.empty_dropped} rows with empty text or label dropped")
        if self.duplicates_dropped:
            out.append(f"{self.duplicates_dropped} duplicate rows dropped")
        if self.rows_limited:
            out.append(f"{self.rows_limited} rows left out by data.max_rows")
        out.append(f"{self.n_train} training / {self.n_validation} validation rows ({self.validation_from})")
        return out + self.notes


@dataclass
class PreparedData:
    train: "Dataset"
    validation: "Dataset"
    roles: ColumnRoles
    label_names: list[str] | None
    report: DataReport
    template: str = ""

    @property
    def num_labels(self) -> int:
        return len(self.label_names or [])


def clean(df: "pd.DataFrame", needed: list[str]) -> tuple["pd.DataFrame", int, int]:
    """Drop rows whose needed cells are empty/None/NaN, then exact duplicates (on the
    needed columns). Returns the frame and both counts."""
    n0 = len(df)
    df = df.dropna(subset=needed)
    for c in needed:
        df = df[df[c].astype(str).str.strip() != ""]
    n1 = len(df)
    df = df.drop_duplicates(subset=needed)
    return df.reset_index(drop=True), n0 - n1, n1 - len(df)


def prepare(cfg: RunConfig, tokenizer: Any = None) -> PreparedData:
    """Read, detect roles, clean, format and split the data for ``cfg``."""
    from datasets import ClassLabel, Dataset

    data, task = cfg.data, cfg.model.task
    df = read_source(data)
    source = (f"hub:{data.hub_dataset}" + (f"/{data.hub_config}" if data.hub_config else "")
              if data.hub_dataset.strip() else Path(data.path).name)
    report = DataReport(source=source, rows_read=len(df))
    val_df = read_validation(data)
    is_cls = task == "sequence-classification"
    fmt = "text" if is_cls else effective_format(data, list(df.columns))
    report.prompt_format = fmt

    if is_cls or fmt == "text":
        roles = detect_roles(df, data, task)
    else:
        roles = ColumnRoles(text="")
    template = "" if is_cls else format_template(data, list(df.columns))

    def standardise(frame: "pd.DataFrame", which: str) -> "pd.DataFrame":
        import pandas as pd

        for c in (roles.text, roles.text_pair, roles.label):
            if c and c not in frame.columns:
                raise DataError(f"{which} data has no column {c!r}; columns are: {', '.join(map(str, frame.columns))}")
        if is_cls:
            out = pd.DataFrame({"text": frame[roles.text].map(_as_text)})
            if roles.text_pair:
                out["text_pair"] = frame[roles.text_pair].map(_as_text)
            out["label"] = frame[roles.label].map(lambda v: None if v is None or (isinstance(v, float) and math.isnan(v)) else _label_str(v))
            return out
        return pd.DataFrame({"text": format_rows(frame, data, roles.text, tokenizer)})

    std = standardise(df, "training")
    needed = list(std.columns)
    std, empty, dups = clean(std, needed)
    report.empty_dropped, report.duplicates_dropped = empty, dups
    if data.max_rows and len(std) > data.max_rows:
        report.rows_limited = len(std) - data.max_rows
        std = std.head(data.max_rows)
    if len(std) < MIN_ROWS:
        raise DataError(f"only {len(std)} usable rows after dropping empty and duplicate rows; "
                        f"need at least {MIN_ROWS}")

    label_names = None
    if is_cls:
        label_names = sorted_labels(std["label"])
        if len(label_names) < 2:
            raise DataError(f"label column {roles.label!r} has only one class ({label_names[0]!r}); "
                            "classification needs at least two")
        if len(label_names) > MAX_CLASSES:
            raise DataError(f"label column {roles.label!r} has {len(label_names)} distinct values "
                            f"(limit {MAX_CLASSES}); it looks like free text, not class labels. "
                            "Set data.label_column")

    train_ds = Dataset.from_pandas(std, preserve_index=False)
    if is_cls:
        train_ds = train_ds.cast_column("label", ClassLabel(names=label_names))
    if val_df is not None:
        val_std, _, _ = clean(standardise(val_df, "validation"), needed)
        if is_cls:
            unknown = sorted(set(val_std["label"]) - set(label_names))
            if unknown:
                raise DataError(f"validation labels {unknown[:5]} do not occur in the training data")
        val_ds = Dataset.from_pandas(val_std, preserve_index=False)
        if is_cls:
            val_ds = val_ds.cast_column("label", ClassLabel(names=label_names))
        report.validation_from = "validation file" if not data.hub_dataset else f"split {data.hub_validation_split}"
    else:
        n_val = max(1, round(len(train_ds) * data.test_size))
        stratify = "label" if is_cls and _can_stratify(std["label"], n_val) else None
        split = train_ds.train_test_split(test_size=data.test_size, seed=cfg.train.seed,
                                          stratify_by_column=stratify)
        train_ds, val_ds = split["train"], split["test"]
        report.validation_from = f"{data.test_size:.0%} split, seed {cfg.train.seed}" + (
            ", stratified" if stratify else "")
    if len(val_ds) == 0:
        raise DataError("the validation split is empty; add rows or raise data.test_size")
    report.n_train, report.n_validation = len(train_ds), len(val_ds)
    return PreparedData(train=train_ds, validation=val_ds, roles=roles, label_names=label_names,
                        report=report, template=template)


def _can_stratify(labels: "pd.Series", n_val: int) -> bool:
    counts = labels.value_counts()
    return counts.min() >= 2 and n_val >= len(counts)
