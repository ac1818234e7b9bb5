"""app.py and start-up: the flags, the sign-in requirement, and what start-up and the light handlers
import (never the heavy libraries)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from core.paths import PROJECT_ROOT as ROOT  # the repository root


def test_light_handlers_answer_without_the_heavy_libraries():
    """Handlers marked light=True skip the wait for core.heavy's first import, so they must
    never touch transformers: run them in a fresh interpreter and look."""
    import subprocess
    import sys

    code = """
import sys
sys.path.insert(0, {root!r})
from ui.shell import build
from ui import data as data_tab, multi_gpu, session_events, train as train_tab
from ui.data.handlers import load_data
from ui.train.handlers import plan_training, training_status
from ui.common import Session
demo, ctx = build()
values = {{f.name: f.component.value for f in ctx.form.fields}}
values.update({{n: c.value for n, c in ctx.form.extras.items()}})
s = Session()
session_events.init_session(s, None)
session_events.restore_settings(ctx.form, ctx.settings, s)
load_data(ctx.form, ctx.parts_of(data_tab), s, **values)
plan_training(ctx.form, ctx.parts_of(train_tab), s, **values)
training_status(s)
multi_gpu.code_accelerate(ctx.parts_of(train_tab).multi_gpu, s, 4, "fsdp", "bf16")
heavy = [m for m in ("transformers", "peft", "torch") if m in sys.modules]
assert not heavy, heavy
""".format(root=str(ROOT))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stderr[-1500:]


def test_require_login_needs_a_space_with_oauth(monkeypatch):
    sys.path.insert(0, str(ROOT))
    import app as app_module

    monkeypatch.delenv("SPACE_ID", raising=False)
    with pytest.raises(SystemExit):
        app_module.parse_args(["--require-login"])
    monkeypatch.setenv("SPACE_ID", "me/studio")
    monkeypatch.setenv("SYSTEM", "spaces")
    monkeypatch.setenv("OAUTH_CLIENT_ID", "abc")
    assert app_module.parse_args(["--require-login"]).require_login


def test_startup_does_not_import_the_heavy_libraries():
    code = ("import sys; from ui import build_app, AppSettings; build_app(AppSettings(workshop=True)); "
            "heavy = [m for m in ('torch', 'transformers', 'datasets', 'peft', 'bitsandbytes') if m in sys.modules]; "
            "assert not heavy, heavy")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    r = subprocess.run([sys.executable, "app.py", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "--workshop" in r.stdout and "--mode" in r.stdout


def test_flags(monkeypatch):
    sys.path.insert(0, str(ROOT))
    import app

    monkeypatch.delenv("SPACE_ID", raising=False)
    args = app.parse_args([])
    assert (args.host, args.port, args.mode, args.share, args.workshop) == ("127.0.0.1", 7860, "local", False, False)
    args = app.parse_args(["--port", "8000", "--workshop", "--share", "--mode", "shared"])
    assert (args.port, args.workshop, args.share, args.mode) == (8000, True, True, "shared")
    monkeypatch.setenv("SPACE_ID", "someone/studio")
    args = app.parse_args([])
    assert (args.host, args.mode) == ("0.0.0.0", "shared")
