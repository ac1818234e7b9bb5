"""Code tab: the current settings as a standalone ``train.py`` (transformers + peft, no
import of this project) and the same settings as ``run.yaml`` for the headless command line;
the Train tab's sweep as ``sweep.py``.
The accelerate config and launch command for several GPUs are on the Train tab
(ui/multi_gpu.py)."""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass
from typing import Any

import gradio as gr

from .common import AppSettings, Form, Session, explain, handler, section_title
from .results_common import session_folder
from .temp_files import remember_download

TITLE = "Code"
CONFIG_NAME = "run.yaml"
CLI = f"python -m core train {CONFIG_NAME}"
EXPLANATION = """
Everything the studio does is ordinary Hugging Face code. This tab writes it out for the
settings you have chosen on the other tabs: a single `train.py` that uses `transformers`,
`datasets` and `peft` directly, with a comment beside each step saying why it is there. With
the same seed it logs the same losses as a run started here, so you can take it to another
machine, read it to see exactly what happens, or change it beyond what the tabs offer.

The same settings also save as `run.yaml`, which the studio's command line runs without the
page (handy on a server). To train on several GPUs, open **Train on several GPUs** on the
Train tab: it writes the accelerate config and the command that runs this `run.yaml` there.
A sweep set up under **Try several settings** on the Train tab comes out as `sweep.py`: the
same `train.py` run once per point, with the best point named at the end.
"""


@dataclass
class CodeParts:
    refresh_btn: gr.Button
    script_file: gr.DownloadButton
    yaml_file: gr.DownloadButton
    script: gr.Code
    cli: gr.Code
    run_yaml: gr.Code
    sweep_script: gr.Code
    sweep_file: gr.DownloadButton


def layout(ctx: Any) -> CodeParts:
    explain(ctx.settings, EXPLANATION)
    with gr.Row(equal_height=True, elem_classes=["fts-actions"]):
        refresh_btn = gr.Button("↻ Refresh from the current settings", variant="primary", scale=2,
                                elem_id="code-refresh")
        script_file = gr.DownloadButton("Download train.py", scale=1, elem_id="code-download-script")
        yaml_file = gr.DownloadButton(f"Download {CONFIG_NAME}", scale=1, elem_id="code-download-yaml")
    script = gr.Code("# Open this tab or press Refresh to see the script.", language="python", label="train.py",
                     interactive=False, lines=24, max_lines=40, elem_id="code-script")
    section_title("The same settings, headless")
    cli = gr.Code(CLI, language="shell", label="Run it without the page (from the project folder)",
                  interactive=False, lines=4, elem_id="code-cli")
    with gr.Accordion(f"{CONFIG_NAME}: every setting of this run", open=False):
        run_yaml = gr.Code(language="yaml", label=CONFIG_NAME, show_label=False, interactive=False,
                           lines=12, max_lines=30, elem_id="code-run-yaml")
    with gr.Accordion("sweep.py: the sweep of Train › Try several settings", open=False, elem_id="code-sweep"):
        sweep_file = gr.DownloadButton("Download sweep.py", size="sm", elem_id="code-download-sweep")
        sweep_script = gr.Code(language="python", label="sweep.py", show_label=False, interactive=False, lines=16,
                               max_lines=40, elem_id="code-sweep-script")
    return CodeParts(refresh_btn=refresh_btn, script_file=script_file, yaml_file=yaml_file, script=script, cli=cli,
                     run_yaml=run_yaml, sweep_script=sweep_script, sweep_file=sweep_file)


# --------------------------------------------------------------------------- handlers
@handler("write the script")
def code_script(form: Form, parts: CodeParts, settings: AppSettings, session: Session, **values: Any) -> dict:
    """The current settings as a standalone train.py, and as run.yaml for the command line."""
    from core.results.codegen import render_script

    cfg = shown_config(form.to_config(session, values), settings)
    text = render_script(cfg)
    folder = session_folder(session)
    (folder / "train.py").write_text(text, encoding="utf-8")
    (folder / CONFIG_NAME).write_text(cfg.to_yaml(), encoding="utf-8")
    return {parts.script: text, parts.run_yaml: cfg.to_yaml(),
            parts.script_file: remember_download(session, folder / "train.py"),
            parts.yaml_file: remember_download(session, folder / CONFIG_NAME),
            parts.cli: (f"# with {CONFIG_NAME} (the button above) saved in the project folder:\n{CLI}\n"
                        f"# the script above, from the command line:\npython -m core script {CONFIG_NAME} > train.py")}


def shown_config(cfg: Any, settings: AppSettings) -> Any:
    """In shared mode an uploaded file is named as the user named it (``reviews.csv``, read
    from beside the script), never by its place on the server."""
    from pathlib import Path

    from core.paths import uploads_dir

    if settings.mode != "shared":
        return cfg
    uploads = uploads_dir().resolve()
    changes = {}
    for key in ("path", "validation_path"):
        value = getattr(cfg.data, key)
        if value and uploads in Path(value).resolve().parents:
            changes[key] = Path(value).name
    return cfg.replace(data=changes) if changes else cfg


# --------------------------------------------------------------------------- wiring
def wire(ctx: Any, parts: CodeParts) -> None:
    form, session = ctx.form, ctx.session
    script = dict(fn=functools.partial(code_script, form, parts, ctx.settings), inputs=[session], inputs_kwargs=form.inputs(),
                  outputs=[parts.script, parts.run_yaml, parts.script_file, parts.yaml_file, parts.cli],
                  concurrency_limit=None)
    parts.refresh_btn.click(api_name="code_script", **script)
    ctx.tab_items[sys.modules[__name__]].select(api_visibility="private", show_progress="hidden", **script)
    from . import sweep, train

    sweep_event = dict(fn=functools.partial(sweep.code_sweep, form), inputs=[session],
                       inputs_kwargs={**form.inputs(), **sweep.inputs(ctx.parts_of(train).sweep)},
                       outputs=[parts.sweep_script, parts.sweep_file], concurrency_limit=None)
    parts.refresh_btn.click(api_name="code_sweep", **sweep_event)
    ctx.tab_items[sys.modules[__name__]].select(api_visibility="private", show_progress="hidden", **sweep_event)
