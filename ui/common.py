"""What every tab shares: app settings, the per-browser session, widgets built from
RunConfig fields, the form that turns widget values back into a RunConfig, and the one
error decorator that wraps every handler.

* :func:`Form.widget` builds a component from a config field: its default, choices and
  help text (as ``info=``) come from :func:`core.config.field_info`, never typed here.
* :meth:`Form.to_config` is the single place widget values become a RunConfig: it starts
  from the session's current config and applies ``cfg.replace(section={...})``, so the
  dataclasses' own validation produces the messages the user sees.
* :func:`handler` turns the engine's typed errors into ``gr.Error(message)`` and any other
  exception into a one-line message (the traceback goes to the server log), so no
  traceback reaches the page and the app keeps serving.
"""

from __future__ import annotations

import functools
import html
import inspect
import logging
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Literal

import gradio as gr

from core.cache import PreviewCache
from core.config import ConfigError, RunConfig, field_info
from core.data.sources import DataError
from core.heavy import ensure_loaded
from core.model.load import ModelError
from core.paths import PathError
from core.results.compare import CompareError
from core.results.export import ExportError
from core.train.queue import BusyError

from .identity import Login, account_owner, browser_owner, is_credential, new_credential
from .messages import page_message, remember_label, scrub_paths

log = logging.getLogger("fine_tune_studio.ui")

EXPLAIN_TITLE = "What's happening and why"
KNOWN_ERRORS = (ConfigError, DataError, ModelError, PathError, BusyError, FileExistsError, CompareError,
                ExportError)


# --------------------------------------------------------------------------- settings
@dataclass(frozen=True)
class AppSettings:
    """How the app was launched (set once by app.py, read by the tabs)."""

    mode: Literal["local", "shared"] = "local"
    workshop: bool = False  # explanations open by default and steps numbered
    login: Login = "off"    # sign in with Hugging Face: off, offered (a Space with OAuth) or required
    allow_remote_code: bool = False  # shared/workshop: the operator lets visitors use trust_remote_code

    @property
    def allow_queue(self) -> bool:
        # Shared mode lines sessions up for the one trainer; local mode says "busy".
        return self.mode == "shared"

    @property
    def limits(self) -> Any:
        """What one session may ask of the machine (core.train.limits): none locally."""
        import dataclasses

        from core.train.limits import NO_LIMITS, WORKSHOP, Limits

        if self.workshop:
            limits = WORKSHOP
        elif self.mode == "shared":
            limits = Limits.shared()
        else:
            return NO_LIMITS
        return dataclasses.replace(limits, allow_remote_code=True) if self.allow_remote_code else limits


# --------------------------------------------------------------------------- session
_ADOPT_LOCK = threading.Lock()


@dataclass
class Session:
    """One browser session's state (held in a gr.State, never in module globals).

    Identity (ui/identity.py): ``client_id`` is the session's credential, made at once (so
    concurrent first calls of an API client all see the same one) and replaced on page load
    by the one the browser kept. It is never shown: the queue, summary.json and folder names
    use :meth:`owner`, a one-way derivation of it (or the signed-in account)."""

    cfg: RunConfig = field(default_factory=RunConfig)
    cache: PreviewCache = field(default_factory=PreviewCache)
    client_id: str = field(default_factory=new_credential, repr=False)  # the credential: never shown
    account: str = ""            # Hugging Face username when signed in
    scratch: str = field(default_factory=lambda: secrets.token_hex(8))  # this session's temp folder name
    downloads: list = field(default_factory=list)  # Gradio's copies of files sent (ui/temp_files.py)
    upload_path: str = ""        # the session's copy of its uploaded training file
    validation_path: str = ""    # ... and of its optional validation file
    loaded_source: tuple = ()    # source_key of the table whose roles the widgets show
    targets_for: tuple = ()      # model key whose linear layers the target checkboxes list
    precision_labelled: bool = False
    job_name: str = ""
    events_drawn: int = -1       # events already in this page's log and chart note (-1 = none)
    chart_drawn: int = -1        # events in the chart this page shows (-1 = none)
    view_sent: dict = field(default_factory=dict)  # what the Train tab's poll last sent, per output
    timing: tuple = ()           # (core.train.plan.timing_key, core.train.timing result) of "Time a few steps"

    def owner(self) -> str:
        """The id the job queue and the run folders know this session by (never the credential)."""
        return account_owner(self.account) if self.account else browser_owner(self.client_id)

    def adopt(self, stored: Any, username: str = "") -> str:
        """Take the credential stored in the browser, if it is one of ours, and the signed-in
        account (if any); returns the credential for the browser to keep."""
        with _ADOPT_LOCK:
            if is_credential(stored):
                self.client_id = stored
            self.account = username
            return self.client_id


