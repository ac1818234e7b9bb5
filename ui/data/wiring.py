"""The data tab's events: which handler each component triggers."""

from __future__ import annotations

import functools
from typing import Any

from . import check as check_section
from . import pairs as pairs_section
from .handlers import (
    load_data,
    preview_template,
    render_row,
    show_source,
    split_summary,
    upload_data,
    upload_validation,
)
from .layout import DataParts


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
    # A causal run's chat row needs the tokenizer's template: a heavier step after the preview.
    row = dict(fn=functools.partial(render_row, form, parts), inputs=[session], inputs_kwargs=form.inputs(),
               outputs=[parts.rendered, parts.columns_row], show_progress="hidden", api_visibility="private")
    loaded = parts.load_btn.click(api_name="load_data", **refresh_event(ctx, parts))
    # Dropdowns react to .select (a person picking an option): Gradio also fires .input when
    # a handler replaces a dropdown's choices, with the old value, which no longer validates.
    picked = parts.bundled.select(api_visibility="private", **refresh_event(ctx, parts))
    for dd in (parts.text_column, parts.text_pair_column, parts.label_column):
        dd.select(api_visibility="private", show_progress="hidden", **refresh_event(ctx, parts))
    uploaded = parts.upload.upload(functools.partial(upload_data, form, parts, ctx.settings),
                                   inputs=[session, parts.upload], inputs_kwargs=form.inputs(),
                                   outputs=[parts.source, *outs], api_name="upload_data")
    for ev in (loaded, picked, uploaded):
        ev.then(**row)
    validation = dict(fn=functools.partial(upload_validation, form, parts, ctx.settings), inputs_kwargs=form.inputs(),
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
    check_section.wire(ctx, parts.check)
    # The page opens with the default dataset already previewed.
    opened = ctx.loaded.then(api_visibility="private", **refresh_event(ctx, parts))
    # A table of preference pairs shows one pair (after the table, beside the row's render).
    pairs_section.wire(ctx, parts.pairs, [loaded, picked, uploaded, opened])
