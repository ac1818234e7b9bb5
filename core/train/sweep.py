"""Sweeps: "start with validated defaults, then tune" — one normal run per point of a grid
(or a list) of RunConfig settings, all tagged as one sweep, and the best point picked.

* :class:`SweepSpec` says what varies: ``grid`` (every combination of the listed values) and
  or ``points`` (explicit settings), over any ``section.field`` of RunConfig. Each point's
  config is built with :meth:`RunConfig.replace`, so an unknown field or a bad value is
  refused with the config's own message, naming the point.
* :func:`plan_sweep` is the budget: a cap on points (``max_points``) and on the steps of all
  points together (``max_total_steps``, computed with core.train.plan.total_steps); in shared
  and workshop modes the mode's step limit applies to the sweep's total, and every point
  passes the pre-flight before anything is queued.
* :class:`Sweep` submits the points one after another to the job queue (each a normal run
  with its own run folder ``<sweep id>-<n>``, the sweep id and point in its summary.json),
  writes ``<workspace>/sweeps/<id>/sweep.json`` as points start and end, can be stopped as a
  whole, and reports one row per point (settings, status, best validation metric, time).
  Early stopping per point is ``train.early_stopping_patience`` (or the spec's
  ``early_stopping_patience``).
* The best point is judged by ``train.metric_for_best_model``, higher or lower is better as
  core.train.arguments decides it for the Trainer.
"""

from __future__ import annotations

import itertools
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..config import ConfigError, RunConfig, read_yaml
from ..results.runs import ACTIVE, Status, read_events, read_summary, write_json
from .arguments import best_metric
from .limits import NO_LIMITS, Limits

MAX_POINTS = 64          # no spec may ask for more points than this
DEFAULT_MAX_POINTS = 16
NOT_SWEPT = ("train.run_name",)  # each point gets its own run folder name
WAITING, SKIPPED = "waiting", "skipped"  # a point's status before it is queued / when it never runs


@dataclass
class SweepSpec:
    grid: dict[str, list[Any]] = field(default_factory=dict)
    points: list[dict[str, Any]] = field(default_factory=list)
    max_points: int = DEFAULT_MAX_POINTS
    max_total_steps: int = 0          # 0 = no cap of the sweep's own (a mode's limits still apply)
    early_stopping_patience: int = -1  # -1 = each point keeps train.early_stopping_patience

    def __post_init__(self) -> None:
        if not isinstance(self.grid, dict) or not isinstance(self.points, list):
            raise ConfigError("sweep.grid must map section.field to a list of values, and sweep.points must be "
                              "a list of {section.field: value} mappings")
        for key, values in self.grid.items():
            _check_key(key)
            if not isinstance(values, list) or not values:
                raise ConfigError(f"sweep.grid.{key} must be a non-empty list of values, got {values!r}")
        for i, point in enumerate(self.points, start=1):
            if not isinstance(point, dict) or not point:
                raise ConfigError(f"sweep.points[{i}] must be a non-empty mapping of section.field to a value")
            for key in point:
                _check_key(key)
        for name, low in (("max_points", 1), ("max_total_steps", 0), ("early_stopping_patience", -1)):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < low:
                raise ConfigError(f"sweep.{name} must be a whole number >= {low}, got {value!r}")
        if self.max_points > MAX_POINTS:
            raise ConfigError(f"sweep.max_points must be <= {MAX_POINTS}, got {self.max_points}")
        if not self.grid and not self.points:
            raise ConfigError("a sweep needs a grid (e.g. --grid train.learning_rate=1e-3,3e-3) or a list of points")

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> "SweepSpec":
        known = {"grid", "points", "max_points", "max_total_steps", "early_stopping_patience"}
        bad = set(raw) - known
        if bad:
            raise ConfigError(f"unknown sweep field(s) {', '.join(sorted(bad))}; known: {', '.join(sorted(known))}")
        return cls(**{k: v for k, v in raw.items() if v is not None})

    def settings(self) -> list[dict[str, Any]]:
        """Every point's settings: the grid's combinations (first key slowest), then the list."""
        out = []
        if self.grid:
            keys = list(self.grid)
            out = [dict(zip(keys, combo)) for combo in itertools.product(*self.grid.values())]
        return out + [dict(p) for p in self.points]


def _check_key(key: Any) -> None:
    from ..config import SECTIONS

    section, dot, name = str(key).partition(".")
    if not dot or section not in SECTIONS or name not in RunConfig().to_dict()[section]:
        raise ConfigError(f"unknown field {key!r}")
    if key in NOT_SWEPT:
        raise ConfigError(f"{key} can't be swept: every point gets its own run folder")


