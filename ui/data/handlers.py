"""The data tab's handlers and the views they return (thin calls into core/)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import gradio as gr

from core.config import field_info
from core.data.formats import suggest_template
from core.data.pairs import is_pairs
from core.data.sources import DataError
from core.data.table import source_key, table_preview
from core.data.uploads import store_upload

from ..common import AppSettings, Form, Session, handler, note, run_owner
from ..temp_files import discard_upload, gradio_temp_dir
from .layout import NONE_CHOICE, PREVIEW_CHARS, DataParts


def _fresh_roles(session: Session, cfg: Any) -> Any:
    """A different table: forget column choices made for the previous one."""
    d = {name: field_info("data", name)["default"] for name in
         ("text_column", "text_pair_column", "label_column", "template", "instruction_column",
          "response_column")}
    session.cfg = cfg.replace(data=d)
    return session.cfg


def _present_columns(session: Session, cfg: Any, df: Any) -> Any:
    """Column choices this table lacks fall back to detection: they come from the previous
    table (an event that raced its refresh, see layout.ColumnDropdown) or from a restored
    config whose file changed, and a dropdown can only show the table's own columns."""
    cols = {str(c) for c in df.columns}
    absent = {name: "" for name in ("text_column", "text_pair_column", "label_column")
              if getattr(cfg.data, name).strip() and getattr(cfg.data, name).strip() not in cols}
    if absent:
        session.cfg = cfg = cfg.replace(data=absent)
    return cfg


def _short(df: Any) -> Any:
    """Long cells cut for the preview (the data itself is untouched). A conversation (a list
    of role/content messages) reads as "role: content" turns, not as [object Object]."""
    def cell(v: Any) -> Any:
        if isinstance(v, (list, tuple)) or type(v).__name__ == "ndarray":
            v = " | ".join(f"{m.get('role', m.get('from', '?'))}: {m.get('content', m.get('value', ''))}"
                           if isinstance(m, dict) else str(m) for m in v)
        elif isinstance(v, dict):
            v = json.dumps(v, ensure_ascii=False, default=str)
        return v[:PREVIEW_CHARS] + " …" if isinstance(v, str) and len(v) > PREVIEW_CHARS else v

    return df.map(cell)


def column_widths(df: Any) -> list[str]:
    """Share the table's width by how long each column's cells are (labels stay narrow)."""
    weights = [min(max(df[c].astype(str).str.len().mean(), 14.0), 60.0) if len(df) else 14.0 for c in df.columns]
    total = sum(weights) or 1.0
    return [f"{100 * w / total:.0f}%" for w in weights]


def has_validation(cfg: Any) -> bool:
    d = cfg.data
    return bool(d.validation_path or (d.hub_dataset.strip() and d.hub_validation_split.strip()))


def split_text(n_rows: int, test_size: float, max_rows: int, has_validation: bool) -> str:
    n = min(n_rows, max_rows) if max_rows else n_rows
    if has_validation:
        return f"About **{n:,}** training rows; validation comes from the separate file."
    n_val = max(1, round(n * test_size))
    return (f"About **{n - n_val:,}** training / **{n_val:,}** validation rows "
            f"({test_size:.0%} held out), before empty and duplicate rows are dropped.")


