"""Run folders: ``<workspace>/runs/<name>/`` and what is written in them.

    config.yaml     the full RunConfig of the run
    metrics.jsonl   one JSON event per line (train logs and evaluations), appended live
    summary.json    status, baseline and final metrics, steps, runtime, tokens/s, memory
    checkpoints/    Trainer checkpoints (checkpoint-<step>/), at most save_total_limit
    final/          the trained adapter (LoRA/QLoRA) or model (full/freeze) + tokenizer

Status is one of queued, running, stopping, stopped, finished, failed. A folder whose
summary says running/stopping/queued but whose process is gone was interrupted (the app
was killed): :func:`list_runs` reports it as ``interrupted``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from enum import StrEnum
from pathlib import Path
from typing import Any

from ..config import RunConfig


class Status(StrEnum):
    """A run's status, as its job and its summary.json say it (a plain string in JSON)."""

    QUEUED = "queued"            # waiting for the trainer
    RUNNING = "running"
    STOPPING = "stopping"        # Stop pressed: saving a checkpoint at the end of this step
    STOPPED = "stopped"          # ended by Stop; resumable from its last checkpoint
    FINISHED = "finished"
    FAILED = "failed"
    INTERRUPTED = "interrupted"  # its process died (kill -9, crash): only summary.json says so


ACTIVE = frozenset({Status.QUEUED, Status.RUNNING, Status.STOPPING})
ENDED = frozenset({Status.STOPPED, Status.FINISHED, Status.FAILED, Status.INTERRUPTED})


def new_run_dir(cfg: RunConfig, root: Path | None = None) -> Path:
    from ..paths import runs_dir, safe_child

    root = root or runs_dir()
    if cfg.train.run_name:
        d = safe_child(root, cfg.train.run_name, "train.run_name")
        if d.exists():
            raise FileExistsError(f"a run named {cfg.train.run_name!r} already exists; choose another name")
    else:
        model = re.sub(r"[^A-Za-z0-9]+", "-", cfg.model.name_or_path.split("/")[-1].split(":")[-1]).strip("-")
        stamp = time.strftime("%Y%m%d-%H%M%S")
        d = root / f"{stamp}-{model[:24]}-{cfg.adapter.method}-{secrets.token_hex(2)}"
    d.mkdir(parents=True)
    return d


def write_json(path: Path, obj: Any) -> None:
    """Atomic write: a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(obj, indent=2, default=str), encoding="utf-8")
    os.replace(tmp, path)


def write_rows(path: Path, rows: Any) -> Path:
    """A run's table of rows as JSON lines (a validation report, held-out pairs), atomically."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    os.replace(tmp, path)
    return path


def read_rows(path: Path) -> list[dict[str, Any]]:
    """The rows :func:`write_rows` wrote; [] when there is no such file (a run from before it)."""
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def read_summary(run_dir: Path) -> dict[str, Any]:
    try:
        return json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def read_events(run_dir: Path) -> list[dict[str, Any]]:
    events = []
    try:
        with open(run_dir / "metrics.jsonl", encoding="utf-8") as fh:
            for line in fh:
                line = line.strip()
                if line:
                    try:
                        events.append(json.loads(line))
                    except ValueError:  # a line cut short by a kill
                        continue
    except OSError:
        pass
    return events


def checkpoints(run_dir: Path) -> list[Path]:
    d = run_dir / "checkpoints"
    found = [p for p in d.glob("checkpoint-*") if p.is_dir() and (p / "trainer_state.json").is_file()]
    return sorted(found, key=lambda p: int(p.name.split("-")[-1]))


def last_checkpoint(run_dir: Path) -> Path | None:
    found = checkpoints(run_dir)
    return found[-1] if found else None


def _alive(pid: Any) -> bool:
    try:
        os.kill(int(pid), 0)
    except (OSError, TypeError, ValueError):
        return False
    return True


def effective_status(summary: dict[str, Any], live_names: set[str] = frozenset()) -> str:
    status = summary.get("status", Status.FAILED)
    if status in ACTIVE and summary.get("name") not in live_names:
        if summary.get("pid") == os.getpid() or not _alive(summary.get("pid")):
            return Status.INTERRUPTED
    return status


def list_runs(root: Path | None = None, live_names: set[str] = frozenset()) -> list[dict[str, Any]]:
    """Every run folder, newest first, with its effective status and resumability."""
    from ..paths import runs_dir

    root = root or runs_dir()
    rows = []
    for d in root.iterdir() if root.exists() else []:
        if not d.is_dir() or not (d / "config.yaml").is_file():
            continue
        s = read_summary(d)
        s.setdefault("name", d.name)
        s["status"] = effective_status(s, live_names)
        s["resumable"] = s["status"] in (Status.INTERRUPTED, Status.STOPPED, Status.FAILED) and last_checkpoint(d) is not None
        s["path"] = str(d)
        rows.append(s)
    rows.sort(key=lambda r: r.get("created", ""), reverse=True)
    return rows


def load_run_config(run_dir: Path) -> RunConfig:
    from ..config import load_config

    return load_config(run_dir / "config.yaml")
