"""The Train tab's "Train on several GPUs" section: accelerate_config.yaml and the launch
command for N GPUs with DDP, DeepSpeed ZeRO-2/3 or FSDP (core.train.distributed writes both).
The command runs the same RunConfig (``run.yaml``, from the Code tab) under
``accelerate launch -m core train``; rank 0 alone writes the run folder."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import gradio as gr

from core.config import ConfigError
from core.train.distributed import STRATEGIES

from .code import CONFIG_NAME
from .common import Session, checked_by_config, handler
from .results_common import session_folder
from .temp_files import remember_download

STRATEGY_LABELS = {"ddp": "DDP", "deepspeed-zero2": "DeepSpeed ZeRO-2", "deepspeed-zero3": "DeepSpeed ZeRO-3",
                   "fsdp": "FSDP"}
STRATEGY_HELP = """
- **DDP**: a whole copy of the model on every GPU; each works on its share of the batch.
- **DeepSpeed ZeRO-2**: the optimizer state and gradients are split across the GPUs.
- **DeepSpeed ZeRO-3**: the weights are split too, for models too large for one GPU.
- **FSDP**: PyTorch's own sharding of weights, gradients and optimizer state.

Put the two files in the project folder (`run.yaml` comes from the **Code** tab) and run the
command on the GPU machine. Each process trains on its share of every batch; only the first
writes the run folder, which the History tab then shows like any other run.
"""
MIXED_PRECISION = [("bf16 (recent GPUs)", "bf16"), ("fp16 (older GPUs)", "fp16"), ("none (fp32)", "no")]


@dataclass
class MultiGpuParts:
    accordion: gr.Accordion
    num_gpus: gr.Number
    strategy: gr.Radio
    mixed_precision: gr.Radio
    accelerate_yaml: gr.Code
    launch: gr.Code
    accelerate_file: gr.DownloadButton


def layout() -> MultiGpuParts:
    with gr.Accordion("Train on several GPUs (accelerate)", open=False, elem_id="train-multi-gpu") as accordion:
        with gr.Row(equal_height=False):
            with gr.Column(scale=4, min_width=280):
                num_gpus = checked_by_config(gr.Number(2, precision=0, minimum=1, maximum=64, step=1, label="GPUs",
                                                       elem_id="code-num-gpus"))
                strategy = gr.Radio([(STRATEGY_LABELS.get(s, s), s) for s in STRATEGIES], value=STRATEGIES[0],
                                    label="How to share the work", elem_id="code-strategy")
                mixed_precision = gr.Radio(MIXED_PRECISION, value="bf16", label="Mixed precision",
                                           elem_id="code-mixed-precision")
            with gr.Column(scale=8, min_width=360):
                launch = gr.Code(language="shell", label="Launch command", interactive=False, lines=2,
                                 wrap_lines=True, elem_id="code-launch")
                accelerate_yaml = gr.Code(language="yaml", label="accelerate_config.yaml", interactive=False,
                                          lines=12, max_lines=30, elem_id="code-accelerate-yaml")
                accelerate_file = gr.DownloadButton("Download accelerate_config.yaml", size="sm",
                                                    elem_id="code-download-accelerate")
        gr.Markdown(STRATEGY_HELP, elem_classes=["fts-hint"])
    return MultiGpuParts(accordion=accordion, num_gpus=num_gpus, strategy=strategy, mixed_precision=mixed_precision,
                         accelerate_yaml=accelerate_yaml, launch=launch, accelerate_file=accelerate_file)


@handler("write the accelerate config", light=True)
def code_accelerate(parts: MultiGpuParts, session: Session, num_gpus: Any = 2, strategy: str = "ddp",
                    mixed_precision: str = "bf16") -> dict:
    """accelerate_config.yaml and the launch command for N GPUs with the chosen strategy."""
    from core.train.distributed import launch_files

    try:
        n = float(num_gpus)
    except (TypeError, ValueError):
        raise ConfigError(f"GPUs must be a whole number, got {num_gpus!r}") from None
    if not n.is_integer() or not 1 <= n <= 64:  # the widget's own range, said like the config's
        raise ConfigError(f"GPUs must be a whole number between 1 and 64, got {num_gpus!r}")
    n = int(n)
    try:
        text, command = launch_files(n, strategy, CONFIG_NAME, mixed_precision or "bf16")
    except ValueError as exc:  # the engine names what is wrong ("num_gpus must be >= 1, got 0")
        raise ConfigError(str(exc)) from None
    path = session_folder(session) / "accelerate_config.yaml"
    path.write_text(text, encoding="utf-8")
    return {parts.accelerate_yaml: text, parts.launch: command, parts.accelerate_file: remember_download(session, path)}


def wire(ctx: Any, parts: MultiGpuParts) -> None:
    accelerate = dict(fn=functools.partial(code_accelerate, parts),
                      inputs=[ctx.session, parts.num_gpus, parts.strategy, parts.mixed_precision],
                      outputs=[parts.accelerate_yaml, parts.launch, parts.accelerate_file], concurrency_limit=None)
    parts.accordion.expand(api_visibility="private", show_progress="hidden", **accelerate)
    parts.strategy.input(api_name="code_accelerate", **accelerate)
    parts.mixed_precision.input(api_visibility="private", **accelerate)
    parts.num_gpus.input(api_visibility="private", trigger_mode="always_last", **accelerate)
