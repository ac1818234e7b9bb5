"""core/preview.py: uploads, table previews, the per-session cache and the job views the UI
draws (no gradio, no model loading: fast)."""

from __future__ import annotations

import copy
import dataclasses

import pytest

from core.cache import PreviewCache
from core.config import STARTER_MINILM, STARTER_SMOLLM2, STARTER_TINY_GPT2, RunConfig
from core.data.sources import DataError
from core.data.table import PREVIEW_ROWS, table_preview
from core.data.uploads import safe_filename, store_upload
from core.model.load import check_model_source
from core.model.registry import default_model, model_choices
from core.paths import PathError
from core.results.runs import Status
from core.train.progress import (
    Snapshot,
    curve_rows,
    event_line,
    format_duration,
    metric_summary,
    progress_view,
    status_payload,
)


# --------------------------------------------------------------------------- uploads
def test_safe_filename_keeps_only_a_plain_name():
    assert safe_filename("../../etc/pass wd.CSV") == "pass_wd.csv"
    assert safe_filename("C:\\Users\\me\\my data.jsonl") == "my_data.jsonl"
    assert safe_filename("...") == "upload"


def test_store_upload_copies_into_the_session_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("FTS_WORKSPACE", str(tmp_path / "ws"))
    src = tmp_path / "incoming"
    src.mkdir()
    good = src / "reviews.csv"
    good.write_text("text,label\ngood,pos\n")
    stored = store_upload(good, "abc123", extra_roots=[src])
    assert stored.resolve() == (tmp_path / "ws" / "uploads" / "abc123" / "reviews.csv").resolve()
    assert stored.read_text() == good.read_text()

    empty = src / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(DataError, match="empty.csv is empty"):
        store_upload(empty, "abc123", extra_roots=[src])
    exe = src / "tool.exe"
    exe.write_bytes(b"MZ")
    with pytest.raises(DataError, match="unsupported file type .exe"):
        store_upload(exe, "abc123", extra_roots=[src])
    monkeypatch.setenv("FTS_MAX_UPLOAD_MB", "0.000001")
    with pytest.raises(DataError, match="is 20 bytes, over the 1 byte upload limit"):
        store_upload(good, "abc123", extra_roots=[src])
    monkeypatch.delenv("FTS_MAX_UPLOAD_MB")
    with pytest.raises(PathError):  # not in an allowed folder
        store_upload(good, "abc123")
    with pytest.raises(PathError):  # a session id is a plain name
        store_upload(good, "../x", extra_roots=[src])


def test_local_model_folders_are_confined(tmp_path):
    check_model_source(STARTER_MINILM)
    check_model_source("bert-base-uncased")  # a Hub id is not a path
    with pytest.raises(PathError, match="model folder"):
        check_model_source(str(tmp_path))


def test_model_choices_put_the_tasks_starter_first():
    causal = model_choices("causal-lm")
    assert causal[0][1] == STARTER_SMOLLM2 == default_model("causal-lm")  # the real pretrained model first
    assert model_choices("sequence-classification")[0][1] == STARTER_MINILM
    tiny = next(label for label, value in causal if value == STARTER_TINY_GPT2)
    assert "random weights, not pretrained" in tiny
    hub = [value for label, value in causal if "needs internet" in label]
    assert {"HuggingFaceTB/SmolLM2-135M-Instruct", "HuggingFaceTB/SmolLM2-135M"} <= set(hub)


# --------------------------------------------------------------------------- data
def test_table_preview_of_the_bundled_sets():
    cfg = RunConfig()
    cache = PreviewCache()
    table = cache.table(cfg)
    assert cache.table(cfg) is table  # cached
    p = table_preview(cfg, table)
    assert (p.roles.text, p.roles.label, p.n_rows) == ("text", "label", 420)
    assert p.label_counts == {"negative": 210, "positive": 210}
    assert len(p.head) == PREVIEW_ROWS and not p.roles_error

    quotes = RunConfig().replace(model={"task": "causal-lm", "name_or_path": STARTER_TINY_GPT2},
                                 data={"path": "assets/data/quotes.csv", "template": "Quote by {author}: {quote}"})
    q = table_preview(quotes, cache.table(quotes))
    assert q.prompt_format == "template" and q.rendered.startswith("Quote by ")
    bad = quotes.replace(data={"template": "{nope}: {quote}"})
    assert "nope" in table_preview(bad, cache.table(bad)).template_error

    pairs = RunConfig().replace(data={"path": "assets/data/paraphrase.csv"})
    pp = table_preview(pairs, cache.table(pairs))
    assert (pp.roles.text, pp.roles.text_pair, pp.roles.label) == ("sentence1", "sentence2", "label")
    assert list(pp.label_counts) == ["0", "1"]


