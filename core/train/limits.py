"""Limits for shared deployments (a Hugging Face Space, a workshop room).

Local mode has no limits. Shared mode caps what one session may ask of the machine so
strangers can't starve each other: rows, optimizer steps, sequence length, model size and
upload size; it refuses ``model.trust_remote_code`` unless the operator allowed it
(``--allow-remote-code``), and refuses a run whose memory estimate exceeds the memory
available (core.train.preflight). Workshop mode uses the same mechanism with ranges that
keep a guided run under three minutes on a 2-core CPU. Limits are checked before a job is
queued; a breach raises :class:`~core.config.ConfigError` naming the field, the limit and
the value asked for. Sizes are in MB of 2**20 bytes, as FTS_MAX_UPLOAD_MB counts them.
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
    max_upload_mb: float = 0.0   # 0 = FTS_MAX_UPLOAD_MB (default 50); MB = 2**20 bytes
    allow_remote_code: bool = True   # may a session switch on model.trust_remote_code?
    refuse_over_memory: bool = False  # a run estimated above the free memory: refused (else a warning)
    name: str = "local"              # whose limits: "shared" ones are set by FTS_* variables

    def why(self, variable: str) -> str:
        """Where a limit comes from, for its message: the variable that sets it, or the mode."""
        return variable if self.name == "shared" else f"{self.name} mode"

    @classmethod
    def shared(cls) -> "Limits":
        env = os.environ.get
        return cls(max_rows=int(env("FTS_MAX_ROWS", "5000")), max_steps=int(env("FTS_MAX_STEPS", "500")),
                   max_length=int(env("FTS_MAX_LENGTH", "256")), max_params=int(float(env("FTS_MAX_PARAMS", "2e8"))),
                   max_upload_mb=float(env("FTS_MAX_UPLOAD_MB", "20")),
                   allow_remote_code=env("FTS_ALLOW_REMOTE_CODE") == "1", refuse_over_memory=True, name="shared")


NO_LIMITS = Limits()
# Room for the causal path too (assets/presets/workshop-chat.yaml): SmolLM2-135M-Instruct (134.5M
# parameters) with 128-token conversations, a few steps.
WORKSHOP = Limits(max_rows=400, max_steps=80, max_length=128, max_params=150_000_000, max_upload_mb=5.0,
                  allow_remote_code=False, refuse_over_memory=True, name="workshop")

REMOTE_CODE_OFF = ("model.trust_remote_code is switched off on this shared studio: a model's own Python code "
                   "would run on the server. Choose a model that loads without it; the operator can allow "
                   "it by starting the studio with --allow-remote-code (FTS_ALLOW_REMOTE_CODE=1)")


def upload_limit_bytes(limits: Limits) -> int:
    """The largest upload the mode accepts, in bytes."""
    from ..data.sources import MB, max_upload_bytes

    return int(limits.max_upload_mb * MB) if limits.max_upload_mb else max_upload_bytes()


def check_policy(cfg: RunConfig, limits: Limits) -> None:
    """What the operator decides and a visitor cannot change (today: remote code)."""
    if cfg.model.trust_remote_code and not limits.allow_remote_code:
        raise ConfigError(REMOTE_CODE_OFF, key="model.trust_remote_code")


def check_limits(cfg: RunConfig, limits: Limits, n_train: int | None = None, n_params: int | None = None) -> None:
    """Raise ConfigError if ``cfg`` asks for more than ``limits`` allow."""
    check_policy(cfg, limits)
    if limits.max_length and cfg.data.max_length > limits.max_length:
        raise ConfigError(f"data.max_length must be <= {limits.max_length} here ({limits.why('FTS_MAX_LENGTH')}), "
                          f"got {cfg.data.max_length}", key="data.max_length")
    if limits.max_rows and (cfg.data.max_rows == 0 or cfg.data.max_rows > limits.max_rows) \
            and n_train is not None and n_train > limits.max_rows:
        raise ConfigError(f"data.max_rows must be <= {limits.max_rows} here ({limits.why('FTS_MAX_ROWS')}; the data has "
                          f"{n_train:,} rows); set data.max_rows", key="data.max_rows")
    if limits.max_steps and n_train is not None:
        steps = total_steps(cfg, min(n_train, cfg.data.max_rows or n_train))
        if steps > limits.max_steps:
            raise ConfigError(f"this run would take {steps:,} steps; the limit here is {limits.max_steps:,} "
                              f"({limits.why('FTS_MAX_STEPS')}): fewer epochs, a bigger batch, or set train.max_steps",
                              key="train.max_steps")
    if limits.max_params and n_params is not None and n_params > limits.max_params:
        raise ConfigError(f"model.name_or_path has {millions(n_params)} parameters; the limit here is "
                          f"{millions(limits.max_params)} ({limits.why('FTS_MAX_PARAMS')}): choose a smaller model",
                          key="model.name_or_path")


def millions(n: int) -> str:
    """22.7M, 1M, 0.1M: enough digits that a breach never reads '1M > 1M'."""
    m = n / 1e6
    text = f"{m:.1f}" if m < 100 else f"{m:.0f}"
    return (text[:-2] if text.endswith(".0") else text) + "M"
