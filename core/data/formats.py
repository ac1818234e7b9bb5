"""``{column}`` templates: filling a row into a template, the prompt part of a template, and
a suggested starting template. Which format a table is read as, and how prompt/completion,
instruction and chat rows are laid out, lives in :mod:`core.data.chat`.
"""
from __future__ import annotations

import math
import re
from typing import Any

from .sources import DataError

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


def suggest_template(columns: list[str], text_column: str) -> str:
    """A starting template naming every column, the text column last (what gets generated):
    quote,author -> 'author: {author}\\nquote: {quote}'."""
    others = [c for c in columns if c != text_column]
    lines = [f"{c}: {{{c}}}" for c in others] + ([f"{text_column}: {{{text_column}}}"] if text_column else [])
    return "\n".join(lines)
