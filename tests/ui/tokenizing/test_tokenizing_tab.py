"""ui/tokenizing.py, in-process: the "One batch" picture follows the run's padding strategy unless one
is picked above it."""

from __future__ import annotations


def test_a_strategy_picked_above_the_picture_is_drawn():
    from ui import tokenizing
    from ui.common import Session
    from ui.shell import build

    _demo, ctx = build()
    parts = ctx.parts_of(tokenizing)
    values = {f.name: f.component.value for f in ctx.form.fields}
    values.update({n: comp.value for n, comp in ctx.form.extras.items()})
    values.update(task="causal-lm", name_or_path="starter:tiny-gpt2", method="full", data_source="bundled",
                  bundled_dataset="quotes", max_length=64)
    session = Session()
    picked = tokenizing.padding_stats(ctx.form, parts, session, "dynamic", follow_run=False, **values)
    assert picked[parts.grid_strategy]["value"] == "dynamic"
    followed = tokenizing.padding_stats(ctx.form, parts, session, "dynamic", **values)
    assert followed[parts.grid_strategy]["value"] == "packing"
    assert "(this run)" in followed[parts.grid].axes[0].get_title()
