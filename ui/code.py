"""Code tab: the current settings as a standalone ``train.py`` (transformers + peft, no
import of this project), the same settings as ``run.yaml`` for the headless command line,
and the accelerate config and launch command to train them on several GPUs."""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass
from typing import Any

import gradio as gr

from core.config import ConfigError
from core.distributed import STRATEGIES

from .common import Form, Session, explain, section_title
from .results_common import result_handler, session_folder

TITLE = "Code"
CONFIG_NAME = "run.yaml"
CLI = f"python -m core train {CONFIG_NAME}"
STRATEGY_LABELS = {"ddp": "DDP", "deepspeed-zero2": "DeepSpeed ZeRO-2", "deepspeed-zero3": "DeepSpeed ZeRO-3",
                   "fsdp": "FSDP"}
STRATEGY_HELP = """
- **DDP**: a whole copy of the model on every GPU; each works on its share of the batch.
- **DeepSpeed ZeRO-2**: the optimizer state and gradients are split across the GPUs.
- **DeepSpeed ZeRO-3**: the weights are split too, for models too large for one GPU.
- **FSDP**: PyTorch's own sharding of weights, gradients and optimizer state.
"""
MIXED_PRECISION = [("bf16 (recent GPUs)", "bf16"), ("fp16 (older GPUs)", "fp16"), ("none (fp32)", "no")]

EXPLANATION = """
Everything the studio does is ordinary Hugging Face code. This tab writes it out for the
settings you have chosen on the other tabs: a single `train.py` that uses `transformers`,
`datasets` and `peft` directly, with a comment beside each step saying why it is there. With
the same seed it logs the same losses as a run started here, so you can take it to another
machine, read it to see exactly what happens, or change it beyond what the tabs offer.

The same settings also save as `run.yaml`, which the studio's command line runs without the
page (handy on a server). On a machine with several GPUs, **accelerate** starts one process per
GPU: with **DDP** each GPU holds the whole model and works on its own share of every batch;
**DeepSpeed ZeRO** and **FSDP** also split the model's memory across the GPUs, for models too
large for one.
"""


@dataclass
class CodeParts:
    refresh_btn: gr.Button
    script_file: gr.DownloadButton
    yaml_file: gr.DownloadButton
    script: gr.Code
    cli: gr.Code
    run_yaml: gr.Code
    num_gpus: gr.Number
    strategy: gr.Radio
    mixed_precision: gr.Radio
    accelerate_yaml: gr.Code
    launch: gr.Code
    accelerate_file: gr.DownloadButton


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
    section_title("On several GPUs")
    with gr.Row(equal_height=False):
        with gr.Column(scale=4, min_width=300, elem_classes=["fts-panel"]):
            num_gpus = gr.Number(2, precision=0, minimum=1, maximum=64, step=1, label="GPUs",
                                 elem_id="code-num-gpus")
            strategy = gr.Radio([(STRATEGY_LABELS.get(s, s), s) for s in STRATEGIES], value=STRATEGIES[0],
                                label="How to share the work", elem_id="code-strategy")
            mixed_precision = gr.Radio(MIXED_PRECISION, value="bf16", label="Mixed precision",
                                       elem_id="code-mixed-precision")
            gr.Markdown(STRATEGY_HELP, elem_classes=["fts-hint"])
        with gr.Column(scale=8, min_width=420):
            launch = gr.Code(language="shell", label="Launch command (next to accelerate_config.yaml and "
                                                    f"{CONFIG_NAME})", interactive=False, lines=2,
                             elem_id="code-launch")
            accelerate_yaml = gr.Code(language="yaml", label="accelerate_config.yaml", interactive=False, lines=14,
                                      max_lines=30, elem_id="code-accelerate-yaml")
            accelerate_file = gr.DownloadButton("Download accelerate_config.yaml", size="sm",
                                                elem_id="code-download-accelerate")
    return CodeParts(refresh_btn=refresh_btn, script_file=script_file, yaml_file=yaml_file, script=script, cli=cli,
                     run_yaml=run_yaml, num_gpus=num_gpus, strategy=strategy, mixed_precision=mixed_precision,
                     accelerate_yaml=accelerate_yaml, launch=launch, accelerate_file=accelerate_file)


# --------------------------------------------------------------------------- handlers
@result_handler("write the script")
def code_script(form: Form, parts: CodeParts, session: Session, **values: Any) -> dict:
    """The current settings as a standalone train.py, and as run.yaml for the command line."""
    from core.codegen import render_script

    cfg = form.to_config(session, values)
    text = render_script(cfg)
    folder = session_folder(session)
    (folder / "train.py").write_text(text, encoding="utf-8")
    (folder / CONFIG_NAME).write_text(cfg.to_yaml(), encoding="utf-8")
    return {parts.script: text, parts.run_yaml: cfg.to_yaml(),
            parts.script_file: str(folder / "train.py"), parts.yaml_file: str(folder / CONFIG_NAME),
            parts.cli: (f"# with {CONFIG_NAME} (the button above) saved in the project folder:\n{CLI}\n"
                        f"# the script above, from the command line:\npython -m core script {CONFIG_NAME} > train.py")}


@result_handler("write the accelerate config")
def code_accelerate(parts: CodeParts, session: Session, num_gpus: Any = 2, strategy: str = "ddp",
                    mixed_precision: str = "bf16") -> dict:
    """accelerate_config.yaml and the launch command for N GPUs with the chosen strategy."""
    from core.distributed import launch_files

    try:
        n = int(float(num_gpus))
    except (TypeError, ValueError):
        raise ConfigError(f"the number of GPUs must be a whole number, got {num_gpus!r}") from None
    try:
        text, command = launch_files(n, strategy, CONFIG_NAME, mixed_precision or "bf16")
    except ValueError as exc:  # the engine names what is wrong ("num_gpus must be >= 1, got 0")
        raise ConfigError(str(exc)) from None
    path = session_folder(session) / "accelerate_config.yaml"
    path.write_text(text, encoding="utf-8")
    return {parts.accelerate_yaml: text, parts.launch: command, parts.accelerate_file: str(path)}


# --------------------------------------------------------------------------- wiring
def wire(ctx: Any, parts: CodeParts) -> None:
    form, session = ctx.form, ctx.session
    script = dict(fn=functools.partial(code_script, form, parts), inputs=[session], inputs_kwargs=form.inputs(),
                  outputs=[parts.script, parts.run_yaml, parts.script_file, parts.yaml_file, parts.cli],
                  concurrency_limit=None)
    accelerate = dict(fn=functools.partial(code_accelerate, parts),
                      inputs=[session, parts.num_gpus, parts.strategy, parts.mixed_precision],
                      outputs=[parts.accelerate_yaml, parts.launch, parts.accelerate_file], concurrency_limit=None)
    parts.refresh_btn.click(api_name="code_script", **script)
    ctx.tab_items[sys.modules[__name__]].select(api_visibility="private", show_progress="hidden", **script).then(
        api_visibility="private", show_progress="hidden", **accelerate)
    parts.strategy.input(api_name="code_accelerate", **accelerate)
    parts.mixed_precision.input(api_visibility="private", **accelerate)
    parts.num_gpus.input(api_visibility="private", trigger_mode="always_last", **accelerate)
