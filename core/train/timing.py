"""Time a run before it starts: a few real optimizer steps, chosen to stand for the whole
run, and one evaluation batch, scaled to an epoch and to the run; and the check of that
prediction against the run's real time (summary.json, the History tab and the log).

Why not just time the first few steps of a run: with length-grouped batches the Trainer
starts with the longest batch and goes down a sorted mega-batch, so the first steps are
the slowest of the epoch (the old probe predicted 3 min 43 s for a run that took 2 min
24 s). Instead:

1. The run's batches of one epoch are laid out as its sampler would (length-grouped or
   random, ``per_device_train_batch_size`` x ``gradient_accumulation_steps``), and each
   optimizer step's size is counted in the tokens it computes (padding included: to
   ``max_length``, to the batch's longest example, or the packed total).
2. One warm-up step (the smallest: it pays the one-off costs, optimizer state and first
   allocations) and ``steps`` timed steps at evenly spread quantiles of those sizes run
   through a real ``Trainer`` with the run's arguments, in that order.
3. Step time is fitted as ``a + b x tokens`` and summed over the epoch's steps; the warm-up's
   extra cost is added once; one evaluation batch, timed the same way, is scaled to the
   validation split and multiplied by the evaluations the run will do.

The model is the session's already loaded base model (core.cache.PreviewCache): LoRA gets a
structural copy that shares its frozen weights (nothing to read from disk or copy), other
methods a model of their own. Runs a Trainer in this process: never call it while another
job trains here (the UI borrows the trainer through core.train.queue.JobQueue.exclusive).
"""
from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

from ..config import RunConfig

PROBE_STEPS = 3  # timed steps at the 1/6, 3/6 and 5/6 quantiles of the epoch's step sizes


# --------------------------------------------------------------------------- the run's steps
def epoch_order(lengths: list[int], cfg: RunConfig) -> list[int]:
    """Row indices in the order one epoch of the run visits them (its sampler's order)."""
    import torch

    from ..data.tokenize import effective_padding

    g = torch.Generator()
    g.manual_seed(cfg.train.seed)
    if effective_padding(cfg) == "group_by_length":
        from transformers.trainer_pt_utils import LengthGroupedSampler

        t = cfg.train
        return list(LengthGroupedSampler(t.per_device_train_batch_size * t.gradient_accumulation_steps,
                                         lengths=list(lengths), generator=g))
    return torch.randperm(len(lengths), generator=g).tolist()


def batch_tokens(lengths: list[int], rows: list[int], cfg: RunConfig) -> int:
    """Tokens one batch computes, padding included, under the run's padding strategy."""
    from ..data.tokenize import effective_padding

    if not rows:
        return 0
    strategy = effective_padding(cfg)
    if strategy == "max_length":
        return len(rows) * cfg.data.max_length
    if strategy == "packing":  # one flattened row of every example end to end
        return sum(int(lengths[i]) for i in rows)
    return len(rows) * max(int(lengths[i]) for i in rows)


def epoch_steps(lengths: list[int], cfg: RunConfig) -> list[list[int]]:
    """The optimizer steps of one epoch as row lists (each step: accumulation x batch rows)."""
    t = cfg.train
    order = epoch_order(lengths, cfg)
    per_step = t.per_device_train_batch_size * t.gradient_accumulation_steps
    return [order[i:i + per_step] for i in range(0, len(order), per_step)]


def step_tokens(lengths: list[int], step: list[int], cfg: RunConfig) -> int:
    b = cfg.train.per_device_train_batch_size
    return sum(batch_tokens(lengths, step[i:i + b], cfg) for i in range(0, len(step), b))


def probe_plan(lengths: list[int], cfg: RunConfig, steps: int = PROBE_STEPS) -> tuple[list[list[int]], list[int]]:
    """(the steps to run: warm-up first, then the timed ones; every step's size in tokens)."""
    all_steps = epoch_steps(lengths, cfg)
    sizes = [step_tokens(lengths, s, cfg) for s in all_steps]
    full = max(len(s) for s in all_steps)
    # Only whole steps are candidates: a short last step would shift the rows of the next
    # in the probe's sequential order (there is always one, the epoch's first).
    candidates = sorted((i for i, s in enumerate(all_steps) if len(s) == full), key=lambda i: sizes[i])
    warm = candidates[0]
    picks = [candidates[min(len(candidates) - 1, int((k + 0.5) * len(candidates) / steps))] for k in range(steps)]
    return [all_steps[warm], *[all_steps[i] for i in picks]], sizes


def evaluations(cfg: RunConfig, total: int, per_epoch: int) -> int:
    """Evaluations the Trainer runs during training (the baseline and final ones aside)."""
    t = cfg.train
    if t.eval_strategy == "steps":
        return total // t.eval_steps
    if t.eval_strategy == "epoch":
        return math.ceil(total / max(per_epoch, 1))
    return 0


