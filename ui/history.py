"""History tab: every past run in one table (status, task, model, method, key metric,
duration), several runs' loss curves drawn on one chart with their metrics side by side,
and two ways to reuse a run: load its settings into every tab, or resume it from its last
checkpoint when it was stopped or interrupted. In shared mode only this browser's runs."""

from __future__ import annotations

import dataclasses
import functools
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from core.config import ConfigError
from core.results.runs import Status
from core.train.timing import prediction_cell

from .common import AppSettings, Form, Session, explain, handler, note, run_owner, section_title
from .results_common import TASK_NAMES, duration, find_run, visible_runs

TITLE = "History"
COLUMNS = ["Run", "Status", "Task", "Model", "Method", "Key metric", "Duration", "Started"]
COLUMN_WIDTHS = ["22%", "9%", "12%", "15%", "7%", "16%", "9%", "10%"]
METRICS = ("eval_accuracy", "eval_f1", "eval_loss", "eval_perplexity")

EXPLANATION = """
Every training run keeps a folder with its settings, its loss curve and its scores, so runs can
be compared long after they finished. A single run says little on its own: what teaches is
putting two side by side, one setting apart (a higher learning rate, another rank, more
epochs), and seeing which curve falls faster and which ends higher.

The **key metric** is the score on the validation rows after training: accuracy for a
classifier, the evaluation loss for text generation (lower is better). *Load its settings*
puts a past run's settings back into every tab, to repeat it or change one thing.
A run that was **stopped** or **interrupted** (the app was closed while it trained) can
**resume** from its last saved checkpoint instead of starting over.
"""


@dataclass
class HistoryParts:
    refresh_btn: gr.Button
    summary: gr.Markdown
    table: gr.Dataframe
    overlay: gr.CheckboxGroup
    overlay_btn: gr.Button
    chart: gr.Plot
    metrics: gr.Dataframe
    pick: gr.Dropdown
    load_btn: gr.Button
    resume_btn: gr.Button
    note: gr.HTML


def layout(ctx: Any) -> HistoryParts:
    explain(ctx.settings, EXPLANATION)
    with gr.Row(equal_height=True):
        summary = gr.Markdown(elem_id="history-summary", elem_classes=["fts-summary"], label="Summary",
                              show_label=False)
        refresh_btn = gr.Button("↻ Refresh", size="sm", scale=0, min_width=120, elem_id="history-refresh")
    table = gr.Dataframe(headers=COLUMNS, label="Runs, newest first", interactive=False, wrap=True, max_height=380,
                         buttons=[], column_widths=COLUMN_WIDTHS, elem_id="history-table")
    section_title("Compare runs")
    with gr.Row(equal_height=False):
        with gr.Column(scale=4, min_width=300, elem_classes=["fts-panel"]):
            # Custom values allowed so an API client can name runs; the handler checks every name.
            overlay = gr.Dropdown([], value=[], multiselect=True, allow_custom_value=True, label="Runs to draw",
                                  info="Pick two or more to overlay their loss curves.", elem_id="history-overlay")
            overlay_btn = gr.Button("Draw them together", variant="primary", elem_id="history-overlay-btn")
        with gr.Column(scale=8, min_width=420):
            chart = gr.Plot(label="Loss curves", show_label=False, format="png", elem_id="history-chart")
    metrics = gr.Dataframe(label="Their settings and scores (validation, before → after training)",
                           interactive=False, wrap=True, buttons=[], visible=False, elem_id="history-metrics")
    section_title("Reuse a run")
    with gr.Row(equal_height=False, elem_classes=["fts-panel"]):
        pick = gr.Dropdown([], value=None, label="Run", allow_custom_value=True, scale=5, elem_id="history-pick")
        with gr.Column(scale=3, min_width=220):
            load_btn = gr.Button("Load its settings", elem_id="history-load")
            resume_btn = gr.Button("↻ Resume it", elem_id="history-resume")
    note_html = gr.HTML(padding=False, elem_id="history-note", label="Note", show_label=False)
    return HistoryParts(refresh_btn=refresh_btn, summary=summary, table=table, overlay=overlay,
                        overlay_btn=overlay_btn, chart=chart, metrics=metrics, pick=pick, load_btn=load_btn,
                        resume_btn=resume_btn, note=note_html)


# --------------------------------------------------------------------------- views
def _num(v: Any) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def key_metric(row: dict[str, Any]) -> str:
    """Final eval accuracy for a classifier, final eval loss for causal LM, with its baseline."""
    key = "eval_accuracy" if row.get("task") == "sequence-classification" else "eval_loss"
    after = _num((row.get("final") or {}).get(key))
    if after is None:
        return "–"
    before = _num((row.get("baseline") or {}).get(key))
    return f"{key[5:].replace('_', ' ')} {after:.3f}" + (f" (from {before:.3f})" if before is not None else "")


def status_text(row: dict[str, Any]) -> str:
    status = row.get("status", "?")
    return f"{status} · resumable" if row.get("resumable") else status


