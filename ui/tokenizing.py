"""Tokenize & pad tab: one training example token by token (ids, special tokens, the
truncation cut, the attention mask), the length distribution against max_length, and what
each padding strategy costs, with one batch drawn as a token/padding grid."""

from __future__ import annotations

import functools
import html
import sys
from dataclasses import dataclass
from typing import Any

import gradio as gr

from core.config import field_info
from core.data.table import example_text
from core.data.tokenize import STRATEGY_LABELS

from .common import Form, Session, checked_by_config, explain, handler, section_title
from .train_view import causal_example, row_index

TITLE = "Tokenize & pad"

EXPLANATION = """
Models don't read letters or words: they read **token ids**. The tokenizer splits text into
pieces from a fixed vocabulary (a rare word becomes several pieces, shown here with `##` or
`Ġ` markers) and adds **special tokens** that mark the start, the end, or the border between
two texts.

Every example is cut to **max_length** tokens; whatever lies past the cut is never seen in
training. Examples in one batch must be equally long, so shorter ones are **padded**; the
**attention mask** (1 = real token, 0 = padding) tells the model to ignore the padding, but
the padding is still computed, so it costs time. The padding strategies below differ only
in how much of that wasted work they do.

For a **causal LM** the chips show what the loss is computed on: **green** tokens are
trained (the answers, and the end-of-turn token that teaches the model to stop), the rest
(system prompt, user turns, template markup) is masked with label -100. Alarms above the
chips name anything that would make the run learn the wrong thing.
"""

STRATEGY_COSTS = """
- **pad to max_length**: every example is padded to max_length. Simple and predictable
  shapes, but short examples waste most of their compute on padding.
- **dynamic padding**: each batch is padded only to its own longest example. Same results,
  usually far less padding.
- **dynamic + length-grouped**: examples of similar length are put in the same batch first,
  so almost nothing needs padding. Batches are a little less random (groups are shuffled).
- **packing** (causal LM only): examples are joined end to end into one row with no padding
  at all; the model is told where each example starts so attention stays inside it.
"""


@dataclass
class TokenizeParts:
    max_length: gr.Slider
    padding: gr.Dropdown
    example: gr.Number
    refresh_btn: gr.Button
    example_meta: gr.Markdown
    chips: gr.HTML
    histogram: gr.Plot
    stats: gr.Markdown
    comparison: gr.Dataframe
    padding_plot: gr.Plot
    grid_strategy: gr.Dropdown
    grid: gr.Plot


def layout(ctx: Any) -> TokenizeParts:
    form: Form = ctx.form
    explain(ctx.settings, EXPLANATION)
    with gr.Row(equal_height=False):
        with gr.Column(scale=4, min_width=300, elem_classes=["fts-panel"]):
            section_title("Settings")
            max_length = form.widget("data", "max_length", kind="slider", minimum=8, maximum=512, step=8,
                                     label="max_length (tokens per example)", elem_id="tok-max-length")
            padding = form.widget("data", "padding", kind="dropdown", label="Padding used for training",
                                  choices=[c for c in field_info("data", "padding")["choices"] if c != "packing"],
                                  elem_id="tok-padding")
            # A number box, not a slider: the split's size is only known once the data is prepared.
            example = checked_by_config(gr.Number(0, precision=0, minimum=0, step=1,
                                                  label="Example (training row, from 0)",
                                                  info="Pick a row of the training split to see its tokens.",
                                                  elem_id="tok-example"))
            refresh_btn = gr.Button("Tokenize", variant="primary", elem_id="tok-refresh")
        with gr.Column(scale=8, min_width=420):
            example_meta = gr.Markdown(elem_classes=["fts-summary"], elem_id="tok-meta")
            chips = gr.HTML('<div class="fts-empty">Open this tab or press <b>Tokenize</b> to see the tokens '
                            'of a training example.</div>', elem_id="tok-chips", padding=False)
    section_title("Lengths: tokens per training example")
    with gr.Row(equal_height=False):
        with gr.Column(scale=7, min_width=420):
            histogram = gr.Plot(label="Tokens per training example", show_label=False, elem_id="tok-histogram")
        with gr.Column(scale=4, min_width=280):
            stats = gr.Markdown(elem_id="tok-stats")
    section_title("Padding: what each strategy costs")
    with gr.Row(equal_height=False):
        with gr.Column(scale=6, min_width=420):
            comparison = gr.Dataframe(label="One epoch of training", interactive=False, elem_id="tok-comparison",
                                      buttons=[], column_widths=["54%", "22%", "24%"], wrap=True)
            gr.Markdown(STRATEGY_COSTS, elem_classes=["fts-hint"])
        with gr.Column(scale=5, min_width=360):
            padding_plot = gr.Plot(label="Real tokens and padding", show_label=False,
                                   elem_id="tok-padding-plot")
    section_title("One batch, as the model sees it")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=260):
            grid_strategy = gr.Dropdown([(v, k) for k, v in STRATEGY_LABELS.items() if k != "packing"],
                                        value="group_by_length", label="Batch padded with",
                                        info="Green = real tokens, grey = padding. Opens on the run's own "
                                             "strategy; pick another to compare.", elem_id="tok-grid-strategy")
        with gr.Column(scale=8, min_width=420):
            grid = gr.Plot(show_label=False, elem_id="tok-grid")
    return TokenizeParts(max_length=max_length, padding=padding, example=example, refresh_btn=refresh_btn,
                         example_meta=example_meta, chips=chips, histogram=histogram, stats=stats,
                         comparison=comparison, padding_plot=padding_plot, grid_strategy=grid_strategy, grid=grid)


