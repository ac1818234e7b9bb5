"""Train tab: hyperparameters, Start / Stop / Resume, and a live view of the run (loss
chart, progress bar with ETA and tokens/s, status line, log).

The run belongs to the process-wide job queue (core.train.queue.default_queue), tagged with this
browser's client id: it keeps going when the page closes, and a reload reattaches to it and
redraws the whole curve. A gr.Timer polls while a run is live.
"""

from __future__ import annotations

import functools
import html
import sys
from dataclasses import dataclass
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
    progress_view,
    status_payload,
)
from core.train.queue import default_queue

from . import multi_gpu as multi_gpu_section
from .common import AppSettings, Form, Session, checked_config, explain, handler, section_title

TITLE = "Train"
POLL_SECONDS = 1.0  # chart refresh while a run is live (the brief asks for <= 2 s)
LOG_LINES = 300

EXPLANATION = """
Training shows the model batches of examples and nudges its weights to lower the **loss**,
a number that measures how wrong its predictions are. The **learning rate** sets the size
of each nudge: too small and little happens, too large and the loss jumps around.

Every so often the model is scored on the validation rows it never trains on. If the
training loss keeps falling while the evaluation loss rises, the model is memorising rather
than learning (overfitting). The step-0 point is the **baseline**: the untouched model's
score, which the fine-tuned model should beat. The run continues if you close the page;
open it again to see how it is doing.
"""



@dataclass
class TrainParts:
    start_btn: gr.Button
    stop_btn: gr.Button
    resume_btn: gr.Button
    status: gr.Markdown
    progress: gr.HTML
    run_box: gr.Column
    chart: gr.Image
    chart_note: gr.Markdown
    metrics: gr.Markdown
    log: gr.Textbox
    plan: gr.Markdown
    fields: list
    timer: gr.Timer
    status_json: gr.JSON
    status_btn: gr.Button
    multi_gpu: multi_gpu_section.MultiGpuParts


def layout(ctx: Any) -> TrainParts:
    form: Form = ctx.form
    explain(ctx.settings, EXPLANATION)
    first_field = len(form.fields)
    with gr.Row(equal_height=False):
        with gr.Column(scale=4, min_width=320, elem_classes=["fts-panel"]):
            section_title("Hyperparameters")
            form.widget("train", "learning_rate", elem_id="train-lr")
            with gr.Row():
                form.widget("train", "num_train_epochs", label="Epochs", minimum=0)
                form.widget("train", "max_steps", label="Max steps", elem_id="train-max-steps")
            form.widget("train", "per_device_train_batch_size", kind="slider", minimum=1, maximum=128, step=1,
                        label="Batch size", elem_id="train-batch-size")
            with gr.Row():
                form.widget("train", "warmup_ratio", kind="slider", minimum=0.0, maximum=0.5, step=0.01,
                            label="Warmup ratio")
                form.widget("train", "weight_decay", label="Weight decay", minimum=0)
            form.widget("train", "lr_scheduler_type", kind="dropdown", label="Learning-rate schedule")
            section_title("Evaluation and checkpoints")
            with gr.Row():
                form.widget("train", "eval_strategy", kind="radio", label="Evaluate")
                form.widget("train", "eval_steps", label="Every (steps)", minimum=1)
            with gr.Row():
                form.widget("train", "save_strategy", kind="radio", label="Save checkpoints")
                form.widget("train", "save_steps", label="Every (steps)", minimum=1)
            with gr.Row():
                form.widget("train", "early_stopping_patience", label="Early-stopping patience", minimum=0)
                form.widget("train", "seed", label="Seed")
            with gr.Accordion("More options", open=False):
                form.widget("train", "per_device_eval_batch_size", label="Eval batch size", minimum=1)
                form.widget("train", "max_grad_norm", label="Max gradient norm")
                form.widget("train", "logging_steps", label="Log every (steps)", minimum=1)
                form.widget("train", "save_total_limit", label="Checkpoints kept", minimum=0)
                form.widget("train", "load_best_model_at_end", label="Load the best checkpoint at the end")
                form.widget("train", "metric_for_best_model", label="Metric for the best checkpoint")
                form.widget("train", "torch_threads", label="CPU threads", minimum=0)
                form.widget("train", "run_name", label="Run name")
        with gr.Column(scale=8, min_width=440):
            with gr.Row(elem_classes=["fts-actions"]):
                start_btn = gr.Button("▶ Start training", variant="primary", elem_id="train-start", scale=2)
                stop_btn = gr.Button("■ Stop", variant="stop", interactive=False, elem_id="train-stop", scale=1)
                resume_btn = gr.Button("↻ Resume", variant="secondary", interactive=False, elem_id="train-resume",
                                       scale=1)
            status = gr.Markdown("Ready: press **Start training**. The defaults train LoRA adapters on the "
                                 "bundled data with the offline starter model.", elem_id="train-status",
                                 elem_classes=["fts-status"], label="Status", show_label=False)
            progress = gr.HTML(progress_html(None), elem_id="train-progress", padding=False, label="Progress",
                               show_label=False)
            # A matplotlib figure (core.results.plots.loss_figure): eval points get markers from the first
            # one (a line chart draws nothing for a one-point series) and accuracy gets its own axis.
            # Redrawn only when new events arrive (~0.1 s each), not on every timer tick.
            with gr.Column(visible=False) as run_box:  # shown once this browser has a run
                chart = gr.Image(label="Loss and accuracy", show_label=False, elem_id="train-chart", type="filepath",
                                 format="png", interactive=False, buttons=["download", "fullscreen"])
                chart_note = gr.Markdown(elem_classes=["fts-hint"], elem_id="train-chart-note",
                                         label="Chart points", show_label=False)
                metrics = gr.Markdown(elem_id="train-metrics", elem_classes=["fts-summary"], label="Metrics",
                                      show_label=False)
                log = gr.Textbox(label="Log", lines=12, max_lines=16, interactive=False, autoscroll=True,
                                 elem_id="train-log", buttons=["copy"])
            plan = gr.Markdown(elem_id="train-plan", elem_classes=["fts-plan"], label="Plan", container=True,
                               show_label=False)
            multi_gpu = multi_gpu_section.layout()
    timer = gr.Timer(POLL_SECONDS, active=False)  # ticks only while a run is live
    status_json = gr.JSON(visible=False)
    status_btn = gr.Button(visible=False)
    return TrainParts(start_btn=start_btn, stop_btn=stop_btn, resume_btn=resume_btn, status=status,
                      progress=progress, run_box=run_box, chart=chart, chart_note=chart_note, metrics=metrics,
                      log=log, plan=plan, fields=[f.component for f in form.fields[first_field:]], timer=timer,
                      status_json=status_json, status_btn=status_btn, multi_gpu=multi_gpu)


