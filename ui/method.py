"""Method & precision tab: full fine-tuning, LoRA, QLoRA or layer freezing with their
options, the arithmetic precision, gradient checkpointing and accumulation, and a live
count of the parameters that would train."""

from __future__ import annotations

import functools
import html
import sys
from dataclasses import dataclass
from typing import Any

import gradio as gr

from core.model.load import ModelError

from .common import Form, Session, checked_config, explain, handler, run_owner, section_title

TITLE = "Method & precision"

EXPLANATION = """
**Full** fine-tuning updates every weight: the most capacity, but the optimizer keeps extra
state for every parameter and each run saves a whole new copy of the model.
**LoRA** freezes the pretrained weights and trains small low-rank *adapter* matrices beside
the chosen layers (the *target modules*), often well under 1 % of the parameters; the result
is a small adapter file. **QLoRA** does the same on a base model stored in 4 or 8 bits, to
fit large models into little GPU memory. **Freeze** trains only the last few layers and the head.

**Precision** is the number format of the arithmetic: 16-bit formats are faster and lighter
on GPUs that support them; a CPU trains in 32-bit floats.

Before you train, the **memory estimate** adds up what a run holds at its peak: the weights,
a gradient and two optimizer values for every *trainable* weight, the activations kept
for the backward pass (which grow with batch size × sequence length; DPO doubles them: every
pair's chosen and rejected answer), and for a causal LM the tiles of logits its LM head
computes (tokens × vocabulary, at most 4,096 × 32,768 at a time). **Time a few steps**
runs four real training steps with these settings, on batches picked to stand for the
run's (short, middle and long), and one evaluation batch, then scales them up to the run.
After the run, its log shows the measured peak next to the estimate.
"""

DPO_NOTE = ("**DPO** (preference tuning) learns from pairs of answers to the same prompt, one preferred "
            "(*chosen*) and one not (*rejected*): data with prompt, chosen and rejected columns. It raises the "
            "chosen answer's probability relative to a *reference model* and lowers the rejected one's; beta "
            "says how far it may drift from that reference. Here the reference is the base model itself with "
            "the LoRA adapter switched off, so only one copy of the weights is in memory instead of two (for "
            "SmolLM2-135M in fp32: about 517 MiB instead of 1,030 MiB). That is why DPO takes LoRA or QLoRA.")


@dataclass
class MethodParts:
    method: gr.Radio
    lora_box: gr.Column
    r: gr.Slider
    target_modules: gr.CheckboxGroup
    targets_note: gr.Markdown
    freeze_box: gr.Column
    trainable_layers: gr.Slider
    quant_box: gr.Column
    quant_note: gr.HTML
    quant_widgets: list
    dpo_box: gr.Column
    live: gr.HTML
    precision: gr.Radio
    precision_note: gr.Markdown
    batch_note: gr.Markdown
    time_btn: gr.Button
    timing: gr.Markdown
    watched: list


