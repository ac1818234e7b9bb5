"""One measure's outcome, as written to ``bench/results.json``.

Every entry is ``{"name", "value", "goal", "unit", "passed", "detail"}``: ``value`` is the
headline ratio (or latency), ``goal`` says how it is judged (e.g. ``">= 0.98"``), ``passed``
is true, false, or null when the measure does not apply here (no GPU) or is not judged
in this mode (quality_per_minute in --quick), and ``detail``
holds the raw figures the value was computed from.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Result:
    name: str
    value: float | None
    goal: str
    unit: str
    passed: bool | None
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if isinstance(self.value, float) and not math.isfinite(self.value):
            d["value"] = None
        return d


def check(value: float | None, goal: str) -> bool:
    """Judge ``value`` against a goal written as ``">= 0.98"`` or ``"<= 1.3"``."""
    if value is None or not math.isfinite(value):
        return False
    op, _, num = goal.partition(" ")
    target = float(num)
    if op == ">=":
        return value >= target
    if op == "<=":
        return value <= target
    raise ValueError(f"unknown goal {goal!r}")