# --------------------------------------------------------------------------- rendering
def chips_html(preview: dict[str, Any]) -> str:
    """Tokens as chips: token text over its id; special tokens styled apart; tokens past
    max_length greyed and struck out after a marked cut line; the attention mask below."""
    out = ['<div class="fts-chips">']
    cut_drawn = False
    for t in preview["tokens"]:
        if not t["kept"] and not cut_drawn:
            out.append(f'<span class="fts-cut" title="max_length = {preview["max_length"]}">'
                       f'✂ cut at {preview["max_length"]}</span>')
            cut_drawn = True
        cls = "fts-chip" + (" fts-special" if t["special"] else "") + ("" if t["kept"] else " fts-dropped")
        out.append(f'<span class="{cls}" title="position {t["pos"]}"><span class="fts-tok">'
                   f'{html.escape(str(t["token"]))}</span><span class="fts-id">{t["id"]}</span></span>')
    if preview["n_truncated"] > len([t for t in preview["tokens"] if not t["kept"]]):
        out.append(f'<span class="fts-more">… {preview["n_truncated"]} tokens cut in all</span>')
    out.append("</div>")
    mask = preview["attention_mask"]
    shown = " ".join(map(str, mask[:96])) + (" …" if len(mask) > 96 else "")
    out.append(f'<div class="fts-mask"><b>attention_mask</b> <code>{shown}</code>'
               f'<span class="fts-mask-note">{len(mask)} ones: every kept token is attended to. Padding, '
               'added later per batch, gets 0.</span></div>')
    out.append('<div class="fts-legend"><span class="fts-chip fts-special"><span class="fts-tok">special</span></span>'
               '<span class="fts-chip"><span class="fts-tok">text token</span></span>'
               '<span class="fts-chip fts-dropped"><span class="fts-tok">cut off</span></span></div>')
    return "".join(out)


def stats_markdown(s: dict[str, Any]) -> str:
    if not s.get("count"):
        return "No examples."
    return (f"**{s['count']:,}** training examples\n\n"
            f"| | tokens |\n|---|---:|\n| mean | {s['mean']:.0f} |\n| median | {s['p50']:.0f} |\n"
            f"| 95th percentile | {s['p95']:.0f} |\n| longest | {s['max']:,} |\n\n"
            f"**{s['share_truncated']:.1%}** of examples are longer than max_length {s['max_length']} "
            "and lose their tail." + ("" if s["share_truncated"] else " Nothing is cut."))


def comparison_frame(rows: list[dict[str, Any]], used: str) -> Any:
    import pandas as pd

    return pd.DataFrame([{
        "Strategy": r["label"] + ("  ✓ training" if r["strategy"] == used else ""),
        "Tokens computed": f"{r['total_tokens']:,}",
        "Padding": f"{r['pad_tokens']:,} ({r['pad_fraction']:.0%})",
    } for r in rows])


# --------------------------------------------------------------------------- handlers
def _example(session: Session, cfg: Any, index: Any) -> tuple[dict, str, str]:
    """(row position, chips HTML, meta line). Causal LM: what trains, token by token
    (ui/train_view.py); classification: the encoded text and its attention mask."""
    from core.data.tokenize import token_preview

    if cfg.model.task == "causal-lm":
        return causal_example(session, cfg, index)
    prepared = session.cache.prepared(cfg)
    tok = session.cache.tokenizer(cfg)
    n = len(prepared.train)
    i = row_index(index, n)
    text, pair, label = example_text(prepared, i)
    pv = token_preview(tok, text, pair, cfg)
    meta = (f"**Example {i + 1} of {n:,}**" + (f" · label **{html.escape(label)}**" if label else "")
            + f" · {pv['n_tokens']} tokens" + (f", **{pv['n_truncated']} cut** by max_length {pv['max_length']}"
                                              if pv["n_truncated"] else f", all kept (max_length {pv['max_length']})"))
    return {"n": n, "i": i}, chips_html(pv), meta


