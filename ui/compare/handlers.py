"""The compare tab's handlers and the views they return (thin calls into core/)."""

from __future__ import annotations

import html
from typing import Any

import gradio as gr

from core.config import ConfigError

from ..common import AppSettings, Form, Session, handler
from ..results_common import (
    TASK_NAMES,
    find_run,
    finished_runs,
    latest_finished_job,
    run_choices,
)
from .answers import stored_view
from .chat import on_load as chat_on_load
from .layout import CELL, DISAGREEMENT_COLUMNS, MAX_PROMPTS, N_PROMPTS, CompareCache, CompareParts
from .preference import preference_view


def outputs_html(prompts: list[str], base: list[str], tuned: list[str], active: tuple[int, str] = (-1, "")) -> str:
    """Base and fine-tuned side by side, one row per prompt so the two answers line up. Each
    text starts with the prompt as the tokenizer gives it back (an uncased tokenizer lowercases)."""
    def cell(text: str, on: bool) -> str:
        body = html.escape(text) if text else '<span style="opacity:.5">waiting…</span>'
        return f'<div style="{CELL}">{body}{" <span style=opacity:.6>▌</span>" if on else ""}</div>'

    out = ['<div class="fts-compare-out" style="display:grid;grid-template-columns:1fr 1fr;gap:8px 14px">',
           '<div style="font-weight:700">Base model (before training)</div>',
           '<div style="font-weight:700">Fine-tuned model</div>']
    for i, prompt in enumerate(prompts):
        out.append(f'<div style="grid-column:1 / span 2;margin-top:6px;font-size:.85rem;'
                   f'color:var(--body-text-color-subdued)">Prompt {i + 1}: <b>{html.escape(prompt)}</b></div>')
        out.append(cell(base[i], active == (i, "base")))
        out.append(cell(tuned[i], active == (i, "tuned")))
    out.append("</div>")
    return "".join(out)


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit].rstrip() + " …"


def percent(p: float) -> str:
    return f"{p * 100:.0f} %"


def is_pair_run(comp: Any) -> bool:
    """Whether the run classifies pairs of texts (its config names a second column, or the
    column roles detected on its data find one)."""
    if comp.cfg.data.text_pair_column:
        return True
    from core.data.roles import detect_roles
    from core.data.sources import read_source

    try:
        return bool(detect_roles(read_source(comp.cfg.data), comp.cfg.data, comp.task).text_pair)
    except Exception:  # the data moved away: a single text box still works
        return False


def _comparison(settings: AppSettings, session: Session, cache: CompareCache, run: Any) -> tuple[Any, bool, str]:
    rows = finished_runs(settings, session)
    name = str(run or "").strip() or latest_finished_job(session) or (rows[0]["name"] if rows else "")
    if not name:
        raise ConfigError("there is no finished run yet: train one on the Train tab first")
    row = find_run(settings, session, name, finished=True, rows=rows)
    comp, fresh = cache.load(row)
    if fresh:
        cache.pair = comp.task == "sequence-classification" and is_pair_run(comp)
    return comp, fresh, row["name"]


@handler("list the finished runs")
def compare_runs(settings: AppSettings, parts: CompareParts, session: Session, cache: CompareCache,
                 current: Any) -> dict:
    """The finished runs to choose from; the run this session just finished comes first."""
    rows = finished_runs(settings, session)
    names = [r["name"] for r in rows]
    latest = latest_finished_job(session)
    if latest and latest in names and latest != cache.offered_job:
        value = latest  # a run that just finished: offer it once, then respect the user's choice
        cache.offered_job = latest
    elif current in names:
        value = current
    else:
        value = latest if latest in names else (names[0] if names else None)
    return {parts.run: gr.update(choices=run_choices(rows), value=value),
            parts.empty: gr.update(visible=not rows)}


@handler("load the run")
def compare_load(settings: AppSettings, parts: CompareParts, session: Session, cache: CompareCache,
                 run: Any) -> dict:
    """Load a finished run (the session's latest by default) for base-vs-fine-tuned."""
    if not str(run or "").strip() and not finished_runs(settings, session):
        return {parts.status: "", parts.empty: gr.update(visible=True), parts.cls_box: gr.update(visible=False),
                parts.gen_box: gr.update(visible=False)}
    comp, fresh, name = _comparison(settings, session, cache, run)
    is_cls = comp.task == "sequence-classification"
    summary = comp.summary
    metric = _headline(summary, is_cls)
    out: dict = {parts.run: gr.update(value=name),
                 parts.status: (f"**{name}** · {TASK_NAMES.get(comp.task, comp.task)} · "
                                f"{comp.cfg.adapter.method} · {comp.cfg.model.name_or_path}{metric}\n\n"
                                f"<span class='fts-hint'>{html.escape(comp.memory_line())}</span>"),
                 parts.empty: gr.update(visible=False),
                 parts.cls_box: gr.update(visible=is_cls), parts.gen_box: gr.update(visible=not is_cls)}
    if fresh:  # a different run: its own inputs, and nothing left over from the last one
        if is_cls:
            out.update({parts.text_pair: gr.update(visible=cache.pair, value=""), parts.verdict: "",
                        parts.base_label: None, parts.tuned_label: None, parts.validation_summary: "",
                        parts.validation_plot: gr.update(value=None, visible=False),
                        parts.disagreements: gr.update(value=None, visible=False)})
        else:
            out.update({parts.prompts: "\n".join(comp.prompts(N_PROMPTS)), parts.outputs: "",
                        parts.gen_note: ""})
    if not is_cls:
        out.update(chat_on_load(parts.chat, comp, cache, fresh))
        out.update(stored_view(parts.answers, comp.run_dir, comp.summary))
        out.update(preference_view(parts.preference, comp.run_dir, comp.summary))
    return out


