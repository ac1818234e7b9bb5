"""Column roles: which column is the text, the second text (sentence pairs) and the label.

Explicit config values win and are checked against the table; otherwise well-known names
("text", "sentence1", "label", ...) and the columns' contents decide.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # heavy imports stay lazy
    import pandas as pd

from ..config import DataConfig
from .sources import DataError

MAX_CLASSES = 200


TEXT_NAMES = ("text", "sentence", "sentence1", "review", "content", "quote", "question", "question1",
              "premise", "document", "body", "input", "prompt", "horoscope", "tweet", "comment")


PAIR_NAMES = ("text_pair", "sentence2", "text2", "question2", "hypothesis", "second_text")


LABEL_NAMES = ("label", "labels", "class", "target", "sentiment", "category", "y", "gold_label")


@dataclass
class ColumnRoles:
    text: str
    text_pair: str = ""
    label: str = ""


def _is_text_column(s: "pd.Series") -> bool:
    return s.dtype == object or str(s.dtype).startswith("str")


def detect_roles(df: "pd.DataFrame", data: DataConfig, task: str) -> ColumnRoles:
    """Pick text / second text / label columns; explicit config values win and are checked."""
    cols = list(df.columns)
    lower = {c.lower(): c for c in cols}

    def check(name: str, what: str) -> str:
        if name and name not in cols:
            raise DataError(f"{what} column {name!r} is not in the data; columns are: {', '.join(cols)}")
        return name

    label = check(data.label_column.strip(), "label")
    text = check(data.text_column.strip(), "text")
    pair = check(data.text_pair_column.strip(), "second text")

    if task == "sequence-classification" and not label:
        label = next((lower[n] for n in LABEL_NAMES if n in lower), "")
        if not label:
            candidates = [c for c in cols if c != text and 1 < df[c].nunique(dropna=True) <= min(MAX_CLASSES, max(2, len(df) // 3))]
            label = candidates[-1] if candidates else ""
        if not label:
            raise DataError(f"could not find a label column; columns are: {', '.join(cols)}. "
                            "Set data.label_column")
    if not text:
        text = next((lower[n] for n in TEXT_NAMES if n in lower and lower[n] != label), "")
        if not text:
            string_cols = [c for c in cols if c != label and _is_text_column(df[c])]
            if string_cols:
                text = max(string_cols, key=lambda c: df[c].astype(str).str.len().mean())
        if not text:
            raise DataError(f"could not find a text column; columns are: {', '.join(cols)}. "
                            "Set data.text_column")
    if task == "sequence-classification" and not pair and not data.text_column.strip():
        pair = next((lower[n] for n in PAIR_NAMES if n in lower and lower[n] not in (text, label)), "")
    if label and label == text:
        raise DataError(f"text and label columns are both {text!r}; choose different columns")
    return ColumnRoles(text=text, text_pair=pair, label=label)


def _label_str(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def sorted_labels(labels: "pd.Series") -> list[str]:
    uniq = sorted(set(labels))
    try:
        return sorted(uniq, key=lambda s: float(s))
    except ValueError:
        return uniq


def label_counts(df: "pd.DataFrame", label: str) -> dict[str, int]:
    """Rows per class, in the order training uses (numeric labels sorted as numbers)."""
    if not label or label not in df.columns:
        return {}
    values = df[label].dropna().map(_label_str)
    values = values[values.str.strip() != ""]
    counts = values.value_counts()
    return {name: int(counts[name]) for name in sorted_labels(values)}


def label_names(df: "pd.DataFrame", roles: ColumnRoles) -> list[str]:
    return list(label_counts(df, roles.label))
