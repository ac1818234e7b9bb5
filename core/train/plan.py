"""The run plan: what pressing Start will do, with the arithmetic spelled out, and the one
place steps per epoch and total steps are computed."""
from __future__ import annotations

import json
import math

from ..config import RunConfig
from ..data.table import source_name


def timing_key(cfg: RunConfig) -> str:
    """The settings a step's duration depends on (model, method, data and batching, precision;
    not the learning rate, epochs or schedule): a timing stays valid while these match."""

    c = cfg.to_dict()
    t = c["train"]
    batching = {k: t[k] for k in ("per_device_train_batch_size", "gradient_accumulation_steps", "precision",
                                  "gradient_checkpointing", "torch_threads")}
    return json.dumps([c["model"], c["adapter"], c["quant"], c["data"], batching], sort_keys=True, default=str)


def run_plan(cfg: RunConfig, n_rows: int, seconds_per_step: float | None = None) -> list[str]:
    """What pressing Start will do, with the arithmetic spelled out (estimates: empty and
    duplicate rows are dropped only when the run prepares the data). With
    ``seconds_per_step`` (timed for these settings), the training time too."""
    from .timing import duration

    d, t = cfg.data, cfg.train
    n = min(n_rows, d.max_rows) if d.max_rows else n_rows
    has_val = bool(d.validation_path or (d.hub_dataset.strip() and d.hub_validation_split.strip()))
    n_train = n if has_val else n - max(1, round(n * d.test_size))
    per_step = t.per_device_train_batch_size * t.gradient_accumulation_steps
    per_epoch = max(1, math.ceil(n_train / per_step))
    if t.max_steps > 0:
        steps = t.max_steps
        length = f"**{steps} steps** (max_steps; {steps / per_epoch:.1f} epochs)"
    else:
        steps = math.ceil(per_epoch * t.num_train_epochs)
        length = f"{per_epoch} steps per epoch × {t.num_train_epochs:g} epochs = **{steps} steps**"
    batch = f"{t.per_device_train_batch_size}" + (f" × {t.gradient_accumulation_steps} accumulated"
                                                   if t.gradient_accumulation_steps > 1 else "")
    evals = {"no": "never during training", "epoch": "at the end of every epoch",
             "steps": f"every {t.eval_steps} steps"}[t.eval_strategy]
    saves = {"no": "no checkpoints (Stop then cannot resume)", "epoch": "a checkpoint every epoch",
             "steps": f"a checkpoint every {t.save_steps} steps"}[t.save_strategy]
    return [f"{cfg.model.name_or_path.removeprefix('starter:')} · {cfg.adapter.method} · "
            f"{source_name(cfg)}",
            f"about {n_train:,} training rows / batch {batch} ≈ {length}",
            f"learning rate {t.learning_rate:g} ({t.lr_scheduler_type}, warmup {t.warmup_ratio:.0%}), seed {t.seed}",
            f"baseline evaluation first, then evaluate {evals}; {saves}"] + (
        [f"about {duration(seconds_per_step * steps)} of training ({seconds_per_step:.2f} s per step × {steps}, "
         "timed with these settings)"] if seconds_per_step else [])
