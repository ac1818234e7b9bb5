"""The Compare tab's held-out preference check for DPO runs: how often the base and the tuned
model give the chosen answer of a held-out pair the higher log-probability (before → after),
in one line of plain words and a small table, then the pairs themselves with each model's
log-probability margin (chosen minus rejected), the pairs the tuning moved most first.

Read from what the run wrote when it finished (summary.json ``preference`` and
``preference.jsonl``, :func:`core.train.dpo.score_dpo_run`); nothing is computed again.
Hidden for every other run."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import gradio as gr

from ..common import section_title

COLUMNS = ["Prompt", "Chosen answer", "Rejected answer", "Margin base → tuned (nats)", "Prefers chosen?"]


@dataclass
class PreferenceParts:
    box: gr.Column
    summary: gr.Markdown
    table: gr.Dataframe


def preference_layout() -> PreferenceParts:
    with gr.Column(visible=False, elem_id="compare-pref-box") as box:
        section_title("Held-out preference pairs, before and after")
        summary = gr.Markdown(elem_id="compare-pref-summary", label="Preference accuracy", show_label=False)
        table = gr.Dataframe(headers=COLUMNS, label="Held-out pairs, the ones tuning moved most first",
                             interactive=False, wrap=True, max_height=420, buttons=[],
                             column_widths=["22%", "27%", "27%", "13%", "11%"], elem_id="compare-pref-table")
    return PreferenceParts(box=box, summary=summary, table=table)


# --------------------------------------------------------------------------- views
def _pct(v: Any) -> str:
    return f"{v:.0%}" if isinstance(v, (int, float)) else "–"


def _num(v: Any, fmt: str = "{:.2f}") -> str:
    return fmt.format(v) if isinstance(v, (int, float)) else "–"


def summary_markdown(pref: dict[str, Any]) -> str:
    """The before → after line in words, then the numbers it rests on."""
    base, tuned, n = pref.get("base"), pref.get("tuned"), pref.get("pairs", "?")
    lead = (f"**Preference accuracy on {n} held-out pairs: {_num(base)} → {_num(tuned)}** (base → DPO-tuned). On "
            f"pairs neither model trained on, the tuned model gives the chosen answer a higher log-probability "
            f"than the rejected one in {_pct(tuned)} of them, the base model in {_pct(base)}.")
    rows = ["| held-out check | base | DPO-tuned |", "|---|---:|---:|",
            f"| prefers the chosen answer (summed log-probability) | {_num(base)} | **{_num(tuned)}** |",
            f"| prefers it per token (length-normalised) | {_num(pref.get('base_per_token'))} | "
            f"{_num(pref.get('tuned_per_token'))} |",
            f"| mean margin, log p(chosen) − log p(rejected), nats | {_num(pref.get('base_margin'), '{:+.1f}')} | "
            f"{_num(pref.get('tuned_margin'), '{:+.1f}')} |"]
    tail = (f"DPO's own reward accuracy on these pairs (the chosen answer gained more than the rejected one, "
            f"against the base): **{_num(pref.get('reward_accuracy'))}**. The summed score favours the shorter "
            "answer, so a base model can prefer the chosen side per token while losing it summed.")
    return lead + "\n\n" + "\n".join(rows) + "\n\n" + tail


def _short(text: Any, limit: int = 300) -> str:
    text = str(text or "")
    return text if len(text) <= limit else text[:limit].rstrip() + " …"


def table_rows(rows: list[dict[str, Any]]) -> list[list[str]]:
    def verdict(m: float) -> str:
        return "yes" if m > 0 else "no"

    rows = sorted(rows, key=lambda r: -(float(r.get("tuned_margin", 0)) - float(r.get("base_margin", 0))))
    return [[_short(r.get("prompt")), _short(r.get("chosen")), _short(r.get("rejected")),
             f"{float(r.get('base_margin', 0)):+.1f} → {float(r.get('tuned_margin', 0)):+.1f}",
             f"{verdict(float(r.get('base_margin', 0)))} → {verdict(float(r.get('tuned_margin', 0)))}"]
            for r in rows]


def preference_view(parts: PreferenceParts, run_dir: Any, summary: dict[str, Any]) -> dict:
    """The section for a loaded run: shown with its numbers for a DPO run, hidden otherwise."""
    import pandas as pd

    from core.train.dpo import read_pair_rows

    pref = summary.get("preference") or {}
    if not pref:
        note = summary.get("report_note")
        if (summary.get("dpo") or {}) and note:  # a DPO run whose check failed: say so
            return {parts.box: gr.update(visible=True), parts.table: gr.update(value=None, visible=False),
                    parts.summary: f"No held-out preference check: {html.escape(str(note), quote=False)}."}
        return {parts.box: gr.update(visible=False), parts.summary: "", parts.table: gr.update(value=None)}
    rows = read_pair_rows(run_dir)
    return {parts.box: gr.update(visible=True), parts.summary: summary_markdown(pref),
            parts.table: gr.update(value=pd.DataFrame(table_rows(rows), columns=COLUMNS), visible=bool(rows))}
