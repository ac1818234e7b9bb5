"""Safe to host for strangers (issue 14), in-process: identity and sign-in, the operator's
policy, limits and the memory guard in pre-flight, messages (widget words, escaping, no server
paths, Gradio's bounds), ragged CSVs, dotted names, temporary files and the owner race."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

import gradio as gr
import pytest

from core.config import ConfigError, RunConfig
from core.data.sources import DataError
from core.paths import PROJECT_ROOT, PathError, runs_dir, uploads_dir
from core.train.limits import NO_LIMITS, WORKSHOP, Limits


@pytest.fixture(scope="module")
def app():
    from ui.shell import build

    return build()


# --------------------------------------------------------------------------- identity
def test_the_owner_is_a_one_way_derivation_of_the_credential_never_the_credential():
    from ui.common import Session
    from ui.identity import browser_owner, is_credential

    s = Session()
    assert is_credential(s.client_id)
    owner = s.owner()
    assert s.client_id not in owner and owner == browser_owner(s.client_id) and owner.startswith("b")
    assert s.client_id not in repr(s)  # a logged Session never shows it
    other = Session()
    assert other.owner() != owner
    stored = s.client_id
    assert other.adopt(stored) == stored and other.owner() == owner  # the same browser, reloaded
    assert other.adopt(owner) == stored  # an owner id is not a credential: ignored
    assert other.adopt("<script>") == stored


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


def test_sign_in_makes_the_account_the_owner_with_a_fake_profile():
    from ui.common import AppSettings, Session, run_owner
    from ui.identity import login_mode
    from ui.session_events import init_session

    class Profile(dict):  # what gr.OAuthProfile is: a dict with attributes
        username = "alice"

    a, b = Session(), Session()
    init_session(a, None, Profile(preferred_username="alice"))
    init_session(b, None, Profile(preferred_username="alice"))
    assert a.owner() == b.owner() == "hf-alice"  # one account, two browsers: the same runs
    signed_out = Session()
    init_session(signed_out, a.client_id, None)  # even with a's credential...
    assert signed_out.owner() != "hf-alice"      # ...no account without the signed cookie
    required = AppSettings(mode="shared", login="required")
    with pytest.raises(ConfigError, match="sign in with Hugging Face"):
        run_owner(required, signed_out)
    assert run_owner(required, a) == "hf-alice"
    assert login_mode({}) == "off"
    assert login_mode({"SYSTEM": "spaces", "SPACE_ID": "x/y", "OAUTH_CLIENT_ID": "id"}) == "offered"
    assert login_mode({"SPACE_ID": "x/y", "OAUTH_CLIENT_ID": "id"}) == "off"  # not really a Space
    assert login_mode({"FTS_REQUIRE_LOGIN": "1"}) == "required"


def test_gradio_injects_the_profile_into_the_page_load_handler():
    from gradio import utils

    from ui.session_events import init_session

    hints = utils.get_type_hints(init_session)
    assert hints["profile"] == (gr.OAuthProfile | None)


def test_require_login_needs_a_space_with_oauth(monkeypatch):
    sys.path.insert(0, str(PROJECT_ROOT))
    import app as app_module

    monkeypatch.delenv("SPACE_ID", raising=False)
    with pytest.raises(SystemExit):
        app_module.parse_args(["--require-login"])
    monkeypatch.setenv("SPACE_ID", "me/studio")
    monkeypatch.setenv("SYSTEM", "spaces")
    monkeypatch.setenv("OAUTH_CLIENT_ID", "abc")
    assert app_module.parse_args(["--require-login"]).require_login


# --------------------------------------------------------------------------- the race
def test_concurrent_first_calls_of_a_new_session_agree_on_its_owner():
    """Threads asking a fresh session for its owner at the same moment (what concurrent first
    API calls do) all get the same one: the credential exists before any handler runs."""
    from ui.common import Session

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for _ in range(100):
            s = Session.__new__(Session)  # as Gradio deep-copies a new session's state
            s.__init__()
            barrier = threading.Barrier(8)
            seen: list[str] = []

            def ask() -> None:
                barrier.wait()
                seen.append(s.owner())

            threads = [threading.Thread(target=ask) for _ in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert len(set(seen)) == 1, seen
    finally:
        sys.setswitchinterval(old)


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


def test_max_params_gets_a_parameter_count_without_loading_weights():
    from core.train.preflight import preflight

    with pytest.raises(ConfigError, match=r"22.7M parameters; the limit here is 1M \(FTS_MAX_PARAMS\)"):
        preflight(RunConfig(), Limits(max_params=1_000_000, name="shared"))
    preflight(RunConfig(), Limits(max_params=30_000_000))


def test_the_upload_limit_of_each_mode_is_enforced_in_mb_of_2_20_bytes(tmp_path):
    from core.data.uploads import store_upload
    from core.train.limits import upload_limit_bytes

    assert upload_limit_bytes(Limits.shared()) == 20 * 2**20
    assert upload_limit_bytes(WORKSHOP) == 5 * 2**20
    big = tmp_path / "big.csv"
    big.write_bytes(b"text,label\n" + b"x,y\n" * (6 * 2**20 // 4))
    with pytest.raises(DataError, match=r"big.csv is 6 MB, over the 5 MB upload limit"):
        store_upload(big, "b" + "0" * 32, max_bytes=upload_limit_bytes(WORKSHOP), extra_roots=[tmp_path])


def test_data_preflight_refuses_what_the_data_tab_already_knows(tmp_path):
    import pandas as pd

    from core.train.preflight import data_preflight, preflight

    cfg = RunConfig()
    with pytest.raises(DataError, match="only one class"):
        data_preflight(cfg, pd.DataFrame({"text": [f"t{i}" for i in range(30)], "label": ["same"] * 30}))
    with pytest.raises(DataError, match="could not find a text column"):
        data_preflight(cfg, pd.DataFrame({"n": list(range(30)), "label": ["a", "b"] * 15}))
    with pytest.raises(DataError, match="600 classes among 800 rows"):
        data_preflight(cfg.replace(data={"label_column": "label"}),
                       pd.DataFrame({"text": [f"t{i}" for i in range(800)], "label": [f"c{i % 600}" for i in range(800)]}))
    assert data_preflight(cfg, pd.DataFrame({"text": [f"t{i}" for i in range(30)], "label": ["a", "b", "c"] * 10})) == 3
    from core.model.load import ModelError

    before = set(runs_dir().iterdir())
    with pytest.raises(ModelError, match="model folder"):
        preflight(cfg.replace(model={"name_or_path": str(tmp_path / "not-there")}))
    assert set(runs_dir().iterdir()) == before


def test_the_memory_guard_refuses_in_shared_mode_and_warns_locally(monkeypatch):
    from core.train import preflight as pf

    monkeypatch.setattr(pf, "available_memory", lambda: (10 * 2**20, "free on this machine"))
    with pytest.raises(ConfigError, match=r"needs about .* MB of memory .* 10 MB is available") as err:
        pf.preflight(RunConfig(), Limits.shared())
    assert err.value.key == "train.per_device_train_batch_size"
    warnings = pf.preflight(RunConfig(), NO_LIMITS)
    assert len(warnings) == 1 and "10 MB is available" in warnings[0]
    monkeypatch.setattr(pf, "available_memory", lambda: (64 * 2**30, "free on this machine"))
    assert pf.preflight(RunConfig(), Limits.shared()) == []


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


def test_an_export_folder_named_like_html_is_escaped_and_a_dot_folder_refused_for_the_right_reason():
    from ui.common import handler
    from ui.export import export_folder

    @handler("export the run")
    def export(name):
        return export_folder(runs_dir() / "some-run", name)

    with pytest.raises(gr.Error) as err:
        export("<img src=x onerror=alert(5)>")
    assert "<img" not in err.value.message and "&lt;img" in err.value.message
    with pytest.raises(PathError, match="must not start with a dot"):
        export_folder(runs_dir() / "some-run", ".hidden")
    with pytest.raises(ConfigError, match="taken by the run itself"):
        export_folder(runs_dir() / "some-run", "final")


def test_run_names_of_only_dots_are_refused():
    for name in ("...", ".", "..", ".hidden"):
        with pytest.raises(ConfigError, match="not starting with a dot"):
            RunConfig().replace(train={"run_name": name})
    RunConfig().replace(train={"run_name": "v1.2"})


def test_no_message_shows_a_server_path(tmp_path):
    from core.paths import PROJECT_ROOT, workspace
    from ui.common import handler

    upload = uploads_dir() / ("b" + "1" * 32) / "reviews.csv"

    @handler("read the data")
    def fail(text):
        raise DataError(text)

    for raw, shown in ((f"{upload} is not a readable parquet file", "reviews.csv is not"),
                       (f"data file not found: {PROJECT_ROOT}/assets/data/x.csv", "not found: assets/data/x.csv"),
                       (f"run folder {workspace()}/runs/r1 is busy", "workspace/runs/r1")):
        with pytest.raises(gr.Error) as err:
            fail(raw)
        assert shown in err.value.message and str(workspace()) not in err.value.message
        assert str(PROJECT_ROOT) not in err.value.message and "1" * 32 not in err.value.message


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


def test_a_row_with_one_field_too_many_is_refused_naming_its_line(tmp_path):
    from core.data.sources import read_table

    p = tmp_path / "r.csv"
    p.write_text("text,label\nthis was good,pos,extra\nbad,neg\n")
    with pytest.raises(DataError, match="line 2 has 3 fields but the header has 2"):
        read_table(p)
    p.write_text("text,label\n\"a, quoted\",pos\nb,neg,\n")  # quotes and an empty trailing field are fine
    assert read_table(p).to_dict("records") == [{"text": "a, quoted", "label": "pos"}, {"text": "b", "label": "neg"}]


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


def test_the_sign_in_button_is_there_only_when_the_operator_turns_sign_in_on(monkeypatch):
    pytest.importorskip("authlib")  # gradio[oauth]
    from gradio import oauth

    from ui.common import AppSettings

    monkeypatch.setenv("SYSTEM", "spaces")  # Gradio mocks sign-in off a Space (needing a Hub token)
    monkeypatch.setenv("SPACE_ID", "me/studio")
    for name, value in (("OAUTH_CLIENT_ID", "id"), ("OAUTH_CLIENT_SECRET", "secret"), ("OAUTH_SCOPES", "openid"),
                        ("OPENID_PROVIDER_URL", "https://huggingface.co")):  # what hf_oauth: true sets
        monkeypatch.setattr(oauth, name, value)
    from ui.shell import build

    def buttons(settings):
        demo, _ = build(settings)
        return [b for b in demo.blocks.values() if isinstance(b, gr.LoginButton)]

    assert not buttons(AppSettings(mode="shared"))
    assert len(buttons(AppSettings(mode="shared", login="offered"))) == 1
