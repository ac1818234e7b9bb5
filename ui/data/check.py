"""The Data tab's "Check the data" section: the findings of core.data.check (counts, examples,
the message in plain words), a button per fix (each one config change, applied to every tab's
widgets), the three clean-up switches those fixes set, and likely mislabels after a run."""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from core.config import ConfigError

from ..common import AppSettings, Form, Session, handler, section_title

FIX_SLOTS = 6  # fix buttons laid out in advance (a page can't grow buttons); findings with fixes rarely exceed this
COLOURS = {"blocker": "220, 38, 38", "warning": "245, 158, 11", "info": "99, 102, 241", "done": "22, 163, 74"}
LABELS = {"blocker": "stops training", "warning": "worth fixing", "info": "good to know", "done": "done"}


@dataclass
class CheckParts:
    check_btn: gr.Button
    summary: gr.Markdown
    findings: gr.HTML
    fix_btns: list
    fixes: gr.State
    fix_index: gr.Number
    fix_btn: gr.Button
    mislabels_btn: gr.Button
    mislabels: gr.HTML


def layout(form: Form) -> CheckParts:
    section_title("Check the data")
    gr.Markdown("Duplicates, the same text with different labels, validation rows copied from training, "
                "lopsided classes, rows cut by max_length, markup: found on the rows exactly as training will "
                "see them. Each fix is one setting, applied when the data is prepared.", elem_classes=["fts-hint"])
    with gr.Row():
        check_btn = gr.Button("Check the data", variant="primary", elem_id="data-check", scale=0, min_width=180)
        summary = gr.Markdown(elem_id="data-check-summary", label="Check summary", show_label=False)
    findings = gr.HTML(padding=False, elem_id="data-check-findings", label="Findings", show_label=False)
    with gr.Row(elem_id="data-check-fixes"):
        fix_btns = [gr.Button(visible=False, size="sm", elem_id=f"data-fix-{i}") for i in range(FIX_SLOTS)]
    with gr.Row():
        for name, label in (("drop_near_duplicates", "Drop near-duplicates"), ("drop_conflicts",
                            "Drop conflicting labels"), ("drop_leaked", "Drop training rows in validation")):
            form.widget("data", name, label=label)
    with gr.Row():
        mislabels_btn = gr.Button("Look for likely mislabels (needs a finished run)", size="sm", scale=0,
                                  min_width=300, elem_id="data-mislabels")
    mislabels = gr.HTML(padding=False, elem_id="data-mislabels-found", label="Likely mislabels", show_label=False)
    fix_index = gr.Number(visible=False, precision=0, label="fix")
    fix_btn = gr.Button(visible=False)
    return CheckParts(check_btn=check_btn, summary=summary, findings=findings, fix_btns=fix_btns,
                      fixes=gr.State([]), fix_index=fix_index, fix_btn=fix_btn, mislabels_btn=mislabels_btn,
                      mislabels=mislabels)


# --------------------------------------------------------------------------- views
def finding_html(f: Any) -> str:
    rgb = COLOURS[f.severity]
    examples = "".join(f"<li>{html.escape(_example(e))}</li>" for e in f.examples[:5])
    fix = (f'<div style="margin-top:4px;font-size:.85rem">Fix: <b>{html.escape(f.fix.label)}</b> · '
           f"<code>{html.escape(f.fix.cli())}</code></div>") if f.fix is not None else ""
    count = f" · {f.count:,}" if f.count and f.severity != "blocker" else ""
    return (f'<div class="fts-finding fts-finding-{f.severity}" style="border:1px solid rgba({rgb},.5);'
            f'background:rgba({rgb},.08);border-radius:10px;padding:8px 12px;margin:6px 0">'
            f'<div><span style="font-size:.75rem;text-transform:uppercase;letter-spacing:.04em;'
            f'color:rgb({rgb})">{LABELS[f.severity]}</span> <b>{html.escape(f.title)}</b>{count}</div>'
            f'<div style="font-size:.92rem">{html.escape(f.message)}</div>'
            + (f'<ul style="margin:4px 0 0 1.1rem;font-size:.85rem">{examples}</ul>' if examples else "")
            + fix + "</div>")


def _example(e: dict[str, Any]) -> str:
    parts = []
    for k, v in e.items():
        s = str(v).replace("\n", " ⏎ ")
        parts.append(f"{k}: {s[:140] + '…' if len(s) > 140 else s}")
    return " · ".join(parts)