def layout(ctx: Any) -> MethodParts:
    form: Form = ctx.form
    explain(ctx.settings, EXPLANATION)
    with gr.Row(equal_height=False):
        with gr.Column(scale=7, min_width=420, elem_classes=["fts-panel"]):
            section_title("Method")
            method = form.widget("adapter", "method", kind="radio", label="Method", elem_id="method-method")
            with gr.Column(visible=True) as lora_box:
                with gr.Row():
                    r = form.widget("adapter", "r", kind="slider", minimum=1, maximum=128, step=1, label="Rank r")
                    alpha = form.widget("adapter", "lora_alpha", kind="slider", minimum=1, maximum=256, step=1,
                                        label="Alpha (lora_alpha)")
                with gr.Row():
                    dropout = form.widget("adapter", "lora_dropout", kind="slider", minimum=0.0, maximum=0.5,
                                          step=0.01, label="Dropout (lora_dropout)")
                    bias = form.widget("adapter", "bias", kind="radio", label="Bias")
                target_modules = form.widget("adapter", "target_modules", label="Target modules",
                                             elem_id="method-targets")
                targets_note = gr.Markdown(elem_classes=["fts-hint"])
            with gr.Column(visible=False) as freeze_box:
                trainable_layers = form.widget("adapter", "trainable_layers", kind="slider", minimum=0, maximum=12,
                                               step=1, label="Trainable last layers")
            with gr.Column(visible=False) as quant_box:
                quant_note = gr.HTML(padding=False)
                with gr.Row():
                    bits = form.widget("quant", "bits", kind="radio", label="Bits")
                    qtype = form.widget("quant", "bnb_4bit_quant_type", kind="radio", label="4-bit type")
                with gr.Row():
                    compute = form.widget("quant", "bnb_4bit_compute_dtype", kind="radio", label="Compute dtype")
                    double = form.widget("quant", "bnb_4bit_use_double_quant", label="Double quantization")
            section_title("Objective")
            objective = form.widget("train", "objective", kind="radio", label="Objective", elem_id="method-objective")
            with gr.Column(visible=False) as dpo_box:
                with gr.Row():
                    beta = form.widget("dpo", "beta", kind="slider", minimum=0.01, maximum=1.0, step=0.01,
                                       label="Beta (dpo.beta)")
                    loss_type = form.widget("dpo", "loss_type", kind="dropdown", label="Loss type")
                gr.Markdown(DPO_NOTE, elem_classes=["fts-hint"], elem_id="method-dpo-note")
        with gr.Column(scale=5, min_width=340):
            live = gr.HTML('<div class="fts-live fts-empty">Open this tab to count the trainable parameters.</div>',
                           elem_id="method-live", padding=False)
            with gr.Column(elem_classes=["fts-panel"]):
                section_title("Precision and memory")
                precision = form.widget("train", "precision", kind="radio", label="Precision",
                                        elem_id="method-precision")
                precision_note = gr.Markdown(elem_classes=["fts-hint"])
                checkpointing = form.widget("train", "gradient_checkpointing", label="Gradient checkpointing")
                accumulation = form.widget("train", "gradient_accumulation_steps", kind="slider", minimum=1,
                                           maximum=64, step=1, label="Gradient accumulation steps")
                batch_note = gr.Markdown(elem_classes=["fts-hint"])
                time_btn = gr.Button("Time a few steps", size="sm", variant="secondary", elem_id="method-time")
                timing = gr.Markdown("How long will it take? Time a few real training steps with these "
                                     "settings, chosen to stand for the whole run (four steps and one "
                                     "evaluation batch; nothing is saved).",
                                     elem_classes=["fts-hint"], elem_id="method-timing")
    watched = [objective, beta, loss_type, method, r, alpha, dropout, bias, target_modules, trainable_layers, bits, qtype, compute, double,
               precision, checkpointing, accumulation]
    return MethodParts(method=method, lora_box=lora_box, r=r, target_modules=target_modules,
                       targets_note=targets_note, freeze_box=freeze_box, trainable_layers=trainable_layers,
                       quant_box=quant_box, quant_note=quant_note, quant_widgets=[bits, qtype, compute, double],
                       dpo_box=dpo_box, live=live, precision=precision, precision_note=precision_note, batch_note=batch_note,
                       time_btn=time_btn, timing=timing, watched=watched)


def live_html(line: str, fraction: float | None, error: str = "") -> str:
    if error:
        return f'<div class="fts-live fts-live-error">{html.escape(error)}</div>'
    pct = max(0.0, min(1.0, fraction or 0.0)) * 100
    return (f'<div class="fts-live"><div class="fts-live-line">{html.escape(line)}</div>'
            f'<div class="fts-bar"><div class="fts-bar-fill" style="width:{max(pct, 0.6):.2f}%"></div></div>'
            '<div class="fts-live-note">Share of the model\'s parameters that the optimizer updates.</div></div>')


def precision_choices(support: dict[str, str], resolved_auto: str) -> list[tuple[str, str]]:
    from core.config import PRECISIONS

    out = []
    for p in PRECISIONS:
        if p == "auto":
            out.append((f"auto ({resolved_auto} here)", p))
        elif support.get(p):
            out.append((f"{p} (not on this machine)", p))
        else:
            out.append((p, p))
    return out


