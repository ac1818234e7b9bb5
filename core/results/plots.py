"""Matplotlib figures the UI and the model card show (no gradio here).

Every function returns a ``matplotlib.figure.Figure`` made without pyplot: no global
figure registry, so figures can be drawn from several threads at once (the app draws the
live chart in a background thread while request threads draw the other tabs' plots).
MPLCONFIGDIR defaults into the workspace cache.
"""

from __future__ import annotations

import os
from typing import Any


def _matplotlib() -> Any:
    if "MPLCONFIGDIR" not in os.environ:
        from ..paths import cache_dir

        os.environ["MPLCONFIGDIR"] = str(cache_dir() / "matplotlib")
    import matplotlib

    return matplotlib


def _subplots(figsize: tuple[float, float]) -> tuple[Any, Any]:
    _matplotlib()
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize)
    return fig, fig.subplots()


def loss_figure(runs: list[tuple[str, list[dict[str, Any]]]], metric: str | None = None) -> Any:
    """Training and evaluation loss against step, one colour per run; the eval metric
    (accuracy for classification) on a second axis when present."""
    fig, ax = _subplots((7.5, 3.6))
    ax2 = None
    colours = _matplotlib().rcParams["axes.prop_cycle"].by_key()["color"]
    for i, (name, events) in enumerate(runs):
        c = colours[i % len(colours)]
        label = "" if len(runs) == 1 else f"{name}: "
        tr = [(e["step"], e["loss"]) for e in events if e.get("type") == "train" and "loss" in e]
        ev = [(e["step"], e["eval_loss"]) for e in events if e.get("type") == "eval" and "eval_loss" in e]
        # A DPO run's loss is the preference loss (-log sigmoid of beta x the reward margin), not
        # a next-token loss: say so, or a teacher reads 0.69 as a poor language model.
        loss = "DPO loss" if any("rewards/margins" in e for e in events) else "loss"
        if tr:
            ax.plot(*zip(*tr), color=c, lw=1.6, label=f"{label}train {loss}")
        if ev:
            ax.plot(*zip(*ev), color=c, lw=1.2, ls="--", marker="o", ms=4, label=f"{label}eval {loss}")
        # DPO (TRL's reward metrics): the margin beside the loss, the reward accuracy on the 0-1 axis
        margin = [(e["step"], e["rewards/margins"]) for e in events if e.get("type") == "train"
                  and "rewards/margins" in e]
        if margin:
            ax.plot(*zip(*margin), color=c, lw=1.2, ls="-.", label=f"{label}reward margin")
        m = metric or ("rewards/accuracies" if margin else "eval_accuracy")
        kind = "train" if m.startswith("rewards/") else "eval"
        mv = [(e["step"], e[m]) for e in events if e.get("type") == kind and e.get(m) is not None]
        if mv:
            ax2 = ax2 or ax.twinx()
            name = m[5:] if kind == "eval" else "reward accuracy"
            ax2.plot(*zip(*mv), color=c, lw=1.0, ls=":", marker="s", ms=4, label=f"{label}{name}")
            ax2.set_ylabel(name)
            ax2.set_ylim(0, 1.02)
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("loss" if not any("rewards/margins" in e for _, evs in runs for e in evs) else "loss, margin")
    ax.grid(alpha=0.3)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # steps are whole numbers
    keep_min_span(ax)
    handles, labels = ax.get_legend_handles_labels()
    if ax2 is not None:
        h2, l2 = ax2.get_legend_handles_labels()
        handles, labels = handles + h2, labels + l2
    if handles:
        # Above the plot, not on it: inside, it covered the newest points (top right, where
        # a rising accuracy ends).
        ax.legend(handles, labels, fontsize=8, loc="lower left", bbox_to_anchor=(0.0, 1.01),
                  ncol=min(len(handles), 4), frameon=False, borderaxespad=0.0)
    else:
        ax.text(0.5, 0.5, "no points yet: the curve appears after the first logged steps",
                ha="center", va="center", transform=ax.transAxes, color="grey")
    fig.tight_layout()
    return fig


MIN_LOSS_SPAN = 0.1  # loss units: the least height the loss axis shows
MIN_LOSS_SPAN_SHARE = 0.15  # ... or this share of the loss, whichever is more


