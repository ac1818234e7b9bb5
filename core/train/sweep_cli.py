"""``python -m core sweep``: a grid of settings, one normal run per point, then the best.

    python -m core sweep CONFIG.yaml --grid train.learning_rate=1e-3,3e-3 \\
        --grid train.per_device_train_batch_size=8,16 [--set ...] [--max-points N] [--max-total-steps N]
    python -m core sweep assets/presets/sweeps/guide-lr-batch-warmup.yaml   # a sweep file
    python -m core sweep ... --dry-run     # the points and their steps, nothing trained
    python -m core sweep ... --script      # the same sweep as a standalone sweep.py

A sweep file holds ``grid`` (and/or ``points``), the caps, and optionally ``config`` (the base
preset) and ``set`` (overrides). Ctrl-C stops the running point and skips the rest.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


def add_arguments(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--grid", action="append", default=[], metavar="SECTION.FIELD=V1,V2",
                    help="values to try for one field; repeatable (every combination is a point)")
    sp.add_argument("--max-points", type=int, default=None, help="refuse a sweep with more points than this")
    sp.add_argument("--max-total-steps", type=int, default=None, help="refuse a sweep whose points take more steps")
    sp.add_argument("--early-stopping-patience", type=int, default=None,
                    help="stop a point after this many evaluations without improvement")
    sp.add_argument("--dry-run", action="store_true", help="print the points and their steps; train nothing")
    sp.add_argument("--script", action="store_true", help="print the sweep as a standalone Python script")


def _fail(msg: str) -> int:
    print(f"error: {msg}", file=sys.stderr)
    return 2


def load_sweep_args(args: argparse.Namespace):
    """(base RunConfig, SweepSpec, the base's ``train`` arguments) from CONFIG (a preset or a
    sweep file), --set and --grid."""
    from ..config import ConfigError, load_config
    from ..data.sources import resolve_data_path
    from .sweep import SweepSpec, is_sweep_file, load_spec, parse_grid

    base_path, sets, spec = args.config, list(args.sets), None
    if args.config and is_sweep_file(args.config):
        base, spec = load_spec(args.config)
        base_path = base.get("config")
        if base_path and not Path(base_path).exists():
            base_path = str(resolve_data_path(base_path))  # relative to the project, like data paths
        file_sets = base.get("set") or []
        if not isinstance(file_sets, list):
            raise ConfigError("the sweep file's set must be a list of section.field=value strings")
        sets = [str(s) for s in file_sets] + sets
    cfg = load_config(base_path, sets)
    grid = dict(spec.grid) if spec else {}
    grid.update(parse_grid(args.grid, cfg))
    raw = {"grid": grid, "points": spec.points if spec else []}
    for name in ("max_points", "max_total_steps", "early_stopping_patience"):
        value = getattr(args, name)
        raw[name] = value if value is not None else (getattr(spec, name) if spec else None)
    again = " ".join([base_path or ""] + [f"--set {s}" for s in sets]).strip()
    return cfg, SweepSpec.from_dict(raw), again


def run_sweep_command(args: argparse.Namespace) -> int:
    from ..__main__ import _quiet_libraries
    from .queue import BusyError
    from .sweep import describe, plan_sweep, start_sweep

    _quiet_libraries()
    try:
        cfg, spec, again = load_sweep_args(args)
        if args.script:
            from ..results.sweepcode import render_sweep_script

            print(render_sweep_script(cfg, spec), end="")
            return 0
        if args.dry_run:
            plan = plan_sweep(cfg, spec)
            print("\n".join(plan.lines()))
            for p in plan.points:
                print(f"  #{p.index}: {describe(p.settings)} · {p.steps} steps")
            return 0
        sweep = start_sweep(cfg, spec)
    except (ValueError, OSError, BusyError) as exc:  # ConfigError, DataError and ModelError are ValueErrors
        return _fail(str(exc))
    print("\n".join(sweep.plan.lines()), file=sys.stderr)
    print(f"sweep folder: {sweep.folder}", file=sys.stderr)
    try:
        _follow(sweep)
    except KeyboardInterrupt:
        print("\nstopping the sweep (the running point saves a checkpoint)...", file=sys.stderr)
        sweep.stop()
        sweep.wait()
    best = sweep.best()
    if args.json:
        print(json.dumps(sweep.as_dict(), default=str))
    elif best is not None:
        sets = " ".join(f"--set {k}={v}" for k, v in best["settings"].items())
        print(f"best: point {best['point']} ({describe(best['settings'])}) with {sweep.metric} {best['best']:.4f}; "
              f"run {best['run']}\nrepeat it: python -m core train {again} {sets}".rstrip())
    return 0 if best is not None else _fail(f"sweep {sweep.status}: no point finished with {sweep.metric}")


def _follow(sweep) -> None:
    from .sweep import describe

    shown: dict[int, str] = {}
    while True:
        finished = sweep.wait(timeout=1.0)
        for row in sweep.rows():
            if shown.get(row["point"]) != row["status"]:
                shown[row["point"]] = row["status"]
                best = f" · {sweep.metric} {row['best']:.4f}" if row["best"] is not None else ""
                took = f" · {row['runtime_s']:.0f} s" if row["runtime_s"] else ""
                print(f"point {row['point']}/{len(sweep.points)} {describe(row['settings'])}: {row['status']}"
                      f"{best}{took}", file=sys.stderr)
        if finished:
            return
        time.sleep(0.2)
