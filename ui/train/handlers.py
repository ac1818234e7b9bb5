"""The train tab's handlers and the views they return (thin calls into core/)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from core.config import ConfigError
from core.results.runs import Status
from core.train.progress import (
    Snapshot,
    curve_rows,
    event_line,
    memory_line,
    metric_summary,
    status_payload,
)
from core.train.queue import default_queue

from ..common import AppSettings, Form, Session, checked_config, handler, run_owner
from ..messages import scrub_paths
from .layout import LOG_LINES, TrainParts, progress_html


def status_markdown(job: Any, snapshot: Snapshot, position: int, note: str = "", shared: bool = False) -> str:
    status = snapshot.status
    name = f"`{snapshot.name}`"
    lead = f"{note} " if note else ""
    if status == Status.QUEUED:
        if not shared:  # local mode refuses a second run, so a queued run is about to start
            return f"{lead}**Starting** run {name}."
        where = "next in line" if position <= 1 else f"number **{position}** in line"
        return (f"{lead}**Waiting for the trainer**: you are {where}. Run {name} starts when the "
                "runs ahead of it finish.")
    if status in (Status.RUNNING, Status.STOPPING):
        return f"{lead}**{status.capitalize()}** run {name}."
    if status == Status.FINISHED:
        return f"{lead}**Finished** run {name}. The trained weights are in `runs/{snapshot.name}/final`."
    if status == Status.STOPPED:
        return f"{lead}**Stopped** run {name}: {scrub_paths(snapshot.message)}"
    return f"{lead}**Failed** run {name}: {scrub_paths(snapshot.message) or 'see the log'}"


def log_text(job: Any, events: list[dict[str, Any]]) -> str:
    lines = [f"run {job.name} · {job.cfg.model.name_or_path} · {job.cfg.adapter.method} · "
             f"{job.cfg.data.hub_dataset or Path(job.cfg.data.path).name}"]
    lines += [f"data: {line}" for line in getattr(job, "data_report", []) or []]
    info = getattr(job, "info", None)
    if info is not None:
        lines.append(f"model: {info.trainable_line}")
    lines += [event_line(e) for e in events]
    if job.done:
        from core.train.timing import timing_check_line

        lines += [line for line in (memory_line(job.summary), timing_check_line(job.summary)) if line]
    if job.message and job.done:
        lines.append(f"{job.status}: {scrub_paths(job.message)}")
    return "\n".join(lines[-LOG_LINES:])


def view(parts: TrainParts, session: Session, job: Any, note: str = "", force: bool = False,
         shared: bool = False) -> dict:
    """Every live output for ``job``; the chart and log only when new events arrived. While
    the run is live the chart is drawn in the background (ui/live_chart.py): a poll shows the
    newest finished drawing and never waits for one."""
    from core.results.runs import last_checkpoint

    from ..live_chart import live_charts
    from ..train_view import dpo_panel

    queue = default_queue()
    snap = job.snapshot()
    position = queue.position(job)
    live = snap.live
    out: dict = {parts.status: status_markdown(job, snap, position, note, shared),
                 parts.progress: progress_html(snap),
                 parts.metrics: _metrics(snap, job.cfg.model.task, len(job.summary.get("labels") or []) or None,
                                         job.summary),
                 parts.start_btn: gr.update(interactive=not live),
                 parts.stop_btn: gr.update(interactive=snap.status in (Status.QUEUED, Status.RUNNING)),
                 parts.resume_btn: gr.update(interactive=not live and snap.status in (Status.STOPPED, Status.FAILED)
                                             and last_checkpoint(job.run_dir) is not None),
                 parts.timer: gr.Timer(active=live), parts.run_box: gr.update(visible=True),
                 parts.plan: gr.update(visible=not live)}
    charts = live_charts()
    metric = headline_metric(job.cfg)
    if force or not live:
        chart = charts.draw_now(job.name, snap.events, metric)
    else:
        charts.request(job.name, snap.events, metric)
        chart = charts.latest(job.name)
    if chart is not None and (force or chart[0] != session.chart_drawn):
        session.chart_drawn = chart[0]
        out[parts.chart] = chart[1]
    if force or snap.n_events != session.events_drawn or not live:
        session.events_drawn = snap.n_events
        rows = curve_rows(snap.events, job.cfg.model.task)
        last = next((r for r in reversed(rows) if r["series"] == "train loss"), None)
        out[parts.chart_note] = (f"{len(rows)} points · last train loss {last['value']:.4f} at step {last['step']}"
                                 if last else f"{len(rows)} points · the curve starts after the first logged step")
        out[parts.log] = log_text(job, snap.events)
        out[parts.dpo_notes] = dpo_panel(job.cfg, snap.events, job.summary)
    return only_changed(session, out, force)


def only_changed(session: Session, out: dict, force: bool = False) -> dict:
    """Outputs the page already shows become ``gr.skip()``: the poll runs every second and
    most ticks only the progress line moves, so the status, metrics, buttons and the rest are
    neither encoded, sent nor re-rendered again. ``force`` (start, stop, reattach) sends all."""
    sent = session.view_sent
    if force:
        sent.clear()
    for comp, value in out.items():
        if isinstance(value, gr.Timer):
            sig: Any = ("timer", value.active)
        elif isinstance(value, (str, dict)):
            sig = value if isinstance(value, str) else repr(sorted(value.items(), key=lambda kv: kv[0]))
        else:  # the chart: its own counter (session.chart_drawn) decides
            continue
        if sent.get(id(comp)) == sig:
            out[comp] = gr.skip()
        else:
            sent[id(comp)] = sig
    return out


def headline_metric(cfg: Any) -> str | None:
    """The metric drawn on the chart's second axis (accuracy for classification)."""
    return "eval_accuracy" if cfg.model.task == "sequence-classification" else None