def grid_values(key: str, text: str, base: RunConfig) -> list[Any]:
    """``'1e-3,3e-3'`` -> ``[0.001, 0.003]``, each value read as ``--set key=value`` reads it
    (list fields: ``[[query],[query,value]]``)."""
    _check_key(key)
    text = text.strip()
    if text.startswith("["):
        try:
            raw = yaml.safe_load(text)
        except yaml.YAMLError:
            raise ConfigError(f"--grid {key}: {text!r} is not a YAML list") from None
        items = [yaml.safe_dump(v, default_flow_style=True).strip().removesuffix("...").strip()
                 if not isinstance(v, str) else v for v in raw] if isinstance(raw, list) else [text]
    else:
        items = [v.strip() for v in text.split(",") if v.strip()]
    if not items:
        raise ConfigError(f"--grid {key} needs at least one value, e.g. {key}=1e-3,3e-3")
    section, _, name = key.partition(".")
    return [getattr(getattr(base.with_sets([f"{key}={item}"]), section), name) for item in items]


def parse_grid(items: list[str], base: RunConfig) -> dict[str, list[Any]]:
    """``['train.learning_rate=1e-3,3e-3', ...]`` -> a grid."""
    grid: dict[str, list[Any]] = {}
    for item in items:
        key, sep, text = item.partition("=")
        if not sep:
            raise ConfigError(f"--grid expects section.field=value1,value2, got {item!r}")
        grid[key.strip()] = grid_values(key.strip(), text, base)
    return grid


def describe(settings: dict[str, Any]) -> str:
    """'learning_rate=0.001, per_device_train_batch_size=8'."""
    return ", ".join(f"{k.split('.', 1)[1]}={v:g}" if isinstance(v, float) else f"{k.split('.', 1)[1]}={v}"
                     for k, v in settings.items())


# --------------------------------------------------------------------------- plan
@dataclass
class Point:
    index: int                      # 1-based
    settings: dict[str, Any]
    cfg: RunConfig
    steps: int = 0
    status: str = WAITING
    run: str = ""                   # the run folder's name once queued
    job: Any = None


@dataclass
class SweepPlan:
    base: RunConfig
    spec: SweepSpec
    points: list[Point]
    total_steps: int

    def lines(self) -> list[str]:
        keys = list(dict.fromkeys(k for p in self.points for k in p.settings))
        steps = sorted({p.steps for p in self.points})
        per = f"{steps[0]} steps each" if len(steps) == 1 else f"{steps[0]}-{steps[-1]} steps each"
        return [f"{len(self.points)} points over {', '.join(k.split('.', 1)[1] for k in keys)} · {per} · "
                f"{self.total_steps} steps in all",
                f"best point: by {best_metric(self.base)} ({'higher' if greater_is_better(self.base) else 'lower'} "
                "is better)"]


def greater_is_better(cfg: RunConfig) -> bool:
    from .arguments import training_kwargs

    return bool(training_kwargs(cfg)["greater_is_better"])


def expand(base: RunConfig, spec: SweepSpec, sweep_id: str = "sweep") -> list[Point]:
    """One config per point, validated by RunConfig (the message names the point)."""
    settings = spec.settings()
    if len(settings) > spec.max_points:
        raise ConfigError(f"this sweep has {len(settings)} points; its cap is {spec.max_points} "
                          "(sweep.max_points): list fewer values or raise the cap")
    points = []
    for i, values in enumerate(settings, start=1):
        groups: dict[str, dict[str, Any]] = {}
        for key, value in values.items():
            section, _, name = key.partition(".")
            groups.setdefault(section, {})[name] = value
        train = groups.setdefault("train", {})
        if spec.early_stopping_patience >= 0:
            train.setdefault("early_stopping_patience", spec.early_stopping_patience)
        train["run_name"] = f"{sweep_id}-{i:02d}"
        try:
            cfg = base.replace(**groups)
        except ConfigError as exc:
            raise ConfigError(f"sweep point {i} ({describe(values)}): {exc}") from None
        points.append(Point(index=i, settings=values, cfg=cfg))
    return points


def plan_sweep(base: RunConfig, spec: SweepSpec, limits: Limits = NO_LIMITS, sweep_id: str = "sweep",
               preflight_points: bool = True) -> SweepPlan:
    """Expand, count the steps of every point and check the budget and the pre-flight, or
    raise the error that names what to change."""
    from ..data.sources import read_source
    from ..data.table import source_key
    from .plan import total_steps, train_rows
    from .preflight import preflight

    points = expand(base, spec, sweep_id)
    rows: dict[tuple, int] = {}
    for p in points:
        key = source_key(p.cfg)
        if key not in rows:
            rows[key] = len(read_source(p.cfg.data))
        p.steps = total_steps(p.cfg, train_rows(p.cfg, rows[key]))
    total = sum(p.steps for p in points)
    what = f"this sweep would take {total} steps in all ({len(points)} points)"
    if spec.max_total_steps and total > spec.max_total_steps:
        raise ConfigError(f"{what}; its cap is {spec.max_total_steps} (sweep.max_total_steps): fewer points, "
                          "fewer steps per point (train.max_steps), or a higher cap")
    if limits.max_steps and total > limits.max_steps:
        raise ConfigError(f"{what}; the limit here is {limits.max_steps} steps for a whole sweep: fewer points "
                          "or fewer steps per point (train.max_steps)")
    if preflight_points:
        for p in points:
            try:
                preflight(p.cfg, limits, n_rows=rows[source_key(p.cfg)])
            except (ConfigError, ValueError) as exc:
                raise type(exc)(f"sweep point {p.index} ({describe(p.settings)}): {exc}") from None
    return SweepPlan(base=base, spec=spec, points=points, total_steps=total)