def run_owner(settings: "AppSettings", session: Session) -> str:
    """The owner new runs and uploads are filed under; refused when the operator requires
    sign-in (FTS_REQUIRE_LOGIN=1) and this session has not signed in."""
    if settings.login == "required" and not session.account:
        raise ConfigError("sign in with Hugging Face first (the button at the top of the page): on this "
                          "studio only signed-in accounts can upload data and train")
    return session.owner()


def new_session_state(settings: "AppSettings | None" = None) -> gr.State:
    # A callable initial value builds a fresh Session (and an empty cache) per browser.
    shared = settings is not None and settings.mode == "shared"
    return gr.State(lambda: Session(), delete_callback=lambda s: end_session(s, shared))


def end_session(session: Any, shared: bool) -> None:
    """When a browser session ends: free its caches and its temporary downloads; in shared
    mode also delete its uploads, unless a queued or running job of its owner still needs them."""
    if not isinstance(session, Session):
        return
    import shutil

    session.cache.clear()
    from .temp_files import end_session_files

    end_session_files(session)
    if shared:
        from core.paths import uploads_dir
        from core.train.queue import default_queue

        owner = session.owner()
        if default_queue().active_for(owner) is None:
            shutil.rmtree(uploads_dir() / owner, ignore_errors=True)