def _metrics(snap: Snapshot, task: str, num_labels: int | None = None, summary: dict | None = None) -> str:
    # ``summary`` is the run's summary.json (the causal coach reads its report); the metric
    # line gets its own name (it once shadowed the dict, and a causal run's poll failed).
    line = metric_summary(snap.baseline, snap.final, task)
    text = ""
    if line:
        text = ("**Validation, before → after training:** " if snap.final
                else "**Baseline, the untrained model on the validation rows:** ") + line
    return text + coach_markdown(snap, num_labels, task, summary)


def coach_markdown(snap: Snapshot, num_labels: int | None, task: str = "", summary: dict | None = None) -> str:
    """The coach's hints for the curve so far (core.train.coach), with the fix for each."""
    from core.train.coach import hints
    from core.train.coach_dpo import dpo_hints

    finished = snap.status == Status.FINISHED
    found = hints(snap.events, num_labels=num_labels, finished=finished, task=task, summary=summary) + \
        dpo_hints(snap.events, snap.max_steps, finished)
    if not found:
        return ""
    return "\n\n" + "\n\n".join(f"> **Coach: {h.title}.** {h.message}  \n> *Try:* {h.fix}" for h in found)


def _job(session: Session) -> Any:
    return default_queue().latest_for(session.owner())


@handler("plan the run", light=True)
def plan_training(form: Form, parts: TrainParts, session: Session, **values: Any) -> dict:
    """What Start would do with the current settings, arithmetic included."""
    from core.config import ConfigError
    from core.data.sources import DataError
    from core.train.plan import run_plan

    # No run of this browser yet: the status line says what Start would train, for the
    # data, model and method chosen now (not the defaults').
    ready = _job(session) is None
    try:
        cfg = form.to_config(session, values)
        timed = timing_for(session, cfg)
        n_rows = len(session.cache.table(cfg))
        lines = run_plan(cfg, n_rows, timed)
    except (ConfigError, DataError) as exc:  # shown in place while the user is still typing
        return {parts.plan: f"#### What Start will do\n{exc}",
                parts.status: READY_BLOCKED if ready else gr.skip()}
    return {parts.plan: "#### What Start will do\n" + "\n".join(f"- {line}" for line in lines),
            parts.status: ready_text(cfg, n_rows) if ready else gr.skip()}


@handler("check what the run trains on")
def plan_alarms(form: Form, parts: TrainParts, session: Session, **values: Any) -> dict:
    """Causal LM: the alarms of the Tokenize & pad tab (what would make the run learn the
    wrong thing), from the session's cache, under the plan. Settings the plan already
    refuses show no alarms: the plan says what to fix."""
    from ..common import KNOWN_ERRORS
    from ..train_view import plan_alarms as alarms_for

    try:
        return {parts.alarms: alarms_for(session, form.to_config(session, values))}
    except KNOWN_ERRORS:
        return {parts.alarms: ""}


