"""Where things live on disk, and the guard that keeps user-supplied paths inside them.

The project folder holds ``assets/`` (read-only bundled data and presets). Everything the
studio writes goes under one *workspace* folder: ``runs/`` (one folder per run),
``uploads/`` and ``cache/`` (materialised starter models, tokenization cache).
``FTS_WORKSPACE`` moves it (tests point it at a temporary folder); ``FTS_STARTERS`` moves
only the starters, so several workspaces can share them.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ASSETS = PROJECT_ROOT / "assets"
BUNDLED_DATA = ASSETS / "data"
PRESETS = ASSETS / "presets"


class PathError(ValueError):
    """A user-supplied path points outside the allowed folders."""


def workspace() -> Path:
    root = Path(os.environ.get("FTS_WORKSPACE") or PROJECT_ROOT / "workspace").resolve()
    root.mkdir(parents=True, exist_ok=True)
    return root


def _workspace_folder(name: str) -> Path:
    d = workspace() / name
    d.mkdir(parents=True, exist_ok=True)
    return d


def runs_dir() -> Path:
    """One folder per run (config, metrics, summary, checkpoints, final model)."""
    return _workspace_folder("runs")


def uploads_dir() -> Path:
    """Uploaded data files, one folder per session."""
    return _workspace_folder("uploads")


def cache_dir() -> Path:
    """Starters built or converted once, and other reusable artifacts."""
    return _workspace_folder("cache")


def starters_dir() -> Path:
    """Where offline starters are built or converted once: ``cache/starters`` in the workspace,
    or ``FTS_STARTERS`` (several workspaces, e.g. the test suite's app servers, can share one
    converted SmolLM2 instead of converting it each)."""
    override = os.environ.get("FTS_STARTERS", "").strip()
    d = Path(override).expanduser().resolve() if override else cache_dir() / "starters"
    d.mkdir(parents=True, exist_ok=True)
    return d


def allowed_roots() -> list[Path]:
    """Folders a user may read from: the workspace, the bundled assets, extra roots from
    ``FTS_ALLOWED_ROOTS`` (os.pathsep-separated) and the temp folder Gradio uploads to."""
    roots = [workspace(), ASSETS.resolve()]
    extra = os.environ.get("FTS_ALLOWED_ROOTS", "")
    roots += [Path(p).resolve() for p in extra.split(os.pathsep) if p.strip()]
    gradio_tmp = os.environ.get("GRADIO_TEMP_DIR")
    if gradio_tmp:
        roots.append(Path(gradio_tmp).resolve())
    return roots


def confine(path: str | Path, roots: list[Path] | None = None, what: str = "path") -> Path:
    """Resolve ``path`` (relative paths are taken from the project folder) and refuse it
    unless it lies inside one of ``roots``."""
    roots = roots if roots is not None else allowed_roots()
    p = Path(path).expanduser()
    if not p.is_absolute():
        p = PROJECT_ROOT / p
    resolved = p.resolve()
    for root in roots:
        if resolved == root or root in resolved.parents:
            return resolved
    raise PathError(f"{what} {str(path)!r} is outside the folders the studio may use "
                    "(the workspace, the bundled assets and any folder the operator added with FTS_ALLOWED_ROOTS)")


def safe_child(parent: Path, name: str, what: str = "name") -> Path:
    """``parent / name`` for a plain name chosen by a user; refuses ``../``, absolute
    paths, separators and names starting with a dot (hidden folders, '...')."""
    if not name or "/" in name or "\\" in name or os.path.isabs(name) \
            or not all(c.isalnum() or c in "-_. " for c in name):
        raise PathError(f"{what} {name!r} must be a plain folder name (letters, digits, - _ .), "
                        "without '..' or slashes")
    if name.startswith("."):
        raise PathError(f"{what} {name!r} must not start with a dot: that makes a hidden folder; "
                        "start it with a letter or digit")
    return parent / name
