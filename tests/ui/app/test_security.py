"""Safe to host for strangers (issue 14), against a real `python app.py --mode shared`:

* identity: a second session that is given everything the first one ever received (page
  HTML, the app config, every API response and downloaded file) and presents every token in
  it as its stored browser credential still cannot see, stop, resume or export the first
  one's runs;
* every limit of core/train/limits.py refuses through the API, naming the limit and the value;
* many concurrent first calls of one new API session agree on who it is.
"""

from __future__ import annotations

import html
import re
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError

TINY = dict(max_rows=80, max_length=32, eval_strategy="no", save_strategy="no", logging_steps=1)


def _text(value) -> str:
    """Everything a response holds, files' contents included."""
    out = [repr(value)]
    for item in value if isinstance(value, (tuple, list)) else [value]:
        try:
            if isinstance(item, str) and len(item) < 4096 and Path(item).is_file():
                out.append(Path(item).read_bytes()[:5_000_000].decode("utf-8", "replace"))
        except OSError:
            pass
    return "\n".join(out)


class Seen:
    """A client that remembers every answer and error it got."""

    def __init__(self, url: str):
        self.client = Client(url, verbose=False)
        self.text: list[str] = []

    def call(self, api_name: str, **kw):
        try:
            value = self.client.predict(api_name=api_name, **kw)
        except AppError as err:
            self.text.append(str(err))
            raise
        self.text.append(_text(value))
        return value


def _status(c: Client) -> dict:
    return c.predict(api_name="/training_status")


def _wait(c: Client, done, timeout: float = 600) -> dict:
    deadline = time.time() + timeout
    status = {}
    while time.time() < deadline:
        status = _status(c)
        if done(status):
            return status
        time.sleep(1)
    raise AssertionError(f"timed out; last status {status}")


def present_as_stored(c: Client, token: str) -> None:
    """What a second browser does with its local storage: the page-load event (private, so
    gradio_client will not call it unless told to) receives ``token`` as the stored id."""
    config = c.config
    browser_state = {comp["id"] for comp in config["components"] if comp.get("type") == "browserstate"}
    fn = next(d.get("id", i) for i, d in enumerate(config["dependencies"])
              if set(d.get("inputs", [])) & browser_state)
    c.endpoints[fn].is_valid = True  # an attacker's client ignores "private"
    c.predict(token, fn_index=fn)  # the session (a gr.State) is filled in by the client


def candidates(material: str) -> set[str]:
    """Every token in the material that could be a credential (32 hex digits), with the
    32-digit windows of slightly longer ones (an owner id is 'b' + 32 hex). 64-digit content
    hashes (Gradio's file cache, component ids) are not credentials of anyone's."""
    found: set[str] = set()
    for tok in re.findall(r"[0-9a-fA-F]{32,}", material):
        tok = tok.lower()
        if len(tok) <= 40:
            found |= {tok[i:i + 32] for i in range(0, len(tok) - 31)}
    return found