# --------------------------------------------------------------------------- running
def sweeps_dir() -> Path:
    from ..paths import workspace

    d = workspace() / "sweeps"
    d.mkdir(parents=True, exist_ok=True)
    return d


def new_sweep_id() -> str:
    return f"sweep-{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(2)}"


_REGISTRY: dict[str, "Sweep"] = {}
_REGISTRY_LOCK = threading.Lock()


class Sweep:
    """A planned sweep and its points' runs."""

    def __init__(self, plan: SweepPlan, sweep_id: str, owner: str = "local"):
        self.id, self.owner, self.plan = sweep_id, owner, plan
        self.points = plan.points
        self.metric = best_metric(plan.base)
        self.greater = greater_is_better(plan.base)
        self.status = Status.QUEUED
        self.message = ""
        self.created = time.strftime("%Y-%m-%dT%H:%M:%S")
        self.folder = sweeps_dir() / sweep_id
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    # ---- lifecycle -----------------------------------------------------------------
    def start(self, queue: Any = None, allow_queue: bool = False) -> "Sweep":
        """Queue the first point now (a busy trainer raises here, before anything is written),
        then the rest one after another in a background thread."""
        from .queue import BusyError, default_queue

        queue = queue or default_queue()
        if queue.active_for(self.owner) is not None:
            raise BusyError("you already have a run going; let it finish (or stop it) before starting a sweep")
        if not allow_queue and queue.busy():
            raise BusyError("the trainer is busy with another run; try again when it finishes")
        self.folder.mkdir(parents=True, exist_ok=False)
        self.plan.base.save(self.folder / "config.yaml")
        try:
            self._submit(queue, self.points[0], allow_queue)
        except Exception:  # refused after all (a race with another session): leave nothing behind
            import shutil

            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        self.status = Status.RUNNING
        self.write()
        with _REGISTRY_LOCK:
            _REGISTRY[self.id] = self
        self._thread = threading.Thread(target=self._loop, args=(queue,), name=f"sweep-{self.id}", daemon=True)
        self._thread.start()
        return self

    def _submit(self, queue: Any, point: Point, allow_queue: bool) -> Any:
        tags = {"sweep": {"id": self.id, "point": point.index, "settings": point.settings}}
        while True:
            job = queue.submit(point.cfg, self.owner, allow_queue=allow_queue, tags=tags)
            if job.cfg is point.cfg:
                break
            # The owner started a run of their own between two points: it goes first.
            while not job.done and not self._stop.wait(0.5):
                pass
            if self._stop.is_set():
                point.status = SKIPPED
                return None
        point.job, point.run, point.status = job, job.name, str(job.status)
        return job

    def _loop(self, queue: Any) -> None:
        try:
            for point in self.points:
                if point.job is None and point.status == WAITING:
                    if self._stop.is_set():
                        point.status = SKIPPED
                        continue
                    self._submit(queue, point, allow_queue=True)  # accepted already: later points wait their turn
                    self.write()
                job = point.job
                while job is not None and not job.done:
                    if self._stop.wait(0.5):
                        queue.cancel(job)
                        while not job.done:
                            time.sleep(0.2)
                if job is not None:
                    point.status = str(job.status)
                self.write()
            self.status = Status.STOPPED if self._stop.is_set() else Status.FINISHED
        except Exception as exc:  # a sweep ends with a status, like a job
            self.status = Status.FAILED
            self.message = f"{type(exc).__name__}: {exc}"
        for point in self.points:
            if point.status == WAITING:
                point.status = SKIPPED
        self.write()

    def stop(self) -> None:
        """Stop the running point (a checkpoint is saved) and skip the rest."""
        self._stop.set()

    def wait(self, timeout: float | None = None) -> bool:
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return not self.live

    @property
    def live(self) -> bool:
        return self.status in ACTIVE

    # ---- views -----------------------------------------------------------------------
    def rows(self) -> list[dict[str, Any]]:
        """One row per point: settings, status, best validation metric, steps, time, run."""
        out = []
        for p in self.points:
            summary, events = self._state(p)
            out.append({"point": p.index, "settings": p.settings,
                        "status": str(p.job.status) if p.job is not None else p.status,
                        "best": best_value(events, summary, self.metric, self.greater),
                        "steps": f"{summary.get('steps', 0) or 0}/{p.steps}",
                        "runtime_s": summary.get("runtime_s"), "run": p.run})
        return out

    def _state(self, p: Point) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        if p.job is not None:
            snap = p.job.snapshot()
            return {"steps": snap.step, "runtime_s": snap.elapsed_s or None, "final": snap.final}, snap.events
        if p.run:
            from ..paths import runs_dir

            d = runs_dir() / p.run
            return read_summary(d), read_events(d)
        return {}, []

    def best(self) -> dict[str, Any] | None:
        """The row of the point with the best validation metric (finished points only)."""
        done = [r for r in self.rows() if r["best"] is not None and r["status"] in (Status.FINISHED, Status.STOPPED)]
        if not done:
            return None
        return (max if self.greater else min)(done, key=lambda r: r["best"])

    def curves(self) -> list[tuple[str, list[dict[str, Any]]]]:
        """(label, events) per point that has started, for core.results.plots.loss_figure."""
        out = []
        for p in self.points:
            events = self._state(p)[1]
            if events:
                out.append((f"#{p.index} {describe(p.settings)}", events))
        return out

    def point_config(self, index: int) -> RunConfig:
        point = next((p for p in self.points if p.index == int(index)), None)
        if point is None:
            raise ConfigError(f"sweep {self.id} has no point {index}; its points are 1-{len(self.points)}")
        return point.cfg

    def as_dict(self) -> dict[str, Any]:
        best = self.best()
        return {"id": self.id, "owner": self.owner, "created": self.created, "status": str(self.status),
                "message": self.message,
                "metric": self.metric, "greater_is_better": self.greater, "total_steps": self.plan.total_steps,
                "grid": self.plan.spec.grid, "max_points": self.plan.spec.max_points,
                "max_total_steps": self.plan.spec.max_total_steps,
                "points": [{"point": p.index, "settings": p.settings, "run": p.run, "status": r["status"],
                            "steps": p.steps, "best": r["best"]} for p, r in zip(self.points, self.rows())],
                "best_point": best["point"] if best else None}

    def write(self) -> None:
        with self._lock:
            if self.folder.is_dir():
                write_json(self.folder / "sweep.json", self.as_dict())


