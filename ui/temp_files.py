"""Temporary files the app receives (uploads) and hands out (downloads), and their clean-up.

Three kinds, three rules:

* **Uploads** arrive in Gradio's temp folder. The studio copies the file it accepts into the
  workspace, so the temp copy is deleted at once, accepted or refused (:func:`discard_upload`):
  a refused 200 MB upload must not stay on the server's disk.
* **Downloads** the studio writes (train.py, run.yaml, copies of export zips) go into a
  folder of the session's own under ``<tmp>/fine-tune-studio/sessions/``; Gradio copies each
  file it sends into its cache. Both copies are deleted when the session ends
  (:func:`end_session_files`).
* **Everything else** ages out: :data:`DELETE_CACHE` is Gradio's own schedule for its temp
  folder, and :func:`sweep` removes session folders older than :data:`MAX_AGE_S` (a tab left
  open for days, a server that was killed).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

# An hour is long enough to download what was just made and short enough that a busy
# Space's disk does not fill with zips; FTS_TEMP_MAX_AGE_S changes it.
MAX_AGE_S = int(os.environ.get("FTS_TEMP_MAX_AGE_S", "3600"))
# gr.Blocks(delete_cache=(every, older than)): Gradio checks its temp folder every 10 minutes.
DELETE_CACHE = (600, MAX_AGE_S)


def gradio_temp_dir() -> Path:
    """Where Gradio keeps uploads and the files it sends (GRADIO_TEMP_DIR or <tmp>/gradio)."""
    return Path(os.environ.get("GRADIO_TEMP_DIR") or Path(tempfile.gettempdir()) / "gradio").resolve()


def session_temp_root() -> Path:
    return Path(tempfile.gettempdir()) / "fine-tune-studio" / "sessions"


def session_folder(session: Any) -> Path:
    """A temp folder of this session's own for generated downloads (named by a random id
    of the session, never by its owner or credential)."""
    folder = session_temp_root() / session.scratch
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def discard_upload(path: Any) -> None:
    """Delete an upload from Gradio's temp folder (and its now empty hash folder); files
    anywhere else are never touched."""
    if not path:
        return
    p = Path(str(path)).resolve()
    root = gradio_temp_dir()
    if not _inside(p, root) or p == root or not p.is_file():
        return
    try:
        p.unlink()
        if p.parent != root and not any(p.parent.iterdir()):
            p.parent.rmdir()
    except OSError:
        pass


def gradio_cache_copy(path: str | Path) -> Path | None:
    """Where Gradio puts its copy of a file a handler returns (gradio.processing_utils.
    save_file_to_cache: <temp>/<hash of the content>/<name>)."""
    try:
        from gradio import processing_utils
        from gradio_client import utils as client_utils

        p = Path(path)
        return gradio_temp_dir() / processing_utils.hash_file(p) / client_utils.strip_invalid_filename_characters(p.name)
    except Exception:  # the file went away, or Gradio changed its layout: the age limit still applies
        return None


def remember_download(session: Any, path: str | Path) -> str:
    """Note a file handed to this session so its copies are deleted when the session ends."""
    copy = gradio_cache_copy(path)
    if copy is not None:
        session.downloads.append(str(copy))
    return str(path)


def end_session_files(session: Any) -> None:
    """Delete the session's temp folder and Gradio's copies of what it downloaded."""
    shutil.rmtree(session_temp_root() / session.scratch, ignore_errors=True)
    root = gradio_temp_dir()
    for name in list(getattr(session, "downloads", [])):
        p = Path(name)
        if _inside(p.resolve(), root):
            shutil.rmtree(p.parent, ignore_errors=True) if p.parent != root else p.unlink(missing_ok=True)
    session.downloads = []
    sweep()


def sweep(max_age: float = MAX_AGE_S, now: float | None = None) -> int:
    """Remove session folders not touched for ``max_age`` seconds; returns how many."""
    root = session_temp_root()
    now = time.time() if now is None else now
    removed = 0
    try:
        entries = list(root.iterdir())
    except OSError:
        return 0
    for entry in entries:
        try:
            if now - entry.stat().st_mtime > max_age:
                shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink()
                removed += 1
        except OSError:
            continue
    return removed