def test_a_second_session_given_everything_the_first_saw_cannot_touch_its_runs(app_factory, tmp_path):
    server = app_factory("--mode", "shared")
    a = Seen(server.url)
    with urllib.request.urlopen(server.url, timeout=30) as r:  # the page and its config, as any visitor gets them
        a.text.append(r.read().decode("utf-8", "replace"))
    with urllib.request.urlopen(server.url + "config", timeout=30) as r:
        a.text.append(r.read().decode("utf-8", "replace"))

    data = tmp_path / "my reviews.csv"
    data.write_text("text,label\n" + "".join(f"review number {i} is {'good' if i % 2 else 'bad'},"
                                             f"{'pos' if i % 2 else 'neg'}\n" for i in range(60)))
    a.call("/upload_data", file=handle_file(str(data)))
    bad = tmp_path / "broken.parquet"
    bad.write_bytes(b"PAR1\x00garbage")
    with pytest.raises(AppError):
        a.call("/upload_data", file=handle_file(str(bad)))
    a.call("/upload_data", file=handle_file(str(data)))
    a.call("/code_script", data_source="upload")
    a.call("/start_training", data_source="upload", max_steps=3, **TINY)
    first = _wait(a.client, lambda s: s.get("status") in ("finished", "failed"))
    assert first["status"] == "finished", first
    a.text.append(repr(first))
    a.call("/export_run", run=first["run"], formats=["adapter"], folder="v1")
    a.call("/export_zip", run=first["run"], folder="v1")
    a.call("/history_list")
    # A second, long run of A's that is live while B tries to stop it (checkpoints: resumable).
    a.call("/start_training", data_source="upload", max_steps=400, **{**TINY, "save_strategy": "steps"},
           save_steps=2)
    live = _wait(a.client, lambda s: s.get("status") == "running" and s.get("step", 0) >= 1, timeout=300)
    a.text.append(repr(live))

    material = "\n".join(a.text)
    tokens = candidates(material)
    assert "my_reviews.csv" in material  # the upload is named as the user named it
    assert not re.search(r"uploads/\w{16,}", html.unescape(material))  # never its session folder
    b = Client(server.url, verbose=False)
    for token in sorted(tokens) + [None]:
        if token is not None:
            present_as_stored(b, token)
        status = _status(b)
        assert status.get("run") not in (first["run"], live["run"]), (token, status)
        listed = repr(b.predict(api_name="/history_list"))
        assert first["run"] not in listed and live["run"] not in listed, token
        with pytest.raises(AppError, match="no run of yours"):
            b.predict(api_name="/stop_training")
        for api_name, kw in (("/history_resume", {"run": live["run"]}),
                             ("/export_run", {"run": first["run"], "formats": ["adapter"], "folder": "v2"}),
                             ("/export_zip", {"run": first["run"], "folder": "v1"})):
            with pytest.raises(AppError, match="no run named"):
                b.predict(api_name=api_name, **kw)
    still = _status(a.client)
    assert still["run"] == live["run"] and still["status"] == "running", still  # B's stops did nothing
    # The control: presenting a stored credential does work. C and D share one (as two tabs of
    # one browser do): D sees and cancels the run C queued behind A's.
    shared_token = "0123456789abcdef" * 2
    c, d = Client(server.url, verbose=False), Client(server.url, verbose=False)
    present_as_stored(c, shared_token)
    c.predict(api_name="/start_training", max_steps=2, **TINY)
    present_as_stored(d, shared_token)
    queued = _status(d)
    assert queued["status"] == "queued" and queued["run"] not in (first["run"], live["run"]), queued
    d.predict(api_name="/stop_training")
    assert _status(c)["status"] == "stopped"
    a.client.predict(api_name="/stop_training")
    stopped = _wait(a.client, lambda s: s.get("status") in ("stopped", "failed", "finished"))
    assert stopped["status"] == "stopped", stopped
    assert "Traceback" not in server.log.read_text(errors="replace")


# --------------------------------------------------------------------------- limits
def _refused(c: Client, api_name: str, *fragments: str, **kw) -> str:
    with pytest.raises(AppError) as err:
        c.predict(api_name=api_name, **kw)
    text = html.unescape(str(err.value))
    for f in fragments:
        assert f in text, text
    assert "Traceback" not in text
    return text


