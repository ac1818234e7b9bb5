"""ui/results_common.py: in shared mode the results tabs list and find only this browser's runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def fake_run(root: Path, name: str, owner: str, status: str = "finished") -> None:
    d = root / "runs" / name
    d.mkdir(parents=True)
    (d / "config.yaml").write_text("{}\n")
    (d / "summary.json").write_text(json.dumps({"name": name, "owner": owner, "status": status,
                                                "task": "sequence-classification", "created": name}))


def test_shared_mode_lists_only_this_browsers_runs(tmp_path, monkeypatch):
    from core.config import ConfigError
    from ui.common import AppSettings, Session
    from ui.results_common import find_run, finished_runs, visible_runs

    monkeypatch.setenv("FTS_WORKSPACE", str(tmp_path))
    me, other = Session(client_id="a" * 32), Session(client_id="b" * 32)
    fake_run(tmp_path, "r1-mine", me.owner())
    fake_run(tmp_path, "r2-theirs", other.owner())
    fake_run(tmp_path, "r3-mine-stopped", me.owner(), status="stopped")
    shared, local = AppSettings(mode="shared"), AppSettings(mode="local")
    assert [r["name"] for r in visible_runs(shared, me)] == ["r3-mine-stopped", "r1-mine"]
    assert [r["name"] for r in finished_runs(shared, me)] == ["r1-mine"]
    assert len(visible_runs(local, me)) == 3
    with pytest.raises(ConfigError, match="no run named 'r2-theirs' among your runs"):
        find_run(shared, me, "r2-theirs")
    with pytest.raises(ConfigError, match="no run named"):
        find_run(shared, me, "../r2-theirs")
    with pytest.raises(ConfigError, match="only a finished run"):
        find_run(shared, me, "r3-mine-stopped", finished=True)
