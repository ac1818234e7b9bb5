"""Where a run's events go: the job emits each event (a train log, an evaluation) once, and
every writer subscribed to the run records it. The job does not know who listens.

* :class:`MetricsFile` — ``metrics.jsonl`` in the run folder, one JSON object per event:
  the run's own record (the History tab, resume and the model card read it).
* :class:`TensorBoardWriter` — TensorBoard event files in ``<run>/tensorboard``
  (``train.report_to: tensorboard``), so ``tensorboard --logdir workspace/runs`` shows every
  run, its baseline evaluation at step 0 included.

The UI reads the job's in-memory event list, so it is not a writer here.
"""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path
from typing import Any

log = logging.getLogger("fine_tune_studio.train")


class MetricsFile:
    """Appends each event to ``metrics.jsonl`` and flushes it (a crash loses nothing written)."""

    def __init__(self, run_dir: Path):
        self.path = Path(run_dir) / "metrics.jsonl"
        self._fh: Any = None

    def write(self, ev: dict[str, Any]) -> None:
        if self._fh is None:
            self._fh = open(self.path, "a", encoding="utf-8")
        self._fh.write(json.dumps(ev) + "\n")
        self._fh.flush()

    def rewrite(self, events: list[dict[str, Any]]) -> None:
        """Replace the file with ``events`` (a resumed run drops the events after its checkpoint)."""
        self.close()
        with open(self.path, "w", encoding="utf-8") as fh:
            for ev in events:
                fh.write(json.dumps(ev) + "\n")

    def close(self) -> None:
        if self._fh is not None:
            try:
                self._fh.close()
            except OSError:
                pass
            self._fh = None


class TensorBoardWriter:
    """Scalars per event: ``train/loss``, ``train/learning_rate``, ``eval/loss``,
    ``eval/accuracy``, ... at the event's step. Optional: without the tensorboard package
    it logs one note and writes nothing."""

    SKIP = {"step", "epoch", "time", "eta_s", "baseline", "final"}

    def __init__(self, run_dir: Path):
        self.log_dir = Path(run_dir) / "tensorboard"
        self._writer: Any = None
        self._failed = False

    def _open(self) -> Any:
        if self._writer is None and not self._failed:
            try:
                from torch.utils.tensorboard import SummaryWriter
            except Exception as exc:  # noqa: BLE001 - the tensorboard package is optional
                self._failed = True
                log.info("TensorBoard logging is off: %s (pip install tensorboard)", exc)
                return None
            self._writer = SummaryWriter(log_dir=str(self.log_dir))
        return self._writer

    def write(self, ev: dict[str, Any]) -> None:
        kind = ev.get("type")
        if kind not in ("train", "eval"):
            return
        writer = self._open()
        if writer is None:
            return
        step = int(ev.get("step") or 0)
        for key, value in ev.items():
            if key in self.SKIP or isinstance(value, bool) or not isinstance(value, (int, float)):
                continue
            if not math.isfinite(value):
                continue
            name = key.removeprefix("eval_") if kind == "eval" else key
            writer.add_scalar(f"{kind}/{name}", value, step)
        writer.flush()

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None


def writers_for(report_to: str, run_dir: Path) -> list[Any]:
    """The writers a run's events go to: always metrics.jsonl, plus what ``report_to`` asks."""
    out: list[Any] = [MetricsFile(run_dir)]
    if report_to == "tensorboard":
        out.append(TensorBoardWriter(run_dir))
    return out
