"""Sweeps (core/train/sweep.py): grids validated by RunConfig, the budget (points, total steps,
a mode's limits on the total), a real two-point sweep through the job queue with its run
folders, tags and sweep.json, stopping a sweep. (The exported sweep.py:
tests/core/results/test_sweepcode.py.)"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from core.config import ConfigError, load_config
from core.paths import PRESETS
from core.paths import PROJECT_ROOT as ROOT  # the repository root
from core.train.limits import WORKSHOP
from core.train.queue import JobQueue
from core.train.sweep import SweepSpec, expand, load_spec, parse_grid, plan_sweep, start_sweep

TINY = ["data.max_rows=60", "data.max_length=32", "train.max_steps=2", "train.eval_strategy=no",
        "train.save_strategy=no", "train.logging_steps=1"]


def workshop(*sets: str):
    return load_config(PRESETS / "workshop.yaml", list(sets))


def test_grids_are_read_like_set_and_validated_by_runconfig():
    base = workshop()
    grid = parse_grid(["train.learning_rate=1e-3,3e-3", "train.per_device_train_batch_size=8,16",
                       "adapter.target_modules=[[query],[query,value]]", "train.lr_scheduler_type=linear,cosine"], base)
    assert grid["train.learning_rate"] == [0.001, 0.003]
    assert grid["train.per_device_train_batch_size"] == [8, 16]
    assert grid["adapter.target_modules"] == [["query"], ["query", "value"]]
    points = expand(base, SweepSpec(grid=grid))
    assert len(points) == 16 and points[0].cfg.train.run_name == "sweep-01"
    assert points[-1].cfg.adapter.target_modules == ["query", "value"] and points[-1].cfg.train.learning_rate == 0.003

    for items, message in ((["train.lr=1e-3"], "unknown field 'train.lr'"),
                           (["train.learning_rate=1e-3,-1"], "train.learning_rate must be > 0, got -1"),
                           (["train.lr_scheduler_type=linear,zigzag"], "train.lr_scheduler_type must be one of"),
                           (["train.run_name=a,b"], "can't be swept"),
                           (["learning_rate"], "--grid expects section.field=value1,value2")):
        with pytest.raises(ConfigError, match=message):
            parse_grid(items, base)
    with pytest.raises(ConfigError, match=r"sweep point 2 \(warmup_ratio=1.5\): train.warmup_ratio must be in"):
        expand(base, SweepSpec(points=[{"train.warmup_ratio": 0.1}, {"train.warmup_ratio": 1.5}]))
    with pytest.raises(ConfigError, match="early stopping is on"):  # early stopping needs evaluations
        expand(base.replace(train={"eval_strategy": "no"}), SweepSpec(grid=grid, early_stopping_patience=2,
                                                                      max_points=16))
    with pytest.raises(ConfigError, match="sweep.max_points must be <= 64"):
        SweepSpec(grid=grid, max_points=100)
    with pytest.raises(ConfigError, match="needs a grid"):
        SweepSpec()


def test_the_budget_caps_points_and_steps_and_limits_apply_to_the_total():
    base = workshop().replace(train={"num_train_epochs": 3})  # 240 training rows / 16 = 15 steps x 3 = 45 a point
    grid = {"train.learning_rate": [1e-3, 2e-3, 3e-3, 4e-3]}
    plan = plan_sweep(base, SweepSpec(grid=grid), preflight_points=False)
    assert [p.steps for p in plan.points] == [45] * 4 and plan.total_steps == 180
    assert "4 points over learning_rate · 45 steps each · 180 steps in all" in plan.lines()[0]
    assert "best point: by eval_loss (lower is better)" in plan.lines()[1]
    with pytest.raises(ConfigError, match="this sweep has 4 points; its cap is 3"):
        plan_sweep(base, SweepSpec(grid=grid, max_points=3))
    with pytest.raises(ConfigError, match="180 steps in all .*its cap is 100"):
        plan_sweep(base, SweepSpec(grid=grid, max_total_steps=100))
    # workshop mode: 80 steps at most for a whole sweep, though each point alone (45) would pass
    with pytest.raises(ConfigError, match="the limit here is 80 steps for a whole sweep"):
        plan_sweep(base, SweepSpec(grid=grid), WORKSHOP)
    small = plan_sweep(base.replace(train={"max_steps": 20}), SweepSpec(grid=grid), WORKSHOP)
    assert small.total_steps == 80
    f1 = plan_sweep(base.replace(train={"metric_for_best_model": "f1"}), SweepSpec(grid=grid), preflight_points=False)
    assert "by eval_f1 (higher is better)" in f1.lines()[1]


def test_the_preset_sweep_file_and_the_cli(tmp_path):
    path = PRESETS / "sweeps" / "guide-lr-batch-warmup.yaml"
    text = path.read_text()
    assert text.startswith("# python -m core sweep assets/presets/sweeps/guide-lr-batch-warmup.yaml")
    base, spec = load_spec(path)
    assert set(spec.grid) == {"train.learning_rate", "train.per_device_train_batch_size", "train.warmup_ratio"}
    assert len(spec.settings()) == 12 and base["config"].endswith("sentiment-lora-minilm.yaml")
    r = subprocess.run([sys.executable, "-m", "core", "sweep", str(path), "--dry-run"], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "12 points over learning_rate, per_device_train_batch_size, warmup_ratio" in r.stdout
    assert "810 steps in all" in r.stdout and "#12: learning_rate=0.002, per_device_train_batch_size=16" in r.stdout
    r = subprocess.run([sys.executable, "-m", "core", "sweep", str(path), "--max-total-steps", "500"], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 2 and r.stderr.strip().splitlines()[-1].startswith("error: this sweep would take 810 steps")


@pytest.fixture(scope="module")
def finished_sweep():
    """A real two-point sweep through a job queue of its own (tiny settings)."""
    sweep = start_sweep(workshop(*TINY), SweepSpec(grid={"train.learning_rate": [1e-3, 3e-3]}),
                        owner="sweep-test", queue=JobQueue())
    assert sweep.wait(timeout=900), "the sweep did not finish"
    return sweep


def test_a_sweep_runs_every_point_as_a_tagged_run(finished_sweep):
    from core.paths import runs_dir
    from core.results.runs import read_summary

    sweep = finished_sweep
    assert sweep.status == "finished", sweep.message
    rows = sweep.rows()
    assert [r["status"] for r in rows] == ["finished", "finished"]
    assert [r["settings"] for r in rows] == [{"train.learning_rate": 0.001}, {"train.learning_rate": 0.003}]
    for row in rows:
        assert row["run"] == f"{sweep.id}-{row['point']:02d}" and row["steps"] == "2/2"
        summary = read_summary(runs_dir() / row["run"])
        assert summary["status"] == "finished"
        assert summary["sweep"] == {"id": sweep.id, "point": row["point"], "settings": row["settings"]}
        assert row["best"] == pytest.approx(summary["final"]["eval_loss"])  # no evaluations during training
    best = sweep.best()
    assert best["best"] == min(r["best"] for r in rows)
    saved = json.loads((sweep.folder / "sweep.json").read_text())
    assert saved["status"] == "finished" and saved["best_point"] == best["point"]
    assert [p["run"] for p in saved["points"]] == [r["run"] for r in rows]
    assert (sweep.folder / "config.yaml").is_file()
    assert len(sweep.curves()) == 2 and sweep.point_config(best["point"]).train.learning_rate == \
        best["settings"]["train.learning_rate"]


def test_a_sweep_can_be_stopped_as_a_whole():
    queue = JobQueue()
    sweep = start_sweep(workshop(*TINY, "train.max_steps=400"), SweepSpec(grid={"train.learning_rate": [1e-3, 2e-3,
                                                                                                     3e-3]}),
                        owner="stop-test", queue=queue)
    deadline = time.time() + 600
    while time.time() < deadline and sweep.points[0].job.progress.get("step", 0) < 1:
        time.sleep(0.5)
    again = start_sweep(workshop(*TINY), SweepSpec(grid={"train.learning_rate": [1e-3]}), owner="stop-test",
                        queue=queue)
    assert again is sweep  # a second Start returns the sweep already going
    from core.train.queue import BusyError
    from core.train.sweep import sweeps_dir

    before = set(sweeps_dir().iterdir())
    with pytest.raises(BusyError, match="busy with another run"):  # local mode: another browser is refused
        start_sweep(workshop(*TINY), SweepSpec(grid={"train.learning_rate": [1e-3]}), owner="other", queue=queue)
    assert set(sweeps_dir().iterdir()) == before  # and nothing was written for it
    sweep.stop()
    assert sweep.wait(timeout=300)
    assert sweep.status == "stopped"
    assert [r["status"] for r in sweep.rows()] == ["stopped", "skipped", "skipped"]
    assert queue.active_for("stop-test") is None