def keep_min_span(ax: Any) -> None:
    """Widen an auto-zoomed loss axis to a sensible minimum span around its data: a flat
    0.694-0.698 loss would otherwise fill the axis and look like wild swings."""
    import math

    lo, hi = (float(v) for v in ax.dataLim.intervaly)
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo > hi:  # nothing drawn yet
        return
    mid = (lo + hi) / 2
    span = max(MIN_LOSS_SPAN, MIN_LOSS_SPAN_SHARE * abs(mid))
    if hi - lo >= span:
        return
    bottom = max(0.0, mid - span / 2) if lo >= 0 else mid - span / 2  # a loss is never below 0
    ax.set_ylim(bottom, bottom + span)


def histogram_figure(stats: dict[str, Any]) -> Any:
    fig, ax = _subplots((6.5, 3.0))
    if stats.get("count"):
        edges, counts = stats["hist_edges"], stats["hist_counts"]
        ax.bar(edges[:-1], counts, width=[b - a for a, b in zip(edges[:-1], edges[1:])], align="edge",
               color="#6c8ebf", edgecolor="white")
        ax.axvline(stats["max_length"], color="#d62728", ls="--",
                   label=f"max_length {stats['max_length']} ({stats['share_truncated']:.1%} truncated)")
        ax.legend(fontsize=8)
    ax.set_xlabel("tokens per example")
    ax.set_ylabel("examples")
    fig.tight_layout()
    return fig


def padding_figure(rows: list[dict[str, Any]]) -> Any:
    fig, ax = _subplots((6.5, 3.0))
    names = [r["strategy"] for r in rows]
    real = [r["real_tokens"] for r in rows]
    pad = [r["pad_tokens"] for r in rows]
    ax.barh(names, real, color="#4c9a2a", label="real tokens")
    ax.barh(names, pad, left=real, color="#d9d9d9", label="padding")
    for i, r in enumerate(rows):
        ax.text(r["total_tokens"], i, f"  {r['pad_fraction']:.0%} pad", va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("tokens processed per epoch")
    ax.legend(fontsize=8, loc="lower right")
    ax.margins(x=0.15)
    fig.tight_layout()
    return fig


def grid_figure(grid: list[list[int]], title: str = "") -> Any:
    """One batch as a picture: green = real token, grey = padding."""
    import numpy as np

    width = max((len(r) for r in grid), default=1)
    arr = np.full((max(len(grid), 1), width), np.nan)
    for i, row in enumerate(grid):
        arr[i, : len(row)] = row
    fig, ax = _subplots((7.0, max(1.2, 0.28 * len(grid) + 0.8)))
    from matplotlib.colors import ListedColormap

    ax.imshow(arr, aspect="auto", cmap=ListedColormap(["#d9d9d9", "#4c9a2a"]), vmin=0, vmax=1,
              interpolation="nearest")
    ax.set_xlabel("token position")
    ax.set_ylabel("example in batch")
    if title:
        ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return fig


LABEL_BARS = 30  # more bars than this are unreadable, and each costs matplotlib time (2,000 took ~80 s)


def label_figure(counts: dict[str, int], max_bars: int = LABEL_BARS) -> Any:
    """Rows per class; with many classes the largest ones and one bar for all the others."""
    fig, ax = _subplots((5.0, 2.4))
    shown = dict(counts)
    if len(counts) > max_bars:
        top = sorted(counts.items(), key=lambda kv: -kv[1])[: max_bars - 1]
        rest = len(counts) - len(top)
        shown = {**dict(top), f"{rest:,} others": sum(counts.values()) - sum(v for _, v in top)}
        ax.set_title(f"{len(counts):,} classes: the {len(top)} largest, then all the others", fontsize=8)
    colours = ["#6c8ebf"] * len(shown)
    if len(counts) > max_bars:
        colours[-1] = "#bbbbbb"  # the bar that stands for many classes
    ax.bar(list(map(str, shown)), list(shown.values()), color=colours)
    ax.set_ylabel("rows")
    fig.tight_layout()
    return fig


def metrics_bar_figure(before: dict[str, float], after: dict[str, float], keys: list[str]) -> Any:
    import numpy as np

    fig, ax = _subplots((5.0, 2.6))
    x = np.arange(len(keys))
    ax.bar(x - 0.2, [before.get(k, 0) or 0 for k in keys], 0.4, label="base", color="#bbbbbb")
    ax.bar(x + 0.2, [after.get(k, 0) or 0 for k in keys], 0.4, label="fine-tuned", color="#4c9a2a")
    ax.set_xticks(x, [k.replace("eval_", "") for k in keys])
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