def refresh(form: Form, parts: DataParts, session: Session, values: dict[str, Any]) -> dict:
    cfg = form.to_config(session, values)
    key = source_key(cfg)
    if key != session.loaded_source:
        cfg = _fresh_roles(session, cfg)
    df = session.cache.table(cfg)
    cfg = _present_columns(session, cfg, df)
    pv = table_preview(cfg, df, session.cache.loaded_tokenizer(cfg))
    session.loaded_source = key
    # The detected roles become explicit choices, so what the dropdowns show is what trains.
    session.cfg = cfg.replace(data={"text_column": pv.roles.text, "text_pair_column": pv.roles.text_pair,
                                    "label_column": pv.roles.label})
    is_cls = cfg.model.task == "sequence-classification"
    pairs = is_pairs(df, cfg)
    cols = pv.columns
    out: dict = {
        parts.summary: f"**{pv.n_rows:,} rows** · {len(cols)} columns · `{pv.source}`",
        parts.in_use: f"Using `{pv.source}`" + ("" if cfg.data.hub_dataset else shown_path(cfg.data.path)),
        parts.table: gr.update(value=_short(pv.head), column_widths=column_widths(pv.head)),
        parts.text_column: gr.update(choices=[NONE_CHOICE, *cols], value=pv.roles.text),
        parts.text_pair_column: gr.update(choices=[NONE_CHOICE, *cols], value=pv.roles.text_pair,
                                          visible=is_cls),
        parts.label_column: gr.update(choices=[NONE_CHOICE, *cols], value=pv.roles.label, visible=is_cls),
        parts.roles_note: note(PAIRS_HINT) if pairs else note(pv.roles_error, "warn") if pv.roles_error
        else note(_roles_hint(pv, is_cls)),
        parts.labels_box: gr.update(visible=is_cls and not pairs),
        # preference pairs have their own view (ui/data/pairs.py): no template or format applies
        parts.causal_box: gr.update(visible=not is_cls and not pairs),
        parts.split_note: split_text(pv.n_rows, cfg.data.test_size, cfg.data.max_rows,
                                     has_validation(cfg)),
    }
    if is_cls:
        from core.results.plots import label_figure

        out[parts.label_plot] = readable_labels(label_figure(pv.label_counts)) \
            if pv.label_counts else None
    else:
        out.update({
            parts.template: gr.update(value=cfg.data.template, placeholder="e.g. " + suggest_template(
                cols, pv.roles.text).replace("\n", " ⏎ ")),
            parts.instruction_column: gr.update(choices=cols, value=cfg.data.instruction_column),
            parts.response_column: gr.update(choices=cols, value=cfg.data.response_column),
            parts.rendered: gr.update(value=pv.rendered or pv.template_error,
                                      label=f"Row 1 as the model will see it ({pv.prompt_format} format)"),
            parts.columns_row: gr.update(visible=pv.prompt_format == "instruction"),
        })
    return out


PAIRS_HINT = ("Preference pairs: DPO learns to prefer the “chosen” answer to each “prompt” over the “rejected” "
              "one. One pair is shown below, as the model sees it.")


def readable_labels(fig: Any) -> Any:
    """Many classes: a wider figure with the class names turned so they don't overlap."""
    ax = fig.axes[0]
    n = len(ax.get_xticklabels())
    if n > 6:
        fig.set_size_inches(min(4.0 + 0.22 * n, 11.0), 3.2)
        ax.tick_params(axis="x", labelrotation=70, labelsize=7 if n > 20 else 8)
        for t in ax.get_xticklabels():
            t.set_horizontalalignment("right")
            t.set_rotation_mode("anchor")
        fig.tight_layout()
    return fig


def _roles_hint(pv: Any, is_cls: bool) -> str:
    if is_cls:
        n = len(pv.label_counts)
        pair = f" paired with “{pv.roles.text_pair}”" if pv.roles.text_pair else ""
        return f"Learning to predict “{pv.roles.label}” ({n} classes) from “{pv.roles.text}”{pair}."
    return f"The model learns to continue text built from “{pv.roles.text}” (see the format below)."


@handler("load the data", light=True)
def load_data(form: Form, parts: DataParts, session: Session, **values: Any) -> dict:
    """Read the chosen source and show its first rows, column roles and labels."""
    return refresh(form, parts, session, values)


def shown_path(path: str) -> str:
    """' (assets/data/x.csv)' for a file of the project; nothing for an upload, whose name the
    page already shows (its place on the server is nobody's business)."""
    from core.data.uploads import project_relative
    from core.paths import uploads_dir

    if Path(path).resolve().is_relative_to(uploads_dir().resolve()):
        return ""  # an upload, even when the workspace lies inside the project
    rel = project_relative(path)
    return "" if Path(rel).is_absolute() else f" ({rel})"


def keep_upload(settings: AppSettings, session: Session, file: Any) -> Path:
    """The session's copy of an upload, within the mode's size limit; Gradio's temp copy is
    deleted whether the file is accepted or refused."""
    from core.train.limits import upload_limit_bytes

    try:
        return store_upload(file, run_owner(settings, session), extra_roots=[gradio_temp_dir()],
                            max_bytes=upload_limit_bytes(settings.limits))
    finally:
        discard_upload(file)


