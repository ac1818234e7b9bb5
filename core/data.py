"""Data: read a source, find the column roles, format text, clean, split.

Sources are a local file (csv, tsv, json, jsonl, parquet, txt; the bundled sets in
``assets/data/`` are just local files), or a Hub dataset id read with
``datasets.load_dataset``. Every problem raises :class:`DataError` with a message a
person can act on ("line 7 of x.jsonl is not valid JSON"), never a parser traceback.

The output of :func:`prepare` is two ``datasets.Dataset`` splits with standard columns:
``text`` (and ``text_pair``) plus an integer ``label`` for classification, or a
formatted ``text`` for causal LM.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import DataConfig, RunConfig

if TYPE_CHECKING:  # heavy imports stay lazy
    import pandas as pd
    from datasets import Dataset

FILE_TYPES = (".csv", ".tsv", ".json", ".jsonl", ".parquet", ".txt")
MAX_CLASSES = 200
TEXT_NAMES = ("text", "sentence", "sentence1", "review", "content", "quote", "question", "question1",
              "premise", "document", "body", "input", "prompt", "horoscope", "tweet", "comment")
PAIR_NAMES = ("text_pair", "sentence2", "text2", "question2", "hypothesis", "second_text")
LABEL_NAMES = ("label", "labels", "class", "target", "sentiment", "category", "y", "gold_label")
INSTRUCTION_TEMPLATE = "### Instruction:\n{instruction}\n\n### Response:\n{response}"
_FIELD = re.compile(r"\{(\w+)\}")


class DataError(ValueError):
    """The data can't be used as given; the message says why and what to do."""


def max_upload_bytes() -> int:
    return int(float(os.environ.get("FTS_MAX_UPLOAD_MB", "50")) * 1024 * 1024)


# --------------------------------------------------------------------------- reading
def read_table(path: str | Path, max_bytes: int | None = None) -> "pd.DataFrame":
    """Read a local data file into a DataFrame of strings/numbers, or raise DataError."""
    import pandas as pd

    p = Path(path)
    name = p.name
    if not p.exists():
        raise DataError(f"data file not found: {path}")
    if p.is_dir():
        raise DataError(f"{path} is a folder; choose a data file ({', '.join(FILE_TYPES)})")
    ext = "".join(p.suffixes[-1:]).lower()
    if ext not in FILE_TYPES:
        raise DataError(f"{name}: unsupported file type {ext or '(none)'}; use one of {', '.join(FILE_TYPES)}")
    size = p.stat().st_size
    limit = max_upload_bytes() if max_bytes is None else max_bytes
    if size > limit:
        raise DataError(f"{name} is {size / 1e6:.1f} MB, over the {limit / 1e6:.0f} MB limit "
                        "(FTS_MAX_UPLOAD_MB raises it)")
    if size == 0:
        raise DataError(f"{name} is empty")
    if ext == ".parquet":
        try:
            df = pd.read_parquet(p)
        except Exception as exc:  # pyarrow raises several types for corrupt files
            raise DataError(f"{name} is not a readable parquet file ({type(exc).__name__}: "
                            f"{str(exc).splitlines()[0][:120]})") from None
    else:
        raw = p.read_bytes()
        if b"\x00" in raw[:8192]:
            raise DataError(f"{name} looks like a binary file, not {ext[1:]} text")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DataError(f"{name} is not UTF-8 text (byte 0x{raw[exc.start]:02x} at position {exc.start}); "
                            "re-save it as UTF-8") from None
        if not text.strip():
            raise DataError(f"{name} is empty")
        df = _parse_text(text, ext, name)
    if len(df.columns) == 0:
        raise DataError(f"{name} has no columns")
    if len(df) == 0:
        raise DataError(f"{name} has a header but no data rows")
    df.columns = [str(c).strip() for c in df.columns]
    return df


