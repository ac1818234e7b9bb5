"""ui/session_events.py: the page-load handler gets the signed-in profile, and a reload during a run
opens on the Train tab."""

from __future__ import annotations

from types import SimpleNamespace

import gradio as gr


def test_gradio_injects_the_profile_into_the_page_load_handler():
    from gradio import utils

    from ui.session_events import init_session

    hints = utils.get_type_hints(init_session)
    assert hints["profile"] == (gr.OAuthProfile | None)


def test_a_reload_during_a_run_opens_on_the_train_tab(monkeypatch):
    import gradio as gr

    from core.config import RunConfig
    from ui import session_events
    from ui.common import Session
    from ui.shell import build

    _demo, ctx = build()
    live = SimpleNamespace(done=False, cfg=RunConfig().replace(train={"learning_rate": 1e-3}))
    monkeypatch.setattr(session_events, "default_queue", lambda: SimpleNamespace(latest_for=lambda owner: live))
    out = session_events.restore_settings(ctx.form, ctx.settings, Session(), tabs=ctx.tabs)
    assert isinstance(out[ctx.tabs], gr.Tabs) and out[ctx.tabs].selected == session_events.TRAIN_TAB
    assert session_events.TRAIN_TAB in [t.id for t in ctx.tab_items.values()]
    live.done = True  # a finished run: the page opens where it always does
    out = session_events.restore_settings(ctx.form, ctx.settings, Session(), tabs=ctx.tabs)
    assert out[ctx.tabs] == gr.skip()
