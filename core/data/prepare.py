"""Prepare the data for a run: read, find roles, format, clean, split.

The output of :func:`prepare` is two ``datasets.Dataset`` splits with standard columns:
``text`` (and ``text_pair``) plus an integer ``label`` for classification, or for causal
LM the columns TRL's SFTTrainer reads (``text``, ``prompt``/``completion`` or ``messages``:
:mod:`core.data.chat`), and a :class:`DataReport` saying what was done.
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
from .chat import DetectedFormat, detect_format, row_key, sft_row
from .formats import _as_text, render_template
from .roles import MAX_CLASSES, ColumnRoles, _label_str, detect_roles, sorted_labels
from .sources import DataError, read_source, read_validation


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
    detected: DetectedFormat | None = None  # causal LM: the format the rows were read as

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
    """Read, detect roles (or the causal-LM format), clean, format and split the data for
    ``cfg``. ``tokenizer`` is accepted for callers that have one; the rows do not depend on it
    (the chat template is applied when they are tokenized)."""
    del tokenizer
    data = cfg.data
    df = read_source(data)
    source = (f"hub:{data.hub_dataset}" + (f"/{data.hub_config}" if data.hub_dataset and data.hub_config else "")
              if data.hub_dataset.strip() else Path(data.path).name)
    report = DataReport(source=source, rows_read=len(df))
    val_df = read_validation(data)
    if cfg.model.task == "sequence-classification":
        return _prepare_classification(cfg, df, val_df, report)
    return _prepare_causal(cfg, df, val_df, report)


def _prepare_classification(cfg: RunConfig, df: "pd.DataFrame", val_df: "pd.DataFrame | None",
                            report: DataReport) -> PreparedData:
    from datasets import ClassLabel, Dataset

    data = cfg.data
    roles = detect_roles(df, data, cfg.model.task)

    def standardise(frame: "pd.DataFrame", which: str) -> "pd.DataFrame":
        import pandas as pd

        for c in (roles.text, roles.text_pair, roles.label):
            if c and c not in frame.columns:
                raise DataError(f"{which} data has no column {c!r}; columns are: {', '.join(map(str, frame.columns))}")
        out = pd.DataFrame({"text": frame[roles.text].map(_as_text)})
        if roles.text_pair:
            out["text_pair"] = frame[roles.text_pair].map(_as_text)
        out["label"] = frame[roles.label].map(
            lambda v: None if v is None or (isinstance(v, float) and math.isnan(v)) else _label_str(v))
        return out

    std = standardise(df, "training")
    needed = list(std.columns)
    std, empty, dups = clean(std, needed)
    report.empty_dropped, report.duplicates_dropped = empty, dups
    if data.max_rows and len(std) > data.max_rows:
        report.rows_limited = len(std) - data.max_rows
        std = std.head(data.max_rows)
    _enough(len(std))
    label_names = sorted_labels(std["label"])
    if len(label_names) < 2:
        raise DataError(f"label column {roles.label!r} has only one class ({label_names[0]!r}); "
                        "classification needs at least two")
    if len(label_names) > MAX_CLASSES:
        raise DataError(f"label column {roles.label!r} has {len(label_names)} distinct values "
                        f"(limit {MAX_CLASSES}); it looks like free text, not class labels. "
                        "Set data.label_column")
    train_ds = Dataset.from_pandas(std, preserve_index=False).cast_column("label", ClassLabel(names=label_names))
    val_ds = None
    if val_df is not None:
        val_std, _, _ = clean(standardise(val_df, "validation"), needed)
        unknown = sorted(set(val_std["label"]) - set(label_names))
        if unknown:
            raise DataError(f"validation labels {unknown[:5]} do not occur in the training data")
        val_ds = Dataset.from_pandas(val_std, preserve_index=False).cast_column("label", ClassLabel(names=label_names))
    n_val = max(1, round(len(train_ds) * data.test_size))
    stratify = "label" if _can_stratify(std["label"], n_val) else None
    train_ds, val_ds = _split(cfg, train_ds, val_ds, report, stratify)
    return PreparedData(train=train_ds, validation=val_ds, roles=roles, label_names=label_names, report=report)


def _prepare_causal(cfg: RunConfig, df: "pd.DataFrame", val_df: "pd.DataFrame | None",
                    report: DataReport) -> PreparedData:
    from datasets import Dataset

    data = cfg.data
    detected = detect_format(df, data)
    report.prompt_format = detected.format
    roles = ColumnRoles(text=detected.columns.get("text", ""))

    def rows_of(frame: "pd.DataFrame", which: str) -> tuple[list[dict[str, Any]], int, int]:
        found = detect_format(frame, data) if frame is not df else detected
        if found.format != detected.format:
            raise DataError(f"the {which} data is {found.format} data but the training data is {detected.format}")
        fill = (lambda r: render_template(data.template, r)) if found.format == "template" else None
        rows, empty, seen, dups = [], 0, set(), 0
        for i, record in enumerate(frame.to_dict("records")):
            row = sft_row(record, found, data, cfg.sft, fill, where=f"{which} row {i + 1}")
            if row is None:
                empty += 1
                continue
            key = row_key(row)
            if key in seen:
                dups += 1
                continue
            seen.add(key)
            rows.append(row)
        return rows, empty, dups

    rows, report.empty_dropped, report.duplicates_dropped = rows_of(df, "training")
    if report.empty_dropped:
        report.notes.append("rows dropped as empty have no text, or no answer (a conversation without an "
                            "assistant turn)")
    if data.max_rows and len(rows) > data.max_rows:
        report.rows_limited = len(rows) - data.max_rows
        rows = rows[: data.max_rows]
    _enough(len(rows))
    train_ds = Dataset.from_list(rows)
    val_ds = Dataset.from_list(rows_of(val_df, "validation")[0]) if val_df is not None else None
    train_ds, val_ds = _split(cfg, train_ds, val_ds, report, None)
    return PreparedData(train=train_ds, validation=val_ds, roles=roles, label_names=None, report=report,
                        template=data.template if detected.format == "template" else "", detected=detected)


def _enough(n: int) -> None:
    if n < 4:
        raise DataError(f"only {n} usable rows after dropping empty and duplicate rows; need at least 4")


def _split(cfg: RunConfig, train_ds: "Dataset", val_ds: "Dataset | None", report: DataReport,
           stratify: str | None) -> tuple["Dataset", "Dataset"]:
    """The validation file's rows, or a seeded share of the training rows held out."""
    data = cfg.data
    if val_ds is not None:
        report.validation_from = "validation file" if not data.hub_dataset else f"split {data.hub_validation_split}"
    else:
        split = train_ds.train_test_split(test_size=data.test_size, seed=cfg.train.seed,
                                          stratify_by_column=stratify)
        train_ds, val_ds = split["train"], split["test"]
        report.validation_from = f"{data.test_size:.0%} split, seed {cfg.train.seed}" + (
            ", stratified" if stratify else "")
    if len(val_ds) == 0:
        raise DataError("the validation split is empty; add rows or raise data.test_size")
    report.n_train, report.n_validation = len(train_ds), len(val_ds)
    return train_ds, val_ds


def _can_stratify(labels: "pd.Series", n_val: int) -> bool:
    counts = labels.value_counts()
    return counts.min() >= 2 and n_val >= len(counts)
