"""Pre-flight: the checks every way of starting a run passes before a job is queued.

The Train tab's Start, the Method tab's timing probe, the History tab's resume, sweeps and
``python -m core train`` all call :func:`preflight`, so a setting that would only fail once
the run has started (an unsupported precision, QLoRA without a working bitsandbytes) or that
breaks the mode's limits is refused *before* a run folder exists, with the config error's
message. So is data that makes training pointless (core.data.check: one class, no usable
text, far more classes than rows, no validation rows). Shared and workshop modes pass their
:class:`~core.train.limits.Limits`.
"""

from __future__ import annotations

from ..config import RunConfig
from .limits import NO_LIMITS, Limits, check_limits


def preflight(cfg: RunConfig, limits: Limits = NO_LIMITS, n_rows: int | None = None,
              n_params: int | None = None) -> None:
    """Raise the error a run of ``cfg`` would fail with, or that the limits call for.

    ``n_rows`` (rows read from the data) and ``n_params`` (parameters of the base model)
    let the limits on rows, steps and model size be checked; without them those limits
    are checked when the run prepares its data."""
    from ..data.check import refuse_pointless
    from ..model.hardware import bitsandbytes_status, resolve_precision
    from ..model.load import ModelError

    resolve_precision(cfg.train.precision)
    check_limits(cfg, limits, n_train=n_rows, n_params=n_params)
    if cfg.adapter.method == "qlora":
        why = bitsandbytes_status()
        if why:
            raise ModelError(f"adapter.method qlora is not available here: {why}. Choose lora instead")
    refuse_pointless(cfg)  # data that makes training pointless (one class, no rows to validate on)
