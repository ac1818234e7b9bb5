"""The run plan: what pressing Start will do, with the arithmetic spelled out, and the one
place a run's step arithmetic is computed (rows that train, steps per epoch, total steps),
used by the plan, the limits, the timing probe and the estimate alike.

Worked example, the default recipe: 420 rows, 20 % held out -> 336 training rows; batch 16
x accumulation 1 x 1 process -> ceil(336 / 16) = 21 steps per epoch; x 3 epochs = 63 steps.
Under ``accelerate launch`` with N processes each step consumes N batches, so an epoch has
N times fewer steps.
"""
from __future__ import annotations

import json
import math
from typing import Any

from ..config import RunConfig
from ..data.table import source_name


def train_rows(cfg: RunConfig, n_rows: int) -> int:
    """Rows that train out of ``n_rows`` read (before empty/duplicate rows are dropped, which
    only the run's data preparation knows): data.max_rows, then the validation split."""
    d = cfg.data
    n = min(n_rows, d.max_rows) if d.max_rows else n_rows
    has_val = bool(d.validation_path or (d.hub_dataset.strip() and d.hub_validation_split.strip()))
    return n if has_val else n - max(1, round(n * d.test_size))


def examples_per_step(cfg: RunConfig, processes: int | None = None) -> int:
    """Effective batch: batch size x gradient accumulation x processes."""
    from .distributed import world_size

    t = cfg.train
    return t.per_device_train_batch_size * t.gradient_accumulation_steps * (processes or world_size())


def steps_per_epoch(cfg: RunConfig, n_train: int, processes: int | None = None) -> int:
    return max(1, math.ceil(n_train / examples_per_step(cfg, processes))) if n_train else 0


def total_steps(cfg: RunConfig, n_train: int, processes: int | None = None) -> int:
    """Optimizer steps of the whole run: max_steps when set, else epochs x steps per epoch."""
    if cfg.train.max_steps > 0:
        return cfg.train.max_steps
    return math.ceil(steps_per_epoch(cfg, n_train, processes) * cfg.train.num_train_epochs)


def timing_key(cfg: RunConfig) -> str:
    """The settings a step's duration depends on (model, method, data and batching, precision;
    not the learning rate, epochs or schedule): a timing stays valid while these match."""

    c = cfg.to_dict()
    t = c["train"]
    batching = {k: t[k] for k in ("per_device_train_batch_size", "gradient_accumulation_steps", "precision",
                                  "gradient_checkpointing", "torch_threads")}
    return json.dumps([c["model"], c["adapter"], c["quant"], c["data"], batching], sort_keys=True, default=str)


def run_plan(cfg: RunConfig, n_rows: int, timing: dict | None = None) -> list[str]:
    """What pressing Start will do, with the arithmetic spelled out (estimates: empty and
    duplicate rows are dropped only when the run prepares the data). With ``timing`` (a
    core.train.timing probe of these settings), the training time too."""
    from .timing import duration, predict

    t = cfg.train
    n_train = train_rows(cfg, n_rows)
    per_epoch = steps_per_epoch(cfg, n_train)
    steps = total_steps(cfg, n_train)
    if t.max_steps > 0:
        length = f"**{steps} steps** (max_steps; {steps / max(per_epoch, 1):.1f} epochs)"
    else:
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
        [_timed_line(timing, predict(timing, cfg), duration)] if timing else [])


def _timed_line(timing: dict, run: dict, duration: Any) -> str:
    evals = (f" + {run['evaluations']} evaluation{'s' if run['evaluations'] != 1 else ''} × "
             f"{timing['eval_s']:.1f} s" if run["evaluations"] else "")
    return (f"about {duration(run['total_seconds'])} of training ({timing['seconds_per_step']:.2f} s per step × "
            f"{run['total_steps']}{evals}, timed with these settings)")
