"""What a causal LM trains on, drawn for the page: one training row as token chips coloured
trained vs masked, the role of each span, special tokens, the max_length cut, the row's and
the dataset's counts, and the alarms (core.data.alarms) as level-coloured cards; for a DPO
run the "what's happening and why" panel beside its reward curves (core.train.dpo_explain).

Pure rendering: the numbers come from core.data.inspect.TrainingView (TRL's own tokens and
labels, the very ones the trainer gets) and core.data.labels.token_view; nothing here
tokenizes or masks. Every token text and message is HTML-escaped. Styles: assets/train_view.css.
"""

from __future__ import annotations

import html
from typing import Any

# role -> (legend label, what it is). "padding" never appears in a row: the collator adds it
# per batch, so it is only explained in the legend.
ROLES = {
    "system": ("system", "the system prompt"),
    "user": ("user", "the user's turns"),
    "prompt": ("prompt", "the prompt of a prompt/completion or instruction row"),
    "answer": ("answer", "the assistant's answer (trained unless it lies past the cut)"),
    "text": ("text", "plain text rows: every token is trained"),
    "template": ("template markup", "what the chat template writes around the turns"),
    "padding": ("padding", "added per batch by the collator, never trained"),
}
LEVELS = {"error": "Error", "warn": "Warning", "info": "Note"}


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def token_label(text: str) -> str:
    """A token's text as a chip shows it: escaped, with line breaks and tabs made visible
    (a raw newline would break the row of chips) and an empty piece shown as ∅."""
    if text == "":
        return "∅"
    if text.strip(" ") == "":  # a token of spaces only would draw an empty chip
        return "␣" * len(text)
    return esc(text.replace("\r", "␍").replace("\n", "⏎").replace("\t", "⇥"))


def alarms_html(alarms: list[Any]) -> str:
    """The alarms as cards, errors first (core.data.alarms.check_split sorts them)."""
    if not alarms:
        return ('<div class="fts-alarms"><div class="fts-alarm fts-alarm-ok"><b>No alarms.</b> Answers are trained, '
                'their end-of-turn token too, and the template is the model\'s own.</div></div>')
    cards = []
    for a in alarms:
        cards.append(f'<div class="fts-alarm fts-alarm-{esc(a.level)}" data-kind="{esc(a.kind)}">'
                     f'<div class="fts-alarm-msg"><b>{LEVELS.get(a.level, esc(a.level))}:</b> {esc(a.message)}</div>'
                     f'<div class="fts-alarm-fix"><b>Fix:</b> {esc(a.fix)}</div></div>')
    return '<div class="fts-alarms">' + "".join(cards) + "</div>"


def counts_html(row: dict[str, Any], summary: dict[str, Any]) -> str:
    """This row's trained tokens next to the whole training split's."""
    masked = row["n_kept"] - row["n_trained"]
    row_facts = [f'<b>{row["n_trained"]:,}</b> trained', f'{masked:,} masked']
    if row["n_truncated"]:
        lost = f', {row["n_trained_cut"]:,} of them trained' if row["n_trained_cut"] else ""
        row_facts.append(f'<span class="fts-tv-warn">{row["n_truncated"]:,} cut by max_length{lost}</span>')
    ds = [f'<b>{summary["trained_tokens"]:,}</b> trained tokens in all ({summary["trained_per_row"]:.1f} a row)',
          f'{summary["dropped"]:,} rows left out (no trained token)',
          f'{summary["answer_cut"]:,} rows whose answer is cut']
    return ('<div class="fts-tv-counts">'
            f'<div><span class="fts-tv-k">Row {row["index"] + 1}</span> {row["n_tokens"]:,} tokens: '
            + " · ".join(row_facts) + "</div>"
            f'<div><span class="fts-tv-k">Dataset</span> {summary["rows"]:,} training rows: ' + " · ".join(ds)
            + "</div></div>")


def row_banner(row: dict[str, Any]) -> str:
    if row.get("dropped"):
        return ('<div class="fts-tv-banner fts-alarm-warn">This row keeps no trained token within max_length '
                f'{row["max_length"]}: it is left out of training.</div>')
    if row.get("answer_cut"):
        return ('<div class="fts-tv-banner fts-alarm-warn">This row\'s answer runs past max_length '
                f'{row["max_length"]}: its end is cut, end-of-turn token included.</div>')
    return ""


