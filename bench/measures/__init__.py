"""The registry of measures, in the order they run. One module per measure; each defines
``NAME`` (= its module name), ``GOAL``, ``UNIT`` and ``run(ctx) -> Result``, and its module
docstring says exactly what is compared. :func:`load` checks that registry and modules agree."""

from __future__ import annotations

import importlib
from types import ModuleType

MEASURES = (
    "engine_overhead",
    "padding_classification",
    "padding_causal",
    "padding_chat",
    "ui_latency",
    "server_core",
    "cold_start",
    "memory",
    "memory_smollm2",
    "compare_cost",
    "chat_generation",
    "quality_per_minute",
    "workshop_time",
    "gpu_mfu",
)


def load(name: str) -> ModuleType:
    if name not in MEASURES:
        raise KeyError(f"unknown measure {name!r}; known: {', '.join(MEASURES)}")
    mod = importlib.import_module(f"{__name__}.{name}")
    for attr in ("NAME", "GOAL", "UNIT", "run"):
        if not hasattr(mod, attr):
            raise AttributeError(f"bench/measures/{name}.py lacks {attr}")
    if mod.NAME != name or not (mod.__doc__ or "").strip():
        raise AttributeError(f"bench/measures/{name}.py: NAME must be {name!r} and the module needs a docstring")
    return mod