def runs_frame(rows: list[dict[str, Any]]) -> Any:
    import pandas as pd

    return pd.DataFrame([[r["name"], status_text(r), TASK_NAMES.get(r.get("task", ""), r.get("task", "?")),
                          r.get("model", "?"), r.get("method", "?"), key_metric(r), duration(r.get("runtime_s")),
                          str(r.get("created", "")).replace("T", " ")[:16]] for r in rows], columns=COLUMNS)


def summary_text(rows: list[dict[str, Any]], settings: AppSettings) -> str:
    if not rows:
        return "No runs yet: start one on the Train tab."
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.get("status", "?")] = counts.get(r.get("status", "?"), 0) + 1
    parts = ", ".join(f"{n} {s}" for s, n in counts.items())
    mine = " (only your runs: the app is in shared mode)" if settings.mode == "shared" else ""
    return f"**{len(rows)} run{'s' if len(rows) != 1 else ''}**{mine}: {parts}."


def memory_cell(summary: dict[str, Any]) -> str:
    """'1,579 MB (est. 1,320)': the measured peak beside the estimate made before training."""
    peak, est = _num(summary.get("peak_memory_mb")), _num(summary.get("estimated_peak_mb"))
    if peak is None:
        return "–"
    return f"{peak:,.0f} MB" + (f" (est. {est:,.0f})" if est is not None else "")


def metrics_frame(rows: list[dict[str, Any]]) -> Any:
    import pandas as pd

    from core.results.causal_report import score_cells
    from core.results.runs import load_run_config

    present = [k for k in METRICS if any(_num((r.get("final") or {}).get(k)) is not None for r in rows)]
    out = []
    for r in rows:
        try:
            lr = f"{load_run_config(Path(r['path'])).train.learning_rate:g}"
        except Exception:  # a damaged config.yaml: show the rest
            lr = "?"
        item = {"Run": r["name"], "Method": r.get("method", "?"), "Learning rate": lr,
                "Steps": r.get("steps", "–"), "Duration": duration(r.get("runtime_s")),
                "Training time": prediction_cell(r), "Peak memory": memory_cell(r)}
        for k in present:
            before, after = _num((r.get("baseline") or {}).get(k)), _num((r.get("final") or {}).get(k))
            shown = "–" if after is None else f"{after:.3f}"
            item[k[5:].replace("_", " ")] = f"{before:.3f} → {shown}" if before is not None else shown
        item.update(score_cells(r))  # causal runs' generation scores and forgetting check, when they have them
        out.append(item)
    return pd.DataFrame(out).fillna("–")


# --------------------------------------------------------------------------- handlers
@handler("list the runs")
def history_list(settings: AppSettings, parts: HistoryParts, session: Session, ticked: Any = None,
                 picked: Any = None) -> dict:
    """Every run this browser may see, newest first, with its status and key metric."""
    return listing(settings, parts, session, ticked, picked)


def listing(settings: AppSettings, parts: HistoryParts, session: Session, ticked: Any, picked: Any) -> dict:
    rows = visible_runs(settings, session)
    names = [r["name"] for r in rows]
    keep = [n for n in (ticked or []) if n in names]
    labels = [(f"{r['name']} ({status_text(r)})", r["name"]) for r in rows]
    return {parts.table: runs_frame(rows), parts.summary: summary_text(rows, settings),
            parts.overlay: gr.update(choices=labels, value=keep),
            parts.pick: gr.update(choices=labels, value=picked if picked in names else (names[0] if names else None))}


@handler("draw the runs")
def history_overlay(settings: AppSettings, parts: HistoryParts, session: Session, names: Any) -> dict:
    """The chosen runs' loss curves on one chart, and their settings and scores in one table."""
    from core.results.plots import loss_figure
    from core.results.runs import read_events

    names = [names] if isinstance(names, str) else list(names or [])
    if not names:
        raise ConfigError("pick one or more runs to draw")
    rows_all = visible_runs(settings, session)
    rows = [find_run(settings, session, n, rows=rows_all) for n in dict.fromkeys(names)]
    series = [(r["name"], read_events(Path(r["path"]))) for r in rows]
    is_cls = all(r.get("task") == "sequence-classification" for r in rows)
    fig = legend_below(loss_figure(series, "eval_accuracy" if is_cls else None))
    return {parts.chart: fig, parts.metrics: gr.update(value=metrics_frame(rows), visible=True)}


def legend_below(fig: Any) -> Any:
    """Several runs make a long legend: move it under the chart, where it hides no curve."""
    import math

    ax = fig.axes[0]
    legend = ax.get_legend()
    if legend is None:
        return fig
    handles, labels = legend.legend_handles, [t.get_text() for t in legend.get_texts()]
    legend.remove()
    width, height = fig.get_size_inches()
    extra = 0.2 * math.ceil(len(labels) / 2) + 0.25  # inches: one line per two entries
    fig.set_size_inches(width, height + extra)
    fig.legend(handles, labels, loc="lower center", ncol=2, fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, extra / (height + extra), 1, 1))
    return fig