# --------------------------------------------------------------------------- views
def progress_html(snapshot: Snapshot | None) -> str:
    if snapshot is None:
        return ('<div class="fts-progress fts-progress-idle"><div class="fts-progress-head">'
                '<span class="fts-phase">No run yet</span></div>'
                '<div class="fts-bar"><div class="fts-bar-fill" style="width:0%"></div></div></div>')
    v = progress_view(snapshot)
    steps = f"step {v['step']} / {v['max_steps']}" if v["max_steps"] else "step –"
    return (f'<div class="fts-progress fts-progress-{html.escape(v["status"])}">'
            f'<div class="fts-progress-head"><span class="fts-phase">{html.escape(v["phase"])}</span>'
            f'<span class="fts-steps">{steps}</span></div>'
            f'<div class="fts-bar"><div class="fts-bar-fill" style="width:{v["fraction"] * 100:.1f}%"></div></div>'
            f'<div class="fts-progress-meta"><span>elapsed <b>{v["elapsed"]}</b></span>'
            f'<span>ETA <b>{v["eta"]}</b></span><span><b>{v["tokens_per_second"]}</b> tokens/s</span></div></div>')


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
        return f"{lead}**Stopped** run {name}: {snapshot.message}"
    return f"{lead}**Failed** run {name}: {snapshot.message or 'see the log'}"


def log_text(job: Any, events: list[dict[str, Any]]) -> str:
    lines = [f"run {job.name} · {job.cfg.model.name_or_path} · {job.cfg.adapter.method} · "
             f"{job.cfg.data.hub_dataset or job.cfg.data.path}"]
    lines += [f"data: {line}" for line in getattr(job, "data_report", []) or []]
    info = getattr(job, "info", None)
    if info is not None:
        lines.append(f"model: {info.trainable_line}")
    lines += [event_line(e) for e in events]
    memory = memory_line(job.summary) if job.done else ""
    if memory:
        lines.append(memory)
    if job.message and job.done:
        lines.append(f"{job.status}: {job.message}")
    return "\n".join(lines[-LOG_LINES:])


