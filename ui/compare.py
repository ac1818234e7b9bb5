"""Compare tab: the same input through the model before training (base) and after
(fine-tuned), side by side. Classification: class probabilities for a text you type, and a
check over the validation split (where the two disagree, accuracy and F1 before and after).
Causal LM: both models continue the same prompts with the same decoding settings, streamed.

The loaded :class:`core.results.compare.Comparison` lives in this browser's session (one run at a
time), so switching between inputs never reloads a model.
"""

from __future__ import annotations

import functools
import html
import sys
import threading
from dataclasses import dataclass, field
from typing import Any

import gradio as gr

from core.config import ConfigError

from .common import AppSettings, Form, Session, explain, section_title
from .results_common import (
    TASK_NAMES,
    find_run,
    finished_runs,
    latest_finished_job,
    result_handler,
    run_choices,
)

TITLE = "Compare"
N_PROMPTS = 3
MAX_PROMPTS = 8  # each prompt is generated twice; keep a click's wait bounded
DISAGREEMENT_COLUMNS = ["Text", "True label", "Base", "Fine-tuned", "Fine-tuned right?"]

EXPLANATION = """
Did training change what the model *does*? Here the same input goes through the model
**before** training (the base model) and **after** it (fine-tuned), side by side.

For a LoRA run only one copy of the base weights is in memory: the base answer is that model
with its adapters switched off, the fine-tuned answer the same model with them switched on.
The base model gets exactly the random classification head it started training with, so its
answers are the "before" numbers of the Train tab.

**Classification**: each model gives a probability for every label. A base model with a fresh
head is close to guessing. *Check the validation set* runs both over every validation row,
which neither saw in training, and lists the rows where they disagree, with the right answer.

**Text generation**: both models continue the same prompts with the same settings. *Greedy*
decoding always picks the most likely next token, so it gives the same text every time;
*sampling* picks at random among likely tokens (temperature, top-p and top-k decide how
adventurous), which varies more but can't be compared run to run as easily.
"""


@dataclass
class CompareCache:
    """This session's loaded comparison (one run at a time) and the last run it offered."""

    name: str = ""
    comparison: Any = None
    pair: bool = False  # whether the loaded run classifies pairs of texts
    offered_job: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __deepcopy__(self, memo: dict) -> "CompareCache":
        # Gradio deep-copies a session's initial value: a copy starts empty (no model, new lock).
        return CompareCache()

    def load(self, row: dict[str, Any]) -> tuple[Any, bool]:
        """(the Comparison for ``row``, whether it was loaded just now)."""
        from core.results.compare import Comparison

        with self.lock:
            if self.comparison is not None and self.name == row["name"]:
                return self.comparison, False
            self.comparison, self.name = None, ""  # free the previous model before loading
            self.comparison = Comparison(row["path"])
            self.name = row["name"]
            return self.comparison, True

    def clear(self) -> None:
        with self.lock:
            self.comparison, self.name = None, ""


@dataclass
class CompareParts:
    cache: gr.State
    run: gr.Dropdown
    refresh_btn: gr.Button
    load_btn: gr.Button
    status: gr.Markdown
    empty: gr.HTML
    cls_box: gr.Column
    text: gr.Textbox
    text_pair: gr.Textbox
    classify_btn: gr.Button
    verdict: gr.Markdown
    base_label: gr.Label
    tuned_label: gr.Label
    validate_btn: gr.Button
    validation_summary: gr.Markdown
    validation_plot: gr.Plot
    disagreements: gr.Dataframe
    gen_box: gr.Column
    prompts: gr.Textbox
    generate_btn: gr.Button
    gen_note: gr.Markdown
    outputs: gr.HTML


