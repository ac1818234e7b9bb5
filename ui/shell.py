"""The app shell: header, the session, the tabs in order, and the launch options.

Adding a tab is one line: put its module name in :data:`TABS`. A tab module provides

    TITLE: str                      the tab's name
    layout(ctx) -> parts            creates its components, returns a small dataclass of them
    wire(ctx, parts) -> None        attaches its events (runs after every tab is laid out)

``ctx`` (:class:`AppContext`) carries the settings, the session state, the form and the
parts of every tab (``ctx.parts_of(module)``), so one tab can react to another's widgets.
"""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import gradio as gr

from .common import AppSettings, Form, new_session_state, refuse_remote_code

# The tabs, in order: adding a tab is adding its module name here.
TABS = ("data", "model", "tokenizing", "method", "train", "compare", "export", "history", "code")

CSS_PATH = Path(__file__).resolve().parent.parent / "assets" / "style.css"
TRAIN_VIEW_CSS = CSS_PATH.with_name("train_view.css")  # the trained/masked token view (ui/train_view.py)
STORAGE_KEY = "fine-tune-studio-client"


@dataclass
class AppContext:
    settings: AppSettings
    demo: gr.Blocks
    session: gr.State
    client_id: gr.BrowserState
    form: Form
    parts: dict[ModuleType, Any] = field(default_factory=dict)
    tab_items: dict[ModuleType, gr.Tab] = field(default_factory=dict)
    loaded: Any = None  # the page-load event (session ready); tabs chain `.then(...)` on it
    tabs: Any = None    # the gr.Tabs: a handler returns gr.Tabs(selected=<tab id>) to switch tabs

    def parts_of(self, module: ModuleType) -> Any:
        return self.parts[module]


def tab_modules() -> list[ModuleType]:
    return [importlib.import_module(f"{__package__}.{name}") for name in TABS]


def build_app(settings: AppSettings | None = None) -> gr.Blocks:
    """The whole UI as a gr.Blocks (not launched)."""
    return build(settings)[0]


def build(settings: AppSettings | None = None) -> tuple[gr.Blocks, AppContext]:
    """The UI and its context (the form, every tab's parts): what tests inspect."""
    from . import session_events

    settings = settings or AppSettings()
    modules = tab_modules()
    from .temp_files import DELETE_CACHE

    # delete_cache: Gradio's temp files (uploads, copies of downloads) age out after an hour.
    with gr.Blocks(title="Fine-Tune Studio", delete_cache=DELETE_CACHE) as demo:
        ctx = AppContext(settings=settings, demo=demo, session=new_session_state(settings),
                         client_id=gr.BrowserState(None, storage_key=STORAGE_KEY), form=Form())
        header(settings)
        if settings.login != "off":  # sign in with Hugging Face (a Space with hf_oauth: true)
            gr.LoginButton(elem_id="fts-login", size="sm")
        with gr.Tabs(elem_id="fts-tabs") as ctx.tabs:
            for i, module in enumerate(modules, start=1):
                title = f"{i}. {module.TITLE}" if settings.workshop else module.TITLE
                with gr.Tab(title, id=module.__name__.rsplit(".", 1)[-1],
                            elem_id=f"tab-{module.__name__.rsplit('.', 1)[-1]}") as tab:
                    ctx.parts[module] = module.layout(ctx)
                ctx.tab_items[module] = tab
        footer(settings)
        ctx.form.rule(functools.partial(refuse_remote_code, settings.limits))
        ctx.loaded = session_events.wire_page_load(ctx)
        for module in modules:
            module.wire(ctx, ctx.parts[module])
    return demo, ctx


def header(settings: AppSettings) -> None:
    mode = "shared mode · runs wait their turn" if settings.mode == "shared" else "local mode"
    badges = f'<span class="fts-badge">{mode}</span>'
    if settings.workshop:
        badges += '<span class="fts-badge fts-badge-accent">workshop</span>'
    gr.HTML(
        '<div class="fts-header">'
        '<div><div class="fts-title">Fine-Tune Studio</div>'
        '<div class="fts-subtitle">Fine-tune a transformer step by step: choose data, pick a model, '
        'see how text becomes tokens, choose a training method, then train and watch it learn.</div></div>'
        f'<div class="fts-badges">{badges}</div></div>',
        elem_id="fts-header", padding=False)


def footer(settings: AppSettings) -> None:
    gr.HTML('<div class="fts-footer">Everything runs on this machine. Runs are saved under the '
            'workspace folder (FTS_WORKSPACE) in <code>runs/</code>.</div>', padding=False)


def launch_options(settings: AppSettings) -> dict[str, Any]:
    """Theme and css go to launch() in Gradio 6 (not to Blocks)."""
    from core.train.limits import upload_limit_bytes

    # System fonts only: the app must work without internet (no web-font downloads).
    theme = gr.themes.Soft(primary_hue="indigo", secondary_hue="slate", neutral_hue="slate",
                           font=["ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "sans-serif"],
                           font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"])
    # run_history off: Gradio's "Runs" page would keep every call's inputs (uploaded data
    # included) in the browser and be confused with training runs. max_file_size stops giant
    # uploads early; anything over the mode's limit but below it gets the studio's message.
    return {"theme": theme, "css_paths": [CSS_PATH, TRAIN_VIEW_CSS], "run_history": False,
            "max_file_size": 4 * upload_limit_bytes(settings.limits)}