def view(parts: TrainParts, session: Session, job: Any, note: str = "", force: bool = False,
         shared: bool = False) -> dict:
    """Every live output for ``job``; the chart and log only when new events arrived. While
    the run is live the chart is drawn in the background (ui/live_chart.py): a poll shows the
    newest finished drawing and never waits for one."""
    from core.results.runs import last_checkpoint

    from .live_chart import live_charts

    queue = default_queue()
    snap = job.snapshot()
    position = queue.position(job)
    live = snap.live
    out: dict = {parts.status: status_markdown(job, snap, position, note, shared),
                 parts.progress: progress_html(snap),
                 parts.metrics: _metrics(snap, job.cfg.model.task, len(job.summary.get("labels") or []) or None),
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
    return out


def headline_metric(cfg: Any) -> str | None:
    """The metric drawn on the chart's second axis (accuracy for classification)."""
    return "eval_accuracy" if cfg.model.task == "sequence-classification" else None


def _metrics(snap: Snapshot, task: str, num_labels: int | None = None) -> str:
    summary = metric_summary(snap.baseline, snap.final, task)
    text = ""
    if summary:
        text = ("**Validation, before → after training:** " if snap.final
                else "**Baseline, the untrained model on the validation rows:** ") + summary
    return text + coach_markdown(snap, num_labels)


def coach_markdown(snap: Snapshot, num_labels: int | None) -> str:
    """The coach's hints for the curve so far (core.train.coach), with the fix for each."""
    from core.train.coach import hints

    found = hints(snap.events, num_labels=num_labels, finished=snap.status == Status.FINISHED)
    if not found:
        return ""
    return "\n\n" + "\n\n".join(f"> **Coach: {h.title}.** {h.message}  \n> *Try:* {h.fix}" for h in found)


def _job(session: Session) -> Any:
    return default_queue().latest_for(session.owner())


# --------------------------------------------------------------------------- handlers
@handler("plan the run", light=True)
def plan_training(form: Form, parts: TrainParts, session: Session, **values: Any) -> dict:
    """What Start would do with the current settings, arithmetic included."""
    from core.config import ConfigError
    from core.data.sources import DataError
    from core.train.plan import run_plan, timing_key

    try:
        cfg = form.to_config(session, values)
        timed = session.timing[1] if session.timing and session.timing[0] == timing_key(cfg) else None
        lines = run_plan(cfg, len(session.cache.table(cfg)), timed)
    except (ConfigError, DataError) as exc:  # shown in place while the user is still typing
        return {parts.plan: f"#### What Start will do\n{exc}"}
    return {parts.plan: "#### What Start will do\n" + "\n".join(f"- {line}" for line in lines)}


@handler("start training")
def start_training(form: Form, parts: TrainParts, settings: AppSettings, session: Session, **values: Any) -> dict:
    """Queue a training run with the current settings (a second click returns the same run)."""
    cfg = checked_config(form, settings, session, values)
    queue = default_queue()
    before = queue.active_for(session.owner())
    job = queue.submit(cfg, session.owner(), allow_queue=settings.allow_queue)
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
    resumed = queue.submit(job.cfg, session.owner(), allow_queue=settings.allow_queue, resume_dir=job.run_dir)
    session.events_drawn = session.chart_drawn = -1
    return view(parts, session, resumed, note="Resumed from the last checkpoint.", force=True,
                shared=settings.allow_queue)


@handler("read the run status", light=True)
def training_status(session: Session) -> dict:
    """JSON for pollers: status, step, max_steps, baseline and final metrics."""
    job = _job(session)
    if job is None:
        return status_payload(None)
    return status_payload(job.snapshot(), default_queue().position(job), job.cfg.model.task)


# --------------------------------------------------------------------------- wiring
def wire(ctx: Any, parts: TrainParts) -> None:
    form, session, settings = ctx.form, ctx.session, ctx.settings
    live = [parts.status, parts.progress, parts.metrics, parts.start_btn, parts.stop_btn, parts.resume_btn,
            parts.timer, parts.chart, parts.chart_note, parts.log, parts.run_box, parts.plan]
    parts.start_btn.click(functools.partial(start_training, form, parts, settings), inputs=[session],
                          inputs_kwargs=form.inputs(), outputs=live, api_name="start_training",
                          concurrency_limit=None)
    parts.timer.tick(functools.partial(poll_training, parts, settings), inputs=[session], outputs=live,
                     api_name="poll_training", show_progress="hidden", concurrency_limit=None,
                     trigger_mode="once")  # a slow tick is skipped, not queued up
    parts.stop_btn.click(functools.partial(stop_training, parts, settings), inputs=[session], outputs=live,
                         api_name="stop_training", concurrency_limit=None)
    parts.resume_btn.click(functools.partial(resume_training, parts, settings), inputs=[session], outputs=live,
                           api_name="resume_training", concurrency_limit=None)
    parts.status_btn.click(training_status, inputs=[session], outputs=[parts.status_json],
                           api_name="training_status", concurrency_limit=None, show_progress="hidden")
    ctx.loaded.then(functools.partial(attach, parts, settings), inputs=[session], outputs=live,
                    api_visibility="private", show_progress="hidden")
    plan = dict(fn=functools.partial(plan_training, form, parts), inputs=[session], inputs_kwargs=form.inputs(),
                outputs=[parts.plan], show_progress="hidden")
    ctx.tab_items[sys.modules[__name__]].select(api_name="plan_training", **plan)
    multi_gpu_section.wire(ctx, parts.multi_gpu)
    for comp in parts.fields:
        comp.input(api_visibility="private", trigger_mode="always_last", **plan)