@handler("load the run's settings")
def history_load_settings(form: Form, parts: HistoryParts, settings: AppSettings, session: Session,
                          run: Any) -> dict:
    """Put a past run's settings back into every tab (its run name is cleared: a new run
    needs a new folder)."""
    from core.data.table import source_key
    from core.results.runs import load_run_config

    row = find_run(settings, session, run)
    cfg = load_run_config(Path(row["path"]))
    cfg = cfg.replace(train={"run_name": ""})
    out = form.restore(session, cfg)
    try:  # the Data tab then shows this run's table with its own column choices kept
        session.loaded_source = source_key(cfg)
    except Exception:  # its data file is gone: the Data tab says so when it reloads
        pass
    out[parts.note] = note(f"Loaded the settings of {row['name']} into every tab: "
                           f"{TASK_NAMES.get(cfg.model.task, cfg.model.task)}, {cfg.model.name_or_path}, "
                           f"{cfg.adapter.method}, learning rate {cfg.train.learning_rate:g}. "
                           "Change what you like and start a new run on the Train tab.", "ok")
    return out


@handler("resume the run")
def history_resume(parts: HistoryParts, settings: AppSettings, session: Session, run: Any) -> dict:
    """Continue a stopped or interrupted run from its last checkpoint (its own settings)."""
    from core.results.runs import last_checkpoint, load_run_config
    from core.train.preflight import preflight
    from core.train.queue import default_queue

    row = find_run(settings, session, run)
    if not row.get("resumable"):
        status = row.get("status", "unknown")
        why = ("it has no checkpoint to continue from (save_strategy was no, or it stopped before the first save)"
               if status in (Status.STOPPED, Status.FAILED, Status.INTERRUPTED) else "only stopped, failed or interrupted runs can")
        raise ConfigError(f"run {row['name']} is {status}; it can't be resumed: {why}")
    run_dir = Path(row["path"])
    cfg = load_run_config(run_dir)
    preflight(cfg, settings.limits)  # the machine or the mode may differ from when it first ran
    queue = default_queue()
    job = queue.submit(cfg, run_owner(settings, session), allow_queue=settings.allow_queue, resume_dir=run_dir)
    session.job_name = job.name
    session.events_drawn = session.chart_drawn = -1  # the Train tab redraws the whole curve
    if job.name != row["name"]:
        text, kind = (f"You already have a run going ({job.name}); resume {row['name']} when it finishes.", "warn")
    else:
        ckpt = last_checkpoint(run_dir)
        text, kind = (f"Resuming {row['name']} from {ckpt.name if ckpt else 'its last checkpoint'}: "
                      "follow it on the Train tab.", "ok")
    out = listing(settings, parts, session, None, row["name"])
    out[parts.note] = note(text, kind)
    return out


# --------------------------------------------------------------------------- wiring
def _blocks(parts: Any) -> list:
    """Every component and layout block of a tab's parts (what its view may update)."""
    return [getattr(parts, f.name) for f in dataclasses.fields(parts)
            if isinstance(getattr(parts, f.name), gr.blocks.Block)]


def wire(ctx: Any, parts: HistoryParts) -> None:
    from . import data as data_tab
    from . import train as train_tab
    from .data.wiring import refresh_event
    from .train.handlers import poll_training

    form, session, settings = ctx.form, ctx.session, ctx.settings
    list_event = dict(fn=functools.partial(history_list, settings, parts), inputs=[session, parts.overlay, parts.pick],
                   outputs=[parts.table, parts.summary, parts.overlay, parts.pick], concurrency_limit=None)
    parts.refresh_btn.click(api_name="history_list", **list_event)
    ctx.tab_items[sys.modules[__name__]].select(api_visibility="private", show_progress="hidden", **list_event)
    parts.overlay_btn.click(functools.partial(history_overlay, settings, parts), inputs=[session, parts.overlay],
                            outputs=[parts.chart, parts.metrics], api_name="history_overlay")
    parts.load_btn.click(functools.partial(history_load_settings, form, parts, settings), inputs=[session, parts.pick],
                         outputs=[*form.inputs().values(), parts.note], api_name="history_load_settings").success(
        # the Data tab shows the loaded run's table, roles and format
        api_visibility="private", show_progress="hidden", **refresh_event(ctx, ctx.parts_of(data_tab)))
    train_parts = ctx.parts_of(train_tab)
    parts.resume_btn.click(functools.partial(history_resume, parts, settings), inputs=[session, parts.pick],
                           outputs=[parts.table, parts.summary, parts.overlay, parts.pick, parts.note],
                           api_name="history_resume", concurrency_limit=None).success(
        # the Train tab picks the resumed run up and starts polling it
        functools.partial(poll_training, train_parts, settings), inputs=[session],
        outputs=_blocks(train_parts), api_visibility="private", show_progress="hidden")
