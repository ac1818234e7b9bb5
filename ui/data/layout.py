"""The data tab's components: its parts (a dataclass) and how they are laid out."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from core.config import field_info
from core.data.sources import FILE_TYPES, DataError, bundled_datasets
from core.data.table import source_key
from core.data.uploads import project_relative
from core.paths import confine

from ..common import Form, Session, explain, quiet_checks, section_title
from . import check as check_section
from . import pairs as pairs_section

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


def column_dropdown(name: str, label: str, elem_id: str) -> gr.Dropdown:
    """A dropdown of the table's columns, whose choices change with the table.

    An event started while a refresh was replacing the choices (choose "quotes", press Load
    data at once) still carries the previous table's column. A strict dropdown would refuse
    it before any handler runs ("Value: text is not in the list of choices", with a server
    traceback); this one lets it through (``allow_custom_value``) to the handler, which
    re-detects a column the current table lacks (:func:`ui.data.handlers.refresh`), so the
    choices and the value change together."""
    return gr.Dropdown([NONE_CHOICE], value="", label=label, info=field_info("data", name)["help"],
                       allow_custom_value=True, elem_id=elem_id)


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
    pairs: pairs_section.PairParts
    check: check_section.CheckParts


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
                upload = quiet_checks(gr.File(label="Data file", file_types=list(FILE_TYPES), type="filepath",
                                              file_count="single", height=120, elem_id="data-upload"))
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
                validation_file = quiet_checks(gr.UploadButton(
                    "Add a validation file", file_types=list(FILE_TYPES), type="filepath", file_count="single",
                    size="sm", elem_id="data-validation-upload"))
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
                text_column = form.bind("data", "text_column", column_dropdown("text_column", "Text", "data-text-column"),
                                        said="Text column")
                text_pair_column = form.bind("data", "text_pair_column", column_dropdown(
                    "text_pair_column", "Second text", "data-pair-column"), said="Second text column")
                label_column = form.bind("data", "label_column", column_dropdown("label_column", "Label", "data-label-column"),
                                         said="Label column")
            roles_note = gr.HTML(padding=False, elem_id="data-roles-note")
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
            pairs = pairs_section.layout()  # preference pairs (DPO): one pair, chosen | rejected
            check = check_section.layout(form)
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
                     response_column=response_column, rendered=rendered, split_note=split_note, pairs=pairs,
                     check=check)


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