def _parse_text(text: str, ext: str, name: str) -> "pd.DataFrame":
    import io

    import pandas as pd

    if ext in (".csv", ".tsv"):
        sep = "\t" if ext == ".tsv" else ","
        try:
            return pd.read_csv(io.StringIO(text), sep=sep, on_bad_lines="error", keep_default_na=True)
        except pd.errors.EmptyDataError:
            raise DataError(f"{name} is empty") from None
        except pd.errors.ParserError as exc:
            m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
            if m:
                raise DataError(f"{name}: ragged rows: line {m.group(2)} has {m.group(3)} fields but the "
                                f"header has {m.group(1)}; check for unquoted separators") from None
            raise DataError(f"{name} is not valid {ext[1:].upper()}: {str(exc).splitlines()[0][:160]}") from None
    if ext == ".json":
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DataError(f"{name} is not valid JSON (line {exc.lineno}: {exc.msg})") from None
        return _records_frame(obj, name)
    if ext == ".jsonl":
        rows = []
        for i, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(f"{name}: line {i} is not valid JSON ({exc.msg})") from None
            if not isinstance(row, dict):
                raise DataError(f"{name}: line {i} is a {type(row).__name__}, expected an object like "
                                '{"text": ..., "label": ...}')
            rows.append(row)
        return _records_frame(rows, name)
    # .txt: one example per non-blank line
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return pd.DataFrame({"text": lines})


def _records_frame(obj: Any, name: str) -> "pd.DataFrame":
    import pandas as pd

    if isinstance(obj, dict):
        for key in ("data", "rows", "records", "train"):
            if isinstance(obj.get(key), list):
                obj = obj[key]
                break
    if isinstance(obj, dict) and obj and all(isinstance(v, list) for v in obj.values()):
        lengths = {len(v) for v in obj.values()}
        if len(lengths) != 1:
            raise DataError(f"{name}: column lists have different lengths {sorted(lengths)}")
        return pd.DataFrame(obj)
    if not isinstance(obj, list) or not obj:
        raise DataError(f"{name} must hold a non-empty list of records like "
                        '[{"text": "...", "label": "..."}], got ' + type(obj).__name__)
    bad = next((i for i, r in enumerate(obj) if not isinstance(r, dict)), None)
    if bad is not None:
        raise DataError(f"{name}: item {bad} is a {type(obj[bad]).__name__}, expected a record (object) "
                        'like {"text": "...", "label": "..."}')
    return pd.DataFrame.from_records(obj)


def read_hub(dataset_id: str, config: str = "", split: str = "train") -> "pd.DataFrame":
    """Load one split of a Hub dataset as a DataFrame; offline or unknown ids raise DataError."""
    if not re.fullmatch(r"[\w.\-]+(/[\w.\-]+)?", dataset_id or ""):
        raise DataError(f"{dataset_id!r} is not a Hub dataset id (expected 'name' or 'owner/name')")
    try:
        import datasets
    except ImportError as exc:  # pragma: no cover
        raise DataError(f"the datasets library is missing: {exc}") from None
    try:
        ds = datasets.load_dataset(dataset_id, config or None, split=split)
    except Exception as exc:  # the hub raises many types; translate them all
        raise DataError(hub_error_message("dataset", dataset_id, exc)) from None
    return ds.to_pandas()


