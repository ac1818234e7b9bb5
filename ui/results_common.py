"""What the tabs after training share (Compare, Export, History, Code): which past runs
this browser may see, labels for choosing one, and handing files to the browser.

* :func:`visible_runs` is :func:`core.results.runs.list_runs` with the queue's live runs; in shared
  mode only the runs whose summary ``owner`` is this browser's client id.
* :func:`find_run` turns a run *name* sent by the page (or an API client) into its row.
  Only names from that list are accepted, so no path is ever built from user input.
* :func:`servable` makes sure Gradio may send a file: it serves only from the working folder
  and the temp folder, so a workspace elsewhere (FTS_WORKSPACE) is copied to a temp folder.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from core.config import ConfigError
from core.results.runs import Status
from core.train.queue import default_queue

from .common import AppSettings, Session

TASK_NAMES = {"sequence-classification": "classification", "causal-lm": "causal LM"}


# --------------------------------------------------------------------------- runs
def visible_runs(settings: AppSettings, session: Session) -> list[dict[str, Any]]:
    """Run rows (newest first) this browser may see: all of them locally, its own when shared."""
    from core.results.runs import list_runs

    rows = list_runs(live_names=default_queue().live_names())
    if settings.mode == "shared":
        owner = session.owner()
        rows = [r for r in rows if r.get("owner") == owner]
    return rows


def finished_runs(settings: AppSettings, session: Session) -> list[dict[str, Any]]:
    return [r for r in visible_runs(settings, session) if r.get("status") == Status.FINISHED]


def find_run(settings: AppSettings, session: Session, name: Any, *, finished: bool = False,
             rows: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The row of run ``name`` among the visible runs; a clear message otherwise."""
    name = str(name or "").strip()
    rows = visible_runs(settings, session) if rows is None else rows
    if not name:
        raise ConfigError("choose a run first")
    row = next((r for r in rows if r["name"] == name), None)
    if row is None:
        where = " among your runs" if settings.mode == "shared" else ""
        raise ConfigError(f"there is no run named {name!r}{where}")
    if finished and row.get("status") != Status.FINISHED:
        raise ConfigError(f"run {name} is {row.get('status', 'unknown')}; only a finished run has a trained "
                          "model to use here")
    return row


def default_run(session: Session, rows: list[dict[str, Any]]) -> str:
    """This session's latest run if it is among ``rows``, else the newest of ``rows``."""
    names = [r["name"] for r in rows]
    job = default_queue().latest_for(session.owner())
    if job is not None and job.name in names:
        return job.name
    return names[0] if names else ""


def latest_finished_job(session: Session) -> str:
    """The name of the run this session trained last, if it finished."""
    job = default_queue().latest_for(session.owner())
    return job.name if job is not None and job.status == Status.FINISHED else ""


def run_label(row: dict[str, Any]) -> str:
    task = TASK_NAMES.get(row.get("task", ""), row.get("task", "?"))
    return f"{row['name']} · {task} · {row.get('method', '?')}"


def run_choices(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(run_label(r), r["name"]) for r in rows]


# --------------------------------------------------------------------------- formatting
def duration(seconds: Any) -> str:
    if not isinstance(seconds, (int, float)) or seconds < 0:
        return "–"
    s = int(round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


def size_text(n_bytes: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n_bytes < 1024 or unit == "GB":
            return f"{n_bytes:.0f} {unit}" if unit == "B" else f"{n_bytes:.1f} {unit}"
        n_bytes /= 1024
    return f"{n_bytes:.1f} GB"  # pragma: no cover


def folder_bytes(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def workspace_relative(path: str | Path) -> str:
    from core.paths import workspace

    p = Path(path)
    try:
        return str(p.resolve().relative_to(workspace()))
    except ValueError:
        return str(p)


# --------------------------------------------------------------------------- files
def _inside(path: Path, folder: Path) -> bool:
    folder = folder.resolve()
    return path == folder or folder in path.parents


def servable(path: str | Path, session: Session | None = None) -> str:
    """A path Gradio agrees to send: the file itself when it lies in the working folder or
    the temp folder, else a copy in the session's temp folder. With ``session``, the copy
    Gradio makes is deleted when the session ends (ui/temp_files.py)."""
    import os

    from .temp_files import remember_download, session_folder

    p = Path(path).resolve()
    if (_inside(p, Path(os.getcwd())) and not p.name.startswith(".")) or _inside(p, Path(tempfile.gettempdir())):
        out = p
    else:
        folder = session_folder(session) if session is not None else Path(tempfile.mkdtemp(prefix="fts-download-"))
        out = folder / p.name
        shutil.copy2(p, out)
    return remember_download(session, out) if session is not None else str(out)


def session_folder(session: Session) -> Path:
    """A temp folder of this browser session's own for generated downloads (train.py, run.yaml)."""
    from .temp_files import session_folder as folder

    return folder(session)
