"""Prepare the data for a run: read, find roles, format, clean, split.

The output of :func:`prepare` is two ``datasets.Dataset`` splits with standard columns:
``text`` (and ``text_pair``) plus an integer ``label`` for classification, or for causal
LM the columns TRL's SFTTrainer reads (``text``, ``prompt``/``completion`` or ``messages``:
:mod:`core.data.chat`), and a :class:`DataReport` saying what was done.

:func:`prepare_frames` does the same work on pandas frames and is what the data check
(core.data.check) runs too, so the check looks at exactly the rows training will see. Every
step that changes the data (empty and duplicate rows dropped, the optional fixes
``data.drop_near_duplicates`` / ``drop_conflicts`` / ``drop_leaked``, ``data.max_rows``)
records a :class:`~core.data.check.Finding` of severity ``done`` in the report, and every
problem that makes training pointless (one class, no usable rows, no validation rows) is a
``blocker`` finding whose message is the error raised.
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
from .chat import DetectedFormat, detect_format, flat_row, sft_row
from .check import Finding, blocker, conflict_rows, done, key_series, near_duplicate_rows
from .formats import _as_text, render_template
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
    findings: list[Finding] = field(default_factory=list)  # what was done (done) and what stops a run (blocker)

    def lines(self) -> list[str]:
        out = [f"{self.rows_read} rows read from {self.source}"]
        out += [f.message for f in self.findings if f.severity == "done"]
        out.append(f"{self.n_train} training / {self.n_validation} validation rows ({self.validation_from})")
        return out + self.notes

    @property
    def blockers(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "blocker"]


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


@dataclass
class Frames:
    """The standardised training and validation rows as pandas frames (before they become
    Datasets): what :func:`prepare` converts and what the data check inspects."""

    train: "pd.DataFrame"
    validation: "pd.DataFrame | None"  # None only when the split was not asked for
    roles: ColumnRoles
    label_names: list[str] | None
    report: DataReport
    template: str = ""
    is_cls: bool = True
    detected: DetectedFormat | None = None  # causal LM: the format the rows were read as


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

    frames = prepare_frames(cfg, tokenizer)

    def dataset(frame: "pd.DataFrame") -> "Dataset":
        if not frames.is_cls:  # the TRL columns of each row (text, prompt/completion or messages)
            return Dataset.from_list(list(frame["row"]))
        ds = Dataset.from_pandas(frame.reset_index(drop=True), preserve_index=False)
        return ds.cast_column("label", ClassLabel(names=frames.label_names))

    return PreparedData(train=dataset(frames.train), validation=dataset(frames.validation), roles=frames.roles,
                        label_names=frames.label_names, report=frames.report, template=frames.template,
                        detected=frames.detected)


def prepare_frames(cfg: RunConfig, tokenizer: Any = None, strict: bool = True, split: bool = True) -> Frames:
    """Read, detect roles, format, clean and (``split``) split the data into frames.

    ``strict`` raises :class:`DataError` with the message of the first blocker; otherwise the
    blocker is recorded in the report and the frames hold what could be prepared so far."""
    import pandas as pd

    data, task = cfg.data, cfg.model.task
    df = read_source(data)
    source = (f"hub:{data.hub_dataset}" + (f"/{data.hub_config}" if data.hub_dataset and data.hub_config else "")
              if data.hub_dataset.strip() else Path(data.path).name)
    report = DataReport(source=source, rows_read=len(df))
    is_cls = task == "sequence-classification"
    empty = pd.DataFrame({"text": [], "row": []})

    def stop(kind: str, message: str, roles: ColumnRoles = ColumnRoles(text="")) -> Frames:
        report.findings.append(blocker(kind, message))
        if strict:
            raise DataError(message)
        return Frames(train=empty, validation=empty if split else None, roles=roles, label_names=None,
                      report=report, is_cls=is_cls)

    detected = None
    if is_cls:
        try:
            roles = detect_roles(df, data, task)
        except DataError as exc:
            return stop("no_columns", str(exc))
    else:
        try:
            detected = detect_format(df, data, cfg.train.objective)
        except DataError as exc:
            return stop("no_columns", str(exc))
        report.prompt_format = detected.format
        roles = ColumnRoles(text=detected.columns.get("text", ""))
    template = data.template if detected is not None and detected.format == "template" else ""

    def standardise(frame: "pd.DataFrame", which: str) -> "pd.DataFrame":
        for c in (roles.text, roles.text_pair, roles.label):
            if c and c not in frame.columns:
                raise DataError(f"{which} data has no column {c!r}; columns are: {', '.join(map(str, frame.columns))}")
        if is_cls:
            out = pd.DataFrame({"text": frame[roles.text].map(_as_text)})
            if roles.text_pair:
                out["text_pair"] = frame[roles.text_pair].map(_as_text)
            out["label"] = frame[roles.label].map(lambda v: None if v is None or (isinstance(v, float) and math.isnan(v)) else _label_str(v))
            return out
        return _causal_frame(frame, frame is df, detected, cfg, which)

    std = standardise(df, "training")
    needed = [c for c in std.columns if c in ("text", "text_pair", "label")]
    what = "text or label" if is_cls else "text or answer"
    std, n_empty, n_dups = clean(std, needed)
    report.empty_dropped, report.duplicates_dropped = n_empty, n_dups
    if n_empty:
        report.findings.append(done("empty_rows", n_empty, f"{n_empty} rows with empty {what} dropped"))
    if n_dups:
        report.findings.append(done("exact_duplicates", n_dups, f"{n_dups} duplicate rows dropped"))
    if n_empty and not is_cls:
        report.notes.append("rows dropped as empty have no text, or no answer (a conversation without an "
                            "assistant turn)")
    std = _apply_fixes(std, cfg, is_cls, report)
    if data.max_rows and len(std) > data.max_rows:
        report.rows_limited = len(std) - data.max_rows
        std = std.head(data.max_rows)
        report.findings.append(done("rows_limited", report.rows_limited,
                                    f"{report.rows_limited} rows left out by data.max_rows"))
    if len(std) < MIN_ROWS:
        return stop("too_few_rows", f"only {len(std)} usable rows after dropping empty and duplicate rows; "
                                    f"need at least {MIN_ROWS}", roles)

    label_names = None
    if is_cls:
        label_names = sorted_labels(std["label"])
        if len(label_names) < 2:
            return stop("one_class", f"label column {roles.label!r} has only one class ({label_names[0]!r}); "
                                     "classification needs at least two", roles)
        if len(label_names) > MAX_CLASSES:
            return stop("too_many_classes", f"label column {roles.label!r} has {len(label_names)} distinct values "
                                            f"(limit {MAX_CLASSES}); it looks like free text, not class labels. "
                                            "Set data.label_column", roles)
        if len(label_names) * 2 > len(std):
            return stop("too_many_classes", f"label column {roles.label!r} has {len(label_names)} classes for "
                                            f"{len(std)} rows: most classes have a single example, too few to learn "
                                            "or to validate. Use more rows or fewer classes (or set data.label_column)",
                        roles)

    frames = Frames(train=std, validation=None, roles=roles, label_names=label_names, report=report,
                    template=template, is_cls=is_cls, detected=detected)
    val_df = read_validation(data)
    if val_df is not None:
        val_std, _, _ = clean(standardise(val_df, "validation"), needed)
        report.validation_from = "validation file" if not data.hub_dataset else f"split {data.hub_validation_split}"
        if is_cls:
            unknown = sorted(set(val_std["label"]) - set(label_names))
            if unknown:
                return stop("unknown_validation_labels",
                            f"validation labels {unknown[:5]} do not occur in the training data", roles)
        frames.validation = val_std
    elif split:
        train_idx, val_idx, stratified = split_indices(std, data.test_size, cfg.train.seed, label_names)
        frames.train, frames.validation = std.iloc[train_idx], std.iloc[val_idx]
        report.validation_from = f"{data.test_size:.0%} split, seed {cfg.train.seed}" + (
            ", stratified" if stratified else "")
    if frames.validation is not None:
        if len(frames.validation) == 0:
            return stop("no_validation", "the validation split is empty; add rows or raise data.test_size", roles)
        if data.drop_leaked:
            frames.train = _drop_leaked(frames.train, frames.validation, report)
        report.n_train, report.n_validation = len(frames.train), len(frames.validation)
    return frames


def _causal_frame(frame: "pd.DataFrame", is_training: bool, detected: DetectedFormat, cfg: RunConfig,
                  which: str) -> "pd.DataFrame":
    """One causal-LM row per source row: ``row`` holds the columns TRL reads (None for a row with
    nothing to train on), ``text`` a plain rendering that the cleaning and the data check look
    at (empty for those rows), ``answer_start`` where the answer begins in it (-1: no answer)."""
    import pandas as pd

    data = cfg.data
    found = detected if is_training else detect_format(frame, data, cfg.train.objective)
    if found.format != detected.format:
        raise DataError(f"the {which} data is {found.format} data but the training data is {detected.format}")
    fill = (lambda r: render_template(data.template, r)) if found.format == "template" else None
    rows = [sft_row(record, found, data, cfg.sft, fill, where=f"{which} row {i + 1}")
            for i, record in enumerate(frame.to_dict("records"))]
    flat = [flat_row(r) if r is not None else ("", -1) for r in rows]
    return pd.DataFrame({"text": [t for t, _ in flat], "answer_start": [s for _, s in flat], "row": rows})


def _apply_fixes(std: "pd.DataFrame", cfg: RunConfig, is_cls: bool, report: DataReport) -> "pd.DataFrame":
    """The optional clean-ups a user switched on after the data check listed the rows."""
    data = cfg.data
    if data.drop_near_duplicates:
        rows = near_duplicate_rows(std, is_cls)
        if len(rows):
            std = std.drop(index=rows).reset_index(drop=True)
            report.findings.append(done("near_duplicates", len(rows), f"{len(rows)} near-duplicate rows dropped "
                                        "(data.drop_near_duplicates)"))
    if data.drop_conflicts and is_cls:
        rows = conflict_rows(std)
        if len(rows):
            std = std.drop(index=rows).reset_index(drop=True)
            report.findings.append(done("conflicting_labels", len(rows), f"{len(rows)} rows whose text also has "
                                        "another label dropped (data.drop_conflicts)"))
    return std


def _drop_leaked(train: "pd.DataFrame", validation: "pd.DataFrame", report: DataReport) -> "pd.DataFrame":
    seen = set(key_series(validation))
    leaked = key_series(train).isin(seen).to_numpy()
    n = int(leaked.sum())
    if n:
        report.findings.append(done("leakage", n, f"{n} training rows that are also in the validation rows dropped "
                                    "(data.drop_leaked)"))
        train = train[~leaked]
    return train


def split_indices(std: "pd.DataFrame", test_size: float, seed: int,
                  label_names: list[str] | None) -> tuple[list[int], list[int], bool]:
    """(train rows, validation rows, stratified): the indices ``Dataset.train_test_split(
    test_size, seed=seed, stratify_by_column="label")`` picks, in its order (what the exported
    script calls), computed the way datasets computes them but on a numpy array: datasets
    reads the label column row by row, which takes about a minute for 50,000 rows."""
    import numpy as np
    from datasets.utils.stratify import stratified_shuffle_split_generate_indices

    n = len(std)
    n_test = math.ceil(test_size * n)
    n_train = n - n_test
    rng = np.random.default_rng(seed)
    stratify = label_names is not None and _can_stratify(std["label"], max(1, round(n * test_size)))
    if stratify:
        code = {name: i for i, name in enumerate(label_names or [])}
        y = np.asarray([code[v] for v in std["label"]])
        train, test = next(stratified_shuffle_split_generate_indices(y, n_train, n_test, rng=rng))
    else:
        permutation = rng.permutation(n)
        test, train = permutation[:n_test], permutation[n_test:n_test + n_train]
    return [int(i) for i in train], [int(i) for i in test], stratify


def _can_stratify(labels: "pd.Series", n_val: int) -> bool:
    counts = labels.value_counts()
    return counts.min() >= 2 and n_val >= len(counts)
