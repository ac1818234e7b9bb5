"""Safe to host for strangers (issue 14), in-process, through one built app (the module's `app`
fixture, built once): uploads filed under the owner with messages that name the file, the
operator's remote-code policy, messages in the widgets' words and escaped, Gradio's bounds left to
the config, and uploads that leave nothing in Gradio's temp folder. The same concerns in single
modules: test_identity.py, test_common.py, test_temp_files.py, test_shell.py, test_app.py,
tests/core/train/test_preflight.py, tests/core/data/test_uploads.py and test_sources.py; through a
running server: test_security.py."""

from __future__ import annotations

from pathlib import Path

import gradio as gr
import pytest

from core.config import ConfigError, RunConfig
from core.data.sources import DataError
from core.paths import uploads_dir
from core.train.limits import WORKSHOP


@pytest.fixture(scope="module")
def app():
    from ui.shell import build

    return build()


def test_uploads_are_filed_under_the_owner_and_messages_name_the_file(app, tmp_path, monkeypatch):
    from ui import data as data_tab
    from ui.common import Session
    from ui.data.handlers import upload_data

    _, ctx = app
    parts = ctx.parts_of(data_tab)
    s = Session()
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path))  # where Gradio puts uploads
    src = tmp_path / "My Reviews.csv"
    src.write_text("text,label\n" + "".join(f"text {i},{'a' if i % 2 else 'b'}\n" for i in range(20)))
    out = upload_data(ctx.form, parts, ctx.settings, s, str(src))
    assert Path(s.upload_path).parent == uploads_dir() / s.owner()
    shown = " ".join(str(v) for v in out.values())
    assert "My_Reviews.csv" in shown and s.client_id not in shown and s.owner() not in shown
    assert str(uploads_dir()) not in shown


# --------------------------------------------------------------------------- policy and limits
def test_remote_code_is_refused_in_shared_mode_unless_the_operator_allows_it(tmp_path):
    from core.paths import workspace
    from core.train.preflight import preflight
    from ui.common import AppSettings

    folder = workspace() / "custom-model"
    folder.mkdir(exist_ok=True)
    marker = tmp_path / "ran"
    (folder / "config.json").write_text('{"model_type": "fts-custom", "auto_map": '
                                        '{"AutoConfig": "configuration_custom.CustomConfig"}}')
    (folder / "configuration_custom.py").write_text(
        f"open({str(marker)!r}, 'w').write('yes')\nfrom transformers import PretrainedConfig\n"
        "class CustomConfig(PretrainedConfig):\n    model_type = 'fts-custom'\n")
    cfg = RunConfig().replace(model={"name_or_path": str(folder)})
    with pytest.raises(ConfigError, match="--allow-remote-code") as err:
        preflight(cfg.replace(model={"trust_remote_code": True}), AppSettings(mode="shared").limits)
    assert err.value.key == "model.trust_remote_code" and not marker.exists()
    with pytest.raises(ConfigError, match="--allow-remote-code"):
        preflight(cfg.replace(model={"trust_remote_code": True}), WORKSHOP)
    assert AppSettings(mode="shared", allow_remote_code=True).limits.allow_remote_code
    from core.model.load import ModelError

    with pytest.raises(ModelError, match="model.trust_remote_code is on") as err:  # off: our setting, not theirs
        preflight(cfg)
    assert "trust_remote_code=True" not in str(err.value) and not marker.exists()


# --------------------------------------------------------------------------- messages
def test_messages_speak_the_widgets_language_and_are_escaped(app):
    from ui.common import Session, handler

    _, ctx = app

    @handler("start training")
    def start(**values):
        return ctx.form.to_config(Session(), values)

    with pytest.raises(gr.Error) as err:
        start(learning_rate=0)
    assert err.value.message.startswith("Can't start training: Learning rate must be &gt; 0, got 0")
    assert "<small>setting: <code>train.learning_rate</code></small>" in err.value.message
    with pytest.raises(gr.Error) as err:
        start(run_name="<img src=x onerror=alert(5)>")
    assert "<img" not in err.value.message and "&lt;img src=x" in err.value.message


def test_gradio_no_longer_checks_bounds_the_config_checks(app, caplog):
    """The batch-size slider (min 1) and the max_length slider (min 8) pass 0 on to the
    config, whose message names the field and its range; nothing is logged."""
    _, ctx = app
    by_key = {f"{f.section}.{f.name}": f.component for f in ctx.form.fields}
    for key in ("train.per_device_train_batch_size", "data.max_length", "train.eval_steps", "adapter.r"):
        comp = by_key[key]
        assert comp.preprocess(0) == 0 and comp.preprocess(10**7) == 10**7
    # choices too: the config says "must be one of", the engine checks columns and LoRA targets
    assert by_key["adapter.target_modules"].preprocess(["q_proj"]) == ["q_proj"]
    assert by_key["data.text_column"].preprocess("text") == "text"
    from ui.common import Session

    with pytest.raises(ConfigError, match="per_device_train_batch_size must be between 1 and 4096, got 0"):
        ctx.form.to_config(Session(), {"per_device_train_batch_size": 0})
    assert not caplog.records


# --------------------------------------------------------------------------- temporary files
def test_refused_and_accepted_uploads_leave_nothing_in_gradios_temp_folder(app, tmp_path, monkeypatch):
    from ui.common import AppSettings, Session
    from ui.data.handlers import keep_upload

    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    incoming = tmp_path / "gradio" / ("f" * 64) / "big.csv"
    incoming.parent.mkdir(parents=True)
    incoming.write_bytes(b"text,label\n" + b"x,y\n" * (6 * 2**20 // 4))
    with pytest.raises(DataError, match="over the 5 MB upload limit"):
        keep_upload(AppSettings(workshop=True), Session(), str(incoming))
    assert not incoming.exists() and not incoming.parent.exists()
    incoming.parent.mkdir()
    incoming.write_text("text,label\na,b\nc,d\n")
    s = Session()
    kept = keep_upload(AppSettings(), s, str(incoming))
    assert kept.is_file() and not incoming.exists()
