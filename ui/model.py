"""Model tab: choose the task and the model (offline starter, a Hub id or a local folder),
load it and see what it is, including which weights start out random and why."""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass
from typing import Any

import gradio as gr

from core.config import field_info
from core.data.roles import detect_roles, label_names
from core.model.load import check_model_source, model_facts
from core.model.registry import STARTERS, default_model, model_choices

from .common import Form, Session, explain, handler, note, section_title

TITLE = "Model"

EXPLANATION = """
A **pretrained** model has already learned a lot about language from huge amounts of text;
fine-tuning adjusts it to your task instead of starting from zero, which is why a few
hundred examples can be enough.

The **task** decides the *head* on top of the model: a classification head that scores each
of your labels, or a language-model head that predicts the next token. When a checkpoint has
no head for your labels, the library adds a fresh one with random weights: the note about
*newly initialised weights* is expected, and training is what makes that head useful.
Loading here only inspects the model; a training run loads its own copy.
"""


@dataclass
class ModelParts:
    task: gr.Radio
    name: gr.Dropdown
    load_btn: gr.Button
    card: gr.HTML
    new_weights: gr.HTML


def layout(ctx: Any) -> ModelParts:
    form: Form = ctx.form
    explain(ctx.settings, EXPLANATION)
    task_default = field_info("model", "task")["default"]
    with gr.Row(equal_height=False):
        with gr.Column(scale=4, min_width=320, elem_classes=["fts-panel"]):
            section_title("Task and model")
            task = form.widget("model", "task", kind="radio", label="Task", elem_id="model-task")
            name = form.widget("model", "name_or_path", kind="dropdown", choices=model_choices(task_default),
                               allow_custom_value=True, label="Model", elem_id="model-name",
                               info="An offline starter, a Hub id (needs internet) or a local model folder.")
            gr.Markdown("\n".join(f"- **{s.short_name}**: {s.description}" for s in STARTERS.values()),
                        elem_classes=["fts-hint"])
            with gr.Accordion("Advanced loading options", open=False):
                form.widget("model", "dtype", kind="radio", label="Load weights as")
                form.widget("model", "attn_implementation", kind="radio", label="Attention kernel")
                form.widget("model", "revision", label="Hub revision")
                form.widget("model", "trust_remote_code", label="Trust remote code",
                            interactive=ctx.settings.limits.allow_remote_code)
            load_btn = gr.Button("Load model", variant="primary", elem_id="model-load")
        with gr.Column(scale=8, min_width=420):
            card = gr.HTML(_empty_card(), elem_id="model-card", padding=False)
            new_weights = gr.HTML(padding=False, elem_id="model-new-weights")
    form.rule(check_model_rule)
    return ModelParts(task=task, name=name, load_btn=load_btn, card=card, new_weights=new_weights)


def check_model_rule(session: Session, values: dict[str, Any], groups: dict[str, dict[str, Any]]) -> None:
    name = groups.get("model", {}).get("name_or_path", "")
    if name:
        check_model_source(name)


def _empty_card() -> str:
    return ('<div class="fts-empty">Press <b>Load model</b> to see its architecture, size, precision and '
            'which weights start out random.</div>')


def card_html(info: Any) -> str:
    rows = "".join(f'<div class="fts-fact"><div class="fts-fact-k">{html.escape(k)}</div>'
                   f'<div class="fts-fact-v">{breakable(v)}</div></div>' for k, v in model_facts(info))
    return (f'<div class="fts-card-title">{breakable(info.source)} · {html.escape(info.task)}</div>'
            f'<div class="fts-facts">{rows}</div>')


def breakable(text: str) -> str:
    """Escaped text with line-break chances between the words of a CamelCase name and after
    / _ - (so "BertForSequenceClassification" wraps as Bert·For·Sequence·Classification,
    never mid-word as "...Classif / ication")."""
    import re

    out = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "<wbr>", html.escape(text))
    return re.sub(r"(?<=[/_-])(?=\w)", "<wbr>", out)