# --------------------------------------------------------------------------- errors
def handler(action: str, light: bool = False) -> Callable[[Callable], Callable]:
    """Wrap a Gradio handler: known errors become ``gr.Error(their message)``; anything
    else becomes a short one-line error and its traceback goes to the server log.

    Handlers run in a thread pool, so before one runs the heavy libraries are imported once
    (core.heavy: transformers' lazy names are not thread-safe). ``light=True`` marks handlers
    that never touch transformers/peft (data tables, run status): they answer at once, even
    while the first import is still going on, so the first page paints quickly.

    A generator handler (streamed output) is guarded at every step, so an error raised
    half-way through a stream becomes a message like any other."""

    def guarded(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                if not light:
                    ensure_loaded()
                return fn(*args, **kwargs)
            except gr.Error:
                raise
            except KNOWN_ERRORS as exc:
                # A user's mistake: the message says what to change; no traceback in the log.
                raise gr.Error(titled(action, user_message(exc)), title=f"Can't {action}",
                               print_exception=False) from None
            except Exception as exc:  # noqa: BLE001 - the page must never see a traceback
                log.exception("unexpected error while trying to %s", action)
                first = html.escape(scrub_paths((str(exc).splitlines() or [""])[0][:200]), quote=False)
                raise gr.Error(titled(action, f"Something went wrong ({type(exc).__name__}: {first}). "
                                              "The details are in the server log."), title=f"Can't {action}",
                               print_exception=False) from None

        return wrapper

    def decorate(fn: Callable) -> Callable:
        if not inspect.isgeneratorfunction(fn):
            return guarded(fn)
        step = guarded(lambda it: next(it, _END))

        @functools.wraps(fn)
        def stream(*args: Any, **kwargs: Any) -> Any:
            it = fn(*args, **kwargs)
            while (item := step(it)) is not _END:
                yield item

        return stream

    return decorate


_END = object()  # a generator handler's end, passed through the guard


def titled(action: str, message: str) -> str:
    """"Can't start training: <message>". Gradio 6's toast heads every message with its kind
    ("Error") and shows no title, so what failed leads the message itself."""
    return f"Can't {action}: {message}"


def user_message(exc: BaseException) -> str:
    """The engine's message as the page shows it (ui/messages.py): in the widget's words,
    without server paths, HTML-escaped. Otherwise verbatim: the engine's messages are written
    for people already ("sentiment.csv is empty"; no capitalising, they often start with a
    file name)."""
    return page_message(exc)


# --------------------------------------------------------------------------- the form
def human_label(name: str) -> str:
    """'per_device_train_batch_size' -> 'Per device train batch size'."""
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def checked_by_config(component: Any) -> Any:
    """Let RunConfig, not Gradio, check what a config widget sends. Gradio's own checks
    (minimum/maximum of a Number or Slider, "Value: x is not in the list of choices" of a
    Radio, Dropdown or CheckboxGroup) answer without naming the field and log a server
    traceback; Field.parse and the config's validation name the field and what it allows,
    and the engine checks column names and LoRA targets against the data and the model. The
    bounds and choices still guide the widget in the page. (An instance attribute, not a
    subclass: Gradio writes a .pyi file beside every module that subclasses a component.)"""
    if isinstance(component, (gr.Number, gr.Slider)) or (
            isinstance(component, (gr.Radio, gr.Dropdown, gr.CheckboxGroup))
            and getattr(component, "type", "value") == "value"):
        component.preprocess = _unchecked
    return component


def _unchecked(payload: Any) -> Any:
    return payload


def quiet_checks(component: Any) -> Any:
    """Keep a component's own checks (a File's allowed types) but make a refusal an ordinary
    message: a user's mistake, so no traceback in the server log. A refused upload is
    deleted from Gradio's temp folder at once."""
    original = component.preprocess

    def preprocess(payload: Any) -> Any:
        try:
            return original(payload)
        except gr.Error as exc:
            from .temp_files import discard_upload

            discard_upload(getattr(payload, "path", None))
            raise gr.Error(html.escape(str(exc.message), quote=False), title=f"Can't use that {component.label or 'value'}",
                           print_exception=False) from None

    component.preprocess = preprocess
    return component


@dataclass
class Field:
    """A widget bound to one RunConfig field."""

    section: str
    name: str
    component: gr.components.Component
    type: Any

    def parse(self, value: Any) -> Any:
        """Widget value -> field value; a bad value raises ConfigError naming the field."""
        key = f"{self.section}.{self.name}"
        t = self.type
        choices = field_info(self.section, self.name)["choices"]
        if choices is not None:
            if value not in choices:  # Radio of ints may come back as text through the API
                match = [c for c in choices if str(c) == str(value)]
                if match:
                    return match[0]
            return value
        if t is bool:
            return bool(value)
        if t is int:
            if value is None or value == "":
                raise ConfigError(f"{key} needs a whole number", key=key)
            try:
                f = float(value)
            except (TypeError, ValueError):
                raise ConfigError(f"{key} must be a whole number, got {value!r}", key=key) from None
            if not f.is_integer():
                raise ConfigError(f"{key} must be a whole number, got {value!r}", key=key)
            return int(f)
        if t is float:
            if value is None or value == "":
                raise ConfigError(f"{key} needs a number", key=key)
            try:
                return float(value)
            except (TypeError, ValueError):
                raise ConfigError(f"{key} must be a number, got {value!r}", key=key) from None
        if t is str:
            return "" if value is None else str(value)
        return list(value or [])


class Form:
    """Every widget that feeds the RunConfig, plus the few UI-only choices (like the data
    source) that decide several fields at once."""

    def __init__(self) -> None:
        self.fields: list[Field] = []
        self.extras: dict[str, gr.components.Component] = {}
        self._rules: list[Callable[["Session", dict[str, Any], dict[str, dict[str, Any]]], None]] = []
        self._restorers: list[Callable[["Session", RunConfig], dict]] = []

    # ---- building ---------------------------------------------------------------
    def widget(self, section: str, name: str, *, kind: str | None = None, label: str | None = None,
               choices: list | None = None, said: str | None = None, **kw: Any) -> Any:
        """A component for ``section.name`` with the field's default, choices and help.
        ``said``: how a message names the field when the label only makes sense beside its
        neighbours ("Every (steps)" -> "Evaluate every (steps)")."""
        info = field_info(section, name)
        t, default, options = info["type"], info["default"], info["choices"]
        kw.setdefault("info", info["help"])
        kw.setdefault("label", label or human_label(name))
        kw.setdefault("value", default)
        kw.setdefault("elem_id", f"fld-{section}-{name}".replace("_", "-"))
        options = choices if choices is not None else (list(options) if options is not None else None)
        if kind is None:
            kind = ("radio" if len(options) <= 4 else "dropdown") if options is not None else \
                {bool: "checkbox", int: "number", float: "number", str: "text"}.get(t, "checkboxgroup")
        if kind == "radio":
            comp = gr.Radio(choices=options, **kw)
        elif kind == "dropdown":
            comp = gr.Dropdown(choices=options, **kw)
        elif kind == "checkbox":
            comp = gr.Checkbox(**kw)
        elif kind == "number":
            if t is int:
                kw.setdefault("precision", 0)
            comp = gr.Number(**kw)
        elif kind == "slider":
            comp = gr.Slider(**kw)
        elif kind == "text":
            comp = gr.Textbox(**kw)
        elif kind == "checkboxgroup":
            comp = gr.CheckboxGroup(choices=options or [], **kw)
        else:
            raise ValueError(f"unknown widget kind {kind!r} for {section}.{name}")
        self.bind(section, name, comp, said=said)
        return comp

    def bind(self, section: str, name: str, component: Any, said: str | None = None) -> Any:
        """Bind an existing component (built by hand, e.g. a dropdown of columns) to a field."""
        info = field_info(section, name)  # fails at start-up for a field that does not exist
        if any(f.name == name for f in self.fields) or name in self.extras:
            raise ValueError(f"{section}.{name} is bound twice")
        self.fields.append(Field(section, name, component, info["type"]))
        checked_by_config(component)
        remember_label(f"{section}.{name}", said or getattr(component, "label", None) or human_label(name))
        return component

    def extra(self, name: str, component: Any) -> Any:
        """A UI-only input every config-building handler also receives (by ``name``)."""
        if name in self.extras or any(f.name == name for f in self.fields):
            raise ValueError(f"form input {name!r} is defined twice")
        self.extras[name] = component
        return component

    def rule(self, fn: Callable[["Session", dict[str, Any], dict[str, dict[str, Any]]], None]) -> None:
        """``fn(session, values, groups)`` may edit ``groups`` (section -> changes) from extras."""
        self._rules.append(fn)

    def restorer(self, fn: Callable[["Session", RunConfig], dict]) -> None:
        """``fn(session, cfg)`` returns updates for extras when widgets are set from a config."""
        self._restorers.append(fn)

    # ---- using --------------------------------------------------------------------
    def inputs(self) -> dict[str, Any]:
        """Keyword inputs for an event: config field names and extras -> components."""
        return {**{f.name: f.component for f in self.fields}, **self.extras}

    def to_config(self, session: Session, values: dict[str, Any]) -> RunConfig:
        """The one function that turns widget values into the session's RunConfig."""
        groups: dict[str, dict[str, Any]] = {}
        for f in self.fields:
            if f.name in values:
                groups.setdefault(f.section, {})[f.name] = f.parse(values[f.name])
        for rule in self._rules:
            rule(session, values, groups)
        cfg = session.cfg.replace(**groups)
        session.cfg = cfg
        return cfg

    def restore(self, session: Session, cfg: RunConfig) -> dict:
        """Updates that set every widget to ``cfg`` (the inverse of :meth:`to_config`)."""
        session.cfg = cfg
        out: dict = {}
        for f in self.fields:
            value = getattr(getattr(cfg, f.section), f.name)
            choices = getattr(f.component, "choices", None)
            if choices is not None:
                known = [c[1] if isinstance(c, (tuple, list)) else c for c in choices]
                missing = [v for v in (value if isinstance(value, list) else [value]) if v not in known]
                # Choices and value travel together: a value-only update is checked against
                # whatever choices a handler gave this session since (the padding list of
                # another task, another table's columns) and may be refused on the next event.
                # Checkbox groups keep the loaded model's list unless the value needs more.
                if missing or not isinstance(f.component, gr.CheckboxGroup):
                    # e.g. a column name the dropdown only learns once the data is read
                    out[f.component] = gr.update(choices=[*choices, *[(str(v), v) for v in missing]], value=value)
                    continue
            out[f.component] = gr.update(value=value)
        for fn in self._restorers:
            out.update(fn(session, cfg))
        return out


def checked_config(form: Form, settings: AppSettings, session: Session, values: dict[str, Any]) -> Any:
    """The form's config, refused now (core.train.preflight) if a run with it would fail at
    once, could not learn from the data, or breaks the mode's limits; a local-mode warning
    (memory) is shown as a toast."""
    from core.train.preflight import preflight
    from core.train.queue import default_queue

    cfg = form.to_config(session, values)
    table = session.cache.table(cfg)  # the Data tab has read it already: cached
    for warning in preflight(cfg, settings.limits, table=table, freed_bytes=default_queue().running_bytes()):
        gr.Warning(html.escape(scrub_paths(warning), quote=False), title="Check the memory")
    return cfg


def refuse_remote_code(limits: Any, session: Session, values: dict[str, Any], groups: dict[str, dict]) -> None:
    """A form rule: the operator's remote-code policy holds for every handler that builds a
    config (the Model tab's load, the tokenizer preview...), not only for Start."""
    from core.train.limits import check_policy

    if groups.get("model", {}).get("trust_remote_code"):
        check_policy(session.cfg.replace(model={"trust_remote_code": True}), limits)


# --------------------------------------------------------------------------- small helpers
def explain(settings: AppSettings, text: str) -> gr.Accordion:
    """The collapsible plain-words explanation each tab starts with."""
    with gr.Accordion(EXPLAIN_TITLE, open=settings.workshop, elem_classes=["fts-explain"]) as acc:
        gr.Markdown(text)
    return acc


def section_title(text: str) -> gr.Markdown:
    return gr.Markdown(f"### {text}", elem_classes=["fts-section-title"])


def note(text: str, kind: Literal["info", "warn", "ok"] = "info") -> str:
    """A small coloured callout (HTML) for gr.HTML components."""
    import html

    return f'<div class="fts-note fts-note-{kind}">{html.escape(text)}</div>' if text else ""
