"""ui/temp_files.py: a session's downloads are deleted when it ends, and old ones age out."""

from __future__ import annotations

import os
import time
from pathlib import Path


def test_downloads_are_deleted_when_the_session_ends_and_old_ones_age_out(tmp_path, monkeypatch):
    from ui import temp_files
    from ui.common import Session, end_session
    from ui.results_common import servable

    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    s = Session()
    folder = temp_files.session_folder(s)
    (folder / "train.py").write_text("print(1)")
    outside = tmp_path / "elsewhere" / "run-export.zip"
    outside.parent.mkdir()
    outside.write_bytes(b"PK zip")
    monkeypatch.chdir(tmp_path / "elsewhere")  # not servable in place: copied into the session's folder
    served = Path(servable(outside, s))
    cached = temp_files.gradio_cache_copy(served)
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"PK zip")  # what Gradio does when the handler returns the file
    end_session(s, shared=False)
    assert not folder.exists() and not cached.exists() and outside.exists()
    old = temp_files.session_temp_root() / "old-session"
    old.mkdir(parents=True)
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    fresh = temp_files.session_folder(Session())
    assert temp_files.sweep(max_age=3600) >= 1 and not old.exists() and fresh.exists()
