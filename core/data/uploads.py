"""Uploads: copy a user's file into the workspace's upload folder, refusing unsupported
types, empty files and files over :func:`core.data.sources.max_upload_bytes`."""
from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # heavy imports stay lazy
    pass

import shutil

from ..paths import confine, safe_child, uploads_dir
from .sources import check_data_file


def safe_filename(name: str) -> str:
    """A plain file name from whatever a browser sent ('../x y.csv' -> 'x_y.csv')."""
    base = Path(name.replace("\\", "/")).name
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._") or "upload"
    ext = re.sub(r"[^A-Za-z0-9]+", "", ext).lower()
    return f"{stem[:80]}.{ext}" if ext else stem[:80]


def store_upload(src: str | Path, session: str, original_name: str | None = None,
                 extra_roots: list[Path] | None = None, max_bytes: int | None = None) -> Path:
    """Copy an uploaded file to ``uploads/<session>/<name>`` and return the copy.

    ``src`` is where the web framework put the upload; it must lie in an allowed folder
    (``extra_roots`` adds the framework's temp folder). ``session`` names the folder: the
    session's owner id, never its credential. ``max_bytes`` is the mode's upload limit
    (default: FTS_MAX_UPLOAD_MB). Raises DataError for a wrong type, an empty or oversize
    file, PathError for a path outside the allowed folders."""
    from ..paths import allowed_roots

    roots = allowed_roots() + [Path(r).resolve() for r in (extra_roots or [])]
    path = confine(src, roots=roots, what="uploaded file")
    name = safe_filename(original_name or path.name)
    check_data_file(path, name, max_bytes, uploaded=True)
    folder = safe_child(uploads_dir(), session, "session id")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if path != target.resolve():
        shutil.copyfile(path, target)
    return target


def project_relative(path: str | Path) -> str:
    """``assets/data/x.csv`` for files inside the project (what a config stores), else the
    absolute path."""
    from ..paths import PROJECT_ROOT

    p = Path(path).resolve()
    try:
        return str(p.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(p)
