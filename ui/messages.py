"""How an engine error becomes the text of a toast: in the widget's words, with no server
path in it, and escaped (Gradio renders a toast's message as HTML).

* The engine names fields by their config key (``train.learning_rate must be > 0``), so the
  CLI, presets and the exported script speak the same language. On the page the key becomes
  the label of the widget that sets it ("Learning rate must be > 0"), with the key in small
  print so the same message can be found in the docs and the CLI. :class:`~ui.common.Form`
  records every widget's label here as it builds it (:func:`remember_label`).
* Server paths (the workspace, the project folder, temp folders, an upload's session folder)
  are cut down to what the user knows: ``workspace/runs/x``, ``assets/data/x.csv``,
  ``reviews.csv``.
* Everything that came from the user or the engine is escaped; only the small print is markup.
"""

from __future__ import annotations

import html
import os
import re
import tempfile
from pathlib import Path

from core.config import SECTIONS

_LABELS: dict[str, str] = {}
_KEY = re.compile(r"\b(" + "|".join(SECTIONS) + r")\.([a-z_0-9]+)\b")


def remember_label(key: str, label: str) -> None:
    """``train.learning_rate`` is shown to people as ``label`` (the widget's own label)."""
    if label:
        _LABELS[key] = label


def label_of(key: str) -> str:
    return _LABELS.get(key, "")


def in_widget_words(text: str) -> tuple[str, list[str]]:
    """Config keys in ``text`` replaced by their widgets' labels: a key that starts the message
    becomes its label, one inside a sentence its label in quotes. Returns the new text and
    the keys replaced (for the small print)."""
    keys: list[str] = []

    def swap(m: re.Match) -> str:
        key = m.group(0)
        label = _LABELS.get(key)
        if not label:
            return key
        if key not in keys:
            keys.append(key)
        return label if m.start() == 0 else f"“{label}”"

    return _KEY.sub(swap, text), keys


def _roots() -> list[tuple[str, str]]:
    """(server folder, what the page says instead), longest first. An upload's folder is
    marked so its session part can be cut next (see :func:`scrub_paths`)."""
    from core.paths import PROJECT_ROOT, workspace

    from .temp_files import gradio_temp_dir

    pairs = [(str(workspace() / "uploads") + "/", _UPLOADS), (str(gradio_temp_dir()) + "/", _UPLOADS),
             (str(workspace()) + "/", "workspace/"), (str(workspace()), "the workspace"),
             (str(PROJECT_ROOT) + "/", ""), (str(PROJECT_ROOT), "the studio's folder")]
    for tmp in {tempfile.gettempdir(), str(Path(tempfile.gettempdir()).resolve())}:
        pairs += [(tmp + "/", "<tmp>/"), (tmp, "<tmp>")]
    home = os.path.expanduser("~")
    if home not in ("", "/"):
        pairs.append((home, "~"))
    return sorted(set(pairs), key=lambda p: -len(p[0]))


_UPLOADS = "\0"
_UPLOAD = re.compile(r"\0[^/\s'\"]+/")  # <session folder>/ right after an upload root


def scrub_paths(text: str) -> str:
    """Server folders cut out of ``text``: an uploaded file is named by its own name, a run
    folder relative to the workspace, a project file relative to the project."""
    for root, instead in _roots():
        text = text.replace(root, instead)
    return _UPLOAD.sub("", text).replace(_UPLOADS, "")


def page_message(exc: BaseException) -> str:
    """The toast text for an engine error: widget words, no server paths, escaped HTML."""
    text = scrub_paths(str(exc).strip() or type(exc).__name__)
    key = getattr(exc, "key", "") or ""
    text, keys = in_widget_words(text)
    if key and key not in keys and label_of(key):
        keys.insert(0, key)  # the message did not name its field: say which setting it is about
    out = html.escape(text, quote=False)  # text content: quotes stay readable
    if keys:
        out += "<br><small>setting: " + ", ".join(f"<code>{html.escape(k)}</code>" for k in keys) + "</small>"
    return out
