"""Page load: give the session its credential, kept in the browser's localStorage, learn
who is signed in, and put back the settings of this browser's live run.

The credential is made once per browser and stored with gr.BrowserState, so reloading the
page (or opening it again later) yields the same one: the Train tab finds the job of the
session's owner (ui/identity.py: a derivation of the credential, or the signed-in account)
to reattach to a run that is still going, and every widget is set to that run's config so
the page shows what is training. API clients never run this event; their session has its
own credential from the start (:class:`ui.common.Session`).
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from core.train.queue import default_queue

from .common import Form, Session, handler
from .identity import profile_username


@handler("start the session", light=True)
def init_session(session: Session, stored_id: Any, profile: gr.OAuthProfile | None = None) -> tuple[Session, str]:
    """Gradio passes ``profile`` (the signed-in Hugging Face user, from its signed session
    cookie: a client cannot forge it) because of its type; None when nobody is signed in."""
    return session, session.adopt(stored_id, profile_username(profile))


@handler("restore your run's settings", light=True)
def restore_settings(form: Form, settings: Any, session: Session, tabs: Any = None) -> dict:
    """Every widget set to this browser's live run, and the page opened on the Train tab
    where that run is followed; without a live run the page opens as usual."""
    job = default_queue().latest_for(session.owner())
    if job is None or job.done:
        if settings.workshop:  # the workshop path: the cut-down preset, within the safe ranges
            out = form.restore(session, workshop_config())
        else:
            out = {component: gr.skip() for component in form.inputs().values()}
        return {**out, tabs: gr.skip()} if tabs is not None else out
    out = form.restore(session, job.cfg)
    if tabs is not None:
        out[tabs] = gr.Tabs(selected=TRAIN_TAB)
    return out


TRAIN_TAB = "train"  # the Train tab's id (ui/shell.py gives each tab its module's name)


def workshop_config() -> Any:
    from core.config import load_config
    from core.paths import PRESETS

    return load_config(PRESETS / "workshop.yaml")


def wire_page_load(ctx: Any) -> Any:
    """The page-load chain; tabs attach their own `.then(...)` to what this returns."""
    import functools

    loaded = ctx.demo.load(init_session, inputs=[ctx.session, ctx.client_id],
                           outputs=[ctx.session, ctx.client_id], api_visibility="private",
                           show_progress="hidden")
    return loaded.then(functools.partial(restore_settings, ctx.form, ctx.settings, tabs=ctx.tabs),
                       inputs=[ctx.session], outputs=[*ctx.form.inputs().values(), ctx.tabs],
                       api_visibility="private", show_progress="hidden")