def test_every_limit_refuses_through_the_api_naming_the_limit_and_the_value(app_factory, monkeypatch, tmp_path):
    for key, value in {"FTS_MAX_LENGTH": "64", "FTS_MAX_ROWS": "100", "FTS_MAX_STEPS": "20",
                       "FTS_MAX_PARAMS": "1e6"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("FTS_MAX_UPLOAD_MB", raising=False)  # the shared default: 20 MB
    monkeypatch.delenv("FTS_ALLOW_REMOTE_CODE", raising=False)
    server = app_factory("--mode", "shared")
    c = Client(server.url, verbose=False)
    runs = server.workspace / "runs"
    base = dict(eval_strategy="no", save_strategy="no")
    _refused(c, "/start_training", "max_length", "<= 64", "FTS_MAX_LENGTH", "got 128", max_length=128, **base)
    _refused(c, "/start_training", "at most this many rows", "<= 100", "FTS_MAX_ROWS", "420 rows",
             max_length=32, max_rows=0, **base)
    _refused(c, "/start_training", "steps; the limit here is 20", "FTS_MAX_STEPS",
             max_length=32, max_rows=100, num_train_epochs=80, per_device_train_batch_size=16, **base)
    _refused(c, "/start_training", "22.7M parameters", "limit here is 1M", "FTS_MAX_PARAMS",
             max_length=32, max_rows=100, num_train_epochs=1, **base)
    _refused(c, "/start_training", "Trust remote code", "--allow-remote-code", trust_remote_code=True,
             max_length=32, max_rows=100, **base)
    _refused(c, "/load_model", "Trust remote code", "switched off", trust_remote_code=True)
    assert not runs.exists() or not any(runs.iterdir())  # refused before a run folder exists

    big = tmp_path / "big.csv"
    with open(big, "w") as fh:  # 25 MB (MB = 2**20 bytes) over the shared 20 MB limit
        line = "text,label\n" + "a review of some length that goes on,pos\n" * 10
        while fh.tell() < 25 * 2**20:
            fh.write(line)
    _refused(c, "/upload_data", "big.csv is 25 MB", "over the 20 MB upload limit", file=handle_file(str(big)))
    leftovers = [p for p in (server.workspace.parent / "gradio").rglob("big.csv")]
    assert not leftovers, leftovers  # the refused upload did not stay in Gradio's temp folder


def test_the_memory_guard_refuses_in_shared_mode(app_factory, monkeypatch):
    monkeypatch.setenv("FTS_MEMORY_BUDGET_MB", "50")
    server = app_factory("--mode", "shared")
    c = Client(server.url, verbose=False)
    _refused(c, "/start_training", "this run needs about", "50 MB is available", "FTS_MEMORY_BUDGET_MB",
             "Batch size", max_rows=80, max_length=32, eval_strategy="no", save_strategy="no")


# --------------------------------------------------------------------------- races
def test_many_concurrent_first_starts_of_one_new_session_agree(app_server):
    """One new API session, eight Start calls at the same moment: all get the same run (no
    'busy'), and the session's status then reports that run."""
    server = app_server  # local mode: a second owner would be told "busy"
    for attempt in range(3):
        c = Client(server.url, verbose=False)
        barrier = threading.Barrier(8)
        answers: list[str] = []

        def start() -> None:
            barrier.wait()
            try:
                out = c.predict(api_name="/start_training", max_steps=200, **TINY)
                answers.append(out[0])
            except AppError as err:
                answers.append(f"ERROR {err}")

        threads = [threading.Thread(target=start) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        assert not [a for a in answers if a.startswith("ERROR")], answers
        names = {re.search(r"run `([^`]+)`", a).group(1) for a in answers}
        assert len(names) == 1, answers
        status = _status(c)
        assert status.get("run") in names and status["status"] in ("queued", "running"), status.get("message")
        try:
            c.predict(api_name="/stop_training")
        except AppError as err:
            raise AssertionError(f"{err}; status {_status(c)}") from None
        _wait(c, lambda s: s.get("status") in ("stopped", "failed", "finished"))


# --------------------------------------------------------------------------- escaping, in a browser
def test_user_text_in_an_error_toast_is_shown_as_text_not_html(app_server, browser):
    """Gradio renders a toast's message as HTML: a model name that is an <img> tag with an
    onerror handler must appear as text, and no such element may exist in the page."""
    server = app_server  # the module's local-mode app (the race test above leaves no run live)
    page = browser.new_page()
    try:
        page.goto(server.url, timeout=120_000)
        page.get_by_role("tab", name="Model", exact=True).click()
        box = page.locator("#model-name input").first
        box.fill('<img id="fts-xss" src=x onerror="document.title=\'pwned\'">')
        box.press("Enter")
        page.locator("#model-load").click()
        page.wait_for_selector("[data-testid=toast-body]", timeout=120_000)
        toast = page.locator("[data-testid=toast-body]").first.inner_text()
        assert '<img id="fts-xss"' in toast, toast
        assert page.locator("#fts-xss").count() == 0 and page.title() != "pwned"
    finally:
        page.close()
