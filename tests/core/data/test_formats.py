"""core/data/formats.py: a template renders a row's fields, and a field the row lacks is named."""

import pytest

from core.data.formats import prompt_part, render_template
from core.data.sources import DataError


def test_template_rendering_and_missing_field():
    assert render_template("Quote by {author}: {quote}", {"author": "A", "quote": "Q"}) == "Quote by A: Q"
    assert render_template("{x} {not a field}", {"x": 1}) == "1 {not a field}"
    with pytest.raises(DataError, match="'writer'"):
        render_template("by {writer}", {"author": "A"})
    assert prompt_part("Quote by {author}: {quote}") == "Quote by {author}:"
