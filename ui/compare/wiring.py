"""The compare tab's events: which handler each component triggers."""

from __future__ import annotations

import functools
import sys
from typing import Any

from .answers import wire_answers
from .chat import wire_chat
from .handlers import (
    compare_classify,
    compare_generate,
    compare_load,
    compare_runs,
    compare_validation,
    comparison_of,
)
from .layout import CompareParts


def load_outputs(parts: CompareParts) -> list:
    """What loading a run updates (also used by the sweep's "compare it")."""
    return [parts.run, parts.status, parts.empty, parts.cls_box, parts.gen_box, parts.text_pair, parts.verdict,
            parts.base_label, parts.tuned_label, parts.validation_summary, parts.validation_plot,
            parts.disagreements, parts.prompts, parts.outputs, parts.gen_note, parts.chat.base_chat,
            parts.chat.tuned_chat, parts.chat.message, parts.chat.note, parts.answers.summary, parts.answers.run_btn,
            parts.answers.table, parts.preference.box, parts.preference.summary, parts.preference.table]


def wire(ctx: Any, parts: CompareParts) -> None:
    form, session, settings = ctx.form, ctx.session, ctx.settings
    load_outs = load_outputs(parts)
    runs = dict(fn=functools.partial(compare_runs, settings, parts), inputs=[session, parts.cache, parts.run],
                outputs=[parts.run, parts.empty], show_progress="hidden", concurrency_limit=None,
                api_visibility="private")
    load = dict(fn=functools.partial(compare_load, settings, parts), inputs=[session, parts.cache, parts.run],
                outputs=load_outs)
    parts.load_btn.click(api_name="compare_load", **load)
    parts.run.input(api_visibility="private", **load)
    parts.refresh_btn.click(**runs)
    # Opening the tab lists the runs and loads the chosen one (at once if it is already loaded).
    ctx.tab_items[sys.modules[__package__]].select(**runs).then(api_visibility="private", **load)

    classify = dict(fn=functools.partial(compare_classify, settings, parts),
                    inputs=[session, parts.cache, parts.run, parts.text, parts.text_pair],
                    outputs=[parts.base_label, parts.tuned_label, parts.verdict])
    parts.classify_btn.click(api_name="compare_classify", **classify)
    parts.text.submit(api_visibility="private", **classify)
    parts.validate_btn.click(functools.partial(compare_validation, settings, parts),
                             inputs=[session, parts.cache, parts.run],
                             outputs=[parts.validation_summary, parts.disagreements, parts.validation_plot],
                             api_name="compare_validation")
    parts.generate_btn.click(functools.partial(compare_generate, form, parts, settings),
                             inputs=[session, parts.cache, parts.run, parts.prompts], inputs_kwargs=form.inputs(),
                             outputs=[parts.outputs, parts.gen_note], api_name="compare_generate")
    comparison = functools.partial(comparison_of, settings)
    wire_chat(ctx, parts.chat, comparison, parts.cache, parts.run)
    wire_answers(parts.answers, comparison, session, parts.cache, parts.run)