def best_value(events: list[dict[str, Any]], summary: dict[str, Any], metric: str, greater: bool) -> float | None:
    """The best value of ``metric`` over a run's evaluations after step 0 (the final one too)."""
    values = [e[metric] for e in events if e.get("type") == "eval" and not e.get("baseline")
              and isinstance(e.get(metric), (int, float))]
    final = (summary.get("final") or {}).get(metric)
    if isinstance(final, (int, float)):
        values.append(final)
    if not values:
        return None
    return float(max(values) if greater else min(values))


def start_sweep(base: RunConfig, spec: SweepSpec, owner: str = "local", limits: Limits = NO_LIMITS,
                allow_queue: bool = False, queue: Any = None) -> Sweep:
    """Plan (budget + pre-flight), then start: what the CLI and the Train tab call."""
    from .queue import default_queue

    queue = queue or default_queue()
    mine = latest_sweep(owner)
    if mine is not None and mine.live:
        return mine  # a second click on Start sweep returns the sweep already going
    sweep_id = new_sweep_id()
    return Sweep(plan_sweep(base, spec, limits, sweep_id), sweep_id, owner).start(queue, allow_queue)


def latest_sweep(owner: str) -> Sweep | None:
    with _REGISTRY_LOCK:
        mine = [s for s in _REGISTRY.values() if s.owner == owner]
    return mine[-1] if mine else None


def get_sweep(sweep_id: str, owner: str | None = None) -> Sweep | None:
    with _REGISTRY_LOCK:
        s = _REGISTRY.get(sweep_id)
    return s if s is not None and (owner is None or s.owner == owner) else None


def load_spec(path: str | Path) -> tuple[dict[str, Any], SweepSpec]:
    """A sweep file: optional ``config`` (a preset path) and ``set`` (a list of section.field=value),
    then the spec's fields. Returns (the base part, the spec)."""
    p = Path(path)
    raw = read_yaml(p, "sweep file")
    if not isinstance(raw, dict):
        raise ConfigError(f"{p} must be a mapping with a grid (or points)")
    base = {k: raw.pop(k) for k in ("config", "set") if k in raw}
    return base, SweepSpec.from_dict(raw)


def is_sweep_file(path: str | Path) -> bool:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return False
    return isinstance(raw, dict) and ("grid" in raw or "points" in raw)
