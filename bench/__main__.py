"""``python -m bench``: run the measures, print the table, write bench/results.json.

    python -m bench                 # full pass (~25 min on a 2-core CPU)
    python -m bench --quick         # shorter pass (~6 min): fewer steps, rows and repeats
    python -m bench --only memory   # one measure (repeat --only or use commas for several)

A measure that raises is recorded with passed=false and the error in its detail; the
others still run. results.json is rewritten after every measure (so an interrupted pass
keeps what it finished); with --only, the entries of the other measures already in the file
are kept.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from . import env

DEFAULT_OUTPUT = Path(__file__).resolve().parent / "results.json"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    from .measures import MEASURES

    p = argparse.ArgumentParser(prog="python -m bench", description="Fine-Tune Studio benchmarks (ratios).")
    p.add_argument("--quick", action="store_true", help="shorter pass: fewer steps, rows and repeats")
    p.add_argument("--only", action="append", default=[], metavar="NAME",
                   help=f"run only these measures ({', '.join(MEASURES)}); repeatable or comma-separated")
    p.add_argument("--output", default=str(DEFAULT_OUTPUT), help="results file (default bench/results.json)")
    p.add_argument("--keep-tmp", action="store_true", help="keep the temporary workspace for inspection")
    args = p.parse_args(argv)
    names = [n.strip() for item in args.only for n in item.split(",") if n.strip()]
    unknown = [n for n in names if n not in MEASURES]
    if unknown:
        p.error(f"unknown measure(s) {', '.join(unknown)}; known: {', '.join(MEASURES)}")
    args.names = [n for n in MEASURES if n in names] if names else list(MEASURES)
    return args


def run_one(name: str, ctx: env.Context) -> dict[str, Any]:
    from .measures import load
    from .result import Result

    t0 = time.perf_counter()
    load_start = env.load_avg()
    goal, unit = "", ""
    try:
        mod = load(name)
        goal, unit = mod.GOAL, mod.UNIT
        res = mod.run(ctx)
    except BaseException as exc:  # noqa: BLE001 - one failed measure must not stop the others
        if isinstance(exc, KeyboardInterrupt):
            raise
        res = Result(name, None, goal, unit, False,
                     {"error": f"{type(exc).__name__}: {exc}",
                      "traceback": traceback.format_exc().splitlines()[-12:]})
    gc.collect()  # what the measure's jobs and models held goes before the next one starts
    out = res.to_dict()
    out["detail"].setdefault("load_avg_start", load_start)
    out["detail"]["seconds"] = round(time.perf_counter() - t0, 1)
    out["detail"]["mode"] = "quick" if ctx.quick else "full"
    out["detail"]["date"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    return out


def merge(path: Path, new: list[dict[str, Any]], order: list[str]) -> list[dict[str, Any]]:
    """The entries already in ``path`` with ``new`` replacing those of the same name."""
    old: list[dict[str, Any]] = []
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(old, list):
            old = []
    except (OSError, ValueError):
        pass
    by_name = {e.get("name"): e for e in old if isinstance(e, dict)}
    by_name.update({e["name"]: e for e in new})
    rank = {n: i for i, n in enumerate(order)}
    return sorted(by_name.values(), key=lambda e: rank.get(e.get("name"), len(rank)))


def write_results(path: Path, entries: list[dict[str, Any]]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(entries, indent=2, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def fmt_value(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.3g}" if abs(v) < 1000 else f"{v:.0f}"
    return str(v)


def verdict(passed: Any) -> str:
    return {True: "PASS", False: "FAIL", None: "n/a"}.get(passed, str(passed))


def table(entries: list[dict[str, Any]]) -> str:
    rows = [("measure", "value", "goal", "unit", "result", "took")]
    for e in entries:
        d = e.get("detail", {})
        rows.append((e["name"], fmt_value(e.get("value")), e.get("goal", ""), e.get("unit", ""),
                     verdict(e.get("passed")), f"{d.get('seconds', 0):.0f} s"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    notes = []
    for e in entries:
        d = e.get("detail", {})
        if d.get("error"):
            notes.append(f"  {e['name']}: error: {d['error'][:200]}")
        elif d.get("skipped"):
            notes.append(f"  {e['name']}: skipped: {d['skipped'][:200]}")
        elif d.get("note"):
            notes.append(f"  {e['name']}: {d['note'][:200]}")
    return "\n".join(lines + (["", "notes:"] + notes if notes else []))


def _exit_on_sigterm() -> None:
    """SIGTERM (kill PID) unwinds like Ctrl-C, so the temp folder and any app we started are
    cleaned up by the usual finally blocks."""
    import signal

    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, handler)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    _exit_on_sigterm()
    tmp = env.setup()
    env.quiet_libraries()
    ctx = env.Context(quick=args.quick, tmp=tmp)
    output = Path(args.output)
    ctx.log(f"{'quick' if args.quick else 'full'} pass: {', '.join(args.names)}; temp folder {tmp}")
    ctx.log(f"python {platform.python_version()}, {os.cpu_count()} CPUs, load {env.load_avg()}")
    from .measures import MEASURES

    done: list[dict[str, Any]] = []
    t0 = time.perf_counter()
    try:
        for name in args.names:
            ctx.log(f"=== {name}")
            entry = run_one(name, ctx)
            done.append(entry)
            ctx.log(f"=== {name}: {fmt_value(entry['value'])} {entry['unit']} (goal {entry['goal']}) "
                    f"{verdict(entry['passed'])} in {entry['detail']['seconds']:.0f} s")
            write_results(output, merge(output, done, list(MEASURES)))
    finally:
        if not args.keep_tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    print(table(done))
    print(f"\n{len(done)} measures in {time.perf_counter() - t0:.0f} s "
          f"({'quick' if args.quick else 'full'} pass); results in {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
