"""Reading a data source: local files (csv, tsv, json, jsonl, parquet, txt; the bundled
sets in ``assets/data/`` are just local files) or a Hub dataset split, into a DataFrame.

Every problem raises :class:`DataError` with a message a person can act on ("line 7 of
x.jsonl is not valid JSON"), never a parser traceback.
"""
from __future__ import annotations

import json
import os
import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # heavy imports stay lazy
    import pandas as pd

from ..config import DataConfig

FILE_TYPES = (".csv", ".tsv", ".json", ".jsonl", ".parquet", ".txt")


class DataError(ValueError):
    """The data can't be used as given; the message says why and what to do."""


MB = 2**20  # the studio's megabyte, everywhere it shows a size: 1 MB = 1024 x 1024 bytes


def max_upload_bytes() -> int:
    return int(float(os.environ.get("FTS_MAX_UPLOAD_MB", "50")) * MB)


def megabytes(n_bytes: float) -> str:
    """'20 MB', '25.3 MB' (MB = 2**20 bytes, as FTS_MAX_UPLOAD_MB counts them)."""
    if n_bytes < 1024:
        return f"{int(n_bytes)} byte" + ("" if int(n_bytes) == 1 else "s")
    if n_bytes < MB / 10:
        return f"{n_bytes / 1024:.1f} KB"
    text = f"{n_bytes / MB:.1f}"
    return (text[:-2] if text.endswith(".0") else text) + " MB"


def check_data_file(path: Path, name: str, max_bytes: int | None = None, uploaded: bool = False) -> str:
    """Refuse a data file of the wrong type, over the size limit (``max_bytes``, default
    FTS_MAX_UPLOAD_MB) or empty, in words for a local file or an upload; returns its extension."""
    ext = Path(name).suffix.lower()
    if ext not in FILE_TYPES:
        raise DataError(f"{name}: unsupported file type {ext or '(none)'}; use one of {', '.join(FILE_TYPES)}")
    if uploaded and not path.is_file():
        raise DataError(f"{name}: the upload did not arrive; try again")
    size = path.stat().st_size
    limit = max_upload_bytes() if max_bytes is None else max_bytes
    if size > limit:
        raise DataError(f"{name} is {megabytes(size)}, over the {megabytes(limit)} "
                        + ("upload limit (the studio's operator sets it with FTS_MAX_UPLOAD_MB)" if uploaded
                           else "limit (FTS_MAX_UPLOAD_MB raises it)"))
    if size == 0:
        raise DataError(f"{name} is empty" + (" (0 bytes); choose a file with a header row and data rows"
                                              if uploaded else ""))
    return ext


def read_table(path: str | Path, max_bytes: int | None = None) -> "pd.DataFrame":
    """Read a local data file into a DataFrame of strings/numbers, or raise DataError."""
    import pandas as pd

    p = Path(path)
    name = p.name
    if not p.exists():
        raise DataError(f"data file not found: {path}")
    if p.is_dir():
        raise DataError(f"{path} is a folder; choose a data file ({', '.join(FILE_TYPES)})")
    ext = check_data_file(p, name, max_bytes)
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
        width = _check_overflow(text, sep, name)
        # index_col=False: a row with one field too many must not turn the first column into
        # the index (pandas' default), which shifts every column by one. Rows whose extra
        # fields are all empty (a trailing separator) are cut to the header's width.
        trim = {"engine": "python", "on_bad_lines": lambda row: row[:width]} if width else {"on_bad_lines": "error"}
        try:
            with warnings.catch_warnings():  # index_col=False warns about the empty trailing fields it drops
                warnings.simplefilter("ignore", pd.errors.ParserWarning)
                return pd.read_csv(io.StringIO(text), sep=sep, keep_default_na=True, index_col=False, **trim)
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


def _check_overflow(text: str, sep: str, name: str) -> int:
    """Refuse a row with more fields than the header. pandas reads such a file without a
    word when the first data row is the long one (the first column becomes the index and
    every value moves one column over), so the rows are counted here, quotes understood.
    Empty extra fields (a trailing separator) are harmless: then the header's width is
    returned, for the reader to cut such rows to; else 0."""
    import csv
    import io

    reader = csv.reader(io.StringIO(text), delimiter=sep)
    header: list[str] | None = None
    trailing = False
    try:
        for row in reader:
            if not row or (header is None and not any(c.strip() for c in row)):
                continue
            if header is None:
                header = row
                continue
            extra = row[len(header):]
            trailing = trailing or bool(extra)
            if any(c.strip() for c in extra):
                raise DataError(f"{name}: ragged rows: line {reader.line_num} has {len(row)} fields but the "
                                f"header has {len(header)}; check for unquoted separators "
                                f"({'tabs' if sep == chr(9) else 'commas'} inside a value need quotes)")
    except csv.Error:
        return 0  # a quoting problem: pandas' own parser reports it with its line
    return len(header) if trailing and header else 0


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
    from ..paths import PROJECT_ROOT

    p = Path(path).expanduser()
    if p.is_absolute() or p.exists():
        return p
    return PROJECT_ROOT / p


def bundled_datasets() -> dict[str, Path]:
    """Name -> file for the datasets shipped in assets/data/."""
    from ..paths import BUNDLED_DATA

    return {p.stem: p for p in sorted(BUNDLED_DATA.glob("*")) if p.suffix in FILE_TYPES}
