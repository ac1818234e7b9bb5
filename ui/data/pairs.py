"""The Data tab's preference-pair view: when the table holds prompt/chosen/rejected pairs, one
pair at a time with the prompt on top and the chosen and the rejected answer side by side,
laid out by the model's chat template once its tokenizer is at hand (core.data.pairs), with
buttons to step through the rows. Hidden for every other kind of table."""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass
from typing import Any

import gradio as gr

from core.config import ConfigError

from ..common import Form, Session, checked_by_config, handler, section_title


@dataclass
class PairParts:
    box: gr.Column
    prev: gr.Button
    index: gr.Number
    next: gr.Button
    view: gr.HTML


def layout() -> PairParts:
    with gr.Column(visible=False, elem_classes=["fts-panel"], elem_id="data-pairs") as box:
        section_title("Preference pairs: the prompt, the preferred answer and the rejected one")
        with gr.Row(equal_height=False, elem_classes=["fts-pair-nav"]):
            prev = gr.Button("◀ Previous", size="sm", scale=0, min_width=110, elem_id="data-pair-prev")
            nxt = gr.Button("Next ▶", size="sm", scale=0, min_width=110, elem_id="data-pair-next")
            index = checked_by_config(gr.Number(1, precision=0, minimum=1, step=1, label="Go to pair (Enter)",
                                                scale=0, min_width=150, elem_id="data-pair-index"))
        view = gr.HTML(padding=False, elem_id="data-pair", label="One preference pair", show_label=False)
    return PairParts(box=box, prev=prev, index=index, next=nxt, view=view)


# --------------------------------------------------------------------------- views
def _block(label: str, text: str, kind: str) -> str:
    return (f'<div class="fts-pair-block fts-pair-{kind}"><div class="fts-pair-label">{label}</div>'
            f'<pre class="fts-pair-text">{html.escape(text)}</pre></div>')


def objective_note(cfg: Any) -> str:
    """What else DPO needs, when the settings don't ask for it yet ("" when they do)."""
    todo = []
    if cfg.model.task != "causal-lm":
        todo.append("the task <b>causal-lm</b> on the Model tab")
    if cfg.train.objective != "dpo":
        todo.append("the objective <b>dpo</b> on the Method tab")
    if not todo:
        return ""
    return ('<div class="fts-pair-note">Pairs like these train with DPO (preference tuning): choose '
            + " and ".join(todo) + ".</div>")


def pair_html(view: Any, cfg: Any) -> str:
    """The pair: a line of counts, the prompt across the top, chosen | rejected below."""
    facts = [f"<b>Pair {view.index + 1}</b> of {view.n_rows:,}"]
    if view.tokens is not None:
        p, c, r = view.tokens
        facts.append(f"prompt {p} tokens · chosen {c} · rejected {r}")
        cut = view.cut()
        facts.append(f'<span class="fts-tv-warn">{" and ".join(cut)} cut by max_length {view.max_length}</span>'
                     if cut else f"both fit in max_length {view.max_length}")
    how = ("As DPO trains on it: the chat template's prompt, then each answer as the model would continue it, "
           "special tokens written out." if view.rendered else "")
    note = f'<div class="fts-hint">{html.escape(view.note)}</div>' if view.note else ""
    return ('<div class="fts-pair">' + objective_note(cfg)
            + f'<div class="fts-pair-head">{" · ".join(facts)}</div>'
            + _block("Prompt", view.prompt, "prompt")
            + '<div class="fts-pair-sides">'
            + _block("✓ Chosen: the answer to prefer", view.chosen, "chosen")
            + _block("✗ Rejected: the answer to move away from", view.rejected, "rejected")
            + "</div>" + (f'<div class="fts-hint">{how}</div>' if how else "") + note + "</div>")


# --------------------------------------------------------------------------- handler
@handler("show the preference pair")
def show_pair(form: Form, parts: PairParts, session: Session, index: Any = 1, step: int = 0, **values: Any) -> dict:
    """The pair at ``index`` (1-based) + ``step``, or the view hidden when the table holds no pairs."""
    from core.data.pairs import is_pairs, pair_view

    from .handlers import tokenizer_at_hand

    cfg = form.to_config(session, values)
    df = session.cache.table(cfg)
    if not is_pairs(df, cfg):
        return {parts.box: gr.update(visible=False), parts.view: "", parts.index: gr.skip()}
    try:
        i = int(float(1 if index in (None, "") else index)) - 1 + step
    except (TypeError, ValueError):
        raise ConfigError(f"Pair must be a row number (1 to {len(df)}), got {index!r}") from None
    tokenizer = None
    if cfg.model.task == "causal-lm" and tokenizer_at_hand(session, cfg):
        tokenizer = session.cache.tokenizer(cfg)
    view = pair_view(cfg, df, i, tokenizer)
    return {parts.box: gr.update(visible=True), parts.view: pair_html(view, cfg),
            parts.index: gr.update(value=view.index + 1, maximum=view.n_rows)}


def first_pair(ctx: Any, parts: PairParts) -> dict:
    """Keyword arguments for an event that shows the first pair of the table now chosen."""
    return dict(fn=functools.partial(show_pair, ctx.form, parts, index=1), inputs=[ctx.session],
                inputs_kwargs=ctx.form.inputs(), outputs=[parts.box, parts.view, parts.index],
                show_progress="hidden", api_visibility="private")


def wire(ctx: Any, parts: PairParts, after: list[Any]) -> None:
    """Each of ``after`` (the events that load a table) shows its first pair; the buttons and
    the number step through the rows; opening the tab again redraws the pair shown, so a
    tokenizer loaded meanwhile (the Model tab) lays it out, and the notes follow the task
    and objective chosen since."""
    import sys

    form, session = ctx.form, ctx.session
    for ev in after:
        ev.then(**first_pair(ctx, parts))
    for button, step in ((parts.prev, -1), (parts.next, +1), (None, 0)):
        event = dict(fn=functools.partial(show_pair, form, parts, step=step), inputs=[session, parts.index],
                     inputs_kwargs=form.inputs(), outputs=[parts.box, parts.view, parts.index],
                     show_progress="hidden", api_visibility="private", trigger_mode="always_last")
        if button is not None:
            button.click(**event)
        else:
            parts.index.submit(**event)
            ctx.tab_items[sys.modules[__package__]].select(**event)
