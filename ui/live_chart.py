"""The Train tab's live loss chart, drawn off the request path.

Drawing the matplotlib figure and encoding its PNG takes ~100 ms on a 2-core CPU; done
inside the 1-second poll it made every poll that slow while a run trained (bench
ui_latency). Here one background thread draws each live run's chart whenever new events
have arrived and writes it as a PNG; a poll only asks for a redraw and returns the newest
PNG path, if it is newer than what this page shows. Final and reattach views draw at once
(through the same thread, so matplotlib is never driven from two places for one chart).
"""

from __future__ import annotations

import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

KEEP = 3  # PNGs kept per run: a page may still be fetching the one before the newest


class LiveCharts:
    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or Path(tempfile.gettempdir()) / "fine-tune-studio" / "charts"
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-chart")
        self._lock = threading.Lock()
        self._drawn: dict[str, tuple[int, str]] = {}  # run name -> (events drawn, png path)
        self._pending: dict[str, Future] = {}

    def latest(self, name: str) -> tuple[int, str] | None:
        """(number of events drawn, PNG path) of the newest chart of run ``name``."""
        with self._lock:
            return self._drawn.get(name)

    def request(self, name: str, events: list[dict[str, Any]], metric: str | None) -> None:
        """Draw ``events`` in the background unless that many are drawn or being drawn."""
        with self._lock:
            drawn = self._drawn.get(name, (-1, ""))[0]
            pending = self._pending.get(name)
            if len(events) <= drawn or (pending is not None and not pending.done()):
                return
            self._pending[name] = self._pool.submit(self._draw, name, list(events), metric)

    def draw_now(self, name: str, events: list[dict[str, Any]], metric: str | None) -> tuple[int, str]:
        """Draw ``events`` and wait for it (a finished run, a reattached page)."""
        with self._lock:
            current = self._drawn.get(name)
            if current is not None and current[0] == len(events):
                return current
        return self._pool.submit(self._draw, name, list(events), metric).result()

    def _draw(self, name: str, events: list[dict[str, Any]], metric: str | None) -> tuple[int, str]:
        from core.results.plots import loss_figure

        with self._lock:
            current = self._drawn.get(name)
        if current is not None and current[0] >= len(events):
            return current  # a newer chart was drawn while this one waited
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{name}-{len(events):06d}.png"
        fig = loss_figure([(name, events)], metric)
        fig.savefig(path, format="png", dpi=100)
        result = (len(events), str(path))
        with self._lock:
            if current is None or self._drawn.get(name, (-1, ""))[0] < len(events):
                self._drawn[name] = result
        for old in sorted(self.folder.glob(f"{name}-*.png"))[:-KEEP]:
            old.unlink(missing_ok=True)
        return result


_CHARTS: LiveCharts | None = None
_CHARTS_LOCK = threading.Lock()


def live_charts() -> LiveCharts:
    """The process-wide renderer (one drawing thread for every session)."""
    global _CHARTS
    with _CHARTS_LOCK:
        if _CHARTS is None:
            _CHARTS = LiveCharts()
        return _CHARTS
