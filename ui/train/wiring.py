"""The train tab's events: which handler each component triggers."""

from __future__ import annotations

import functools
import sys
from typing import Any

from .. import multi_gpu as multi_gpu_section
from .. import sweep as sweep_section
from .handlers import (
    attach,
    plan_alarms,
    plan_training,
    poll_training,
    resume_training,
    start_training,
    stop_training,
    training_status,
)
from .layout import TrainParts

FOLLOW_LOG_JS = """() => { const t = document.querySelector('#train-log textarea');
  if (t) requestAnimationFrame(() => { t.style.overflowY = 'auto'; t.scrollTop = t.scrollHeight; }); }"""


def wire(ctx: Any, parts: TrainParts) -> None:
    form, session, settings = ctx.form, ctx.session, ctx.settings
    live = [parts.status, parts.progress, parts.metrics, parts.start_btn, parts.stop_btn, parts.resume_btn,
            parts.timer, parts.chart, parts.chart_note, parts.dpo_notes, parts.log, parts.run_box, parts.plan]
    parts.start_btn.click(functools.partial(start_training, form, parts, settings), inputs=[session],
                          inputs_kwargs=form.inputs(), outputs=live, api_name="start_training",
                          concurrency_limit=None)
    parts.timer.tick(functools.partial(poll_training, parts, settings), inputs=[session], outputs=live,
                     api_name="poll_training", show_progress="hidden", concurrency_limit=None,
                     trigger_mode="once")  # a slow tick is skipped, not queued up
    parts.stop_btn.click(functools.partial(stop_training, parts, settings), inputs=[session], outputs=live,
                         api_name="stop_training", concurrency_limit=None)
    parts.resume_btn.click(functools.partial(resume_training, parts, settings), inputs=[session], outputs=live,
                           api_name="resume_training", concurrency_limit=None)
    parts.status_btn.click(training_status, inputs=[session], outputs=[parts.status_json],
                           api_name="training_status", concurrency_limit=None, show_progress="hidden")
    ctx.loaded.then(functools.partial(attach, parts, settings), inputs=[session], outputs=live,
                    api_visibility="private", show_progress="hidden")
    # The log follows the run like `tail -f`: Gradio scrolls a textbox down only once, so
    # new lines would arrive out of sight (in the browser only, no server call).
    parts.log.change(None, js=FOLLOW_LOG_JS, queue=False, api_visibility="private", show_progress="hidden")
    plan = dict(fn=functools.partial(plan_training, form, parts), inputs=[session], inputs_kwargs=form.inputs(),
                outputs=[parts.plan, parts.status], show_progress="hidden")
    # The alarms come a moment after the plan: they need the tokenizer and TRL's tokens
    # (cached per session, so usually from the Tokenize tab's visit), the plan does not.
    alarms = dict(fn=functools.partial(plan_alarms, form, parts), inputs=[session], inputs_kwargs=form.inputs(),
                  outputs=[parts.alarms], show_progress="hidden")
    ctx.tab_items[sys.modules[__package__]].select(api_name="plan_training", **plan).then(
        api_name="plan_alarms", **alarms)
    multi_gpu_section.wire(ctx, parts.multi_gpu)
    sweep_section.wire(ctx, parts.sweep, parts.timer)
    for comp in parts.fields:
        comp.input(api_visibility="private", trigger_mode="always_last", **plan).then(
            api_visibility="private", trigger_mode="always_last", **alarms)
