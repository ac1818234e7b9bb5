"""The Compare tab's validation table for causal runs: held-out prompts with the reference,
the base and the fine-tuned answer and their scores, the rows where the two answers differ
most first; above it the overall scores and the forgetting check with its verdict.

Everything is read from what the run wrote when it finished (``summary.json`` and
``generations.jsonl``, :mod:`core.results.causal_report`): nothing is computed again. A run
without them (scoring was off, or it predates the report) gets a button that answers the
prompts now (:meth:`core.results.compare.Comparison.validation_answers`)."""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass
from typing import Any

import gradio as gr

from core.results.chat import shown_prompt as prompt_display

from ..common import Session, handler, section_title

COLUMNS = ["Prompt", "Reference", "Base answer", "Fine-tuned answer", "ROUGE-L base → tuned", "chrF base → tuned"]
# score rows of the overall table: (label, key, format, higher is better)
SCORES = (("ROUGE-L (0-1)", "rouge_l", "{:.3f}", True), ("chrF (0-100)", "chrf", "{:.1f}", True),
          ("BLEU (0-100)", "bleu", "{:.1f}", True), ("answer perplexity", "answer_perplexity", "{:.2f}", False),
          ("answers that ended their turn", "stopped", "{:.0%}", True))


@dataclass
class AnswersParts:
    summary: gr.Markdown
    run_btn: gr.Button
    table: gr.Dataframe


def answers_layout() -> AnswersParts:
    section_title("Validation prompts, before and after")
    summary = gr.Markdown(elem_id="compare-answers-summary", label="Scores and forgetting check", show_label=False)
    run_btn = gr.Button("Answer the validation prompts now", variant="secondary", visible=False,
                        elem_id="compare-answers-run")
    table = gr.Dataframe(headers=COLUMNS, label="Held-out prompts, the rows where the two answers differ most first",
                         interactive=False, wrap=True, max_height=480, buttons=[], visible=False,
                         column_widths=["20%", "18%", "20%", "20%", "11%", "11%"], elem_id="compare-answers")
    return AnswersParts(summary=summary, run_btn=run_btn, table=table)


# --------------------------------------------------------------------------- views
def _short(text: str, limit: int = 400) -> str:
    text = str(text or "")
    return text if len(text) <= limit else text[:limit].rstrip() + " …"


def table_rows(rows: list[dict[str, Any]]) -> list[list[str]]:
    rows = sorted(rows, key=lambda r: -float(r.get("difference") or 0.0))  # most changed first
    return [[_short(prompt_display(r.get("prompt", ""))), _short(r.get("reference", "")), _short(r.get("base", "")),
             _short(r.get("tuned", "")), f"{r.get('rouge_l_base', 0):.2f} → {r.get('rouge_l_tuned', 0):.2f}",
             f"{r.get('chrf_base', 0):.0f} → {r.get('chrf_tuned', 0):.0f}"] for r in rows]


def _cell(fmt: str, v: Any) -> str:
    return fmt.format(v) if isinstance(v, (int, float)) else "–"


def scores_markdown(generation: dict[str, Any] | None, forgetting: dict[str, Any] | None, when: str) -> str:
    """The overall scores (base vs fine-tuned, the better one in bold) and the forgetting check."""
    out = []
    if generation:
        b, f = generation.get("base") or {}, generation.get("final") or {}
        dec = generation.get("decoding") or {}
        how = "sampling" if dec.get("do_sample") else "greedy"
        out.append(f"On **{generation.get('n', '?')}** held-out prompts ({when}; {how}, at most "
                   f"{dec.get('max_new_tokens', '?')} new tokens; {generation.get('weights', '')}):\n")
        out.append("| score | base | fine-tuned |\n|---|---:|---:|")
        for label, key, fmt, higher in SCORES:
            bv, fv = b.get(key), f.get(key)
            if bv is None and fv is None:
                continue
            better = isinstance(bv, (int, float)) and isinstance(fv, (int, float)) and \
                (fv > bv if higher else fv < bv)
            out.append(f"| {label} | {_cell(fmt, bv)} | {'**' if better else ''}{_cell(fmt, fv)}"
                       f"{'**' if better else ''} |")
    if forgetting:
        change = forgetting.get("change")
        tail = f" ({change:+.0%})" if isinstance(change, (int, float)) else ""
        out.append(f"\n**Forgetting check** (perplexity on {forgetting.get('n_texts', '?')} paragraphs of general "
                   f"text, lower is better): {_cell('{:.2f}', forgetting.get('ppl_base'))} → "
                   f"{_cell('{:.2f}', forgetting.get('ppl_final'))}{tail}. "
                   f"{html.escape(str(forgetting.get('verdict', '')), quote=False)}")
    return "\n".join(out)


def stored_view(parts: AnswersParts, run_dir: Any, summary: dict[str, Any]) -> dict:
    """The table and scores the run wrote when it finished, or the button when it wrote none."""
    from core.results.causal_report import read_rows

    rows = read_rows(run_dir)
    gen, forgetting = summary.get("generation"), summary.get("forgetting")
    if not rows and not gen:
        note = summary.get("report_note") or (
            "a DPO run scores its held-out pairs when it finishes (above), not answers" if summary.get("preference")
            else "this run did not score answers when it finished (generate.eval_samples was 0, or it predates "
                 "the report)")
        return {parts.summary: f"No stored answers: {html.escape(str(note), quote=False)}.",
                parts.run_btn: gr.update(visible=True), parts.table: gr.update(value=None, visible=False)}
    text = scores_markdown(gen, forgetting, "answered when the run finished")
    if summary.get("report_note"):
        text += f"\n\n*{html.escape(str(summary['report_note']), quote=False)}*"
    return {parts.summary: text, parts.run_btn: gr.update(visible=False),
            parts.table: gr.update(value=_frame(table_rows(rows)), visible=bool(rows))}


def _frame(rows: list[list[str]]) -> Any:
    import pandas as pd

    return pd.DataFrame(rows, columns=COLUMNS)


# --------------------------------------------------------------------------- handlers
@handler("answer the validation prompts")
def compare_answers(parts: AnswersParts, comparison: Any, session: Session, cache: Any, run: Any) -> dict:
    """Stored answers when the run has them; else both models answer the prompts now."""
    comp = comparison(session, cache, run)
    view = stored_view(parts, comp.run_dir, comp.summary)
    if not view[parts.run_btn].get("visible"):
        return view
    rep = comp.validation_answers(comp.cfg.generate.eval_samples or 8)
    return {parts.summary: scores_markdown(rep, None, "answered just now"), parts.run_btn: gr.update(visible=False),
            parts.table: gr.update(value=_frame(table_rows(rep["rows"])), visible=True)}


def wire_answers(parts: AnswersParts, comparison: Any, session: Any, cache: Any, run: Any) -> None:
    parts.run_btn.click(functools.partial(compare_answers, parts, comparison), inputs=[session, cache, run],
                        outputs=[parts.summary, parts.run_btn, parts.table], api_name="compare_answers")