READY_BLOCKED = "Not ready yet: the plan below says what to fix before **Start training**."


def ready_text(cfg: Any, n_rows: int) -> str:
    """'Ready: ... trains LoRA adapters on all-MiniLM-L6-v2 with my.csv (120 rows).'"""
    from core.data.table import source_name

    a = cfg.adapter
    what = {"lora": "LoRA adapters on",
            "qlora": f"LoRA adapters on a {cfg.quant.bits}-bit copy of",
            "full": "every weight of",
            "freeze": f"the last {a.trainable_layers} layers of"}.get(a.method, f"{a.method} on")
    model = cfg.model.name_or_path
    model = f"{model.removeprefix('starter:')} (offline starter)" if model.startswith("starter:") else model
    return (f"Ready: **Start training** trains {what} `{model}` with `{source_name(cfg)}` "
            f"({n_rows:,} rows).")


def timing_for(session: Session, cfg: Any) -> dict | None:
    """The session's "Time a few steps" result, if it was measured with these settings."""
    from core.train.plan import timing_key

    return session.timing[1] if session.timing and session.timing[0] == timing_key(cfg) else None


@handler("start training")
def start_training(form: Form, parts: TrainParts, settings: AppSettings, session: Session, **values: Any) -> dict:
    """Queue a training run with the current settings (a second click returns the same run)."""
    owner = run_owner(settings, session)
    cfg = checked_config(form, settings, session, values)
    queue = default_queue()
    before = queue.active_for(owner)
    timed = timing_for(session, cfg)
    predicted = None
    if timed:  # summary.json keeps the prediction beside the real time
        from core.train.timing import predict

        predicted = round(predict(timed, cfg)["total_seconds"], 1)
    job = queue.submit(cfg, owner, allow_queue=settings.allow_queue, predicted_train_s=predicted)
    note = "Already training: this is your current run." if before is job else ""
    session.job_name = job.name
    return view(parts, session, job, note=note, force=True, shared=settings.allow_queue)


@handler("refresh the run", light=True)
def poll_training(parts: TrainParts, settings: AppSettings, session: Session) -> dict:
    """The live view of this browser's latest run (what the timer calls)."""
    job = _job(session)
    if job is None:
        return {parts.timer: gr.Timer(active=False)}
    return view(parts, session, job, shared=settings.allow_queue)


@handler("reattach to the run", light=True)
def attach(parts: TrainParts, settings: AppSettings, session: Session) -> dict:
    """On page load: show this browser's run, if any, with its whole curve so far."""
    job = _job(session)
    if job is None:
        return {parts.timer: gr.Timer(active=False)}
    session.events_drawn = session.chart_drawn = -1
    return view(parts, session, job, note="Reattached to your run." if not job.done else "", force=True,
                shared=settings.allow_queue)


@handler("stop training", light=True)
def stop_training(parts: TrainParts, settings: AppSettings, session: Session) -> dict:
    """Stop this browser's run at the next step (a checkpoint is saved first)."""
    job = default_queue().active_for(session.owner())
    if job is None:
        raise ConfigError("there is no run of yours to stop")
    default_queue().cancel(job)
    return view(parts, session, job, force=True, shared=settings.allow_queue)


@handler("resume training")
def resume_training(parts: TrainParts, settings: AppSettings, session: Session) -> dict:
    """Continue this browser's stopped run from its last checkpoint (same settings)."""
    from core.results.runs import last_checkpoint

    queue = default_queue()
    job = _job(session)
    if job is None or job.status not in (Status.STOPPED, Status.FAILED) or last_checkpoint(job.run_dir) is None:
        raise ConfigError("there is no stopped run with a checkpoint to resume")
    resumed = queue.submit(job.cfg, run_owner(settings, session), allow_queue=settings.allow_queue,
                           resume_dir=job.run_dir)
    session.events_drawn = session.chart_drawn = -1
    return view(parts, session, resumed, note="Resumed from the last checkpoint.", force=True,
                shared=settings.allow_queue)


@handler("read the run status", light=True)
def training_status(session: Session) -> dict:
    """JSON for pollers: status, step, max_steps, baseline and final metrics."""
    job = _job(session)
    if job is None:
        return status_payload(None)
    payload = status_payload(job.snapshot(), default_queue().position(job), job.cfg.model.task)
    payload["message"] = scrub_paths(payload.get("message") or "")
    return payload
