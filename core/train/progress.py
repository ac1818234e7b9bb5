"""Views of a running job for people: chart rows, log lines, progress numbers, the memory
line, the before/after metric summary and durations, all computed from a
:meth:`core.train.job.Job.snapshot`."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from ..results.runs import ACTIVE, Status


@dataclass(frozen=True)
class Snapshot:
    """A cheap copy of a job's state at one moment (:meth:`core.train.job.Job.snapshot`):
    what the Train tab's poller and the status API read."""

    name: str
    status: Status
    message: str
    step: int = 0
    max_steps: int = 0               # 0 until training starts (data, model and baseline come first)
    epoch: float = 0.0
    started: float | None = None     # time.time() when training began
    elapsed_s: float = 0.0           # running time, earlier segments of a resumed run included
    eta_s: float | None = None
    tokens_per_second: float | None = None
    events: list[dict[str, Any]] = field(default_factory=list)  # metrics.jsonl records
    n_events: int = 0
    baseline: dict[str, float] = field(default_factory=dict)
    final: dict[str, float] = field(default_factory=dict)

    @property
    def live(self) -> bool:
        return self.status in ACTIVE


def curve_rows(events: list[dict[str, Any]], task: str) -> list[dict[str, Any]]:
    """Long-format rows (step, value, series) for a line chart: train loss, eval loss and,
    for classification, eval accuracy. The baseline evaluation is the point at step 0."""
    rows: list[dict[str, Any]] = []
    seen_final = False
    for ev in events:
        kind = ev.get("type")
        step = ev.get("step", 0)
        if kind == "train" and _finite(ev.get("loss")):
            rows.append({"step": step, "value": float(ev["loss"]), "series": "train loss"})
        elif kind == "eval":
            if ev.get("final"):
                if seen_final:
                    continue
                seen_final = True
                # The final evaluation repeats the last in-training one at the same step.
                if any(r["step"] == step and r["series"] == "eval loss" for r in rows):
                    continue
            if _finite(ev.get("eval_loss")):
                rows.append({"step": step, "value": float(ev["eval_loss"]), "series": "eval loss"})
            if task == "sequence-classification" and _finite(ev.get("eval_accuracy")):
                rows.append({"step": step, "value": float(ev["eval_accuracy"]), "series": "eval accuracy"})
    return rows


