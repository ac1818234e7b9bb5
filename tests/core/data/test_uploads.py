"""core/data/uploads.py: an upload is copied under a plain file name into the session's own folder, and
refused (empty, an unsupported type, over the limit, outside the allowed folders) with a message."""

from __future__ import annotations

import pytest

from core.data.sources import DataError
from core.data.uploads import safe_filename, store_upload
from core.paths import PathError
from core.train.limits import WORKSHOP, Limits


def test_safe_filename_keeps_only_a_plain_name():
    assert safe_filename("../../etc/pass wd.CSV") == "pass_wd.csv"
    assert safe_filename("C:\\Users\\me\\my data.jsonl") == "my_data.jsonl"
    assert safe_filename("...") == "upload"


def test_store_upload_copies_into_the_session_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("FTS_WORKSPACE", str(tmp_path / "ws"))
    src = tmp_path / "incoming"
    src.mkdir()
    good = src / "reviews.csv"
    good.write_text("text,label\ngood,pos\n")
    stored = store_upload(good, "abc123", extra_roots=[src])
    assert stored.resolve() == (tmp_path / "ws" / "uploads" / "abc123" / "reviews.csv").resolve()
    assert stored.read_text() == good.read_text()

    empty = src / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(DataError, match="empty.csv is empty"):
        store_upload(empty, "abc123", extra_roots=[src])
    exe = src / "tool.exe"
    exe.write_bytes(b"MZ")
    with pytest.raises(DataError, match="unsupported file type .exe"):
        store_upload(exe, "abc123", extra_roots=[src])
    monkeypatch.setenv("FTS_MAX_UPLOAD_MB", "0.000001")
    with pytest.raises(DataError, match="is 20 bytes, over the 1 byte upload limit"):
        store_upload(good, "abc123", extra_roots=[src])
    monkeypatch.delenv("FTS_MAX_UPLOAD_MB")
    with pytest.raises(PathError):  # not in an allowed folder
        store_upload(good, "abc123")
    with pytest.raises(PathError):  # a session id is a plain name
        store_upload(good, "../x", extra_roots=[src])


def test_the_upload_limit_of_each_mode_is_enforced_in_mb_of_2_20_bytes(tmp_path):
    from core.data.uploads import store_upload
    from core.train.limits import upload_limit_bytes

    assert upload_limit_bytes(Limits.shared()) == 20 * 2**20
    assert upload_limit_bytes(WORKSHOP) == 5 * 2**20
    big = tmp_path / "big.csv"
    big.write_bytes(b"text,label\n" + b"x,y\n" * (6 * 2**20 // 4))
    with pytest.raises(DataError, match=r"big.csv is 6 MB, over the 5 MB upload limit"):
        store_upload(big, "b" + "0" * 32, max_bytes=upload_limit_bytes(WORKSHOP), extra_roots=[tmp_path])