def comparison_of(settings: AppSettings, session: Session, cache: CompareCache, run: Any) -> Any:
    """The loaded Comparison for ``run`` (the chat and answers handlers' way in)."""
    return _comparison(settings, session, cache, run)[0]


def _headline(summary: dict[str, Any], is_cls: bool) -> str:
    pref = summary.get("preference") or {}
    if isinstance(pref.get("base"), (int, float)) and isinstance(pref.get("tuned"), (int, float)):  # DPO
        return f" · held-out preference accuracy {pref['base']:.2f} → **{pref['tuned']:.2f}**"
    key = "eval_accuracy" if is_cls else "eval_loss"
    before, after = (summary.get("baseline") or {}).get(key), (summary.get("final") or {}).get(key)
    if not isinstance(before, (int, float)) or not isinstance(after, (int, float)):
        return ""
    return f" · validation {key[5:]} {before:.3f} → **{after:.3f}**"


@handler("classify the text")
def compare_classify(settings: AppSettings, parts: CompareParts, session: Session, cache: CompareCache,
                     run: Any, text: str, text_pair: str = "") -> dict:
    """Class probabilities for one text from the base and the fine-tuned model."""
    comp, _, _ = _comparison(settings, session, cache, run)
    if not (text or "").strip():
        raise ConfigError("type a text to classify first")
    pairs = None
    if comp.task == "sequence-classification" and cache.pair:
        if not (text_pair or "").strip():
            raise ConfigError("this run classifies pairs of texts: fill in the second text too")
        pairs = [text_pair]
    r = comp.classify([text], pairs)
    labels = r["labels"] or [str(i) for i in range(len(r["base"][0]))]
    base = dict(zip(labels, r["base"][0]))
    tuned = dict(zip(labels, r["tuned"][0]))
    b, t = max(base, key=base.get), max(tuned, key=tuned.get)
    from core.results.compare import label_change

    change = label_change(base, tuned)
    verdict = (f"Base: **{html.escape(b)}** ({percent(base[b])}) → fine-tuned: **{html.escape(t)}** "
               f"({percent(tuned[t])}): {change}.")
    return {parts.base_label: base, parts.tuned_label: tuned, parts.verdict: verdict}


@handler("check the validation set")
def compare_validation(settings: AppSettings, parts: CompareParts, session: Session, cache: CompareCache,
                       run: Any) -> dict:
    """Both models over the validation split: where they disagree, and the scores before/after."""
    import pandas as pd

    from core.results.plots import metrics_bar_figure

    comp, _, _ = _comparison(settings, session, cache, run)
    rep = comp.validation_report()
    base, tuned, rows = rep["base"], rep["tuned"], rep["disagreements"]
    right = sum(1 for r in rows if r["fine-tuned right"])
    summary = (f"On **{rep['n']}** validation rows:\n\n"
               f"| | base | fine-tuned |\n|---|---:|---:|\n"
               f"| accuracy | {base['accuracy']:.3f} | **{tuned['accuracy']:.3f}** |\n"
               f"| F1 | {base['f1']:.3f} | **{tuned['f1']:.3f}** |\n\n"
               + (f"They disagree on **{len(rows)}** rows; the fine-tuned model is right on **{right}** of them."
                  if rows else "They agree on every row."))
    table = pd.DataFrame([[_short(r["text"]), r["true"], r["base"], r["fine-tuned"],
                           "✓" if r["fine-tuned right"] else "✗"] for r in rows], columns=DISAGREEMENT_COLUMNS)
    fig = metrics_bar_figure(base, tuned, ["accuracy", "f1"])
    return {parts.validation_summary: summary,
            parts.disagreements: gr.update(value=table, visible=bool(rows),
                                           label=f"The {len(rows)} rows where the two models disagree"),
            parts.validation_plot: gr.update(value=fig, visible=True)}


@handler("generate")
def compare_generate(form: Form, parts: CompareParts, settings: AppSettings, session: Session,
                     cache: CompareCache, run: Any, prompts: str = "", **values: Any) -> Any:
    """Both models continue each prompt (one per line), streamed as the tokens come."""
    gen = form.to_config(session, values).generate
    comp, _, _ = _comparison(settings, session, cache, run)
    if comp.task != "causal-lm":
        raise ConfigError("this run is a classifier: type a text and press Classify instead")
    lines = [p.strip() for p in (prompts or "").splitlines() if p.strip()]
    if not lines:
        raise ConfigError("write at least one prompt (one per line)")
    lines = lines[:MAX_PROMPTS]
    how = (f"sampling (temperature {gen.temperature}, top-p {gen.top_p}, top-k {gen.top_k})" if gen.do_sample
           else "greedy decoding")
    texts = {"base": [""] * len(lines), "tuned": [""] * len(lines)}
    for i, prompt in enumerate(lines):
        for side, text in comp.stream(prompt, gen):
            texts[side][i] = text
            who = "the base model" if side == "base" else "the fine-tuned model"
            yield {parts.outputs: outputs_html(lines, texts["base"], texts["tuned"], (i, side)),
                   parts.gen_note: f"Prompt {i + 1} of {len(lines)}: {who} is writing…"}
    yield {parts.outputs: outputs_html(lines, texts["base"], texts["tuned"]),
           parts.gen_note: f"{len(lines)} prompt(s), {how}, at most {gen.max_new_tokens} new tokens, "
                           f"repetition penalty {gen.repetition_penalty}: the same settings for both models."}
