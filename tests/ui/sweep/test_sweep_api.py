"""The Sweep (ui/sweep.py) through the app's API (gradio_client against a real `python app.py
--workshop`): a sweep too big for the workshop's limit is refused; a 4-point sweep on the workshop preset
runs, its table fills as points finish, the best point's settings load into the form and its
run opens on the Compare tab; the Code tab writes the same sweep as sweep.py."""

from __future__ import annotations

import re
import time

import pytest

gradio_client = pytest.importorskip("gradio_client")
from api_helpers import by_label  # noqa: E402
from gradio_client import Client  # noqa: E402
from gradio_client.exceptions import AppError  # noqa: E402

from core.config import load_config  # noqa: E402
from core.paths import PRESETS  # noqa: E402
from core.results.runs import read_summary  # noqa: E402

GRID = dict(sweep_setting_1="train.learning_rate", sweep_values_1="1e-3, 3e-3",
            sweep_setting_2="train.per_device_train_batch_size", sweep_values_2="8, 16", sweep_values_3="")


def workshop_values(**tiny) -> dict:
    """The workshop preset's settings as form values, with ``tiny`` on top."""
    overrides = load_config(PRESETS / "workshop.yaml").overrides()
    return {name: value for section in overrides.values() for name, value in section.items()} | tiny


def table_rows(value) -> list[list]:
    while isinstance(value, dict) and "data" not in value:
        value = value.get("value")
    return value["data"]


def test_a_four_point_sweep_through_the_api(app_factory):
    server = app_factory("--workshop")
    c = Client(server.url, verbose=False)
    # the workshop preset at one epoch: each point alone is within the workshop's 80 steps, the
    # four together are not
    with pytest.raises(AppError, match=r"\d+ steps in all \(4 points\); the limit here is 80 steps for a whole sweep"):
        c.predict(**workshop_values(num_train_epochs=1), **GRID, api_name="/sweep_start")
    tiny = workshop_values(max_rows=80, max_length=32, max_steps=3, logging_steps=1)
    started = by_label(c, "/sweep_start", **tiny, **GRID)
    assert "4 points over learning_rate, per_device_train_batch_size · 3 steps each · 12 steps in all" \
        in started["Sweep status"], started["Sweep status"]
    sweep_id = re.search(r"`(sweep-[\w-]+)`", started["Sweep status"]).group(1)

    seen, deadline = [], time.time() + 900
    while time.time() < deadline:
        view = by_label(c, "/sweep_poll")
        statuses = [row[2] for row in table_rows(view["Points"])]
        done = statuses.count("finished")
        if not seen or seen[-1] != done:
            seen.append(done)
        if "Finished" in view["Sweep status"]:
            break
        time.sleep(2)
    assert seen[-1] == 4 and len(seen) >= 3, seen  # the table filled point by point, not all at once
    rows = table_rows(view["Points"])
    assert [r[6] for r in rows] == [f"{sweep_id}-0{i}" for i in range(1, 5)]
    losses = [float(r[3]) for r in rows]
    best = re.search(r"Best so far: point (\d)\*\* \(learning_rate=([\d.]+), per_device_train_batch_size=(\d+)\)",
                     view["Best point"])
    assert best and float(rows[int(best.group(1)) - 1][3]) == min(losses), (view["Best point"], losses)
    summary = read_summary(server.workspace / "runs" / f"{sweep_id}-0{best.group(1)}")
    assert summary["sweep"]["id"] == sweep_id and summary["sweep"]["point"] == int(best.group(1))
    assert (server.workspace / "sweeps" / sweep_id / "sweep.json").is_file()

    loaded = by_label(c, "/sweep_load_settings", point=None)  # no pick: the best point
    assert loaded["Learning rate"] == pytest.approx(float(best.group(2)))
    assert loaded["Batch size"] == int(best.group(3)) and loaded["Max steps"] == 3
    assert f"Loaded point {best.group(1)}" in loaded["Note"]
    compared = c.predict(point=None, api_name="/sweep_compare")
    compared = compared[0] if isinstance(compared, tuple) else compared
    assert compared["value"] == f"{sweep_id}-0{best.group(1)}"

    script, _ = c.predict(**tiny, **GRID, api_name="/code_sweep")
    assert script.count('"settings": {') == 4 and "from core" not in script
    status = c.predict(api_name="/training_status")  # the Train tab follows the sweep's points
    assert status["run"] == f"{sweep_id}-04" and status["status"] == "finished"
