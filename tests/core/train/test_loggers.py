"""core/train/loggers.py: every event reaches metrics.jsonl and TensorBoard."""

import json

import pytest

from core.train.loggers import MetricsFile, TensorBoardWriter, writers_for

EVENTS = [{"type": "eval", "step": 0, "epoch": 0.0, "baseline": True, "eval_loss": 0.7, "eval_accuracy": 0.5},
          {"type": "train", "step": 5, "epoch": 0.2, "loss": 0.69, "learning_rate": 1e-3, "time": 1.0},
          {"type": "train", "step": 10, "epoch": 0.4, "loss": float("nan"), "time": 2.0},
          {"type": "eval", "step": 10, "epoch": 0.4, "eval_loss": 0.4, "eval_accuracy": 0.8},
          {"type": "summary", "step": 10, "train_loss": 0.5}]


def scalars(log_dir):
    ea = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
    acc = ea.EventAccumulator(str(log_dir))
    acc.Reload()
    return {tag: [(e.step, round(e.value, 4)) for e in acc.Scalars(tag)] for tag in acc.Tags()["scalars"]}


def test_metrics_file_appends_and_rewrites(tmp_path):
    f = MetricsFile(tmp_path)
    for ev in EVENTS:
        f.write(ev)
    lines = (tmp_path / "metrics.jsonl").read_text().splitlines()
    assert len(lines) == 5 and json.loads(lines[1])["loss"] == 0.69
    f.rewrite(EVENTS[:2])  # a resumed run keeps only the events up to its checkpoint
    assert len((tmp_path / "metrics.jsonl").read_text().splitlines()) == 2


def test_tensorboard_gets_train_and_eval_scalars_baseline_included(tmp_path):
    w = TensorBoardWriter(tmp_path)
    for ev in EVENTS:
        w.write(ev)
    w.close()
    got = scalars(tmp_path / "tensorboard")
    assert got["eval/loss"] == [(0, 0.7), (10, 0.4)] and got["eval/accuracy"] == [(0, 0.5), (10, 0.8)]
    assert got["train/loss"] == [(5, 0.69)]  # the NaN step is not a point on the chart
    assert "train/time" not in got and "eval/baseline" not in got


def test_report_to_none_keeps_only_the_metrics_file(tmp_path):
    assert [type(w).__name__ for w in writers_for("none", tmp_path)] == ["MetricsFile"]
    assert [type(w).__name__ for w in writers_for("tensorboard", tmp_path)] == ["MetricsFile", "TensorBoardWriter"]


def test_a_real_run_writes_tensorboard_events(trained_lora_run):
    got = scalars(trained_lora_run.run_dir / "tensorboard")
    steps = [s for s, _ in got["train/loss"]]
    assert steps[0] == 1 and steps == sorted(steps) and len(steps) >= 6
    assert [s for s, _ in got["eval/loss"]][0] == 0  # the baseline evaluation at step 0
