"""The train tab's components: its parts (a dataclass) and how they are laid out."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import gradio as gr

from core.train.progress import (
    Snapshot,
    progress_view,
)

from .. import multi_gpu as multi_gpu_section
from .. import sweep as sweep_section
from ..common import Form, explain, section_title

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
    dpo_notes: gr.HTML
    metrics: gr.Markdown
    log: gr.Textbox
    plan: gr.Markdown
    alarms: gr.HTML
    fields: list
    timer: gr.Timer
    status_json: gr.JSON
    status_btn: gr.Button
    multi_gpu: multi_gpu_section.MultiGpuParts
    sweep: sweep_section.SweepParts


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
                form.widget("train", "eval_steps", label="Every (steps)", said="Evaluate every (steps)", minimum=1)
            with gr.Row():
                form.widget("train", "save_strategy", kind="radio", label="Save checkpoints")
                form.widget("train", "save_steps", label="Every (steps)", said="Save every (steps)", minimum=1)
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
                form.widget("generate", "eval_samples", label="Answers scored at the end (causal LM)", minimum=0,
                            maximum=1000)
                form.widget("train", "run_name", label="Run name")
        with gr.Column(scale=8, min_width=440):
            with gr.Row(elem_classes=["fts-actions"]):
                start_btn = gr.Button("▶ Start training", variant="primary", elem_id="train-start", scale=2)
                stop_btn = gr.Button("■ Stop", variant="stop", interactive=False, elem_id="train-stop", scale=1)
                resume_btn = gr.Button("↻ Resume", variant="secondary", interactive=False, elem_id="train-resume",
                                       scale=1)
            # Opening the tab replaces this with what Start would train (handlers.ready_text).
            status = gr.Markdown("Ready: press **Start training**.", elem_id="train-status",
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
                # DPO runs: what each reward curve's number means now (ui/train_view.dpo_panel)
                dpo_notes = gr.HTML(elem_id="train-dpo", padding=False, label="What the curves mean",
                                    show_label=False)
                metrics = gr.Markdown(elem_id="train-metrics", elem_classes=["fts-summary"], label="Metrics",
                                      show_label=False)
                log = gr.Textbox(label="Log", lines=12, max_lines=16, interactive=False, autoscroll=True,
                                 elem_id="train-log", buttons=["copy"])
            plan = gr.Markdown(elem_id="train-plan", elem_classes=["fts-plan"], label="Plan", container=True,
                               show_label=False)
            # Causal LM: the Tokenize & pad tab's alarms again, under the plan (ui/train_view.py)
            alarms = gr.HTML(elem_id="train-alarms", padding=False)
            multi_gpu = multi_gpu_section.layout()
    sweep = sweep_section.layout()  # "Try several settings": full width under the run view
    timer = gr.Timer(POLL_SECONDS, active=False)  # ticks only while a run is live
    status_json = gr.JSON(visible=False)
    status_btn = gr.Button(visible=False)
    return TrainParts(start_btn=start_btn, stop_btn=stop_btn, resume_btn=resume_btn, status=status,
                      progress=progress, run_box=run_box, chart=chart, chart_note=chart_note, dpo_notes=dpo_notes,
                      metrics=metrics,
                      log=log, plan=plan, alarms=alarms, fields=[f.component for f in form.fields[first_field:]], timer=timer,
                      status_json=status_json, status_btn=status_btn, multi_gpu=multi_gpu, sweep=sweep)


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
