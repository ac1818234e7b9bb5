"""Data tab: choose a source (bundled set, upload, Hub), preview it, check the column
roles, see the label balance or (causal LM) the training text a template makes, and set
how the rows are split."""

from __future__ import annotations

import functools
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from core.config import field_info
from core.data.formats import suggest_template
from core.data.sources import FILE_TYPES, DataError, bundled_datasets
from core.data.table import source_key, table_preview
from core.data.uploads import project_relative, store_upload
from core.paths import confine

from .common import Form, Session, explain, handler, note, section_title

TITLE = "Data"

EXPLANATION = """
Fine-tuning starts from examples of what you want the model to do. Every row becomes one
training example: for **classification** a text plus the label it should get, for **text
generation** (causal LM) a piece of text the model learns to continue.

The studio guesses which column plays which role. Check its guesses in the table and change
them if they are wrong. A share of the rows is held back as a **validation set**: the model
never trains on those rows, so its score on them tells you whether it learned the task or
only memorised its training examples.
"""

SOURCES = [("Bundled dataset", "bundled"), ("Upload a file", "upload"), ("Hugging Face Hub", "hub")]
NONE_CHOICE = ("(none)", "")
PREVIEW_CHARS = 220  # long cells are cut in the preview table so rows stay readable


@dataclass
class DataParts:
    source: gr.Radio
    bundled: gr.Dropdown
    bundled_box: gr.Column
    upload: gr.File
    upload_box: gr.Column
    hub_box: gr.Column
    hub_dataset: gr.Textbox
    load_btn: gr.Button
    in_use: gr.Markdown
    test_size: gr.Slider
    max_rows: gr.Number
    validation_file: gr.UploadButton
    validation_clear: gr.Button
    validation_note: gr.Markdown
    summary: gr.Markdown
    table: gr.Dataframe
    text_column: gr.Dropdown
    text_pair_column: gr.Dropdown
    label_column: gr.Dropdown
    roles_note: gr.HTML
    labels_box: gr.Column
    label_plot: gr.Plot
    causal_box: gr.Column
    prompt_format: gr.Radio
    template: gr.Textbox
    columns_row: gr.Row
    instruction_column: gr.Dropdown
    response_column: gr.Dropdown
    rendered: gr.Textbox
    split_note: gr.Markdown


def default_bundled() -> str:
    """The bundled set the default config points at (RunConfig's data.path)."""
    default = Path(field_info("data", "path")["default"]).stem
    names = list(bundled_datasets())
    return default if default in names else (names[0] if names else "")


