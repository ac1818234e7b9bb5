"""core/data/roles.py: which column is the text, the pair and the label, detected on the bundled sets,
overridden by the config and checked, with messages that name what is missing."""

import pandas as pd
import pytest

from core.config import RunConfig
from core.data.roles import detect_roles
from core.data.sources import DataError, bundled_datasets, read_table


def test_roles_detected_on_bundled_sets():
    sets = bundled_datasets()
    cfg = RunConfig()
    roles = detect_roles(read_table(sets["sentiment"]), cfg.data, "sequence-classification")
    assert (roles.text, roles.label, roles.text_pair) == ("text", "label", "")
    roles = detect_roles(read_table(sets["paraphrase"]), cfg.data, "sequence-classification")
    assert (roles.text, roles.text_pair, roles.label) == ("sentence1", "sentence2", "label")


def test_roles_can_be_overridden_and_are_checked():
    df = pd.DataFrame({"review": ["a b", "c d"], "stars": [1, 2], "other": ["x", "y"]})
    cfg = RunConfig().replace(data={"text_column": "other", "label_column": "stars"})
    roles = detect_roles(df, cfg.data, "sequence-classification")
    assert (roles.text, roles.label) == ("other", "stars")
    with pytest.raises(DataError, match="label column 'nope' is not in the data"):
        detect_roles(df, RunConfig().replace(data={"label_column": "nope"}).data, "sequence-classification")


def test_a_one_column_text_file_is_missing_its_label_not_its_text(tmp_path):
    """A 2-line .txt for classification: the only column stays the text (guessing a label
    from the contents must not take it) and the message names the real problems."""
    from core.data.table import table_preview

    txt = tmp_path / "two.txt"
    txt.write_text("I love this\nthis is awful\n")
    df = read_table(txt)
    with pytest.raises(DataError) as e:
        detect_roles(df, RunConfig().data, "sequence-classification")
    assert "label" in str(e.value) and "only one column (text)" in str(e.value)
    assert "could not find a text column" not in str(e.value)
    cfg = RunConfig().replace(data={"path": str(txt)})
    pv = table_preview(cfg, df)
    assert pv.roles.text == "text" and pv.roles.label == ""
    assert "label" in pv.roles_error and "only 2 rows" in pv.roles_error and "at least 4" in pv.roles_error
    # ... and as causal LM the same file only lacks rows
    causal = table_preview(cfg.replace(model={"task": "causal-lm"}), df)
    assert causal.roles.text == "text" and causal.roles_error == "only 2 rows: a run needs at least 4"
    # a column of distinct values is not a label, however few rows
    two = pd.DataFrame({"body": ["x y", "z w"], "tag": ["a", "b"]})
    with pytest.raises(DataError, match="choose the Label column"):
        detect_roles(two, RunConfig().data, "sequence-classification")
