"""The Train tab's "Try several settings" section: a small sweep (core.train.sweep). Up to three
fields with the values to try (every combination is a point), caps on points and total steps,
Start / Stop, a live table (one row per point, polled by a gr.Timer), the points' curves on
one chart, and the best point: load its settings into every tab, or compare it. The Code tab
exports the same sweep as sweep.py (:func:`code_sweep`)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import gradio as gr

from core.config import ConfigError, describe_fields
from core.train.sweep import DEFAULT_MAX_POINTS, NOT_SWEPT, SweepSpec, describe, grid_values, latest_sweep

from .common import AppSettings, Form, Session, checked_config, handler, note

ROWS = (("train.learning_rate", "1e-3, 3e-3"), ("train.per_device_train_batch_size", "8, 16"),
        ("train.warmup_ratio", ""))  # the guide's learning rate x batch size x warmup ratio
COLUMNS = ["#", "Settings", "Status", "Best", "Steps", "Time", "Run"]
POLL_SECONDS = 2.0
FIELDS = [r["key"] for r in describe_fields() if r["key"] not in NOT_SWEPT and not r["key"].startswith("generate.")]


@dataclass
class SweepParts:
    accordion: gr.Accordion
    keys: list
    values: list
    max_points: gr.Number
    max_total_steps: gr.Number
    start_btn: gr.Button
    stop_btn: gr.Button
    status: gr.Markdown
    table: gr.Dataframe
    chart: gr.Plot
    drawn: gr.State
    best: gr.Markdown
    pick: gr.Dropdown
    load_btn: gr.Button
    compare_btn: gr.Button
    note: gr.HTML
    timer: gr.Timer
    train_timer: Any = None  # the Train tab's timer: kept ticking while a sweep runs, so it shows the live point


def layout() -> SweepParts:
    with gr.Accordion("Try several settings (a sweep)", open=False, elem_id="train-sweep") as accordion:
        gr.Markdown("Start from the settings above, then try a few values for up to three of them: every "
                    "combination is a normal run in the queue with its own folder, and the best point (by "
                    "*Metric for the best checkpoint*) can be loaded back. Early stopping applies to each point.",
                    elem_classes=["fts-hint"])
        keys, values = [], []
        for i, (key, text) in enumerate(ROWS):
            with gr.Row():
                keys.append(gr.Dropdown(FIELDS, value=key, label="Setting", scale=2, elem_id=f"sweep-key-{i}"))
                values.append(gr.Textbox(text, label="Values to try", placeholder="comma-separated, e.g. 0, 0.1",
                                         scale=3, elem_id=f"sweep-values-{i}"))
        with gr.Row():
            max_points = gr.Number(DEFAULT_MAX_POINTS, precision=0, minimum=1, label="At most this many points",
                                   elem_id="sweep-max-points")
            max_total_steps = gr.Number(0, precision=0, minimum=0, label="At most this many steps in all (0 = no cap)",
                                        elem_id="sweep-max-steps")
        with gr.Row(elem_classes=["fts-actions"]):
            start_btn = gr.Button("▶ Start sweep", variant="primary", elem_id="sweep-start", scale=2)
            stop_btn = gr.Button("■ Stop sweep", variant="stop", interactive=False, elem_id="sweep-stop", scale=1)
        status = gr.Markdown(elem_id="sweep-status", label="Sweep status", show_label=False)
        table = gr.Dataframe(headers=COLUMNS, label="Points", interactive=False, wrap=True, buttons=[],
                             elem_id="sweep-table", column_widths=["5%", "35%", "11%", "11%", "8%", "8%", "22%"])
        chart = gr.Plot(label="Loss curves of the points", show_label=False, format="png", elem_id="sweep-chart")
        best = gr.Markdown(elem_id="sweep-best", elem_classes=["fts-summary"], label="Best point", show_label=False)
        with gr.Row(equal_height=True):
            pick = gr.Dropdown([], value=None, label="Point", allow_custom_value=True, scale=3, elem_id="sweep-pick")
            load_btn = gr.Button("Load its settings", scale=1, elem_id="sweep-load")
            compare_btn = gr.Button("Compare it", scale=1, elem_id="sweep-compare")
        note_html = gr.HTML(padding=False, elem_id="sweep-note", label="Note", show_label=False)
    return SweepParts(accordion=accordion, keys=keys, values=values, max_points=max_points,
                      max_total_steps=max_total_steps, start_btn=start_btn, stop_btn=stop_btn, status=status,
                      table=table, chart=chart, drawn=gr.State(-1), best=best, pick=pick, load_btn=load_btn,
                      compare_btn=compare_btn, note=note_html, timer=gr.Timer(POLL_SECONDS, active=False))


# --------------------------------------------------------------------------- engine calls
def spec_from(base: Any, rows: list[tuple[Any, Any]], max_points: Any = DEFAULT_MAX_POINTS,
              max_total_steps: Any = 0) -> SweepSpec:
    """The sweep the inputs describe (rows with no values are not swept)."""
    grid = {}
    for key, text in rows:
        if str(text or "").strip():
            if not key:
                raise ConfigError(f"choose the setting the values {text!r} are for")
            grid[str(key)] = grid_values(str(key), str(text), base)
    if not grid:
        raise ConfigError("enter the values to try for at least one setting, e.g. learning rate 1e-3, 3e-3")

    def whole(v: Any, name: str) -> int:
        try:
            return int(float(v))
        except (TypeError, ValueError):
            raise ConfigError(f"sweep.{name} must be a whole number, got {v!r}") from None

    return SweepSpec(grid=grid, max_points=whole(max_points, "max_points"),
                     max_total_steps=whole(max_total_steps, "max_total_steps"))


def _take(values: dict[str, Any]) -> tuple[list[tuple[Any, Any]], Any, Any]:
    """Pop the sweep's own inputs (see :func:`inputs`) from a handler's keyword values."""
    rows = [(values.pop(f"sweep_setting_{i}", None), values.pop(f"sweep_values_{i}", "")) for i in range(1, len(ROWS) + 1)]
    return rows, values.pop("sweep_max_points", DEFAULT_MAX_POINTS), values.pop("sweep_max_total_steps", 0)


def view(parts: SweepParts, sweep: Any, drawn: int, force: bool = False) -> dict:
    import pandas as pd

    from .results_common import duration

    rows = sweep.rows()
    metric = sweep.metric[5:] if sweep.metric.startswith("eval_") else sweep.metric
    frame = pd.DataFrame([[r["point"], describe(r["settings"]), r["status"],
                           "–" if r["best"] is None else f"{r['best']:.4f}", r["steps"], duration(r["runtime_s"]),
                           r["run"] or "–"] for r in rows], columns=[*COLUMNS[:3], f"Best {metric}", *COLUMNS[4:]])
    done = sum(r["status"] in ("finished", "stopped", "failed", "skipped") for r in rows)
    state = {"running": "**Running**", "queued": "**Starting**", "finished": "**Finished**",
             "stopped": "**Stopped**", "failed": "**Failed**"}.get(str(sweep.status), str(sweep.status))
    best = sweep.best()
    out: dict = {parts.status: f"{state} sweep `{sweep.id}`: {done} of {len(rows)} points done · "
                               + " · ".join(sweep.plan.lines()) + (f" · {sweep.message}" if sweep.message else ""),
                 parts.table: frame,
                 parts.start_btn: gr.update(interactive=not sweep.live),
                 parts.stop_btn: gr.update(interactive=sweep.live), parts.timer: gr.Timer(active=sweep.live),
                 **({parts.train_timer: gr.Timer(active=True)} if parts.train_timer is not None and sweep.live
                    else {}),
                 parts.best: (f"**Best so far: point {best['point']}** ({describe(best['settings'])}) with {metric} "
                              f"**{best['best']:.4f}** ({'higher' if sweep.greater else 'lower'} is better)"
                              if best else "No point has finished yet.")}
    if force:
        out[parts.accordion] = gr.update(open=True)
    choices = [(f"#{r['point']} {describe(r['settings'])}", r["point"]) for r in rows]
    out[parts.pick] = gr.update(choices=choices, value=best["point"] if best else rows[0]["point"])
    curves = sweep.curves()
    n_events = sum(len(events) for _, events in curves)
    if force or n_events != drawn:
        from core.results.plots import loss_figure

        from .history import legend_below

        out[parts.chart] = legend_below(loss_figure(curves, sweep.metric if sweep.greater else None)) if curves \
            else None
        out[parts.drawn] = n_events
    return out


def _mine(session: Session) -> Any:
    sweep = latest_sweep(session.owner())
    if sweep is None:
        raise ConfigError("there is no sweep of yours yet: enter values to try and press Start sweep")
    return sweep


# --------------------------------------------------------------------------- handlers
@handler("start the sweep")
def sweep_start(form: Form, parts: SweepParts, settings: AppSettings, session: Session, **values: Any) -> dict:
    """Plan the sweep (budget, limits, pre-flight of every point), then queue its first point."""
    from core.train.sweep import start_sweep

    rows, max_points, max_total_steps = _take(values)
    base = checked_config(form, settings, session, values).replace(train={"run_name": ""})
    spec = spec_from(base, rows, max_points, max_total_steps)
    sweep = start_sweep(base, spec, session.owner(), settings.limits, settings.allow_queue)
    session.events_drawn = session.chart_drawn = -1  # the Train tab follows the running point
    return view(parts, sweep, -1, force=True)


@handler("refresh the sweep", light=True)
def sweep_poll(parts: SweepParts, session: Session, drawn: Any = -1) -> dict:
    """The live table of this browser's latest sweep (what the timer calls)."""
    sweep = latest_sweep(session.owner())
    if sweep is None:
        return {parts.timer: gr.Timer(active=False)}
    return view(parts, sweep, int(drawn if isinstance(drawn, (int, float)) else -1))


