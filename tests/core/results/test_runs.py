"""core/results/runs.py: run folders as the History tab lists them: newest first, a run whose
process died reported as interrupted, resumable only with a checkpoint, and files read back even
when a kill cut a line short."""

import json
import os
import re
import subprocess
import sys

import pytest

from core.config import RunConfig
from core.results.runs import Status, checkpoints, last_checkpoint, list_runs, new_run_dir, read_events, read_summary


def make_run(root, name, created, checkpoint_steps=(), **summary):
    d = root / name
    d.mkdir(parents=True)
    RunConfig().save(d / "config.yaml")
    (d / "summary.json").write_text(json.dumps({"name": name, "created": created, **summary}))
    for step in checkpoint_steps:
        (d / "checkpoints" / f"checkpoint-{step}").mkdir(parents=True)
        (d / "checkpoints" / f"checkpoint-{step}" / "trainer_state.json").write_text("{}")
    return d


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_list_runs_reports_dead_runs_as_interrupted_and_resumable_only_with_a_checkpoint(tmp_path):
    make_run(tmp_path, "a-finished", "2024-01-01", status="finished")
    make_run(tmp_path, "b-killed", "2024-01-02", checkpoint_steps=(5, 10), status="running", pid=dead_pid())
    make_run(tmp_path, "c-killed-early", "2024-01-03", status="running", pid=dead_pid())
    make_run(tmp_path, "d-live", "2024-01-04", status="running", pid=os.getpid())
    (tmp_path / "not-a-run").mkdir()  # no config.yaml: not listed
    rows = {r["name"]: r for r in list_runs(tmp_path, live_names={"d-live"})}
    assert list(rows) == ["d-live", "c-killed-early", "b-killed", "a-finished"]  # newest first
    assert rows["b-killed"]["status"] == Status.INTERRUPTED and rows["b-killed"]["resumable"]
    assert rows["c-killed-early"]["status"] == Status.INTERRUPTED and not rows["c-killed-early"]["resumable"]
    assert rows["d-live"]["status"] == Status.RUNNING  # this process runs it
    assert rows["a-finished"]["status"] == Status.FINISHED and not rows["a-finished"]["resumable"]
    # the same folder once its job is gone from this process: interrupted too
    assert {r["name"]: r["status"] for r in list_runs(tmp_path)}["d-live"] == Status.INTERRUPTED


def test_checkpoints_sort_by_step_and_need_their_trainer_state(tmp_path):
    d = make_run(tmp_path, "r", "2024-01-01", checkpoint_steps=(9, 100, 20), status="stopped")
    (d / "checkpoints" / "checkpoint-500").mkdir()  # being written when the run died: no trainer_state.json
    assert [p.name for p in checkpoints(d)] == ["checkpoint-9", "checkpoint-20", "checkpoint-100"]
    assert last_checkpoint(d).name == "checkpoint-100" and last_checkpoint(tmp_path / "nothing") is None


def test_a_line_cut_short_and_a_missing_file_read_back_as_what_is_there(tmp_path):
    (tmp_path / "metrics.jsonl").write_text('{"type": "train", "step": 1}\n\n{"type": "train", "step": 2}\n{"type": "tr')
    assert [e["step"] for e in read_events(tmp_path)] == [1, 2]
    assert read_events(tmp_path / "missing") == [] and read_summary(tmp_path) == {}
    (tmp_path / "summary.json").write_text('{"status": "fini')
    assert read_summary(tmp_path) == {}


def test_new_run_dir_names_a_fresh_folder_and_refuses_a_taken_name(tmp_path):
    auto = new_run_dir(RunConfig(), tmp_path)
    assert auto.is_dir() and re.fullmatch(r"\d{8}-\d{6}-all-MiniLM-L6-v2-lora-[0-9a-f]{4}", auto.name), auto.name
    assert new_run_dir(RunConfig(), tmp_path) != auto  # the same second: a different folder
    named = RunConfig().replace(train={"run_name": "mine"})
    assert new_run_dir(named, tmp_path) == tmp_path / "mine"
    with pytest.raises(FileExistsError, match="'mine' already exists"):
        new_run_dir(named, tmp_path)