def _chip(t: dict[str, Any]) -> str:
    state = "trained" if t["trained"] else "masked"
    cls = [f"fts-tchip fts-{state} fts-role-{t['role']}"]
    if t["special"]:
        cls.append("fts-tspecial")
    if not t["kept"]:
        cls.append("fts-tcut")
    title = (f"position {t['pos']} · id {t['id']} · {ROLES.get(t['role'], (t['role'],))[0]} · "
             + ("trained" if t["trained"] else "masked (label -100)")
             + (" · special token" if t["special"] else "") + ("" if t["kept"] else " · past max_length"))
    return (f'<span class="{" ".join(cls)}" title="{esc(title)}" data-role="{esc(t["role"])}" '
            f'data-trained="{int(bool(t["trained"]))}" data-special="{int(bool(t["special"]))}">'
            f'<span class="fts-tok">{token_label(t["text"])}</span><span class="fts-id">{t["id"]}</span></span>')


def chips_html(row: dict[str, Any]) -> str:
    """The row's tokens as chips. A small tag opens each span of a new role (template markup
    has none: it is the outlined grey between the spans), and a ✂ marker stands where
    max_length cuts."""
    out = ['<div class="fts-chips fts-tchips">']
    role, cut_drawn = None, False
    for t in row["tokens"]:
        if not t["kept"] and not cut_drawn:
            out.append(f'<span class="fts-cut" title="max_length = {row["max_length"]}">'
                       f'✂ max_length {row["max_length"]}: the rest is never seen</span>')
            cut_drawn = True
        if t["role"] != role and t["role"] != "template":
            out.append(f'<span class="fts-span-tag fts-role-{esc(t["role"])}">{esc(ROLES.get(t["role"], (t["role"],))[0])}'
                       "</span>")
        role = t["role"] if t["role"] != "template" else role
        out.append(_chip(t))
    if row["n_tokens"] > row["shown"]:
        out.append(f'<span class="fts-more">… {row["n_tokens"] - row["shown"]:,} more tokens not drawn</span>')
    out.append("</div>")
    return "".join(out)


def legend_html(roles_known: bool = True, present: set[str] | None = None) -> str:
    """Chip states, then the roles this row has (all when ``present`` is None) and padding."""
    items = ['<span class="fts-tchip fts-trained fts-role-answer"><span class="fts-tok">trained</span></span>',
             '<span class="fts-tchip fts-masked fts-role-user"><span class="fts-tok">masked (-100)</span></span>',
             '<span class="fts-tchip fts-masked fts-role-template fts-tspecial">'
             '<span class="fts-tok">special token</span></span>',
             '<span class="fts-tchip fts-masked fts-role-user fts-tcut"><span class="fts-tok">past the cut</span></span>']
    roles = "".join(f'<span class="fts-legend-role"><span class="fts-span-tag fts-role-{k}">{esc(label)}</span>'
                    f"{esc(what)}</span>" for k, (label, what) in ROLES.items()
                    if present is None or k in present or k in ("template", "padding"))
    note = ("" if roles_known else '<div class="fts-hint">This tokenizer gives no character offsets, so spans '
            "are shown only as trained or masked.</div>")
    return (f'<div class="fts-legend fts-tv-legend">{"".join(items)}</div>'
            f'<div class="fts-tv-roles">{roles}</div>{note}'
            '<div class="fts-hint">Padding is masked by position (the attention mask), not by token id: here the '
            "pad token is often the end-of-turn token, and that one must stay trained after each answer.</div>")


def training_view_html(view: Any, row: dict[str, Any]) -> str:
    """The whole panel for one row: alarms, counts, the row's banner, chips and legend."""
    return ('<div class="fts-train-view">' + alarms_html(view.alarms) + counts_html(row, view.split.summary())
            + row_banner(row) + chips_html(row)
            + legend_html(row.get("roles_known", True), {t["role"] for t in row["tokens"]}) + "</div>")


def meta_markdown(row: dict[str, Any], n_rows: int, fmt: str) -> str:
    cut = (f", **{row['n_truncated']} cut** by max_length {row['max_length']}" if row["n_truncated"]
           else f", all kept (max_length {row['max_length']})")
    return (f"**Example {row['index'] + 1} of {n_rows:,}** · {fmt} format · {row['n_tokens']} tokens{cut} · "
            f"**{row['n_trained']} trained**")