@handler("stop the sweep", light=True)
def sweep_stop(parts: SweepParts, session: Session) -> dict:
    """Stop the running point (a checkpoint is saved) and skip the points after it."""
    sweep = _mine(session)
    if not sweep.live:
        raise ConfigError(f"sweep {sweep.id} is {sweep.status} already")
    sweep.stop()
    return view(parts, sweep, -1, force=True)


@handler("load the point's settings")
def sweep_load_settings(form: Form, parts: SweepParts, session: Session, point: Any) -> dict:
    """Put a point's settings (the best one unless another is picked) into every tab."""
    sweep = _mine(session)
    best = sweep.best()
    index = point if point not in (None, "") else (best["point"] if best else None)
    if index is None:
        raise ConfigError("no point has finished yet; pick one or wait for the first")
    try:
        cfg = sweep.point_config(int(float(index))).replace(train={"run_name": ""})
    except (TypeError, ValueError):
        raise ConfigError(f"there is no point {index!r} in this sweep") from None
    out = form.restore(session, cfg)
    out[parts.note] = note(f"Loaded point {int(float(index))} ({describe(sweep.points[int(float(index)) - 1].settings)}) "
                           "into every tab: Start training runs it again, or change one thing first.", "ok")
    return out


@handler("compare the point")
def sweep_compare(settings: AppSettings, parts: SweepParts, compare: Any, tabs: Any, session: Session,
                  cache: Any, point: Any) -> dict:
    """Choose the point's run on the Compare tab and switch to it."""
    from .results_common import finished_runs, latest_finished_job, run_choices

    sweep = _mine(session)
    row = next((r for r in sweep.rows() if str(r["point"]) == str(point).split(".")[0]), None) or \
        (sweep.best() if point in (None, "") else None)
    if row is None or row["status"] != "finished":
        raise ConfigError("pick a point that has finished: only a finished run has a trained model to compare")
    cache.offered_job = latest_finished_job(session)  # keep the Compare tab on this choice
    return {compare.run: gr.update(choices=run_choices(finished_runs(settings, session)), value=row["run"]),
            tabs: gr.Tabs(selected="compare")}


