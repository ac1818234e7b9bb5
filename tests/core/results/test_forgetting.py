"""core/results/forgetting.py: the forgetting verdict from general-text perplexity, and the general
text file it reads."""

import pytest

from core.results.forgetting import (
    FLUENT_TOLERANCE,
    FORGETTING_SEVERE,
    ForgettingError,
    read_general_texts,
    verdict,
)


def test_forgetting_verdicts():
    ok = verdict(20.0, 20.4, task_better=True)
    assert ok["level"] == "fluent" and ok["change"] == pytest.approx(0.02)
    assert ok["verdict"].startswith("The model got better at your task and stayed as fluent on general text")
    some = verdict(20.0, 20.0 * (1 + (FLUENT_TOLERANCE + FORGETTING_SEVERE) / 2), task_better=True)
    assert some["level"] == "some" and "It lost 15% on general text" in some["verdict"]
    assert "lower the learning rate or the epochs" in some["verdict"]
    bad = verdict(20.0, 40.0, task_better=True)
    assert bad["level"] == "forgot" and "lost 100%" in bad["verdict"] and "catastrophic" in bad["verdict"]
    flat = verdict(20.0, 20.0, task_better=False)
    assert "did not improve" in flat["verdict"]
    assert verdict(None, 3.0)["level"] == "unknown"


def test_general_text_file(tmp_path):
    path = tmp_path / "general.txt"
    path.write_text("First paragraph.\n\n  Second one.  \nThird.\n", encoding="utf-8")
    assert read_general_texts(path) == ["First paragraph.", "Second one.", "Third."]
    assert read_general_texts(path, limit=2) == ["First paragraph.", "Second one."]
    with pytest.raises(ForgettingError, match="missing"):
        read_general_texts(tmp_path / "nope.txt")
    (tmp_path / "empty.txt").write_text("\n\n")
    with pytest.raises(ForgettingError, match="no text"):
        read_general_texts(tmp_path / "empty.txt")