@handler("count the trainable parameters")
def method_summary(form: Form, parts: MethodParts, session: Session, **values: Any) -> dict:
    """The live 'trainable: N of M (x %)' line for the chosen method, plus what this
    machine can do (precision, QLoRA)."""
    from core.model.hardware import (
        bitsandbytes_status,
        hardware,
        precision_support,
        resolve_precision,
    )
    from core.model.load import trainable_line
    from core.model.methods import preview_trainable, transformer_layers

    from .model import loaded_model

    cfg = form.to_config(session, values)
    method = cfg.adapter.method
    out: dict = {parts.lora_box: gr.update(visible=method in ("lora", "qlora")),
                 parts.freeze_box: gr.update(visible=method == "freeze"),
                 parts.quant_box: gr.update(visible=method == "qlora"),
                 parts.dpo_box: gr.update(visible=cfg.train.objective == "dpo")}
    model, info = loaded_model(session, cfg)
    model_key = (cfg.model.name_or_path, cfg.model.task)
    if session.targets_for != model_key:
        # A different model: offer its linear layers, with its usual LoRA targets ticked.
        session.targets_for = model_key
        cfg = session.cfg = cfg.replace(adapter={"target_modules": list(info.default_targets)})
        out[parts.target_modules] = gr.update(choices=info.linear_modules, value=list(info.default_targets))
        layers = transformer_layers(model)
        n_layers = len(layers) if layers is not None else 0
        out[parts.trainable_layers] = gr.update(maximum=max(n_layers, 1))
    targets = cfg.adapter.target_modules or info.default_targets
    out[parts.targets_note] = ("Nothing ticked: the architecture's default " if not cfg.adapter.target_modules
                               else "Adapters on ") + ", ".join(f"`{t}`" for t in targets) + \
        f" ({len(info.linear_modules)} kinds of linear layer in this model)."

    hw = hardware()
    support = precision_support(hw)
    auto = resolve_precision("auto", hw)
    if not session.precision_labelled:
        session.precision_labelled = True
        out[parts.precision] = gr.update(choices=precision_choices(support, auto), value=cfg.train.precision)
    why = support.get(cfg.train.precision, "")
    unavailable = [r for r in support.values() if r]
    out[parts.precision_note] = (f"**Not available here:** {why}. A run would stop at once: choose auto or fp32."
                                 if why else
                                 f"This machine ({hw['name']}) trains in **{auto}** on auto."
                                 + (" Not here: " + "; ".join(unavailable) + "." if unavailable else ""))
    bnb = bitsandbytes_status()
    out[parts.quant_note] = (f'<div class="fts-note fts-note-warn"><b>QLoRA can\'t run here.</b> '
                             f'{html.escape(bnb)}. It needs the bitsandbytes library and, in practice, a CUDA '
                             'GPU. Choose LoRA: the same adapters on an unquantized base.</div>' if bnb else
                             '<div class="fts-note fts-note-ok">bitsandbytes is available: the frozen base is '
                             'stored in 4 or 8 bits and LoRA adapters train on top.</div>')
    for w in parts.quant_widgets:
        out[w] = gr.update(interactive=not bnb)

    t = cfg.train
    eff = t.per_device_train_batch_size * t.gradient_accumulation_steps
    out[parts.batch_note] = (f"Effective batch: {t.per_device_train_batch_size} (batch size, Train tab) × "
                             f"{t.gradient_accumulation_steps} = **{eff}** examples per update."
                             + (" Checkpointing saves activation memory and costs about 30 % more time."
                                if t.gradient_checkpointing else ""))
    try:
        trainable, total = preview_trainable(cfg, info, model)
        line = trainable_line(trainable, total)
        extra = f" · QLoRA base in {cfg.quant.bits}-bit" if method == "qlora" else ""
        out[parts.live] = live_html(line + extra, trainable / max(total, 1))
        out[parts.batch_note] += "\n\n" + memory_note(session, cfg, model, trainable, total)
    except ModelError as exc:
        out[parts.live] = live_html("", None, str(exc))
    return out


def memory_note(session: Session, cfg: Any, model: Any, trainable: int, total: int) -> str:
    """Estimated peak memory against this machine's (core.train.estimate)."""
    from core.train.estimate import estimate_for

    try:
        lengths = session.cache.lengths(cfg)
    except Exception:  # no data yet: estimate at max_length
        lengths = []
    est = estimate_for(cfg, model, trainable, total, lengths)
    first, second = est.lines()
    return f"**Memory estimate:** {second}.  \n{first}."


@handler("time the training steps")
def time_steps(form: Form, parts: MethodParts, settings: Any, session: Session, **values: Any) -> dict:
    """Run a few representative optimizer steps with the current settings (on the model this
    session has loaded) and predict the run's training time. Borrows the trainer: refused
    while a run trains or waits."""
    from core.train.plan import timing_key
    from core.train.queue import default_queue
    from core.train.timing import duration, time_per_epoch, timing_lines

    owner = run_owner(settings, session)
    cfg = checked_config(form, settings, session, values)
    with default_queue().exclusive(owner):
        t = time_per_epoch(cfg, cache=session.cache)
    session.timing = (timing_key(cfg), t)  # the Train tab's plan and the run's summary use it
    per_epoch, whole = timing_lines(t)
    around = f" The evaluations before and after training add about {duration(t['around_seconds'])}." \
        if t.get("around_seconds") else ""
    return {parts.timing: f"**Time estimate:** {per_epoch}; {whole}.{around} Measured just now in "
                          f"{duration(t['probe_seconds'])}; the run's summary and the History tab set the "
                          "prediction beside its real time."}


def wire(ctx: Any, parts: MethodParts) -> None:
    form, session = ctx.form, ctx.session
    parts.time_btn.click(functools.partial(time_steps, form, parts, ctx.settings), inputs=[session],
                         inputs_kwargs=form.inputs(), outputs=[parts.timing], api_name="time_steps",
                         concurrency_limit=None)
    outs = [parts.lora_box, parts.freeze_box, parts.quant_box, parts.dpo_box, parts.target_modules, parts.trainable_layers,
            parts.targets_note, parts.precision, parts.precision_note, parts.quant_note, *parts.quant_widgets,
            parts.batch_note, parts.live]
    event = dict(fn=functools.partial(method_summary, form, parts), inputs=[session], inputs_kwargs=form.inputs(),
                 outputs=outs)
    ctx.tab_items[sys.modules[__name__]].select(api_name="method_summary", **event)
    for comp in parts.watched:
        # The target checkboxes get new choices when the model changes; react only to a person
        # ticking one (.select), not to that update (see ui/data.py on dropdown events).
        listen = comp.select if comp is parts.target_modules else comp.input
        listen(api_visibility="private", trigger_mode="always_last", show_progress="hidden", **event)