@handler("write the sweep script")
def code_sweep(form: Form, session: Session, **values: Any) -> tuple[str, Any]:
    """The sweep of the Train tab's inputs as a standalone sweep.py (for the Code tab)."""
    from core.results.sweepcode import render_sweep_script

    from .results_common import session_folder

    rows, max_points, max_total_steps = _take(values)
    base = form.to_config(session, values).replace(train={"run_name": ""})
    try:
        spec = spec_from(base, rows, max_points, max_total_steps)
    except ConfigError as exc:
        return f"# No sweep to export: {exc}.\n# Set it up under Train › Try several settings.", None
    text = render_sweep_script(base, spec)
    path = session_folder(session) / "sweep.py"
    path.write_text(text, encoding="utf-8")
    return text, str(path)


# --------------------------------------------------------------------------- wiring
def inputs(parts: SweepParts) -> dict[str, Any]:
    """The sweep's inputs by keyword (beside the form's, which they must not shadow)."""
    out = {}
    for i, (key, values) in enumerate(zip(parts.keys, parts.values), start=1):
        out[f"sweep_setting_{i}"], out[f"sweep_values_{i}"] = key, values
    return {**out, "sweep_max_points": parts.max_points, "sweep_max_total_steps": parts.max_total_steps}


def wire(ctx: Any, parts: SweepParts, train_timer: Any = None) -> None:
    from . import compare as compare_tab
    from . import data as data_tab
    from .compare.handlers import compare_load
    from .compare.wiring import load_outputs
    from .data.wiring import refresh_event

    form, session, settings = ctx.form, ctx.session, ctx.settings
    parts.train_timer = train_timer
    live = [*([train_timer] if train_timer is not None else []), parts.status, parts.table, parts.start_btn, parts.stop_btn, parts.timer, parts.best, parts.pick,
            parts.chart, parts.drawn, parts.accordion]
    parts.start_btn.click(functools.partial(sweep_start, form, parts, settings), inputs=[session],
                          inputs_kwargs={**form.inputs(), **inputs(parts)}, outputs=live, api_name="sweep_start", concurrency_limit=None)
    parts.timer.tick(functools.partial(sweep_poll, parts), inputs=[session, parts.drawn], outputs=live,
                     api_name="sweep_poll", show_progress="hidden", concurrency_limit=None, trigger_mode="once")
    parts.stop_btn.click(functools.partial(sweep_stop, parts), inputs=[session], outputs=live, api_name="sweep_stop",
                         concurrency_limit=None)
    parts.load_btn.click(functools.partial(sweep_load_settings, form, parts), inputs=[session, parts.pick],
                         outputs=[*form.inputs().values(), parts.note], api_name="sweep_load_settings").success(
        api_visibility="private", show_progress="hidden", **refresh_event(ctx, ctx.parts_of(data_tab)))
    compare = ctx.parts_of(compare_tab)
    parts.compare_btn.click(functools.partial(sweep_compare, settings, parts, compare, ctx.tabs),
                            inputs=[session, compare.cache, parts.pick], outputs=[compare.run, ctx.tabs],
                            api_name="sweep_compare").success(
        functools.partial(compare_load, settings, compare), inputs=[session, compare.cache, compare.run],
        outputs=load_outputs(compare), api_visibility="private")
    ctx.loaded.then(functools.partial(sweep_poll, parts), inputs=[session, parts.drawn], outputs=live,
                    api_visibility="private", show_progress="hidden")
