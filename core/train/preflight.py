"""Pre-flight: the checks every way of starting a run passes before a job is queued.

The Train tab's Start, the Method tab's timing probe, the History tab's resume, sweeps and
``python -m core train`` all call :func:`preflight`, so a setting that would only fail once
the run has started, or that breaks the mode's limits, is refused *before* a run folder
exists, with the message the run would have failed with:

* the operator's policy (``model.trust_remote_code`` in shared mode) and the precision;
* the model: its name must resolve, and its size (counted without loading its weights,
  core.model.size) must fit ``max_params``; LoRA's target modules must exist in it;
* the data (:func:`data_preflight`, when the table is at hand): a text column, a label
  column with at least two classes and not far more classes than rows; then the data
  check's blockers (core.data.check: e.g. no validation rows left after cleaning);
* the mode's limits on rows, steps and sequence length (core.train.limits);
* memory (:func:`memory_preflight`): the run's estimated peak (core.train.estimate) against
  the memory free on this machine, refused in shared mode and a warning locally.

:func:`preflight` returns the warnings (local mode's memory warning) for the caller to show.
"""

from __future__ import annotations

import os
from typing import Any

from ..config import ConfigError, RunConfig
from .limits import NO_LIMITS, Limits, check_limits, check_policy


def preflight(cfg: RunConfig, limits: Limits = NO_LIMITS, n_rows: int | None = None,
              n_params: int | None = None, table: Any = None, freed_bytes: int = 0) -> list[str]:
    """Raise the error a run of ``cfg`` would fail with, or that the limits call for;
    return warnings.

    ``table`` (the training table as read, e.g. the Data tab's) lets the data checks and
    the limits on rows and steps run; ``n_rows`` alone does the latter. ``n_params``
    overrides the counted model size. ``freed_bytes``: memory a job that runs first will
    have given back by the time this one starts."""
    from ..data.check import refuse_pointless
    from ..model.hardware import bitsandbytes_status, resolve_precision
    from ..model.load import ModelError
    from ..model.size import model_size

    check_policy(cfg, limits)  # before anything loads the model's own code
    resolve_precision(cfg.train.precision)
    num_labels = 2
    if table is not None:
        num_labels = data_preflight(cfg, table) or 2
        n_rows = len(table) if n_rows is None else n_rows
    size = model_size(cfg, num_labels)  # the model name resolves; LoRA's targets exist
    check_limits(cfg, limits, n_train=n_rows, n_params=size.total_params if n_params is None else n_params)
    if cfg.adapter.method == "qlora":
        why = bitsandbytes_status()
        if why:
            raise ModelError(f"adapter.method qlora is not available here: {why}. Choose lora instead")
    refuse_pointless(cfg)  # core.data.check: data that makes training pointless (no rows to validate on, ...)
    warning = memory_preflight(cfg, limits, size, freed_bytes=freed_bytes)
    return [warning] if warning else []


def data_preflight(cfg: RunConfig, table: Any) -> int:
    """Refuse a table the run could not learn from (what the Data tab already shows):
    no text column, no label column, one class, far more classes than rows. Returns the
    number of classes (0 for causal LM). The full cleaning and splitting checks run when
    the job prepares its data (core.data.prepare)."""
    from ..data.chat import detect_format
    from ..data.roles import detect_roles, label_counts
    from ..data.sources import DataError

    if cfg.model.task != "sequence-classification":
        detect_format(table, cfg.data, cfg.train.objective)  # DataError: no format matches, naming the formats and the columns
        return 0  # the rows themselves are checked as the job formats them
    roles = detect_roles(table, cfg.data, cfg.model.task)  # DataError: no text / label column
    counts = label_counts(table, roles.label)
    if len(counts) < 2:
        only = f" ({next(iter(counts))!r})" if counts else ""
        raise DataError(f"label column {roles.label!r} has only one class{only}; a classifier needs at least "
                        "two classes to tell apart. Choose another data.label_column, or add rows of another class")
    n_rows = min(len(table), cfg.data.max_rows or len(table))
    if len(counts) > n_rows / 2:
        # Under two rows per class on average: most classes would have one example, none in validation.
        raise DataError(f"label column {roles.label!r} has {len(counts):,} classes among {n_rows:,} rows: most "
                        "classes would have a single example, too few to learn from. Check data.label_column "
                        "(is it the column of classes, not an id or the text?), or use more rows")
    return len(counts)


def available_memory() -> tuple[int, str]:
    """(bytes a new run may use, where that figure comes from): the operator's
    FTS_MEMORY_BUDGET_MB if set, else the free memory of the GPU or, on CPU, of the machine."""
    from ..data.sources import MB

    budget = os.environ.get("FTS_MEMORY_BUDGET_MB", "").strip()
    if budget:
        return int(float(budget) * MB), "the operator's budget, FTS_MEMORY_BUDGET_MB"
    try:
        import torch

        if torch.cuda.is_available():
            return int(torch.cuda.mem_get_info()[0]), "free on the GPU"
    except Exception:  # pragma: no cover - a broken CUDA setup: fall back to the machine
        pass
    import psutil

    return int(psutil.virtual_memory().available), "free on this machine"


def memory_preflight(cfg: RunConfig, limits: Limits, size: Any, lengths: list[int] | None = None,
                     freed_bytes: int = 0) -> str:
    """Compare the run's estimated peak (core.train.estimate, the Method tab's figure) with
    the memory available: over it, raise ConfigError when ``limits.refuse_over_memory``
    (shared and workshop modes), else return a warning. Without ``lengths`` every example
    is taken at max_length (an upper bound)."""
    from ..data.sources import MB
    from .estimate import estimate_for

    est = estimate_for(cfg, size.model, size.trainable_params, size.method_params, lengths or [])
    need = est.total - est.overhead  # the runtime (Python, PyTorch) is already running here
    have, source = available_memory()
    have += freed_bytes
    if need <= have:
        return ""
    head = f", LM-head logit tiles {est.logits / MB:,.0f} MB" if est.logits else ""
    message = (f"this run needs about {need / MB:,.0f} MB of memory (the estimate: weights {est.weights / MB:,.0f} MB, "
               f"activations {est.activations / MB:,.0f} MB{head}, gradients and optimizer "
               f"{(est.gradients + est.optimizer) / MB:,.0f} MB) and {have / MB:,.0f} MB is available ({source}). "
               "Use a smaller train.per_device_train_batch_size, a shorter data.max_length, LoRA instead of "
               "full fine-tuning, or gradient checkpointing")
    if limits.refuse_over_memory:
        raise ConfigError(message, key="train.per_device_train_batch_size")
    return message
