"""Prompt formats: how a causal-LM row becomes training text.

The raw text column, a ``{column}`` template, an instruction/response layout, or the
tokenizer's own chat template.
"""
from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # heavy imports stay lazy
    import pandas as pd

from ..config import DataConfig
from .sources import DataError

INSTRUCTION_TEMPLATE = "### Instruction:\n{instruction}\n\n### Response:\n{response}"


_FIELD = re.compile(r"\{(\w+)\}")


def template_fields(template: str) -> list[str]:
    return _FIELD.findall(template)


def render_template(template: str, row: dict[str, Any]) -> str:
    """Fill ``{column}`` fields from a row; other braces are left alone."""
    missing = [f for f in template_fields(template) if f not in row]
    if missing:
        raise DataError(f"template names column(s) {', '.join(repr(m) for m in missing)} that the data "
                        f"does not have; columns are: {', '.join(map(str, row))}")
    return _FIELD.sub(lambda m: _as_text(row[m.group(1)]), template)


def prompt_part(template: str) -> str:
    """The template up to its last field: what a user types to get the rest generated
    ('Quote by {author}: {quote}' -> 'Quote by {author}:')."""
    fields = list(_FIELD.finditer(template))
    if not fields:
        return template
    return template[: fields[-1].start()].rstrip(" ") if len(fields) > 1 else template[: fields[-1].start()]


def _as_text(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return str(v)


def effective_format(data: DataConfig, columns: list[str]) -> str:
    """Resolve prompt_format=auto: template if one is given, instruction if the columns are
    there, else the plain text column."""
    if data.prompt_format != "auto":
        return data.prompt_format
    if data.template.strip():
        return "template"
    if data.instruction_column in columns and data.response_column in columns:
        return "instruction"
    return "text"


def format_template(data: DataConfig, columns: list[str]) -> str:
    """The template string in force for causal LM formatting ('' for chat)."""
    fmt = effective_format(data, columns)
    if fmt == "template":
        return data.template
    if fmt == "instruction":
        return INSTRUCTION_TEMPLATE.replace("{instruction}", "{" + data.instruction_column + "}") \
            .replace("{response}", "{" + data.response_column + "}")
    return ""


def format_rows(df: "pd.DataFrame", data: DataConfig, text_column: str, tokenizer: Any = None) -> list[str]:
    """Training texts for causal LM, one per row."""
    cols = list(df.columns)
    fmt = effective_format(data, cols)
    records = df.to_dict("records")
    if fmt == "text":
        return [_as_text(r[text_column]) for r in records]
    if fmt == "chat":
        if tokenizer is None or not getattr(tokenizer, "chat_template", None):
            raise DataError("prompt_format is chat but this model's tokenizer has no chat template; "
                            "use instruction or template instead")
        for c in (data.instruction_column, data.response_column):
            if c not in cols:
                raise DataError(f"chat format needs column {c!r}; columns are: {', '.join(cols)}")
        return [tokenizer.apply_chat_template(
            [{"role": "user", "content": _as_text(r[data.instruction_column])},
             {"role": "assistant", "content": _as_text(r[data.response_column])}], tokenize=False)
            for r in records]
    template = format_template(data, cols)
    return [render_template(template, r) for r in records]


def suggest_template(columns: list[str], text_column: str) -> str:
    """A starting template naming every column, the text column last (what gets generated):
    quote,author -> 'author: {author}\\nquote: {quote}'."""
    others = [c for c in columns if c != text_column]
    lines = [f"{c}: {{{c}}}" for c in others] + ([f"{text_column}: {{{text_column}}}"] if text_column else [])
    return "\n".join(lines)
