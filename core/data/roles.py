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
    is_cls = task == "sequence-classification"

    # Well-known names first, for both roles, so that guessing a label from the contents
    # can never take the only text column (a one-column .txt has no label at all).
    if is_cls and not label:
        label = next((lower[n] for n in LABEL_NAMES if n in lower and lower[n] != text), "")
    if not text:
        text = next((lower[n] for n in TEXT_NAMES if n in lower and lower[n] != label), "")
    if is_cls and not label:
        label = _label_by_contents(df, text)
        if not label:
            raise DataError(_no_label_message(df))
    if not text:
        string_cols = [c for c in cols if c != label and _is_text_column(df[c])]
        if string_cols:
            text = max(string_cols, key=lambda c: df[c].astype(str).str.len().mean())
        if not text:
            raise DataError(f"could not find a text column; columns are: {', '.join(map(str, cols))}. "
                            "Choose the Text column (data.text_column)")
    if task == "sequence-classification" and not pair and not data.text_column.strip():
        pair = next((lower[n] for n in PAIR_NAMES if n in lower and lower[n] not in (text, label)), "")
    if label and label == text:
        raise DataError(f"text and label columns are both {text!r}; choose different columns")
    return ColumnRoles(text=text, text_pair=pair, label=label)


def _label_by_contents(df: "pd.DataFrame", text: str) -> str:
    """A column whose values repeat like classes do (2 to MAX_CLASSES distinct values, each
    row count at least thrice the class count), leaving a string column for the text."""
    cols = list(df.columns)
    limit = min(MAX_CLASSES, max(2, len(df) // 3))
    candidates = [c for c in cols if c != text and 1 < df[c].nunique(dropna=True) <= limit
                  and df[c].nunique(dropna=True) < len(df)]
    if not text:  # the text is still to be found among the others
        candidates = [c for c in candidates if any(o != c and _is_text_column(df[o]) for o in cols)]
    return candidates[-1] if candidates else ""


def _no_label_message(df: "pd.DataFrame") -> str:
    cols = [str(c) for c in df.columns]
    if len(cols) == 1:
        return (f"could not find a label column: classification needs a label for every row, and this "
                f"data has only one column ({cols[0]}): "
                "add a label column (e.g. a csv with text,label) or switch the task to causal LM "
                "on the Model tab to learn to continue the text")
    return (f"could not find a label column among {', '.join(cols)}: choose the Label column "
            "(data.label_column), whose values are the classes to predict")


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