def plan_alarms_html(alarms: list[Any]) -> str:
    """The alarms again, compact, under the Train tab's plan ("" when there are none)."""
    if not alarms:
        return ""
    return ('<div class="fts-plan-alarms"><div class="fts-plan-alarms-title">Before you train: what the Tokenize '
            "&amp; pad tab found</div>" + alarms_html(alarms) + "</div>")


# --------------------------------------------------------------------------- handlers' helpers
def row_index(index: Any, n: int) -> int:
    """The row asked for, clamped to the split (out of range: the nearest row)."""
    from core.config import ConfigError

    try:
        return max(0, min(int(float(index or 0)), n - 1))
    except (TypeError, ValueError):
        raise ConfigError(f"Example must be a row number (0 to {n - 1}), got {index!r}") from None


def causal_example(session: Any, cfg: Any, index: Any) -> tuple[dict[str, Any], str, str]:
    """(the row's position, the panel's HTML, the meta line) for the Tokenize tab on a causal
    run: TRL's tokens and labels from the session's cache (shared with the Train tab)."""
    prepared = session.cache.prepared(cfg)
    if is_preference(prepared):
        return pair_example(session, cfg, prepared, index)
    view = session.cache.training_view(cfg)
    n = len(prepared.train)
    row = view.row(prepared.train, row_index(index, n))
    return {"n": n, "i": row["index"]}, training_view_html(view, row), meta_markdown(row, n, view.fmt)


def is_preference(prepared: Any) -> bool:
    return prepared.detected is not None and prepared.detected.format == "preference"


def pair_example(session: Any, cfg: Any, prepared: Any, index: Any) -> tuple[dict[str, Any], str, str]:
    """The Tokenize tab on a DPO run: training pair ``index`` as the Data tab shows pairs (the
    prompt, chosen | rejected, laid out by the chat template, with their token counts): DPO
    scores every token of both answers, so there is no trained/masked picture to draw."""
    from core.data.pairs import render_pair

    from .data.pairs import pair_html

    n = len(prepared.train)
    i = row_index(index, n)
    view = render_pair(cfg, prepared.train[i], session.cache.tokenizer(cfg), i, n)
    meta = (f"**Pair {i + 1} of {n:,}** of the training split · preference format (DPO): each answer's tokens are "
            "scored after the prompt, by the tuned model and by the reference")
    return {"n": n, "i": i}, pair_html(view, cfg), meta


def plan_alarms(session: Any, cfg: Any) -> str:
    """The alarms for the Train tab (causal SFT runs; "" otherwise)."""
    if cfg.model.task != "causal-lm" or cfg.train.objective == "dpo":
        return ""
    return plan_alarms_html(session.cache.training_view(cfg).alarms)


# --------------------------------------------------------------------------- DPO runs
def dpo_panel_html(notes: list[Any], step: int = 0) -> str:
    """The Train tab's "what's happening and why" panel of a DPO run: one card per curve with
    its current number and what it means (core.train.dpo_explain); "" before the first log."""
    if not notes:
        return ""
    cards = "".join(f'<div class="fts-dpo-note" data-key="{esc(n.key)}"><div class="fts-dpo-note-head">'
                    f'<span class="fts-dpo-note-title">{esc(n.title)}</span>'
                    f'<span class="fts-dpo-note-value">{esc(n.value)}</span></div>'
                    f'<div class="fts-dpo-note-text">{esc(n.text)}</div></div>' for n in notes)
    when = f" (step {step}, the newest log)" if step else ""
    return (f'<div class="fts-dpo-panel" id="train-dpo-notes"><div class="fts-dpo-panel-title">What\'s happening '
            f'and why{esc(when)}</div><div class="fts-dpo-notes">{cards}</div></div>')


def dpo_panel(cfg: Any, events: list[dict[str, Any]], summary: dict[str, Any] | None) -> str:
    """The panel for a run of ``cfg`` ("" unless it is a DPO run with a reward log)."""
    if cfg.train.objective != "dpo":
        return ""
    from core.train.dpo_explain import curve_notes

    notes = curve_notes(events, cfg.dpo.beta, cfg.dpo.loss_type, summary)
    step = next((int(e.get("step", 0)) for e in reversed(events)
                 if e.get("type") == "train" and "rewards/margins" in e), 0)
    return dpo_panel_html(notes, step)
