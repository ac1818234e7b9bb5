"""Training helpers the measures share: configs, running the app's job, and the bare
``transformers.Trainer`` script the job is compared with.

:func:`run_job` runs ``core.train.job.Job`` to the end, as the CLI does (bench/interleave.py
runs several jobs side by side). :func:`run_bare_trainer` builds the same tokenizer, splits, tokenized datasets,
collator, model and trainer through the same core functions (core.train.trainers), in the same
order and with the same seeds, and then calls ``Trainer.train()`` with nothing else
attached: the reference a user would write by hand.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from .env import QUOTES, QUOTES_TEMPLATE, SENTIMENT, silenced

# Eval and checkpoints off: the throughput measures time optimizer steps only.
NO_EVAL = {"eval_strategy": "no", "save_strategy": "no"}


def minilm_cfg(**sections: dict[str, Any]) -> Any:
    """RunConfig defaults (MiniLM starter + LoRA on the sentiment set) with overrides."""
    from core.config import RunConfig

    base = {"data": {"path": SENTIMENT}}
    for k, v in sections.items():
        base.setdefault(k, {}).update(v)
    return RunConfig().replace(**base)


def quotes_cfg(**sections: dict[str, Any]) -> Any:
    """The quotes preset's shape: tiny GPT-2 from scratch, full fine-tuning, template."""
    from core.config import RunConfig

    base: dict[str, dict[str, Any]] = {
        "data": {"path": QUOTES, "prompt_format": "template", "template": QUOTES_TEMPLATE},
        "model": {"name_or_path": "starter:tiny-gpt2", "task": "causal-lm"},
        "adapter": {"method": "full"},
    }
    for k, v in sections.items():
        base.setdefault(k, {}).update(v)
    return RunConfig().replace(**base)


def run_job(cfg: Any, run_dir: Path | None = None) -> tuple[Any, float]:
    """Run a Job to the end in this thread, as the CLI does. Returns (job, wall seconds of
    the whole job: setup, baseline, training, final evaluation and save)."""
    from core.train.job import Job

    job = Job(cfg, run_dir=run_dir)
    t0 = time.perf_counter()
    with silenced():
        job.run()
    wall = time.perf_counter() - t0
    if job.status != "finished":
        raise RuntimeError(f"job {job.name} ended {job.status}: {job.message}")
    return job, wall


def run_bare_trainer(cfg: Any, out_dir: Path, evaluate_first: bool = True,
                     callbacks: list[Any] | None = None, baton: Any = None, arm: str = "bare") -> dict[str, Any]:
    """A bare Trainer on the same tokenized data, collator, model and arguments as the job
    (mirrors ``Job._setup`` minus the recorder callback, events and summary files).
    ``callbacks`` and ``baton`` are for the bench's step-by-step interleaving
    (bench/interleave.py), applied identically to the job arm."""
    import contextlib

    from .interleave import CONSTRUCT_LOCK

    lock = CONSTRUCT_LOCK if baton is not None else contextlib.nullcontext()
    try:
        with lock:
            trainer, n_train = _build_bare(cfg, out_dir, callbacks)
    finally:
        if baton is not None:
            baton.constructed(arm)
    with silenced():
        if evaluate_first:
            # Untimed. The job measures its baseline before training; evaluating consumes the
            # global RNG the length-grouped sampler then draws from, so the bare run does it
            # too and both arms train on exactly the same batches.
            trainer.evaluate()
        t0 = time.time()
        trainer.train()
        train_s = time.time() - t0
    tokens = trainer.state.num_input_tokens_seen
    out = {"train_s": round(train_s, 3), "tokens": tokens, "tokens_per_second": round(tokens / train_s, 2),
           "steps": trainer.state.global_step, "n_train": n_train}
    del trainer
    shutil.rmtree(out_dir, ignore_errors=True)
    return out


def _build_bare(cfg: Any, out_dir: Path, callbacks: list[Any] | None) -> tuple[Any, int]:
    from transformers import set_seed

    from core.data.prepare import prepare
    from core.model.hardware import hardware, resolve_precision
    from core.model.load import load_model, load_tokenizer
    from core.train.job import set_threads
    from core.train.trainers import build_trainer, inputs_for

    set_threads(cfg)
    hw = hardware()
    precision = resolve_precision(cfg.train.precision, hw)
    set_seed(cfg.train.seed)
    tok = load_tokenizer(cfg)
    prepared = prepare(cfg, tok)
    inputs = inputs_for(cfg, tok, prepared)
    set_seed(cfg.train.seed)
    model, _ = load_model(cfg, prepared.label_names, tok)
    trainer = build_trainer(cfg, model, inputs, str(out_dir), precision, use_cpu=not hw["cuda"],
                            callbacks=list(callbacks or []), num_labels=len(prepared.label_names or []))
    return trainer, len(inputs.train)


def cleanup_run(job: Any) -> None:
    """Delete a finished job's run folder (keeps the temp folder small)."""
    shutil.rmtree(job.run_dir, ignore_errors=True)