def test_a_missing_label_is_reported_not_raised():
    cfg = RunConfig().replace(data={"path": "assets/data/quotes.csv", "label_column": "stars"})
    p = table_preview(cfg, PreviewCache().table(cfg))
    assert "stars" in p.roles_error and p.roles.text == "quote"


def test_cache_copies_start_empty_and_keys_replace_values():
    cache = PreviewCache()
    calls = []
    assert cache._get("x", 1, lambda: calls.append(1) or "one") == "one"
    assert cache._get("x", 1, lambda: calls.append(1) or "again") == "one"
    assert cache._get("x", 2, lambda: "two") == "two" and calls == [1]
    clone = copy.deepcopy(cache)
    assert clone.peek("x") is None and cache.peek("x") == "two"


# --------------------------------------------------------------------------- job views
EVENTS = [
    {"type": "eval", "step": 0, "baseline": True, "eval_loss": 0.70, "eval_accuracy": 0.40},
    {"type": "train", "step": 1, "loss": 0.71, "learning_rate": 2e-4, "tokens_per_second": 812.5},
    {"type": "train", "step": 5, "loss": 0.60},
    {"type": "eval", "step": 5, "eval_loss": 0.55, "eval_accuracy": 0.75},
    {"type": "summary", "step": 5},
    {"type": "eval", "step": 5, "final": True, "eval_loss": 0.55, "eval_accuracy": 0.75},
]


def test_curve_rows_skip_the_repeated_final_evaluation():
    rows = curve_rows(EVENTS, "sequence-classification")
    assert [(r["step"], r["series"]) for r in rows] == [
        (0, "eval loss"), (0, "eval accuracy"), (1, "train loss"), (5, "train loss"), (5, "eval loss"),
        (5, "eval accuracy")]
    assert all(r["series"] != "eval accuracy" for r in curve_rows(EVENTS, "causal-lm"))


def test_event_lines_read_like_a_log():
    assert event_line(EVENTS[1]) == "step 1 · loss 0.7100 · lr 2.0e-04 · 812 tokens/s"
    assert event_line(EVENTS[0]).startswith("baseline (before training): loss 0.7000 · accuracy 0.4000")
    assert event_line(EVENTS[-1]).startswith("final evaluation:")


def test_progress_and_status_payload():
    snap = Snapshot(name="r1", status=Status.RUNNING, message="", n_events=3, events=EVENTS[:3],
                    baseline={"eval_accuracy": 0.4}, step=10, max_steps=40, started=1.0, elapsed_s=65.2,
                    eta_s=3725, tokens_per_second=1234.4)
    v = progress_view(snap)
    assert (v["step"], v["max_steps"], v["fraction"]) == (10, 40, 0.25)
    assert (v["elapsed"], v["eta"], v["tokens_per_second"]) == ("1:05", "1:02:05", "1,234")
    preparing = progress_view(dataclasses.replace(snap, step=0, max_steps=0))
    assert preparing["phase"].startswith("preparing") and preparing["eta"] == "–"
    payload = status_payload(snap, 0, "sequence-classification")
    assert payload["status"] == "running" and payload["step"] == 10 and payload["max_steps"] == 40
    assert payload["baseline"] == {"eval_accuracy": 0.4} and len(payload["curve"]) == 4
    assert status_payload(None)["status"] == "idle"
    assert format_duration(None) == "–" and format_duration(7) == "0:07"


def test_metric_summary_before_and_after():
    base, final = {"eval_accuracy": 0.4, "eval_loss": 0.7}, {"eval_accuracy": 0.75, "eval_loss": 0.55}
    cls = "sequence-classification"
    assert metric_summary(base, final, cls) == "accuracy 0.400 → 0.750 · loss 0.700 → 0.550"
    assert metric_summary(base, {}, cls) == "accuracy 0.400 · loss 0.700"
    causal = {"eval_loss": 3.0, "eval_perplexity": 20.1}
    assert metric_summary(causal, {}, "causal-lm") == "loss 3.000 · perplexity 20.1"