def layout(ctx: Any) -> CompareParts:
    form: Form = ctx.form
    explain(ctx.settings, EXPLANATION)
    cache = gr.State(lambda: CompareCache(),
                     delete_callback=lambda c: c.clear() if isinstance(c, CompareCache) else None)
    with gr.Row(equal_height=False, elem_classes=["fts-panel"]):
        # Custom values are allowed so an API client can name any run; the handler checks it.
        run = gr.Dropdown([], value=None, label="Finished run", allow_custom_value=True, scale=6,
                          info="Your latest finished run is chosen for you.", elem_id="compare-run")
        with gr.Column(scale=2, min_width=160):
            load_btn = gr.Button("Load", variant="primary", elem_id="compare-load")
            refresh_btn = gr.Button("↻ Refresh the list", size="sm", elem_id="compare-refresh")
    status = gr.Markdown(elem_id="compare-status", elem_classes=["fts-summary"], label="Status", show_label=False)
    empty = gr.HTML('<div class="fts-empty">Train a model on the Train tab; when it finishes, compare it '
                    'here with the model it started from.</div>', padding=False, elem_id="compare-empty",
                    label="No run yet", show_label=False)

    with gr.Column(visible=False) as cls_box:
        section_title("Try a text")
        with gr.Row(equal_height=False):
            with gr.Column(scale=4, min_width=300, elem_classes=["fts-panel"]):
                text = gr.Textbox(label="Text", lines=3, placeholder="Type a sentence to classify…",
                                  elem_id="compare-text")
                text_pair = gr.Textbox(label="Second text", lines=2, visible=False, elem_id="compare-text-pair",
                                       info="This run classifies pairs of texts.")
                classify_btn = gr.Button("Classify with both models", variant="primary", elem_id="compare-classify")
            with gr.Column(scale=8, min_width=420):
                verdict = gr.Markdown(elem_id="compare-verdict", elem_classes=["fts-summary"], label="Verdict",
                                      show_label=False)
                with gr.Row(equal_height=True):
                    base_label = gr.Label(label="Base model (before training)", num_top_classes=6,
                                          elem_id="compare-base-label")
                    tuned_label = gr.Label(label="Fine-tuned model", num_top_classes=6, elem_id="compare-tuned-label")
        section_title("The validation set, before and after")
        with gr.Row(equal_height=False):
            with gr.Column(scale=4, min_width=300):
                validate_btn = gr.Button("Check the validation set", variant="secondary", elem_id="compare-validate")
                validation_summary = gr.Markdown(elem_id="compare-validation-summary", label="Validation summary",
                                                 show_label=False)
            with gr.Column(scale=8, min_width=420):
                # Hidden until the check has run: an empty chart and table only take room.
                validation_plot = gr.Plot(label="Accuracy and F1, before and after", show_label=False, format="png",
                                          visible=False, elem_id="compare-validation-plot")
        disagreements = gr.Dataframe(headers=DISAGREEMENT_COLUMNS, label="Rows where the two models disagree",
                                     interactive=False, wrap=True, max_height=360, buttons=[], visible=False,
                                     column_widths=["52%", "12%", "12%", "12%", "12%"],
                                     elem_id="compare-disagreements")

    with gr.Column(visible=False) as gen_box:
        with gr.Row(equal_height=False):
            with gr.Column(scale=5, min_width=320, elem_classes=["fts-panel"]):
                section_title("Prompts")
                prompts = gr.Textbox(label="One prompt per line", lines=4, max_lines=MAX_PROMPTS,
                                     info="Taken from validation rows the model never trained on; edit freely.",
                                     elem_id="compare-prompts")
                generate_btn = gr.Button("Generate with both models", variant="primary", elem_id="compare-generate")
            with gr.Column(scale=7, min_width=380, elem_classes=["fts-panel"]):
                section_title("Decoding (the same for both models)")
                with gr.Row():
                    form.widget("generate", "do_sample", label="Sample (off = greedy)")
                    form.widget("generate", "max_new_tokens", kind="slider", minimum=1, maximum=256, step=1,
                                label="Max new tokens")
                with gr.Row():
                    form.widget("generate", "temperature", kind="slider", minimum=0.05, maximum=2.0, step=0.05,
                                label="Temperature")
                    form.widget("generate", "top_p", kind="slider", minimum=0.05, maximum=1.0, step=0.05,
                                label="Top-p")
                with gr.Row():
                    form.widget("generate", "top_k", label="Top-k", minimum=0)
                    form.widget("generate", "repetition_penalty", kind="slider", minimum=0.5, maximum=2.0, step=0.05,
                                label="Repetition penalty")
        gen_note = gr.Markdown(elem_classes=["fts-hint"], elem_id="compare-gen-note", label="Decoding used",
                               show_label=False)
        outputs = gr.HTML(label="Base and fine-tuned outputs", elem_id="compare-outputs", padding=False)
    return CompareParts(cache=cache, run=run, refresh_btn=refresh_btn, load_btn=load_btn, status=status, empty=empty,
                        cls_box=cls_box, text=text, text_pair=text_pair, classify_btn=classify_btn, verdict=verdict,
                        base_label=base_label, tuned_label=tuned_label, validate_btn=validate_btn,
                        validation_summary=validation_summary, validation_plot=validation_plot,
                        disagreements=disagreements, gen_box=gen_box, prompts=prompts, generate_btn=generate_btn,
                        gen_note=gen_note, outputs=outputs)