@handler("use the uploaded file", light=True)
def upload_data(form: Form, parts: DataParts, settings: AppSettings, session: Session, file: Any,
                **values: Any) -> dict:
    """Copy an uploaded data file into the session's upload folder and preview it."""
    if not file:
        raise DataError("no file arrived; choose a data file to upload")
    stored = keep_upload(settings, session, file)
    session.upload_path = str(stored)
    values["data_source"] = "upload"
    out = refresh(form, parts, session, values)
    out[parts.source] = "upload"
    return out


@handler("use the validation file", light=True)
def upload_validation(form: Form, parts: DataParts, settings: AppSettings, session: Session, file: Any = None,
                      **values: Any) -> dict:
    """Use a separate validation file instead of splitting (no file: back to splitting)."""
    from core.data.sources import read_table

    if not file:
        session.validation_path = ""
        note_text = "No validation file: validation rows are split off the training data."
    else:
        stored = keep_upload(settings, session, file)
        rows = len(read_table(stored))
        session.validation_path = str(stored)
        note_text = f"Validating on `{stored.name}` ({rows:,} rows) instead of a split."
    cfg = form.to_config(session, values)
    n = len(session.cache.table(cfg))
    return {parts.validation_note: note_text,
            parts.split_note: split_text(n, cfg.data.test_size, cfg.data.max_rows,
                                         has_validation(cfg))}


@handler("render the template", light=True)
def preview_template(form: Form, parts: DataParts, session: Session, **values: Any) -> dict:
    """Row 1 as training text under the current format/template (updates as you type)."""
    from core.data.chat import detect_format
    from core.data.table import render_first

    cfg = form.to_config(session, values)
    df = session.cache.table(cfg)
    text, error = render_first(cfg, df, session.cache.loaded_tokenizer(cfg))
    try:
        fmt = detect_format(df, cfg.data, cfg.train.objective).format
    except DataError:
        fmt = cfg.data.prompt_format
    return {parts.rendered: gr.update(value=text or error, label=f"Row 1 as the model will see it ({fmt} format)"),
            parts.columns_row: gr.update(visible=fmt == "instruction")}


def tokenizer_at_hand(session: Session, cfg: Any) -> bool:
    """Whether the model's tokenizer is loaded, or can be loaded from this machine at once
    (a starter already built, a local folder): the Data tab then shows a chat row rendered by
    the model's own template. A starter that still needs converting, or a Hub model, waits
    for the Model tab (which shows the conversion's progress)."""
    from core.config import STARTER_SMOLLM2
    from core.model.load import is_local

    if session.cache.loaded_tokenizer(cfg) is not None:
        return True
    name = cfg.model.name_or_path
    if name == STARTER_SMOLLM2:
        from core.model.smollm2 import needs_conversion

        if needs_conversion():
            return False
    elif not name.startswith("starter:") and not is_local(name):
        return False
    from ..common import KNOWN_ERRORS

    try:
        session.cache.tokenizer(cfg)
    except KNOWN_ERRORS:
        return False
    return True


@handler("render a row for the model")
def render_row(form: Form, parts: DataParts, session: Session, **values: Any) -> dict:
    """Causal LM: row 1 as the model will see it, once the tokenizer is at hand (the
    light preview before it cannot apply a chat template)."""
    cfg = form.to_config(session, values)
    if cfg.model.task != "causal-lm" or not tokenizer_at_hand(session, cfg):
        return {parts.rendered: gr.skip(), parts.columns_row: gr.skip()}
    return preview_template(form, parts, session, **values)


@handler("update the split", light=True)
def split_summary(form: Form, parts: DataParts, session: Session, **values: Any) -> dict:
    cfg = form.to_config(session, values)
    n = len(session.cache.table(cfg))
    return {parts.split_note: split_text(n, cfg.data.test_size, cfg.data.max_rows,
                                         has_validation(cfg))}


def show_source(source: str) -> tuple:
    return (gr.update(visible=source == "bundled"), gr.update(visible=source == "upload"),
            gr.update(visible=source == "hub"))
