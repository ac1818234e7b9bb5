"""The Data tab's check (ui/data/check.py) through the app's API (gradio_client against a real
`python app.py --workshop`): an uploaded file's planted problems are found and fixed with the fix
endpoint, and the mislabel check waits for a finished run."""

from __future__ import annotations

import re

import pandas as pd
import pytest

gradio_client = pytest.importorskip("gradio_client")
from api_helpers import by_label  # noqa: E402
from gradio_client import Client, handle_file  # noqa: E402
from gradio_client.exceptions import AppError  # noqa: E402

from core.paths import PROJECT_ROOT  # noqa: E402


def cards_of(findings_html: str) -> list[tuple[str, str, int]]:
    """(severity, title, count) of every finding card the Data tab shows."""
    return [(sev, title, int(n.replace(",", "")) if n else 0) for sev, title, n in
            re.findall(r'fts-finding-(\w+)".*?<b>([^<]+)</b>(?: · ([\d,]+))?', findings_html)]


def test_the_data_check_finds_and_fixes_an_uploaded_files_problems(app_factory, tmp_path):
    server = app_factory("--workshop")
    c = Client(server.url, verbose=False)
    df = pd.read_csv(PROJECT_ROOT / "assets" / "data" / "sentiment.csv")
    flipped = df.iloc[:2].assign(label=lambda f: f["label"].map({"positive": "negative", "negative": "positive"}))
    near = df.iloc[2:5].assign(text=lambda f: f["text"].str.upper() + "!!")
    path = tmp_path / "reviews.csv"
    pd.concat([df, df.iloc[5:8], flipped, near]).to_csv(path, index=False)
    c.predict(file=handle_file(str(path)), api_name="/upload_data")

    found = by_label(c, "/check_data", data_source="upload", max_length=96)
    shown = cards_of(found["Findings"])
    assert ("warning", "Near-duplicates", 3) in shown and ("warning", "The same text with different labels", 2) in shown
    assert ("done", "Exact duplicates", 3) in shown, shown
    assert "--set data.drop_near_duplicates=true" in found["Findings"]

    cleaned = {"Near-duplicates", "The same text with different labels", "Validation rows nearly copied from training"}
    flags: dict = {}  # an API client sends every value itself: carry the switches a fix turned on
    for _ in range(4):  # each call applies the first fix on offer, then checks again
        fixed = by_label(c, "/apply_data_fix", index=0, data_source="upload", max_length=96, **flags)
        flags = {name: fixed[label] for name, label in (("drop_near_duplicates", "Drop near-duplicates"),
                                                         ("drop_conflicts", "Drop conflicting labels"),
                                                         ("drop_leaked", "Drop training rows in validation"))}
        if not {t for sev, t, _ in cards_of(fixed["Findings"]) if sev == "warning"} & cleaned:
            break
    shown = cards_of(fixed["Findings"])
    assert not {t for sev, t, _ in shown if sev == "warning"} & cleaned, shown
    assert ("done", "Near-duplicates", 3) in shown and fixed["Check summary"].startswith("Applied: ")
    assert fixed["Drop near-duplicates"] is True and fixed["Drop conflicting labels"] is True
    with pytest.raises(AppError, match="no finished classification run on this data"):
        c.predict(data_source="upload", **flags, api_name="/data_mislabels")
