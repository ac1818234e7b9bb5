"""Limits for shared deployments (a Hugging Face Space, a workshop room).

Local mode has no limits. Shared mode caps what one session may ask of the machine so
strangers can't starve each other: rows, optimizer steps, sequence length and model size.
Workshop mode uses the same mechanism with ranges that keep a guided run under three
minutes on a 2-core CPU. Limits are checked before a job is queued; a breach raises
:class:`~core.config.ConfigError` naming the field and the limit.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..config import ConfigError, RunConfig
from .plan import total_steps


@dataclass(frozen=True)
class Limits:
    max_rows: int = 0            # 0 = no limit
    max_steps: int = 0
    max_length: int = 0
    max_params: int = 0          # total parameters of the base model
    max_upload_mb: float = 50.0

    @classmethod
    def shared(cls) -> "Limits":
        env = os.environ.get
        return cls(max_rows=int(env("FTS_MAX_ROWS", "5000")), max_steps=int(env("FTS_MAX_STEPS", "500")),
                   max_length=int(env("FTS_MAX_LENGTH", "256")), max_params=int(float(env("FTS_MAX_PARAMS", "2e8"))),
                   max_upload_mb=float(env("FTS_MAX_UPLOAD_MB", "20")))


NO_LIMITS = Limits()
WORKSHOP = Limits(max_rows=400, max_steps=80, max_length=96, max_params=30_000_000, max_upload_mb=5.0)


def check_limits(cfg: RunConfig, limits: Limits, n_train: int | None = None, n_params: int | None = None) -> None:
    """Raise ConfigError if ``cfg`` asks for more than ``limits`` allow."""
    if limits == NO_LIMITS:
        return
    if limits.max_length and cfg.data.max_length > limits.max_length:
        raise ConfigError(f"data.max_length must be <= {limits.max_length} here, got {cfg.data.max_length}")
    if limits.max_rows and (cfg.data.max_rows == 0 or cfg.data.max_rows > limits.max_rows) \
            and n_train is not None and n_train > limits.max_rows:
        raise ConfigError(f"data.max_rows must be <= {limits.max_rows} here (the data has {n_train} rows); "
                          f"set data.max_rows")
    if limits.max_steps and n_train is not None:
        steps = total_steps(cfg, min(n_train, cfg.data.max_rows or n_train))
        if steps > limits.max_steps:
            raise ConfigError(f"this run would take {steps} steps; the limit here is {limits.max_steps} "
                              "(fewer epochs, a bigger batch, or set train.max_steps)")
    if limits.max_params and n_params is not None and n_params > limits.max_params:
        raise ConfigError(f"model.name_or_path has {n_params / 1e6:.0f}M parameters; the limit here is "
                          f"{limits.max_params / 1e6:.0f}M")