@handler("tokenize the example")
def tokenize_preview(form: Form, parts: TokenizeParts, session: Session, example: Any = 0,
                     **values: Any) -> dict:
    """Tokens of one training example plus the length histogram against max_length."""
    from core.data.tokenize import length_stats
    from core.results.plots import histogram_figure

    cfg = form.to_config(session, values)
    ex, chips, meta = _example(session, cfg, example)
    stats = length_stats(session.cache.lengths(cfg), cfg.data.max_length)
    out = {parts.example_meta: meta, parts.chips: chips,
           parts.example: gr.update(maximum=ex["n"] - 1, value=ex["i"]),
           parts.histogram: histogram_figure(stats), parts.stats: stats_markdown(stats)}
    loaded = session.cache.loaded_model()
    if loaded is not None and loaded[1].max_positions and loaded[1].source == cfg.model.name_or_path:
        top = min(loaded[1].max_positions, 2048)
        out[parts.max_length] = gr.update(maximum=top, value=min(cfg.data.max_length, top))
    return out


@handler("show the example")
def show_example(form: Form, parts: TokenizeParts, session: Session, example: Any = 0, **values: Any) -> dict:
    cfg = form.to_config(session, values)
    _, chips, meta = _example(session, cfg, example)
    return {parts.example_meta: meta, parts.chips: chips}


@handler("compare padding strategies")
def padding_stats(form: Form, parts: TokenizeParts, session: Session, grid_strategy: str = "group_by_length",
                  follow_run: bool = True, **values: Any) -> dict:
    """Tokens computed per epoch under each padding strategy, and one batch as a grid: the
    batch as the run will form it (``follow_run``: opening the tab, a new padding or
    max_length), or as the strategy picked above the picture shows it."""
    from core.data.tokenize import batch_grid, effective_padding, padding_comparison
    from core.results.plots import grid_figure, padding_figure

    cfg = form.to_config(session, values)
    lengths = session.cache.lengths(cfg)
    bs, seed, max_len = cfg.train.per_device_train_batch_size, cfg.train.seed, cfg.data.max_length
    rows = padding_comparison(lengths, bs, max_len, seed=seed, task=cfg.model.task)
    used = effective_padding(cfg)  # what the run does (auto: packing for causal LM)
    strategy = used if follow_run or grid_strategy not in STRATEGY_LABELS else grid_strategy
    if strategy == "packing" and cfg.model.task != "causal-lm":
        strategy = used
    grid = batch_grid(lengths, bs, max_len, strategy, seed=seed)
    real = sum(sum(r) for r in grid)
    total = sum(len(r) for r in grid)
    title = (f"{STRATEGY_LABELS[strategy]}{' (this run)' if strategy == used else ''}: batch of "
             f"{len(grid) if strategy != 'packing' else bs} at batch size "
             f"{bs}, {total - real:,} of {total:,} positions are padding")
    is_causal = cfg.model.task == "causal-lm"
    grid_choices = [(v, k) for k, v in STRATEGY_LABELS.items() if is_causal or k != "packing"]
    fig = grid_figure(grid, title)
    fig.set_size_inches(8.0, min(fig.get_size_inches()[1], 3.4))  # a wide strip, not a square
    fig.tight_layout()
    return {parts.comparison: gr.update(value=comparison_frame(rows, used),
                                        label=f"One epoch of training: {rows[0]['real_tokens']:,} real tokens "
                                              f"at batch size {bs}"),
            parts.padding_plot: padding_figure(rows),
            parts.grid: fig,
            parts.grid_strategy: gr.update(choices=grid_choices, value=strategy)}


# --------------------------------------------------------------------------- wiring
def wire(ctx: Any, parts: TokenizeParts) -> None:
    form, session = ctx.form, ctx.session
    preview_outs = [parts.example_meta, parts.chips, parts.example, parts.histogram, parts.stats, parts.max_length]
    padding_outs = [parts.comparison, parts.padding_plot, parts.grid, parts.grid_strategy]
    preview = dict(fn=functools.partial(tokenize_preview, form, parts), inputs=[session, parts.example],
                   inputs_kwargs=form.inputs(), outputs=preview_outs)
    pads = dict(fn=functools.partial(padding_stats, form, parts), inputs=[session, parts.grid_strategy],
                inputs_kwargs=form.inputs(), outputs=padding_outs)
    parts.refresh_btn.click(api_name="tokenize_preview", **preview).then(api_name="padding_stats", **pads)
    ctx.tab_items[sys.modules[__name__]].select(api_visibility="private", **preview).then(
        api_visibility="private", **pads)
    parts.example.input(functools.partial(show_example, form, parts), inputs=[session, parts.example],
                          inputs_kwargs=form.inputs(), outputs=[parts.example_meta, parts.chips],
                          trigger_mode="always_last", show_progress="hidden", api_visibility="private")
    parts.max_length.release(api_visibility="private", trigger_mode="always_last", **preview).then(
        api_visibility="private", **pads)
    # .select: see ui/data.py on dropdown events. A new padding strategy redraws the batch the
    # run will form; a pick above the picture shows that strategy's batch instead.
    parts.padding.select(api_visibility="private", trigger_mode="always_last", **pads)
    parts.grid_strategy.select(api_visibility="private", trigger_mode="always_last",
                               **dict(pads, fn=functools.partial(padding_stats, form, parts, follow_run=False)))