def layout(ctx: Any) -> DataParts:
    form: Form = ctx.form
    explain(ctx.settings, EXPLANATION)
    with gr.Row(equal_height=False):
        with gr.Column(scale=4, min_width=320, elem_classes=["fts-panel"]):
            section_title("Source")
            source = form.extra("data_source", gr.Radio(SOURCES, value="bundled", show_label=False,
                                                        elem_id="data-source"))
            with gr.Column(visible=True) as bundled_box:
                bundled = form.extra("bundled_dataset", gr.Dropdown(
                    list(bundled_datasets()), value=default_bundled(), label="Dataset",
                    info="Small sets shipped with the studio: no download needed.", elem_id="data-bundled"))
            with gr.Column(visible=False) as upload_box:
                upload = gr.File(label="Data file", file_types=list(FILE_TYPES), type="filepath",
                                 file_count="single", height=120, elem_id="data-upload")
                gr.Markdown("csv, tsv, json, jsonl, parquet or txt (one example per line). "
                            "The file is copied into this session's upload folder.",
                            elem_classes=["fts-hint"])
            with gr.Column(visible=False) as hub_box:
                hub_dataset = form.widget("data", "hub_dataset", label="Hub dataset id")
                with gr.Row():
                    form.widget("data", "hub_config", label="Configuration")
                    form.widget("data", "hub_split", label="Split")
                form.widget("data", "hub_validation_split", label="Validation split")
            load_btn = gr.Button("Load data", variant="primary", elem_id="data-load")
            in_use = gr.Markdown(elem_classes=["fts-hint"])

            section_title("Split")
            test_size = form.widget("data", "test_size", kind="slider", minimum=0.05, maximum=0.5, step=0.05,
                                    label="Validation share")
            max_rows = form.widget("data", "max_rows", label="Use at most this many rows", minimum=0)
            with gr.Row():
                validation_file = gr.UploadButton("Add a validation file", file_types=list(FILE_TYPES),
                                                  type="filepath", file_count="single", size="sm",
                                                  elem_id="data-validation-upload")
                validation_clear = gr.Button("Remove it", size="sm", interactive=True,
                                             elem_id="data-validation-clear")
            validation_note = gr.Markdown("No validation file: validation rows are split off the training data.",
                                          elem_classes=["fts-hint"])
            split_note = gr.Markdown(elem_classes=["fts-hint"])

        with gr.Column(scale=8, min_width=420):
            summary = gr.Markdown(elem_classes=["fts-summary"], elem_id="data-summary")
            table = gr.Dataframe(label="First rows", interactive=False, wrap=True, max_height=330,
                                 elem_id="data-table", buttons=[])
            section_title("Column roles")
            with gr.Row():
                text_column = form.bind("data", "text_column", gr.Dropdown(
                    [NONE_CHOICE], value="", label="Text", info=field_info("data", "text_column")["help"],
                    elem_id="data-text-column"))
                text_pair_column = form.bind("data", "text_pair_column", gr.Dropdown(
                    [NONE_CHOICE], value="", label="Second text",
                    info=field_info("data", "text_pair_column")["help"], elem_id="data-pair-column"))
                label_column = form.bind("data", "label_column", gr.Dropdown(
                    [NONE_CHOICE], value="", label="Label", info=field_info("data", "label_column")["help"],
                    elem_id="data-label-column"))
            roles_note = gr.HTML(padding=False)
            with gr.Column(visible=True) as labels_box:
                gr.Markdown("**Rows per label** (a lopsided split makes accuracy misleading)",
                            elem_classes=["fts-hint"])
                label_plot = gr.Plot(label="Rows per label", show_label=False, elem_id="data-label-plot")
            with gr.Column(visible=False, elem_classes=["fts-panel"]) as causal_box:
                section_title("Training text (causal LM)")
                with gr.Row():
                    prompt_format = form.widget("data", "prompt_format", kind="radio", label="Format")
                    form.widget("data", "add_eos", label="Append end-of-sequence token")
                template = form.widget("data", "template", lines=3, label="Template")
                with gr.Row(visible=False) as columns_row:
                    instruction_column = form.bind("data", "instruction_column", gr.Dropdown(
                        [field_info("data", "instruction_column")["default"]],
                        value=field_info("data", "instruction_column")["default"], allow_custom_value=True,
                        label="Instruction column", info=field_info("data", "instruction_column")["help"]))
                    response_column = form.bind("data", "response_column", gr.Dropdown(
                        [field_info("data", "response_column")["default"]],
                        value=field_info("data", "response_column")["default"], allow_custom_value=True,
                        label="Response column", info=field_info("data", "response_column")["help"]))
                rendered = gr.Textbox(label="Row 1 as the model will see it", lines=5, max_lines=12,
                                      interactive=False, elem_id="data-rendered", buttons=["copy"])
    form.rule(apply_source)
    form.restorer(functools.partial(restore_source, source, bundled))
    return DataParts(source=source, bundled=bundled, bundled_box=bundled_box, upload=upload,
                     upload_box=upload_box, hub_box=hub_box, hub_dataset=hub_dataset, load_btn=load_btn,
                     in_use=in_use, test_size=test_size, max_rows=max_rows, validation_file=validation_file,
                     validation_clear=validation_clear,
                     validation_note=validation_note, summary=summary, table=table, text_column=text_column,
                     text_pair_column=text_pair_column, label_column=label_column, roles_note=roles_note,
                     labels_box=labels_box, label_plot=label_plot, causal_box=causal_box,
                     prompt_format=prompt_format, template=template, columns_row=columns_row,
                     instruction_column=instruction_column,
                     response_column=response_column, rendered=rendered, split_note=split_note)


# --------------------------------------------------------------------------- config rule
def apply_source(session: Session, values: dict[str, Any], groups: dict[str, dict[str, Any]]) -> None:
    """The source radio decides data.path / data.hub_dataset; uploads come from the session."""
    source = values.get("data_source") or "bundled"
    data = groups.setdefault("data", {})
    if source == "bundled":
        files = bundled_datasets()
        name = values.get("bundled_dataset") or default_bundled()
        if name not in files:
            raise DataError(f"there is no bundled dataset {name!r}; choose one of {', '.join(files)}")
        data.update(path=project_relative(files[name]), hub_dataset="")
    elif source == "upload":
        if not session.upload_path:
            raise DataError("upload a data file first (csv, tsv, json, jsonl, parquet or txt)")
        data.update(path=str(confine(session.upload_path, what="data file")), hub_dataset="")
    elif source == "hub":
        if not str(data.get("hub_dataset", "")).strip():
            raise DataError("enter a Hugging Face Hub dataset id (e.g. glue) or choose a bundled dataset")
    else:
        raise DataError(f"unknown data source {source!r}")
    data["validation_path"] = str(confine(session.validation_path, what="validation file")) \
        if session.validation_path else ""


