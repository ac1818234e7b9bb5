"""Previews for the studio's first tabs: what the data, model and a running job look like
*before* (and while) training, computed without starting a run.

* :class:`PreviewCache` keeps what the Data, Model, Tokenize and Method tabs load (the
  table, tokenizer, prepared splits, token lengths, the un-adapted base model), keyed by
  the config fields each depends on, so moving a slider never reloads a model. One cache
  lives in each browser session; it holds at most one table, tokenizer and model.
* :func:`store_upload` copies a user's file into the workspace's upload folder, refusing
  unsupported types, empty files and files over :func:`core.data.max_upload_bytes`.
* :func:`table_preview` reads a source and finds column roles, label counts and (causal
  LM) the template in force with one rendered row, reporting role problems instead of
  raising so the user can fix them in place.
* :func:`curve_rows`, :func:`event_line`, :func:`progress_view` and :func:`status_payload`
  turn a :meth:`core.training.Job.snapshot` into chart rows, log lines, progress numbers
  and the JSON a poller reads.

Pure Python: no gradio; torch/transformers/datasets are imported inside functions (via
the core modules that need them).
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import STARTER_MINILM, STARTER_TINY_GPT2, RunConfig
from .data import (FILE_TYPES, ColumnRoles, DataError, _label_str, detect_roles, effective_format,
                   format_rows, format_template, max_upload_bytes, read_source, sorted_labels)
from .paths import confine, safe_child, uploads_dir

if TYPE_CHECKING:  # heavy imports stay lazy
    import pandas as pd

PREVIEW_ROWS = 8


# --------------------------------------------------------------------------- uploads
def safe_filename(name: str) -> str:
    """A plain file name from whatever a browser sent ('../x y.csv' -> 'x_y.csv')."""
    base = Path(name.replace("\\", "/")).name
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._") or "upload"
    ext = re.sub(r"[^A-Za-z0-9]+", "", ext).lower()
    return f"{stem[:80]}.{ext}" if ext else stem[:80]


def store_upload(src: str | Path, session: str, original_name: str | None = None,
                 extra_roots: list[Path] | None = None) -> Path:
    """Copy an uploaded file to ``uploads/<session>/<name>`` and return the copy.

    ``src`` is where the web framework put the upload; it must lie in an allowed folder
    (``extra_roots`` adds the framework's temp folder). Raises DataError for a wrong type,
    an empty or oversize file, PathError for a path outside the allowed folders."""
    from .paths import allowed_roots

    roots = allowed_roots() + [Path(r).resolve() for r in (extra_roots or [])]
    path = confine(src, roots=roots, what="uploaded file")
    name = safe_filename(original_name or path.name)
    ext = Path(name).suffix.lower()
    if ext not in FILE_TYPES:
        raise DataError(f"{name}: unsupported file type {ext or '(none)'}; use one of {', '.join(FILE_TYPES)}")
    if not path.is_file():
        raise DataError(f"{name}: the upload did not arrive; try again")
    size = path.stat().st_size
    limit = max_upload_bytes()
    if size > limit:
        raise DataError(f"{name} is {size / 1e6:.1f} MB, over the {limit / 1e6:.0f} MB upload limit "
                        "(FTS_MAX_UPLOAD_MB raises it)")
    if size == 0:
        raise DataError(f"{name} is empty (0 bytes); choose a file with a header row and data rows")
    folder = safe_child(uploads_dir(), session, "session id")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if path != target.resolve():
        shutil.copyfile(path, target)
    return target


def project_relative(path: str | Path) -> str:
    """``assets/data/x.csv`` for files inside the project (what a config stores), else the
    absolute path."""
    from .paths import PROJECT_ROOT

    p = Path(path).resolve()
    try:
        return str(p.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(p)


# --------------------------------------------------------------------------- data
@dataclass
class TablePreview:
    """What the Data tab shows about a source."""

    source: str
    n_rows: int
    columns: list[str]
    head: "pd.DataFrame"
    roles: ColumnRoles
    roles_error: str = ""
    label_counts: dict[str, int] = field(default_factory=dict)
    prompt_format: str = "text"
    template: str = ""
    rendered: str = ""
    template_error: str = ""

    @property
    def summary(self) -> str:
        cols = ", ".join(self.columns)
        return f"{self.n_rows:,} rows · {len(self.columns)} columns ({cols}) · from {self.source}"


def source_name(cfg: RunConfig) -> str:
    d = cfg.data
    if d.hub_dataset.strip():
        return f"hub:{d.hub_dataset.strip()}" + (f"/{d.hub_config.strip()}" if d.hub_config.strip() else "") \
            + f" [{d.hub_split.strip() or 'train'}]"
    return Path(d.path).name


def source_key(cfg: RunConfig) -> tuple:
    """Identifies the training table: the file (and its modification time) or the Hub split."""
    from .data import resolve_data_path

    d = cfg.data
    if d.hub_dataset.strip():
        return ("hub", d.hub_dataset.strip(), d.hub_config.strip(), d.hub_split.strip())
    p = resolve_data_path(d.path) if d.path.strip() else Path("")
    try:
        mtime = p.stat().st_mtime_ns
    except OSError:
        mtime = 0
    return ("file", str(p), mtime)


def label_counts(df: "pd.DataFrame", label: str) -> dict[str, int]:
    """Rows per class, in the order training uses (numeric labels sorted as numbers)."""
    if not label or label not in df.columns:
        return {}
    values = df[label].dropna().map(_label_str)
    values = values[values.str.strip() != ""]
    counts = values.value_counts()
    return {name: int(counts[name]) for name in sorted_labels(values)}


def label_names(df: "pd.DataFrame", roles: ColumnRoles) -> list[str]:
    return list(label_counts(df, roles.label))


def table_preview(cfg: RunConfig, df: "pd.DataFrame", tokenizer: Any = None) -> TablePreview:
    """Roles, label counts and (causal LM) template for a table already read."""
    task = cfg.model.task
    columns = [str(c) for c in df.columns]
    preview = TablePreview(source=source_name(cfg), n_rows=len(df), columns=columns,
                           head=df.head(PREVIEW_ROWS), roles=ColumnRoles(text=""))
    try:
        preview.roles = detect_roles(df, cfg.data, task)
    except DataError as exc:
        preview.roles_error = str(exc)
        try:  # keep whatever else can be found so the dropdowns are useful
            blank = dataclasses.replace(cfg.data, label_column="", text_column="", text_pair_column="")
            preview.roles = detect_roles(df, blank, "causal-lm")
        except DataError:
            pass
    if task == "sequence-classification":
        preview.label_counts = label_counts(df, preview.roles.label)
        return preview
    preview.prompt_format = effective_format(cfg.data, columns)
    preview.template = format_template(cfg.data, columns)
    preview.rendered, preview.template_error = render_first(cfg, df, preview.roles.text, tokenizer)
    return preview


def render_first(cfg: RunConfig, df: "pd.DataFrame", text_column: str, tokenizer: Any = None,
                 row: int = 0) -> tuple[str, str]:
    """(training text of one real row, error message) for causal LM formatting."""
    if len(df) == 0:
        return "", "the table has no rows"
    fmt = effective_format(cfg.data, [str(c) for c in df.columns])
    if fmt == "text" and text_column not in df.columns:
        return "", "choose the text column"
    if fmt == "chat" and tokenizer is None:
        return "", "the chat format uses the model's own chat template: load the model to see it"
    try:
        return format_rows(df.iloc[[min(row, len(df) - 1)]], cfg.data, text_column, tokenizer)[0], ""
    except DataError as exc:
        return "", str(exc)
    except Exception as exc:  # a tokenizer's chat template can fail in many ways
        return "", f"could not render the row: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}"


def suggest_template(columns: list[str], text_column: str) -> str:
    """A starting template naming every column, the text column last (what gets generated):
    quote,author -> 'author: {author}\\nquote: {quote}'."""
    others = [c for c in columns if c != text_column]
    lines = [f"{c}: {{{c}}}" for c in others] + ([f"{text_column}: {{{text_column}}}"] if text_column else [])
    return "\n".join(lines)


# --------------------------------------------------------------------------- cache
class PreviewCache:
    """Per-session memo of the expensive things the preview tabs need.

    Each slot holds one value and the key it was computed for; a different key replaces
    it. Thread-safe: a timer tick and a button click may run at the same time."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._slots: dict[str, tuple[Any, Any]] = {}

    def __deepcopy__(self, memo: dict) -> "PreviewCache":
        # A session's initial value is deep-copied by the web framework; a copy starts empty
        # (models are never duplicated, and locks cannot be copied).
        return PreviewCache()

    def clear(self) -> None:
        with self._lock:
            self._slots.clear()

    def _get(self, slot: str, key: Any, build: Any) -> Any:
        with self._lock:
            held = self._slots.get(slot)
            if held is not None and held[0] == key:
                return held[1]
            self._slots.pop(slot, None)  # free the old value before building the new one
            value = build()
            self._slots[slot] = (key, value)
            return value

    def peek(self, slot: str) -> Any:
        with self._lock:
            held = self._slots.get(slot)
            return held[1] if held else None

    # ---- the slots ------------------------------------------------------------------
    def table(self, cfg: RunConfig) -> "pd.DataFrame":
        return self._get("table", source_key(cfg), lambda: read_source(cfg.data))

    @staticmethod
    def _tokenizer_key(cfg: RunConfig) -> tuple:
        m = cfg.model
        return (m.name_or_path, m.task, m.revision, m.trust_remote_code)

    def tokenizer(self, cfg: RunConfig) -> Any:
        from .models import load_tokenizer

        return self._get("tokenizer", self._tokenizer_key(cfg), lambda: load_tokenizer(cfg))

    def prepared(self, cfg: RunConfig) -> Any:
        """The cleaned, split data exactly as training will see it."""
        from .data import prepare

        key = (source_key(cfg), json.dumps(cfg.to_dict()["data"], sort_keys=True), cfg.model.task,
               cfg.train.seed, self._tokenizer_key(cfg))
        return self._get("prepared", key, lambda: prepare(cfg, self.tokenizer(cfg)))

    def lengths(self, cfg: RunConfig) -> list[int]:
        """Untruncated token lengths of the training split."""
        from .tokenizing import lengths_of

        prepared = self.prepared(cfg)
        key = (id(prepared), self._tokenizer_key(cfg), cfg.data.add_eos)
        return self._get("lengths", key, lambda: lengths_of(prepared.train, self.tokenizer(cfg), cfg))

    def base_model(self, cfg: RunConfig, labels: list[str] | None) -> tuple[Any, Any]:
        """(model, ModelInfo) without the method applied: the Model and Method tabs' view."""
        from .models import load_model

        m = cfg.model
        key = (m.name_or_path, m.task, m.dtype, m.revision, m.trust_remote_code, m.attn_implementation,
               tuple(labels or ()))

        def build() -> tuple[Any, Any]:
            tok = self.tokenizer(cfg)
            # The length check in load_model is about training; the preview loads any model.
            probe = cfg.replace(data={"max_length": 8})
            return load_model(probe, labels if m.task == "sequence-classification" else None, tok, apply=False)

        return self._get("model", key, build)

    def loaded_model(self) -> tuple[Any, Any] | None:
        return self.peek("model")


def model_labels(cache: PreviewCache, cfg: RunConfig) -> list[str] | None:
    """Label names for loading a classification model: from the prepared training split
    (what the job uses), else None for causal LM."""
    if cfg.model.task != "sequence-classification":
        return None
    return list(cache.prepared(cfg).label_names or [])


def example_rows(prepared: Any, limit: int | None = None) -> int:
    return len(prepared.train) if limit is None else min(len(prepared.train), limit)


def example_text(prepared: Any, index: int) -> tuple[str, str | None, str]:
    """(text, text_pair, label name) of training row ``index`` (clamped)."""
    n = len(prepared.train)
    row = prepared.train[max(0, min(int(index), n - 1))]
    label = ""
    if "label" in row and prepared.label_names:
        label = prepared.label_names[int(row["label"])]
    return row["text"], row.get("text_pair") or None, label


# --------------------------------------------------------------------------- job views


def curve_rows(events: list[dict[str, Any]], task: str) -> list[dict[str, Any]]:
    """Long-format rows (step, value, series) for a line chart: train loss, eval loss and,
    for classification, eval accuracy. The baseline evaluation is the point at step 0."""
    rows: list[dict[str, Any]] = []
    seen_final = False
    for ev in events:
        kind = ev.get("type")
        step = ev.get("step", 0)
        if kind == "train" and _finite(ev.get("loss")):
            rows.append({"step": step, "value": float(ev["loss"]), "series": "train loss"})
        elif kind == "eval":
            if ev.get("final"):
                if seen_final:
                    continue
                seen_final = True
                # The final evaluation repeats the last in-training one at the same step.
                if any(r["step"] == step and r["series"] == "eval loss" for r in rows):
                    continue
            if _finite(ev.get("eval_loss")):
                rows.append({"step": step, "value": float(ev["eval_loss"]), "series": "eval loss"})
            if task == "sequence-classification" and _finite(ev.get("eval_accuracy")):
                rows.append({"step": step, "value": float(ev["eval_accuracy"]), "series": "eval accuracy"})
    return rows


def _finite(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _num(v: Any, digits: int = 4) -> str:
    if not _finite(v):
        return "–"
    return f"{v:.{digits}f}"


def memory_line(summary: dict[str, Any]) -> str:
    """'memory: peak 1,461 MB measured · 1,174 MB estimated before training (0.80x)'."""
    peak, est = summary.get("peak_memory_mb"), summary.get("estimated_peak_mb")
    if not peak:
        return ""
    line = f"memory: peak {peak:,.0f} MB measured ({summary.get('device') or 'this machine'})"
    if est:
        line += f" · {est:,.0f} MB estimated before training ({est / peak:.2f}×)"
    return line


def event_line(ev: dict[str, Any]) -> str:
    """One log line for an event: 'step 10 · loss 0.6523 · lr 4.5e-04'."""
    step = ev.get("step", 0)
    kind = ev.get("type")
    if kind == "train":
        parts = [f"step {step}", f"loss {_num(ev.get('loss'))}"]
        if _finite(ev.get("learning_rate")):
            parts.append(f"lr {ev['learning_rate']:.1e}")
        if _finite(ev.get("grad_norm")):
            parts.append(f"grad norm {ev['grad_norm']:.2f}")
        if _finite(ev.get("tokens_per_second")):
            parts.append(f"{ev['tokens_per_second']:,.0f} tokens/s")
        return " · ".join(parts)
    if kind == "eval":
        what = "baseline (before training)" if ev.get("baseline") else \
            "final evaluation" if ev.get("final") else f"evaluation at step {step}"
        metrics = [f"{k[5:]} {_num(v)}" for k, v in ev.items()
                   if k.startswith("eval_") and _finite(v) and k != "eval_steps_per_second"]
        return f"{what}: " + " · ".join(metrics)
    if kind == "summary":
        return f"training loop done at step {step}"
    return json.dumps(ev)


def format_duration(seconds: Any) -> str:
    """'0:07', '3:25', '1:02:09'; '–' when unknown."""
    if not _finite(seconds) or seconds < 0:
        return "–"
    s = int(round(seconds))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


PHASES = {
    "queued": "waiting for the trainer",
    "running": "training",
    "stopping": "stopping: saving a checkpoint at the end of this step",
    "stopped": "stopped",
    "finished": "finished",
    "failed": "failed",
}


def progress_view(snapshot: dict[str, Any]) -> dict[str, Any]:
    """Numbers for a progress bar from a job snapshot."""
    p = snapshot.get("progress", {})
    status = snapshot.get("status", "")
    step, total = int(p.get("step") or 0), int(p.get("max_steps") or 0)
    phase = PHASES.get(status, status)
    if status == "running" and not total:
        phase = "preparing: reading data, tokenizing, loading the model, measuring the baseline"
    fraction = (step / total) if total else (1.0 if status == "finished" else 0.0)
    if status == "finished":
        fraction = 1.0
    tps = p.get("tokens_per_second")
    return {"status": status, "phase": phase, "step": step, "max_steps": total, "fraction": min(1.0, fraction),
            "elapsed": format_duration(p.get("elapsed_s")) if p.get("started") else "–",
            "eta": format_duration(p.get("eta_s")) if status == "running" and total else "–",
            "tokens_per_second": f"{tps:,.0f}" if _finite(tps) else "–"}


def status_payload(snapshot: dict[str, Any] | None, position: int = -1, task: str = "") -> dict[str, Any]:
    """The JSON a poller reads: status, step, max_steps, baseline and final metrics."""
    if snapshot is None:
        return {"status": "idle", "run": None, "step": 0, "max_steps": 0, "baseline": {}, "final": {},
                "message": "", "queue_position": -1, "curve": []}
    p = snapshot.get("progress", {})
    return {"status": snapshot.get("status"), "run": snapshot.get("name"), "step": int(p.get("step") or 0),
            "max_steps": int(p.get("max_steps") or 0), "baseline": dict(snapshot.get("baseline") or {}),
            "final": dict(snapshot.get("final") or {}), "message": snapshot.get("message", ""),
            "queue_position": position, "n_events": snapshot.get("n_events", 0),
            "elapsed_s": p.get("elapsed_s"), "eta_s": p.get("eta_s"),
            "tokens_per_second": p.get("tokens_per_second"),
            "curve": curve_rows(snapshot.get("events", []), task) if task else []}


def metric_summary(baseline: dict[str, Any], final: dict[str, Any], task: str) -> str:
    """'accuracy 0.512 → 0.857 · loss 0.693 → 0.402' (before → after) for the headline
    metrics; just the baseline values ('accuracy 0.512 · loss 0.693') before the end."""
    keys = ["eval_accuracy", "eval_f1", "eval_loss"] if task == "sequence-classification" \
        else ["eval_loss", "eval_perplexity"]
    parts = []
    for k in keys:
        b, f = baseline.get(k), final.get(k)
        digits = 1 if k == "eval_perplexity" else 3
        if _finite(b) and _finite(f):
            parts.append(f"{k[5:]} {b:.{digits}f} → {f:.{digits}f}")
        elif _finite(b):
            parts.append(f"{k[5:]} {b:.{digits}f}")
    return " · ".join(parts)


# --------------------------------------------------------------------------- models
STARTER_TASKS = {STARTER_MINILM: "sequence-classification", STARTER_TINY_GPT2: "causal-lm"}


def default_model(task: str) -> str:
    """The offline starter made for ``task``."""
    return next(name for name, t in STARTER_TASKS.items() if t == task)


def model_choices(task: str) -> list[tuple[str, str]]:
    """(label, value) pairs for a model picker: the task's starter first, then the other
    starter, then well-known Hub models for the task (those need internet)."""
    from .models import HUB_SUGGESTIONS, STARTERS

    starters = sorted(STARTERS, key=lambda n: STARTER_TASKS.get(n) != task)
    out = [(f"{n.split(':', 1)[1]} (offline starter)", n) for n in starters]
    return out + [(f"{n} (Hub, needs internet)", n) for n in HUB_SUGGESTIONS.get(task, [])]


def looks_local(name: str) -> bool:
    p = Path(name).expanduser()
    return not name.startswith("starter:") and (p.is_absolute() or name.startswith((".", "~")) or p.exists())


def check_model_source(name: str) -> None:
    """A local model folder must lie inside the folders the studio may read."""
    if looks_local(name.strip()):
        confine(Path(name.strip()).expanduser(), what="model folder")


def model_facts(info: Any) -> list[tuple[str, str]]:
    """(label, value) rows describing a loaded model (ModelInfo)."""
    from .models import human_count

    facts = [("Architecture", info.architecture), ("Model type", info.model_type),
             ("Parameters", f"{human_count(info.total_params)} ({info.total_params:,})"),
             ("Weights dtype", info.dtype),
             ("Max positions", f"{info.max_positions:,} tokens" if info.max_positions else "not fixed"),
             ("Starting point", "random weights (from scratch)" if info.from_scratch else "pretrained weights")]
    return facts


# --------------------------------------------------------------------------- run plan
def timing_key(cfg: RunConfig) -> str:
    """The settings a step's duration depends on (model, method, data and batching, precision;
    not the learning rate, epochs or schedule): a timing stays valid while these match."""
    import json

    c = cfg.to_dict()
    t = c["train"]
    batching = {k: t[k] for k in ("per_device_train_batch_size", "gradient_accumulation_steps", "precision",
                                  "gradient_checkpointing", "torch_threads")}
    return json.dumps([c["model"], c["adapter"], c["quant"], c["data"], batching], sort_keys=True, default=str)


def run_plan(cfg: RunConfig, n_rows: int, seconds_per_step: float | None = None) -> list[str]:
    """What pressing Start will do, with the arithmetic spelled out (estimates: empty and
    duplicate rows are dropped only when the run prepares the data). With
    ``seconds_per_step`` (timed for these settings), the training time too."""
    from .estimate import duration

    d, t = cfg.data, cfg.train
    n = min(n_rows, d.max_rows) if d.max_rows else n_rows
    has_val = bool(d.validation_path or (d.hub_dataset.strip() and d.hub_validation_split.strip()))
    n_train = n if has_val else n - max(1, round(n * d.test_size))
    per_step = t.per_device_train_batch_size * t.gradient_accumulation_steps
    per_epoch = max(1, math.ceil(n_train / per_step))
    if t.max_steps > 0:
        steps = t.max_steps
        length = f"**{steps} steps** (max_steps; {steps / per_epoch:.1f} epochs)"
    else:
        steps = math.ceil(per_epoch * t.num_train_epochs)
        length = f"{per_epoch} steps per epoch × {t.num_train_epochs:g} epochs = **{steps} steps**"
    batch = f"{t.per_device_train_batch_size}" + (f" × {t.gradient_accumulation_steps} accumulated"
                                                   if t.gradient_accumulation_steps > 1 else "")
    evals = {"no": "never during training", "epoch": "at the end of every epoch",
             "steps": f"every {t.eval_steps} steps"}[t.eval_strategy]
    saves = {"no": "no checkpoints (Stop then cannot resume)", "epoch": "a checkpoint every epoch",
             "steps": f"a checkpoint every {t.save_steps} steps"}[t.save_strategy]
    return [f"{cfg.model.name_or_path.removeprefix('starter:')} · {cfg.adapter.method} · "
            f"{source_name(cfg)}",
            f"about {n_train:,} training rows / batch {batch} ≈ {length}",
            f"learning rate {t.learning_rate:g} ({t.lr_scheduler_type}, warmup {t.warmup_ratio:.0%}), seed {t.seed}",
            f"baseline evaluation first, then evaluate {evals}; {saves}"] + (
        [f"about {duration(seconds_per_step * steps)} of training ({seconds_per_step:.2f} s per step × {steps}, "
         "timed with these settings)"] if seconds_per_step else [])