def fit_line(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Least squares ``y = a + b x`` with a, b >= 0 (noise must not predict negative time)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx <= 1e-9 * max(mx * mx, 1.0):  # every step the same size (pad to max_length)
        return my, 0.0
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    if b <= 0:
        return my, 0.0
    a = my - b * mx
    if a < 0:  # proportional to size, through the origin
        return 0.0, sum(ys) / max(sum(xs), 1e-9)
    return a, b


# --------------------------------------------------------------------------- the probe
def _clock():
    """A Trainer callback noting when each optimizer step ends."""
    from transformers import TrainerCallback

    class Clock(TrainerCallback):
        def __init__(self) -> None:
            self.begin = 0.0
            self.ends: list[float] = []

        def on_epoch_begin(self, args, state, control, **kw):
            if not self.begin:
                self.begin = time.perf_counter()

        def on_step_end(self, args, state, control, **kw):
            self.ends.append(time.perf_counter())

    return Clock()


def _working_model(cfg: RunConfig, cache: Any, labels: list[str] | None, tok: Any) -> tuple[Any, Any]:
    """(model with the method applied, undo): LoRA trains new matrices beside frozen weights,
    so it gets a copy of the cached model's module tree sharing those weights; methods that
    change weights (full, freeze, LoRA with trained biases) and QLoRA's quantised base load
    their own, as the run does."""
    import copy

    from ..model.hardware import hardware
    from ..model.load import load_model
    from ..model.methods import apply_method

    # On a GPU the Trainer moves the model there, and a shared weight would take the
    # cached model along: share only on the CPU, where nothing moves.
    if cfg.adapter.method == "lora" and cfg.adapter.bias == "none" and not hardware()["cuda"]:
        base, info = cache.base_model(cfg, labels)
        flags = [(p, p.requires_grad) for p in base.parameters()]
        shared = {id(t): t for t in [*base.parameters(), *base.buffers()]}
        model = apply_method(copy.deepcopy(base, memo=shared), cfg, info)

        def undo() -> None:  # PEFT froze the shared weights; the previews keep theirs
            for p, flag in flags:
                p.requires_grad_(flag)

        return model, undo
    model, _ = load_model(cfg, labels, tok)
    return model, lambda: None


def time_per_epoch(cfg: RunConfig, steps: int = PROBE_STEPS, cache: Any = None) -> dict[str, Any]:
    """Time ``steps`` representative optimizer steps (plus a warm-up) and one evaluation
    batch, and predict the run's training time (see the module docstring)."""
    import shutil
    import tempfile

    import torch
    from transformers import Trainer

    from ..cache import PreviewCache, model_labels
    from ..data.sources import DataError
    from ..data.tokenize import encode_dataset, make_collator
    from ..model.hardware import hardware, resolve_precision
    from ..results.evaluation import make_compute_metrics
    from .arguments import runtime_kwargs, training_kwargs
    from .job import set_threads
    from .plan import steps_per_epoch

    t0 = time.perf_counter()
    cache = cache if cache is not None else PreviewCache()
    tok = cache.tokenizer(cfg)
    prepared = cache.prepared(cfg)
    train = encode_dataset(prepared.train, tok, cfg)
    val = encode_dataset(prepared.validation, tok, cfg)
    lengths = [int(x) for x in train["length"]]
    if not lengths:
        raise DataError("there are no training rows to time")
    plan, sizes = probe_plan(lengths, cfg, steps)
    is_cls = cfg.model.task == "sequence-classification"
    labels = model_labels(cache, cfg)

    set_threads(cfg)
    hw = hardware()
    tmp = Path(tempfile.mkdtemp(prefix="fts-timing-"))
    undo = None
    try:
        model, undo = _working_model(cfg, cache, labels, tok)
        torch.set_grad_enabled(True)  # grad mode is per thread; a preview may have turned it off
        kw = {**training_kwargs(cfg), **runtime_kwargs(str(tmp), resolve_precision(cfg.train.precision, hw),
                                                       use_cpu=not hw["cuda"])}
        # The planned steps in this order, nothing saved or logged; evaluation is timed below.
        kw.update(max_steps=len(plan), num_train_epochs=1, train_sampling_strategy="sequential",
                  eval_strategy="no", save_strategy="no", logging_steps=10**9, logging_first_step=False,
                  load_best_model_at_end=False, warmup_steps=0)
        from transformers import TrainingArguments
        from transformers.trainer_callback import PrinterCallback

        clock = _clock()
        trainer = Trainer(model=model, args=TrainingArguments(**kw),
                          train_dataset=train.select([i for step in plan for i in step]),
                          processing_class=tok, data_collator=make_collator(tok, cfg), callbacks=[clock],
                          compute_metrics=make_compute_metrics(len(labels or [])) if is_cls else None)
        trainer.remove_callback(PrinterCallback)
        trainer.train()
        ends = [clock.begin, *clock.ends]
        took = [b - a for a, b in zip(ends, ends[1:])]
        xs = [step_tokens(lengths, s, cfg) for s in plan]
        a, b = fit_line(xs[1:], took[1:])
        mean_size = sum(sizes) / len(sizes)
        per_step = a + b * mean_size
        warmup = max(0.0, took[0] - (a + b * xs[0]))
        eval_s = _time_evaluation(trainer, val, cfg)
        del trainer, model
    finally:
        if undo is not None:
            undo()
        shutil.rmtree(tmp, ignore_errors=True)

    n_train = len(lengths)
    per_epoch = steps_per_epoch(cfg, n_train)
    result = {"seconds_per_step": per_step, "steps_timed": len(plan) - 1, "warmup_s": warmup,
              "eval_s": eval_s, "steps_per_epoch": per_epoch, "seconds_per_epoch": per_step * per_epoch,
              "tokens_per_step": mean_size, "n_train": n_train, "device": hw["name"]}
    result.update(predict(result, cfg))
    result["probe_seconds"] = time.perf_counter() - t0
    return result


def _time_evaluation(trainer: Any, val: Any, cfg: RunConfig) -> float:
    """Seconds for one evaluation of the whole validation split: part of its median batch
    timed (after the training steps, so warm), scaled by tokens to all its batches (in the
    order the Trainer's evaluation visits them: length-grouped too when training is)."""
    import torch

    from ..data.tokenize import effective_padding

    n = len(val)
    if n == 0:
        return 0.0
    lengths = [int(x) for x in val["length"]]
    bs = cfg.train.per_device_eval_batch_size
    order = list(range(n))
    if effective_padding(cfg) == "group_by_length":
        from transformers.trainer_pt_utils import LengthGroupedSampler

        g = torch.Generator()
        g.manual_seed(cfg.train.seed)
        order = list(LengthGroupedSampler(bs, lengths=lengths, generator=g))
    batches = [order[i:i + bs] for i in range(0, n, bs)]
    sizes = [batch_tokens(lengths, rows, cfg) for rows in batches]
    median = batches[sorted(range(len(batches)), key=lambda i: sizes[i])[len(batches) // 2]]
    # A quarter of that batch, its longest rows first so the padded shape is the batch's:
    # forward cost per token hardly depends on the batch size, and it is a quarter the wait.
    rows = sorted(median, key=lambda i: -lengths[i])[:max(1, len(median) // 4)]
    timed = batch_tokens(lengths, rows, cfg)
    t0 = time.perf_counter()
    trainer.evaluate(eval_dataset=val.select(rows))
    return (time.perf_counter() - t0) * sum(sizes) / max(timed, 1)


def predict(t: dict[str, Any], cfg: RunConfig, n_train: int | None = None) -> dict[str, Any]:
    """The run's training time from a probe ``t`` of the same timing key (core.train.plan):
    steps x mean step + the warm-up once + its evaluations (what ``train_runtime_s``
    measures), and the baseline and final evaluations around it."""
    from .plan import steps_per_epoch, total_steps

    n = n_train if n_train is not None else int(t.get("n_train") or 0)
    per_epoch = steps_per_epoch(cfg, n)
    steps = total_steps(cfg, n)
    evals = evaluations(cfg, steps, per_epoch)
    train_s = t.get("warmup_s", 0.0) + t["seconds_per_step"] * steps + evals * t.get("eval_s", 0.0)
    return {"total_steps": steps, "evaluations": evals, "total_seconds": train_s,
            "around_seconds": 2 * t.get("eval_s", 0.0)}


# --------------------------------------------------------------------------- words
def duration(seconds: float) -> str:
    """12 s, 3 min 20 s, 1 h 05 min."""
    s = max(0, int(round(seconds)))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


def timing_lines(t: dict[str, Any], evaluations: str = "") -> list[str]:
    """Plain-words summary of :func:`time_per_epoch`'s result."""
    evals = t.get("evaluations", 0)
    with_evals = (f", with {evals} evaluation{'s' if evals != 1 else ''} of about "
                  f"{duration(t.get('eval_s', 0.0))} each" if evals else "")
    return [f"{t['seconds_per_step']:.2f} s per step (an epoch's average, from {t['steps_timed']} steps timed "
            f"on {t['device'] or 'this machine'}) × {t['steps_per_epoch']} steps = about "
            f"{duration(t['seconds_per_epoch'])} per epoch",
            f"the whole run ({t['total_steps']} steps{with_evals}) ≈ {duration(t['total_seconds'])} of training"
            + (f", plus {evaluations}" if evaluations else "")]


def timing_check_line(summary: dict[str, Any]) -> str:
    """'time: training took 2 min 24 s · 2 min 10 s predicted by Time a few steps (0.90×)'."""
    took, predicted = summary.get("train_runtime_s"), summary.get("predicted_train_s")
    if not took or not predicted:
        return ""
    return (f"time: training took {duration(took)} · {duration(predicted)} predicted by "
            f"Time a few steps ({predicted / took:.2f}×)")


def prediction_cell(summary: dict[str, Any]) -> str:
    """'2 min 24 s (predicted 2 min 10 s)': the History tab's training time, beside the
    prediction of "Time a few steps" when the run had one."""
    took, predicted = summary.get("train_runtime_s"), summary.get("predicted_train_s")
    if not took:
        return "–"
    return duration(took) + (f" (predicted {duration(predicted)})" if predicted else "")