def view(parts: CheckParts, report: Any, note: str = "") -> dict:
    fixes = report.fixes[:FIX_SLOTS]
    out = {parts.summary: (f"{note} " if note else "") + f"**{html.escape(report.summary())}**",
           parts.findings: "".join(finding_html(f) for f in report.findings),
           parts.fixes: fixes}
    for i, btn in enumerate(parts.fix_btns):
        out[btn] = gr.update(visible=i < len(fixes), value=f"Fix: {fixes[i].label}" if i < len(fixes) else "")
    return out


def _cap(settings: AppSettings, session: Session) -> int:
    """The largest max_length a fix may propose: the mode's limit and the loaded model's positions."""
    caps = [settings.limits.max_length] if settings.limits.max_length else []
    loaded = session.cache.loaded_model()
    if loaded is not None and getattr(loaded[1], "max_positions", None):
        caps.append(loaded[1].max_positions)
    return min(caps) if caps else 0


def run_check(form: Form, parts: CheckParts, settings: AppSettings, session: Session, values: dict[str, Any],
              note: str = "") -> dict:
    from core.data.check import check_data
    from core.model.load import ModelError

    cfg = form.to_config(session, values)
    try:
        tokenizer = session.cache.tokenizer(cfg)
    except ModelError as exc:  # the rest of the check needs no model
        tokenizer, note = None, f"(max_length not checked: {exc})"
    return view(parts, check_data(cfg, tokenizer, _cap(settings, session)), note)


# --------------------------------------------------------------------------- handlers
@handler("check the data")
def check(form: Form, parts: CheckParts, settings: AppSettings, session: Session, **values: Any) -> dict:
    """Every finding about the data as training will see it, blockers first."""
    return run_check(form, parts, settings, session, values)


@handler("apply the fix")
def apply_fix(form: Form, parts: CheckParts, settings: AppSettings, session: Session, fixes: Any, index: Any,
              **values: Any) -> dict:
    """Apply fix number ``index`` of the last check to every tab's widgets, then check again."""
    try:
        fix = list(fixes or [])[int(index)]
    except (IndexError, TypeError, ValueError):
        raise ConfigError(f"there is no fix number {index!r}: check the data first") from None
    cfg = fix.apply(form.to_config(session, values))
    out = form.restore(session, cfg)
    values = {**values, **{k.split(".", 1)[1]: v for k, v in fix.sets.items()}}
    out.update(run_check(form, parts, settings, session, values, note=f"Applied: {fix.label}."))
    return out


@handler("look for likely mislabels")
def mislabels(form: Form, parts: CheckParts, settings: AppSettings, session: Session, **values: Any) -> dict:
    """The validation rows the newest finished classification run on this data gets wrong with confidence."""
    from core.results.compare import Comparison
    from core.results.mislabels import likely_mislabels
    from core.results.runs import load_run_config

    from ..results_common import finished_runs

    cfg = form.to_config(session, values)
    runs = [r for r in finished_runs(settings, session) if r.get("task") == "sequence-classification"]
    same = []
    for r in runs:
        try:
            if load_run_config(Path(r["path"])).data.path == cfg.data.path:
                same.append(r)
        except Exception:  # a damaged run folder: skip it
            continue
    if not same:
        raise ConfigError("there is no finished classification run on this data yet: train one, then look again")
    found = likely_mislabels(Comparison(same[0]["path"]))
    return {parts.mislabels: finding_html(found)}


# --------------------------------------------------------------------------- wiring
def outputs(parts: CheckParts) -> list:
    return [parts.summary, parts.findings, parts.fixes, *parts.fix_btns]


def wire(ctx: Any, parts: CheckParts) -> None:
    form, session, settings = ctx.form, ctx.session, ctx.settings
    parts.check_btn.click(functools.partial(check, form, parts, settings), inputs=[session],
                          inputs_kwargs=form.inputs(), outputs=outputs(parts), api_name="check_data")
    fix_outputs = [*form.inputs().values(), *outputs(parts)]
    for i, btn in enumerate(parts.fix_btns):
        btn.click(functools.partial(apply_fix, form, parts, settings, index=i), inputs=[session, parts.fixes],
                  inputs_kwargs=form.inputs(), outputs=fix_outputs, api_visibility="private")
    parts.fix_btn.click(functools.partial(apply_fix, form, parts, settings), inputs=[session, parts.fixes,
                                                                                    parts.fix_index],
                        inputs_kwargs=form.inputs(), outputs=fix_outputs, api_name="apply_data_fix")
    parts.mislabels_btn.click(functools.partial(mislabels, form, parts, settings), inputs=[session],
                              inputs_kwargs=form.inputs(), outputs=[parts.mislabels], api_name="data_mislabels")