def restore_source(source: Any, bundled: Any, session: Session, cfg: Any) -> dict:
    """The inverse of :func:`apply_source`: which source widgets reproduce ``cfg.data``."""
    from core.data.sources import resolve_data_path

    session.validation_path = cfg.data.validation_path
    session.loaded_source = source_key(cfg)  # keep the config's column roles and template
    if cfg.data.hub_dataset.strip():
        return {source: "hub"}
    path = resolve_data_path(cfg.data.path).resolve()
    for name, file in bundled_datasets().items():
        if file.resolve() == path:
            return {source: "bundled", bundled: name}
    session.upload_path = str(path)
    return {source: "upload"}


# --------------------------------------------------------------------------- handlers
def _fresh_roles(session: Session, cfg: Any) -> Any:
    """A different table: forget column choices made for the previous one."""
    d = {name: field_info("data", name)["default"] for name in
         ("text_column", "text_pair_column", "label_column", "template", "instruction_column",
          "response_column")}
    session.cfg = cfg.replace(data=d)
    return session.cfg


def _short(df: Any) -> Any:
    """Long cells cut for the preview (the data itself is untouched)."""
    return df.map(lambda v: v[:PREVIEW_CHARS] + " …" if isinstance(v, str) and len(v) > PREVIEW_CHARS else v)


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
    tokenizer = session.cache.peek("tokenizer") if cfg.data.prompt_format == "chat" else None
    pv = table_preview(cfg, df, tokenizer)
    session.loaded_source = key
    # The detected roles become explicit choices, so what the dropdowns show is what trains.
    session.cfg = cfg.replace(data={"text_column": pv.roles.text, "text_pair_column": pv.roles.text_pair,
                                    "label_column": pv.roles.label})
    is_cls = cfg.model.task == "sequence-classification"
    cols = pv.columns
    out: dict = {
        parts.summary: f"**{pv.n_rows:,} rows** · {len(cols)} columns · `{pv.source}`",
        parts.in_use: f"Using `{pv.source}`" + ("" if cfg.data.hub_dataset else f" ({cfg.data.path})"),
        parts.table: gr.update(value=_short(pv.head), column_widths=column_widths(pv.head)),
        parts.text_column: gr.update(choices=[NONE_CHOICE, *cols], value=pv.roles.text),
        parts.text_pair_column: gr.update(choices=[NONE_CHOICE, *cols], value=pv.roles.text_pair,
                                          visible=is_cls),
        parts.label_column: gr.update(choices=[NONE_CHOICE, *cols], value=pv.roles.label, visible=is_cls),
        parts.roles_note: note(pv.roles_error, "warn") if pv.roles_error else note(_roles_hint(pv, is_cls)),
        parts.labels_box: gr.update(visible=is_cls),
        parts.causal_box: gr.update(visible=not is_cls),
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
            parts.columns_row: gr.update(visible=pv.prompt_format in ("instruction", "chat")),
        })
    return out


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


@handler("use the uploaded file", light=True)
def upload_data(form: Form, parts: DataParts, session: Session, file: Any, **values: Any) -> dict:
    """Copy an uploaded data file into the session's upload folder and preview it."""
    if not file:
        raise DataError("no file arrived; choose a data file to upload")
    stored = store_upload(file, session.owner(), extra_roots=[gradio_temp_dir()])
    session.upload_path = str(stored)
    values["data_source"] = "upload"
    out = refresh(form, parts, session, values)
    out[parts.source] = "upload"
    return out


