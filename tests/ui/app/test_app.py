"""app.py and start-up: the flags, the sign-in requirement, and what start-up and the light handlers
import (never the heavy libraries)."""

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