def _finite(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _num(v: Any, digits: int = 4) -> str:
    if not _finite(v):
        return "–"
    return f"{v:.{digits}f}"


def memory_line(summary: dict[str, Any]) -> str:
    """'memory: the run added 610 MB at its peak · 720 MB estimated for it (1.18×) · process
    peak 1,905 MB, 1,295 MB of it in use before the run'. The run's share is what the
    estimate describes: the app's process holds the server and previews besides."""
    peak, est = summary.get("peak_memory_mb"), summary.get("estimated_peak_mb")
    if not peak:
        return ""
    where = summary.get("device") or "this machine"
    added, est_run, start = summary.get("run_memory_mb"), summary.get("estimated_run_mb"), \
        summary.get("memory_at_start_mb")
    if added and start is not None:
        line = f"memory ({where}): the run added {added:,.0f} MB at its peak"
        if est_run:
            line += f" · {est_run:,.0f} MB estimated for it before training ({est_run / added:.2f}×)"
        return line + f" · process peak {peak:,.0f} MB, {start:,.0f} MB of it in use before the run"
    line = f"memory: peak {peak:,.0f} MB measured ({where})"  # runs from before the split was kept
    if est:
        line += f" · {est:,.0f} MB estimated before training ({est / peak:.2f}×)"
    return line


def event_line(ev: dict[str, Any]) -> str:
    """One log line for an event: 'step 10 · loss 0.6523 · lr 4.5e-04'."""
    step = ev.get("step", 0)
    kind = ev.get("type")
    if kind == "train":
        parts = [f"step {step}", f"loss {_num(ev.get('loss'))}"]
        if _finite(ev.get("learning_rate")):
            parts.append(f"lr {ev['learning_rate']:.1e}")
        if _finite(ev.get("grad_norm")):
            parts.append(f"grad norm {ev['grad_norm']:.2f}")
        if _finite(ev.get("tokens_per_second")):
            parts.append(f"{ev['tokens_per_second']:,.0f} tokens/s")
        return " · ".join(parts)
    if kind == "eval":
        what = "baseline (before training)" if ev.get("baseline") else \
            "final evaluation" if ev.get("final") else f"evaluation at step {step}"
        metrics = [f"{k[5:]} {_num(v)}" for k, v in ev.items()
                   if k.startswith("eval_") and _finite(v) and k != "eval_steps_per_second"]
        return f"{what}: " + " · ".join(metrics)
    if kind == "summary":
        return f"training loop done at step {step}"
    return json.dumps(ev)


def format_duration(seconds: Any) -> str:
    """'0:07', '3:25', '1:02:09'; '–' when unknown."""
    if not _finite(seconds) or seconds < 0:
        return "–"
    s = int(round(seconds))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


PHASES = {
    Status.QUEUED: "waiting for the trainer",
    Status.RUNNING: "training",
    Status.STOPPING: "stopping: saving a checkpoint at the end of this step",
    Status.STOPPED: "stopped",
    Status.FINISHED: "finished",
    Status.FAILED: "failed",
}


def progress_view(snapshot: Snapshot) -> dict[str, Any]:
    """Numbers for a progress bar from a job snapshot."""
    status = snapshot.status
    step, total = snapshot.step, snapshot.max_steps
    phase = PHASES.get(status, status)
    if status == Status.RUNNING and not total:
        phase = "preparing: reading data, tokenizing, loading the model, measuring the baseline"
    fraction = (step / total) if total else (1.0 if status == Status.FINISHED else 0.0)
    if status == Status.FINISHED:
        fraction = 1.0
    tps = snapshot.tokens_per_second
    return {"status": status, "phase": phase, "step": step, "max_steps": total, "fraction": min(1.0, fraction),
            "elapsed": format_duration(snapshot.elapsed_s) if snapshot.started else "–",
            "eta": format_duration(snapshot.eta_s) if status == Status.RUNNING and total else "–",
            "tokens_per_second": f"{tps:,.0f}" if _finite(tps) else "–"}


def status_payload(snapshot: Snapshot | None, position: int = -1, task: str = "") -> dict[str, Any]:
    """The JSON the status API returns: status, step, max_steps, baseline and final metrics."""
    if snapshot is None:
        return {"status": "idle", "run": None, "step": 0, "max_steps": 0, "baseline": {}, "final": {},
                "message": "", "queue_position": -1, "curve": []}
    return {"status": str(snapshot.status), "run": snapshot.name, "step": snapshot.step,
            "max_steps": snapshot.max_steps, "baseline": dict(snapshot.baseline), "final": dict(snapshot.final),
            "message": snapshot.message, "queue_position": position, "n_events": snapshot.n_events,
            "elapsed_s": snapshot.elapsed_s, "eta_s": snapshot.eta_s, "tokens_per_second": snapshot.tokens_per_second,
            "curve": curve_rows(snapshot.events, task) if task else []}


def metric_summary(baseline: dict[str, Any], final: dict[str, Any], task: str) -> str:
    """'accuracy 0.512 → 0.857 · loss 0.693 → 0.402' (before → after) for the headline
    metrics; just the baseline values ('accuracy 0.512 · loss 0.693') before the end."""
    keys = ["eval_accuracy", "eval_f1", "eval_loss"] if task == "sequence-classification" \
        else ["eval_loss", "eval_perplexity"]
    parts = []
    for k in keys:
        b, f = baseline.get(k), final.get(k)
        digits = 1 if k == "eval_perplexity" else 3
        if _finite(b) and _finite(f):
            parts.append(f"{k[5:]} {b:.{digits}f} → {f:.{digits}f}")
        elif _finite(b):
            parts.append(f"{k[5:]} {b:.{digits}f}")
    return " · ".join(parts)