# --------------------------------------------------------------------------- views
CELL = ("border:1px solid var(--border-color-primary);border-radius:10px;padding:10px 12px;"
        "background:var(--background-fill-secondary);white-space:pre-wrap;line-height:1.5;"
        "font-family:var(--font-mono);font-size:.9rem")


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


# --------------------------------------------------------------------------- handlers
@result_handler("list the finished runs")
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


@result_handler("load the run")
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
    return out


def _headline(summary: dict[str, Any], is_cls: bool) -> str:
    key = "eval_accuracy" if is_cls else "eval_loss"
    before, after = (summary.get("baseline") or {}).get(key), (summary.get("final") or {}).get(key)
    if not isinstance(before, (int, float)) or not isinstance(after, (int, float)):
        return ""
    return f" · validation {key[5:]} {before:.3f} → **{after:.3f}**"


@result_handler("classify the text")
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
    change = "the same label" if b == t else "a different label"
    verdict = (f"Base: **{html.escape(b)}** ({percent(base[b])}) → fine-tuned: **{html.escape(t)}** "
               f"({percent(tuned[t])}): {change}.")
    return {parts.base_label: base, parts.tuned_label: tuned, parts.verdict: verdict}


@result_handler("check the validation set")
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


@result_handler("generate")
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


# --------------------------------------------------------------------------- wiring
def wire(ctx: Any, parts: CompareParts) -> None:
    form, session, settings = ctx.form, ctx.session, ctx.settings
    load_outs = [parts.run, parts.status, parts.empty, parts.cls_box, parts.gen_box, parts.text_pair, parts.verdict,
                 parts.base_label, parts.tuned_label, parts.validation_summary, parts.validation_plot,
                 parts.disagreements, parts.prompts, parts.outputs, parts.gen_note]
    runs = dict(fn=functools.partial(compare_runs, settings, parts), inputs=[session, parts.cache, parts.run],
                outputs=[parts.run, parts.empty], show_progress="hidden", concurrency_limit=None,
                api_visibility="private")
    load = dict(fn=functools.partial(compare_load, settings, parts), inputs=[session, parts.cache, parts.run],
                outputs=load_outs)
    parts.load_btn.click(api_name="compare_load", **load)
    parts.run.input(api_visibility="private", **load)
    parts.refresh_btn.click(**runs)
    # Opening the tab lists the runs and loads the chosen one (at once if it is already loaded).
    ctx.tab_items[sys.modules[__name__]].select(**runs).then(api_visibility="private", **load)

    classify = dict(fn=functools.partial(compare_classify, settings, parts),
                    inputs=[session, parts.cache, parts.run, parts.text, parts.text_pair],
                    outputs=[parts.base_label, parts.tuned_label, parts.verdict])
    parts.classify_btn.click(api_name="compare_classify", **classify)
    parts.text.submit(api_visibility="private", **classify)
    parts.validate_btn.click(functools.partial(compare_validation, settings, parts),
                             inputs=[session, parts.cache, parts.run],
                             outputs=[parts.validation_summary, parts.disagreements, parts.validation_plot],
                             api_name="compare_validation")
    parts.generate_btn.click(functools.partial(compare_generate, form, parts, settings),
                             inputs=[session, parts.cache, parts.run, parts.prompts], inputs_kwargs=form.inputs(),
                             outputs=[parts.outputs, parts.gen_note], api_name="compare_generate")
