"""core/train/progress.py: the job views the UI draws from a run's events (curve rows, log lines,
progress, the status payload, the metric summary); no gradio, no model loading: fast."""

from __future__ import annotations

import dataclasses

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