def hub_error_message(kind: str, repo_id: str, exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    low = text.lower()
    offline = os.environ.get("HF_HUB_OFFLINE") in ("1", "true", "yes") or any(
        s in low for s in ("offline", "connection", "resolve", "network", "timed out", "max retries",
                           "name or service", "temporary failure", "couldn't reach", "cannot reach"))
    if offline:
        return (f"could not reach the Hugging Face Hub to fetch {kind} {repo_id!r} (no internet or "
                "HF_HUB_OFFLINE=1); use a bundled dataset or an offline starter, or a local file/folder")
    if any(s in low for s in ("not found", "doesn't exist", "does not exist", "404", "repositorynotfound")):
        return f"{kind} {repo_id!r} was not found on the Hugging Face Hub; check the spelling"
    if any(s in low for s in ("401", "403", "gated", "unauthorized", "authentication")):
        return f"{kind} {repo_id!r} needs you to log in or accept its terms on the Hub"
    first = text.splitlines()[0][:200]
    return f"could not load {kind} {repo_id!r} from the Hub: {first}"


def read_source(data: DataConfig) -> "pd.DataFrame":
    """The training table from the config's source (Hub id wins over path when set)."""
    if data.hub_dataset.strip():
        return read_hub(data.hub_dataset.strip(), data.hub_config.strip(), data.hub_split.strip() or "train")
    if not data.path.strip():
        raise DataError("no data chosen: set data.path to a file or data.hub_dataset to a Hub id")
    return read_table(resolve_data_path(data.path))


def read_validation(data: DataConfig) -> "pd.DataFrame | None":
    if data.hub_dataset.strip() and data.hub_validation_split.strip():
        return read_hub(data.hub_dataset.strip(), data.hub_config.strip(), data.hub_validation_split.strip())
    if data.validation_path.strip():
        return read_table(resolve_data_path(data.validation_path))
    return None


def resolve_data_path(path: str) -> Path:
    """Relative paths are taken from the current folder, then from the project folder
    (so ``assets/data/sentiment.csv`` works from anywhere)."""
    from .paths import PROJECT_ROOT

    p = Path(path).expanduser()
    if p.is_absolute() or p.exists():
        return p
    return PROJECT_ROOT / p


def bundled_datasets() -> dict[str, Path]:
    """Name -> file for the datasets shipped in assets/data/."""
    from .paths import BUNDLED_DATA

    return {p.stem: p for p in sorted(BUNDLED_DATA.glob("*")) if p.suffix in FILE_TYPES}


# --------------------------------------------------------------------------- roles
@dataclass
class ColumnRoles:
    text: str
    text_pair: str = ""
    label: str = ""


def _is_text_column(s: "pd.Series") -> bool:
    return s.dtype == object or str(s.dtype).startswith("str")


def detect_roles(df: "pd.DataFrame", data: DataConfig, task: str) -> ColumnRoles:
    """Pick text / second text / label columns; explicit config values win and are checked."""
    cols = list(df.columns)
    lower = {c.lower(): c for c in cols}

    def check(name: str, what: str) -> str:
        if name and name not in cols:
            raise DataError(f"{what} column {name!r} is not in the data; columns are: {', '.join(cols)}")
        return name

    label = check(data.label_column.strip(), "label")
    text = check(data.text_column.strip(), "text")
    pair = check(data.text_pair_column.strip(), "second text")

    if task == "sequence-classification" and not label:
        label = next((lower[n] for n in LABEL_NAMES if n in lower), "")
        if not label:
            candidates = [c for c in cols if c != text and 1 < df[c].nunique(dropna=True) <= min(MAX_CLASSES, max(2, len(df) // 3))]
            label = candidates[-1] if candidates else ""
        if not label:
            raise DataError(f"could not find a label column; columns are: {', '.join(cols)}. "
                            "Set data.label_column")
    if not text:
        text = next((lower[n] for n in TEXT_NAMES if n in lower and lower[n] != label), "")
        if not text:
            string_cols = [c for c in cols if c != label and _is_text_column(df[c])]
            if string_cols:
                text = max(string_cols, key=lambda c: df[c].astype(str).str.len().mean())
        if not text:
            raise DataError(f"could not find a text column; columns are: {', '.join(cols)}. "
                            "Set data.text_column")
    if task == "sequence-classification" and not pair and not data.text_column.strip():
        pair = next((lower[n] for n in PAIR_NAMES if n in lower and lower[n] not in (text, label)), "")
    if label and label == text:
        raise DataError(f"text and label columns are both {text!r}; choose different columns")
    return ColumnRoles(text=text, text_pair=pair, label=label)


# --------------------------------------------------------------------------- templates
def template_fields(template: str) -> list[str]:
    return _FIELD.findall(template)


def render_template(template: str, row: dict[str, Any]) -> str:
    """Fill ``{column}`` fields from a row; other braces are left alone."""
    missing = [f for f in template_fields(template) if f not in row]
    if missing:
        raise DataError(f"template names column(s) {', '.join(repr(m) for m in missing)} that the data "
                        f"does not have; columns are: {', '.join(map(str, row))}")
    return _FIELD.sub(lambda m: _as_text(row[m.group(1)]), template)


def prompt_part(template: str) -> str:
    """The template up to its last field: what a user types to get the rest generated
    ('Quote by {author}: {quote}' -> 'Quote by {author}:')."""
    fields = list(_FIELD.finditer(template))
    if not fields:
        return template
    return template[: fields[-1].start()].rstrip(" ") if len(fields) > 1 else template[: fields[-1].start()]


def _as_text(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return str(v)


def effective_format(data: DataConfig, columns: list[str]) -> str:
    """Resolve prompt_format=auto: template if one is given, instruction if the columns are
    there, else the plain text column."""
    if data.prompt_format != "auto":
        return data.prompt_format
    if data.template.strip():
        return "template"
    if data.instruction_column in columns and data.response_column in columns:
        return "instruction"
    return "text"


def format_template(data: DataConfig, columns: list[str]) -> str:
    """The template string in force for causal LM formatting ('' for chat)."""
    fmt = effective_format(data, columns)
    if fmt == "template":
        return data.template
    if fmt == "instruction":
        return INSTRUCTION_TEMPLATE.replace("{instruction}", "{" + data.instruction_column + "}") \
            .replace("{response}", "{" + data.response_column + "}")
    return ""


def format_rows(df: "pd.DataFrame", data: DataConfig, text_column: str, tokenizer: Any = None) -> list[str]:
    """Training texts for causal LM, one per row."""
    cols = list(df.columns)
    fmt = effective_format(data, cols)
    records = df.to_dict("records")
    if fmt == "text":
        return [_as_text(r[text_column]) for r in records]
    if fmt == "chat":
        if tokenizer is None or not getattr(tokenizer, "chat_template", None):
            raise DataError("prompt_format is chat but this model's tokenizer has no chat template; "
                            "use instruction or template instead")
        for c in (data.instruction_column, data.response_column):
            if c not in cols:
                raise DataError(f"chat format needs column {c!r}; columns are: {', '.join(cols)}")
        return [tokenizer.apply_chat_template(
            [{"role": "user", "content": _as_text(r[data.instruction_column])},
             {"role": "assistant", "content": _as_text(r[data.response_column])}], tokenize=False)
            for r in records]
    template = format_template(data, cols)
    return [render_template(template, r) for r in records]


# --------------------------------------------------------------------------- prepare
@dataclass
class DataReport:
    source: str
    rows_read: int = 0
    empty_dropped: int = 0
    duplicates_dropped: int = 0
    rows_limited: int = 0
    n_train: int = 0
    n_validation: int = 0
    validation_from: str = "split"
    prompt_format: str = "text"
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"{self.rows_read} rows read from {self.source}"]
        if self.empty_dropped:
            out.append(f"{self.empty_dropped} rows with empty text or label dropped")
        if self.duplicates_dropped:
            out.append(f"{self.duplicates_dropped} duplicate rows dropped")
        if self.rows_limited:
            out.append(f"{self.rows_limited} rows left out by data.max_rows")
        out.append(f"{self.n_train} training / {self.n_validation} validation rows ({self.validation_from})")
        return out + self.notes


@dataclass
class PreparedData:
    train: "Dataset"
    validation: "Dataset"
    roles: ColumnRoles
    label_names: list[str] | None
    report: DataReport
    template: str = ""

    @property
    def num_labels(self) -> int:
        return len(self.label_names or [])


def clean(df: "pd.DataFrame", needed: list[str]) -> tuple["pd.DataFrame", int, int]:
    """Drop rows whose needed cells are empty/None/NaN, then exact duplicates (on the
    needed columns). Returns the frame and both counts."""
    n0 = len(df)
    df = df.dropna(subset=needed)
    for c in needed:
        df = df[df[c].astype(str).str.strip() != ""]
    n1 = len(df)
    df = df.drop_duplicates(subset=needed)
    return df.reset_index(drop=True), n0 - n1, n1 - len(df)


def _label_str(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def prepare(cfg: RunConfig, tokenizer: Any = None) -> PreparedData:
    """Read, detect roles, clean, format and split the data for ``cfg``."""
    from datasets import ClassLabel, Dataset

    data, task = cfg.data, cfg.model.task
    df = read_source(data)
    source = (f"hub:{data.hub_dataset}" + (f"/{data.hub_config}" if data.hub_config else "")
              if data.hub_dataset.strip() else Path(data.path).name)
    report = DataReport(source=source, rows_read=len(df))
    val_df = read_validation(data)
    is_cls = task == "sequence-classification"
    fmt = "text" if is_cls else effective_format(data, list(df.columns))
    report.prompt_format = fmt

    if is_cls or fmt == "text":
        roles = detect_roles(df, data, task)
    else:
        roles = ColumnRoles(text="")
    template = "" if is_cls else format_template(data, list(df.columns))

    def standardise(frame: "pd.DataFrame", which: str) -> "pd.DataFrame":
        import pandas as pd

        for c in (roles.text, roles.text_pair, roles.label):
            if c and c not in frame.columns:
                raise DataError(f"{which} data has no column {c!r}; columns are: {', '.join(map(str, frame.columns))}")
        if is_cls:
            out = pd.DataFrame({"text": frame[roles.text].map(_as_text)})
            if roles.text_pair:
                out["text_pair"] = frame[roles.text_pair].map(_as_text)
            out["label"] = frame[roles.label].map(lambda v: None if v is None or (isinstance(v, float) and math.isnan(v)) else _label_str(v))
            return out
        return pd.DataFrame({"text": format_rows(frame, data, roles.text, tokenizer)})

    std = standardise(df, "training")
    needed = list(std.columns)
    std, empty, dups = clean(std, needed)
    report.empty_dropped, report.duplicates_dropped = empty, dups
    if data.max_rows and len(std) > data.max_rows:
        report.rows_limited = len(std) - data.max_rows
        std = std.head(data.max_rows)
    if len(std) < 4:
        raise DataError(f"only {len(std)} usable rows after dropping empty and duplicate rows; need at least 4")

    label_names = None
    if is_cls:
        label_names = sorted_labels(std["label"])
        if len(label_names) < 2:
            raise DataError(f"label column {roles.label!r} has only one class ({label_names[0]!r}); "
                            "classification needs at least two")
        if len(label_names) > MAX_CLASSES:
            raise DataError(f"label column {roles.label!r} has {len(label_names)} distinct values "
                            f"(limit {MAX_CLASSES}); it looks like free text, not class labels. "
                            "Set data.label_column")

    train_ds = Dataset.from_pandas(std, preserve_index=False)
    if is_cls:
        train_ds = train_ds.cast_column("label", ClassLabel(names=label_names))
    if val_df is not None:
        val_std, _, _ = clean(standardise(val_df, "validation"), needed)
        if is_cls:
            unknown = sorted(set(val_std["label"]) - set(label_names))
            if unknown:
                raise DataError(f"validation labels {unknown[:5]} do not occur in the training data")
        val_ds = Dataset.from_pandas(val_std, preserve_index=False)
        if is_cls:
            val_ds = val_ds.cast_column("label", ClassLabel(names=label_names))
        report.validation_from = "validation file" if not data.hub_dataset else f"split {data.hub_validation_split}"
    else:
        n_val = max(1, round(len(train_ds) * data.test_size))
        stratify = "label" if is_cls and _can_stratify(std["label"], n_val) else None
        split = train_ds.train_test_split(test_size=data.test_size, seed=cfg.train.seed,
                                          stratify_by_column=stratify)
        train_ds, val_ds = split["train"], split["test"]
        report.validation_from = f"{data.test_size:.0%} split, seed {cfg.train.seed}" + (
            ", stratified" if stratify else "")
    if len(val_ds) == 0:
        raise DataError("the validation split is empty; add rows or raise data.test_size")
    report.n_train, report.n_validation = len(train_ds), len(val_ds)
    return PreparedData(train=train_ds, validation=val_ds, roles=roles, label_names=label_names,
                        report=report, template=template)


def sorted_labels(labels: "pd.Series") -> list[str]:
    uniq = sorted(set(labels))
    try:
        return sorted(uniq, key=lambda s: float(s))
    except ValueError:
        return uniq


def _can_stratify(labels: "pd.Series", n_val: int) -> bool:
    counts = labels.value_counts()
    return counts.min() >= 2 and n_val >= len(counts)