@handler("use the validation file", light=True)
def upload_validation(form: Form, parts: DataParts, session: Session, file: Any = None, **values: Any) -> dict:
    """Use a separate validation file instead of splitting (no file: back to splitting)."""
    from core.data.sources import read_table

    if not file:
        session.validation_path = ""
        note_text = "No validation file: validation rows are split off the training data."
    else:
        stored = store_upload(file, session.owner(), extra_roots=[gradio_temp_dir()])
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
    from core.data.formats import effective_format
    from core.data.table import render_first

    cfg = form.to_config(session, values)
    df = session.cache.table(cfg)
    tokenizer = session.cache.peek("tokenizer") if cfg.data.prompt_format == "chat" else None
    text, error = render_first(cfg, df, cfg.data.text_column, tokenizer)
    fmt = effective_format(cfg.data, [str(c) for c in df.columns])
    return {parts.rendered: gr.update(value=text or error, label=f"Row 1 as the model will see it ({fmt} format)"),
            parts.columns_row: gr.update(visible=fmt in ("instruction", "chat"))}


@handler("update the split", light=True)
def split_summary(form: Form, parts: DataParts, session: Session, **values: Any) -> dict:
    cfg = form.to_config(session, values)
    n = len(session.cache.table(cfg))
    return {parts.split_note: split_text(n, cfg.data.test_size, cfg.data.max_rows,
                                         has_validation(cfg))}


def gradio_temp_dir() -> Path:
    import os

    return Path(os.environ.get("GRADIO_TEMP_DIR") or Path(tempfile.gettempdir()) / "gradio")


def show_source(source: str) -> tuple:
    return (gr.update(visible=source == "bundled"), gr.update(visible=source == "upload"),
            gr.update(visible=source == "hub"))


# --------------------------------------------------------------------------- wiring
def refresh_outputs(parts: DataParts) -> list:
    return [parts.summary, parts.in_use, parts.table, parts.text_column, parts.text_pair_column,
            parts.label_column, parts.roles_note, parts.labels_box, parts.causal_box, parts.split_note,
            parts.label_plot, parts.template, parts.instruction_column, parts.response_column, parts.rendered,
            parts.columns_row]


def refresh_event(ctx: Any, parts: DataParts) -> dict:
    """Keyword arguments for an event that re-runs the Data tab's preview."""
    return dict(fn=functools.partial(load_data, ctx.form, parts), inputs=[ctx.session],
                inputs_kwargs=ctx.form.inputs(), outputs=refresh_outputs(parts))


def wire(ctx: Any, parts: DataParts) -> None:
    form, session = ctx.form, ctx.session
    outs = refresh_outputs(parts)
    parts.source.change(show_source, parts.source, [parts.bundled_box, parts.upload_box, parts.hub_box],
                        queue=False, api_visibility="private")
    parts.load_btn.click(api_name="load_data", **refresh_event(ctx, parts))
    # Dropdowns react to .select (a person picking an option): Gradio also fires .input when
    # a handler replaces a dropdown's choices, with the old value, which no longer validates.
    parts.bundled.select(api_visibility="private", **refresh_event(ctx, parts))
    for dd in (parts.text_column, parts.text_pair_column, parts.label_column):
        dd.select(api_visibility="private", show_progress="hidden", **refresh_event(ctx, parts))
    parts.upload.upload(functools.partial(upload_data, form, parts), inputs=[session, parts.upload],
                        inputs_kwargs=form.inputs(), outputs=[parts.source, *outs], api_name="upload_data")
    validation = dict(fn=functools.partial(upload_validation, form, parts), inputs_kwargs=form.inputs(),
                      outputs=[parts.validation_note, parts.split_note])
    parts.validation_file.upload(inputs=[session, parts.validation_file], api_name="upload_validation", **validation)
    parts.validation_clear.click(inputs=[session], api_name="remove_validation", **validation)
    template_event = dict(fn=functools.partial(preview_template, form, parts), inputs=[session],
                          inputs_kwargs=form.inputs(), outputs=[parts.rendered, parts.columns_row],
                          show_progress="hidden",
                          trigger_mode="always_last")
    parts.template.input(api_name="preview_template", **template_event)
    parts.prompt_format.input(api_visibility="private", **template_event)
    for dd in (parts.instruction_column, parts.response_column):
        dd.select(api_visibility="private", **template_event)
    for comp in (parts.test_size, parts.max_rows):
        comp.input(functools.partial(split_summary, form, parts), inputs=[session], inputs_kwargs=form.inputs(),
                   outputs=[parts.split_note], show_progress="hidden", trigger_mode="always_last",
                   api_visibility="private")
    # The page opens with the default dataset already previewed.
    ctx.loaded.then(api_visibility="private", **refresh_event(ctx, parts))
