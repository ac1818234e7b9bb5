"""core/results/sweepcode.py: the exported sweep script holds each point's own train.py, a few edited
lines apart, and needs nothing from the studio."""

from __future__ import annotations

from core.config import load_config
from core.paths import PRESETS
from core.train.sweep import SweepSpec, expand

TINY = ["data.max_rows=60", "data.max_length=32", "train.max_steps=2", "train.eval_strategy=no",
        "train.save_strategy=no", "train.logging_steps=1"]


def workshop(*sets: str):
    return load_config(PRESETS / "workshop.yaml", list(sets))


def test_the_exported_sweep_script_runs_each_points_own_train_py():
    from core.results.codegen import render_script
    from core.results.sweepcode import render_sweep_script

    base = workshop(*TINY)
    spec = SweepSpec(grid={"train.learning_rate": [1e-3, 3e-3], "data.max_length": [32, 48],
                           "train.early_stopping_patience": [0]})
    script = render_sweep_script(base, spec)
    assert "from core" not in script and "import core" not in script
    compile(script, "sweep.py", "exec")
    head = script[: script.index("\nresults = []")]  # the definitions, without running the loop
    space: dict = {}
    exec(head, space)
    points = expand(base, spec, "point")
    assert len(space["POINTS"]) == 4
    for point, exported in zip(points, space["POINTS"]):
        assert exported["settings"] == point.settings
        assert space["script_for"](exported) == render_script(point.cfg)
        assert len(exported["edits"]) <= 3  # a few changed lines, not a whole script per point
    assert space["METRIC"] == "eval_loss" and space["GREATER_IS_BETTER"] is False