def new_weights_html(info: Any) -> str:
    kind = "warn" if info.new_weights or info.from_scratch else "ok"
    title = "Random weights, not pretrained." if info.from_scratch else "Newly initialised weights."
    parts = [f'<div class="fts-note fts-note-{kind}"><b>{title}</b> '
             f'{html.escape(info.new_weights_note)}']
    if info.new_weights:
        shown = info.new_weights[:12]
        more = f" and {len(info.new_weights) - len(shown)} more" if len(info.new_weights) > len(shown) else ""
        parts.append('<div class="fts-tensors">' + " ".join(f"<code>{html.escape(n)}</code>" for n in shown)
                     + html.escape(more) + "</div>")
    parts.append("</div>")
    parts += [note(n, "warn") for n in info.notes]
    return "".join(parts)


def loaded_model(session: Session, cfg: Any) -> tuple[Any, Any]:
    """The session's un-adapted base model for ``cfg`` (loaded once, then cached)."""
    labels = None
    if cfg.model.task == "sequence-classification":
        df = session.cache.table(cfg)
        labels = label_names(df, detect_roles(df, cfg.data, cfg.model.task))
    return session.cache.base_model(cfg, labels)


def converting_card(line: str) -> str:
    return f'<div class="fts-empty fts-converting" id="model-converting">{html.escape(line)}</div>'


@handler("load the model")
def load_model(form: Form, parts: ModelParts, session: Session, **values: Any) -> Any:
    """Load the chosen model (without the training method) and describe it. A starter that is
    converted on first use shows the conversion's stage and elapsed seconds meanwhile."""
    from .starter_progress import wait_for_starter

    cfg = form.to_config(session, values)
    yield from wait_for_starter(cfg, lambda line: {parts.card: converting_card(line), parts.new_weights: ""})
    _, info = loaded_model(session, cfg)
    yield {parts.card: card_html(info), parts.new_weights: new_weights_html(info)}


@handler("switch the task")
def on_task(form: Form, parts: ModelParts, padding_widget: Any, session: Session, **values: Any) -> dict:
    """A new task brings its own model suggestions (and packing only exists for causal LM)."""
    task = values["task"]
    is_cls = task == "sequence-classification"
    if is_cls and values.get("padding") == "packing":
        values["padding"] = field_info("data", "padding")["default"]
    current = values.get("name_or_path", "")
    known = {v for t in field_info("model", "task")["choices"] for _, v in model_choices(t)}
    if not current or current in known:
        values["name_or_path"] = default_model(task)
    form.to_config(session, values)
    return {parts.name: gr.update(choices=model_choices(task), value=values["name_or_path"]),
            parts.card: _empty_card(), parts.new_weights: "",
            padding_widget: gr.update(choices=padding_choices(task), value=values["padding"])}


def padding_choices(task: str) -> list[str]:
    """Packing only exists for causal LM."""
    return [c for c in field_info("data", "padding")["choices"]
            if not (task == "sequence-classification" and c == "packing")]


def restore_task_choices(parts: ModelParts, padding_widget: Any, session: Session, cfg: Any) -> dict:
    """A restored config brings its task's model suggestions and padding strategies, so
    these lists and their values change together (as :func:`on_task` does)."""
    names = model_choices(cfg.model.task)
    if cfg.model.name_or_path not in [value for _, value in names]:
        names.append((cfg.model.name_or_path, cfg.model.name_or_path))
    padding = padding_choices(cfg.model.task)
    if cfg.data.padding not in padding:
        padding.append(cfg.data.padding)  # preflight names the problem when a run starts
    return {parts.name: gr.update(choices=names, value=cfg.model.name_or_path),
            padding_widget: gr.update(choices=padding, value=cfg.data.padding)}


def wire(ctx: Any, parts: ModelParts) -> None:
    from . import data as data_tab
    from . import tokenizing as tokenizing_tab
    from .data.wiring import refresh_event

    form, session = ctx.form, ctx.session
    padding = ctx.parts_of(tokenizing_tab).padding
    form.restorer(functools.partial(restore_task_choices, parts, padding))
    parts.load_btn.click(functools.partial(load_model, form, parts), inputs=[session], inputs_kwargs=form.inputs(),
                         outputs=[parts.card, parts.new_weights], api_name="load_model")
    parts.task.input(functools.partial(on_task, form, parts, padding), inputs=[session],
                     inputs_kwargs=form.inputs(), outputs=[parts.name, parts.card, parts.new_weights, padding],
                     api_name="set_task").then(
        api_visibility="private", **refresh_event(ctx, ctx.parts_of(data_tab)))
    parts.name.input(lambda: (_empty_card(), ""), None, [parts.card, parts.new_weights], queue=False,
                     api_visibility="private")
