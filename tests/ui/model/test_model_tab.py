"""ui/model.py: the model card's long names wrap only between their words."""

from __future__ import annotations


def test_model_names_wrap_between_their_words():
    from ui.model import breakable

    assert breakable("BertForSequenceClassification") == "Bert<wbr>For<wbr>Sequence<wbr>Classification"
    assert breakable("starter:all-MiniLM-L6-v2") == "starter:all-<wbr>Mini<wbr>LM-<wbr>L6-<wbr>v2"
    assert breakable("a<b & c>") == "a&lt;b &amp; c&gt;"  # escaped first
