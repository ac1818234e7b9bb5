"""The data check: what is wrong with the rows before any training, in plain words.

"100 carefully labeled examples often beat 10,000 noisy ones." :func:`check_data` runs the
very preparation a run does (core.data.prepare.prepare_frames: same cleaning, same split)
and looks at the result. Each problem is a :class:`Finding` with a kind, a severity, a
count, a few examples, a message and, where one exists, a :class:`Fix` (a config change
such as ``data.drop_conflicts=true``, applied by the preparation and reported there).

Severities: ``blocker`` (training would be pointless; :func:`refuse_pointless` makes the
pre-flight refuse Start with the message), ``warning`` (worth fixing), ``info`` and
``done`` (what the preparation did to the data: the same findings the run's log shows).

Duplicates and leakage are found on a normalised key (lower case, punctuation dropped,
spacing collapsed), grouped with pandas: a 50,000-row file takes about a second without
the tokenizer, a few with it (the max_length finding).
"""
from __future__ import annotations

import json
import re
import threading
import time
from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # heavy imports stay lazy
    import pandas as pd

from ..config import RunConfig

Severity = Literal["blocker", "warning", "info", "done"]
SEVERITY_ORDER = ("blocker", "warning", "info", "done")

# Every kind of finding and its title (one registry; a test keeps the code in step with it).
KINDS = {
    "no_columns": "No usable text or label column",
    "too_few_rows": "Too few usable rows",
    "one_class": "Only one class",
    "too_many_classes": "More classes than the rows can teach",
    "unknown_validation_labels": "Validation labels the training rows lack",
    "no_validation": "No validation rows",
    "empty_rows": "Empty rows",
    "exact_duplicates": "Exact duplicates",
    "rows_limited": "Rows left out by max_rows",
    "near_duplicates": "Near-duplicates",
    "conflicting_labels": "The same text with different labels",
    "leakage": "Training rows also in validation",
    "leakage_exact": "Validation rows copied from training",
    "leakage_near": "Validation rows nearly copied from training",
    "class_imbalance": "Class imbalance",
    "truncated": "Rows longer than max_length",
    "short_rows": "Very short rows",
    "non_text": "Markup, encoded or binary content",
    "likely_mislabels": "Likely mislabels",
}
EXAMPLES = 5          # examples kept per finding
SHORT_CHARS = 3       # a text with fewer visible characters than this carries little signal
SKEWED = 3.0          # largest class / smallest class at which accuracy starts to mislead


@dataclass(frozen=True)
class Fix:
    """A fix that is one config change: ``sets`` maps ``section.field`` to its new value."""

    label: str
    sets: dict[str, Any]

    def apply(self, cfg: RunConfig) -> RunConfig:
        groups: dict[str, dict[str, Any]] = {}
        for key, value in self.sets.items():
            section, _, name = key.partition(".")
            groups.setdefault(section, {})[name] = value
        return cfg.replace(**groups)

    def cli(self) -> str:
        return " ".join(f"--set {k}={json.dumps(v) if isinstance(v, bool) else v}" for k, v in self.sets.items())


@dataclass
class Finding:
    kind: str
    severity: Severity
    count: int
    message: str
    examples: list[dict[str, Any]] = field(default_factory=list)
    fix: Fix | None = None

    @property
    def title(self) -> str:
        return KINDS[self.kind]

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "title": self.title}


def blocker(kind: str, message: str) -> Finding:
    return Finding(kind, "blocker", 1, message)


def done(kind: str, count: int, message: str) -> Finding:
    return Finding(kind, "done", count, message)


@dataclass
class CheckReport:
    source: str
    findings: list[Finding]
    n_train: int = 0
    n_validation: int = 0
    validation_from: str = ""
    seconds: float = 0.0

    @property
    def blockers(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "blocker"]

    def of(self, kind: str, severity: str | None = None) -> Finding | None:
        return next((f for f in self.findings if f.kind == kind and severity in (None, f.severity)), None)

    @property
    def fixes(self) -> list[Fix]:
        """One of each fix on offer (two findings may share one, e.g. exact and near leakage)."""
        out: dict[str, Fix] = {}
        for f in self.findings:
            if f.fix is not None:
                out.setdefault(json.dumps(f.fix.sets, sort_keys=True), f.fix)
        return list(out.values())

    def summary(self) -> str:
        counts = {s: sum(f.severity == s for f in self.findings) for s in SEVERITY_ORDER}
        if counts["blocker"]:
            return f"Training would be pointless: {self.blockers[0].message}"
        head = f"{self.n_train:,} training / {self.n_validation:,} validation rows ({self.validation_from})"
        found = ", ".join(f"{n} {s}{'s' if n != 1 and s != 'info' else ''}" for s, n in counts.items()
                          if n and s in ("warning", "info"))
        return f"{head}: " + (found if found else "no problems found") + f" · checked in {self.seconds:.1f} s"

    def lines(self) -> list[str]:
        out = [self.summary()]
        for f in self.findings:
            out.append(f"[{f.severity}] {f.title}: {f.message}")
            out += [f"    e.g. {_example_line(e)}" for e in f.examples[:3]]
            if f.fix is not None:
                out.append(f"    fix: {f.fix.label} ({f.fix.cli()})")
        return out

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "n_train": self.n_train, "n_validation": self.n_validation,
                "validation_from": self.validation_from, "seconds": round(self.seconds, 3),
                "summary": self.summary(), "findings": [f.as_dict() for f in self.findings]}


def _example_line(example: dict[str, Any]) -> str:
    return " · ".join(f"{k}: {_cut(v)}" for k, v in example.items())


def _cut(v: Any, n: int = 90) -> str:
    s = str(v).replace("\n", "⏎ ")
    return s if len(s) <= n else s[:n] + "…"


# --------------------------------------------------------------------------- keys
_NOT_WORD = re.compile(r"[\W_]+")  # any run of characters that are neither letters nor digits
_SPACE = re.compile(r"\s+")


def normalise(texts: "pd.Series") -> "pd.Series":
    """Lower case, punctuation and spacing collapsed to single spaces: "Great  product!!" ->
    "great product". (One compiled pattern over a list: pandas' string methods with a
    compiled pattern call it row by row and are several times slower.)"""
    import pandas as pd

    return pd.Series([_NOT_WORD.sub(" ", s.lower()).strip() for s in _strings(texts)], index=texts.index,
                     dtype=object)


def _strings(texts: "pd.Series") -> list[str]:
    """The column as a list of str (iterating an arrow-backed column row by row is slow)."""
    return [str(t) for t in texts.tolist()]


def key_series(frame: "pd.DataFrame", exact: bool = False) -> "pd.Series":
    """One key per row from its text (and second text): normalised, or the raw text."""
    key = frame["text"].astype(str) if exact else normalise(frame["text"])
    if "text_pair" in frame.columns:
        pair = frame["text_pair"].astype(str) if exact else normalise(frame["text_pair"])
        key = key + "\x1f" + pair
    return key


def near_duplicate_rows(frame: "pd.DataFrame", is_cls: bool, key: "pd.Series | None" = None) -> "pd.Index":
    """Rows that repeat an earlier row's normalised text (and label): all but the first."""
    key = key_series(frame) if key is None else key
    if is_cls:
        key = key + "\x1e" + frame["label"].astype(str)
    return frame.index[key.duplicated(keep="first").to_numpy()]


def conflict_rows(frame: "pd.DataFrame", key: "pd.Series | None" = None) -> "pd.Index":
    """Every row whose normalised text also occurs with a different label."""
    key = key_series(frame) if key is None else key
    n_labels = frame.groupby(key.to_numpy())["label"].transform("nunique")
    return frame.index[(n_labels > 1).to_numpy()]


# --------------------------------------------------------------------------- the check
def check_data(cfg: RunConfig, tokenizer: Any = None, max_length_cap: int = 0) -> CheckReport:
    """Every finding about ``cfg``'s data, blockers first. ``tokenizer`` enables the
    max_length finding; ``max_length_cap`` bounds the max_length its fix proposes (the
    model's positions, or a shared deployment's limit)."""
    from .prepare import prepare_frames

    t0 = time.perf_counter()
    frames = prepare_frames(cfg, tokenizer, strict=False)
    report = frames.report
    findings = list(report.findings)
    if not report.blockers:
        findings += analyse(frames, cfg, tokenizer, max_length_cap)
    findings.sort(key=lambda f: SEVERITY_ORDER.index(f.severity))
    return CheckReport(source=report.source, findings=findings, n_train=report.n_train,
                       n_validation=report.n_validation, validation_from=report.validation_from,
                       seconds=time.perf_counter() - t0)


def analyse(frames: Any, cfg: RunConfig, tokenizer: Any = None, max_length_cap: int = 0) -> list[Finding]:
    import pandas as pd

    train, val = frames.train.reset_index(drop=True), frames.validation.reset_index(drop=True)
    train_key, val_key = key_series(train), key_series(val)
    split_mode = not (cfg.data.validation_path.strip() or
                      (cfg.data.hub_dataset.strip() and cfg.data.hub_validation_split.strip()))
    # A split was made from one table: duplicates are looked for across both sides of it.
    table = pd.concat([train, val], ignore_index=True) if split_mode else train
    key = pd.concat([train_key, val_key], ignore_index=True) if split_mode else train_key
    out = [f for f in (_near_duplicates(table, frames.is_cls, key), _conflicts(table, key) if frames.is_cls else None,
                       *_leakage(train, val, train_key, val_key), _imbalance(train, frames.is_cls, frames.label_names),
                       _short_rows(table), _non_text(table)) if f is not None]
    if tokenizer is not None:
        found = truncation_finding(table, cfg, tokenizer, max_length_cap, frames.report.prompt_format)
        if found is not None:
            out.append(found)
    return out


def _rows(frame: "pd.DataFrame", index: Any, n: int = EXAMPLES) -> list[dict[str, Any]]:
    cols = [c for c in ("text", "text_pair", "label") if c in frame.columns]
    return frame.loc[index[:n], cols].to_dict("records")


def _first_rows(key: "pd.Series", keys: list[str]) -> dict[str, Any]:
    """The first row index of each of a few keys."""
    wanted, first = set(keys), {}
    for i, k in zip(key.index, key):
        if k in wanted and k not in first:
            first[k] = i
    return first


def _near_duplicates(table: "pd.DataFrame", is_cls: bool, key: "pd.Series") -> Finding | None:
    rows = near_duplicate_rows(table, is_cls, key)
    if not len(rows):
        return None
    first = _first_rows(key, list(key[rows[:EXAMPLES]]))
    examples = [{"text": table.at[r, "text"], "repeats": table.at[first[key[r]], "text"]} for r in rows[:EXAMPLES]]
    return Finding("near_duplicates", "warning", len(rows),
                   f"{len(rows)} rows repeat another row once case, spacing and punctuation are ignored: they "
                   "count twice in training and can sit on both sides of the split.",
                   examples, Fix(f"Drop the {len(rows)} near-duplicate rows", {"data.drop_near_duplicates": True}))


def _conflicts(table: "pd.DataFrame", key: "pd.Series") -> Finding | None:
    rows = conflict_rows(table, key)
    if not len(rows):
        return None
    sub, key = table.loc[rows], key[rows]
    n_texts = int(key.nunique())
    examples = [{"text": sub["text"][key == k].iloc[0], "labels": ", ".join(sorted(set(sub["label"][key == k])))}
                for k in key.unique()[:EXAMPLES]]
    return Finding("conflicting_labels", "warning", n_texts,
                   f"{n_texts} texts appear with different labels ({len(rows)} rows): the model is taught both "
                   "answers for the same input. Correct the labels in the file, or drop these rows.",
                   examples, Fix(f"Drop the {len(rows)} conflicting rows", {"data.drop_conflicts": True}))


def _leakage(train: "pd.DataFrame", val: "pd.DataFrame", train_near: "pd.Series",
             val_near: "pd.Series") -> list[Finding]:
    import numpy as np

    def among(keys: "pd.Series", others: "pd.Series") -> Any:
        seen = set(others.tolist())
        return np.fromiter((k in seen for k in keys.tolist()), dtype=bool, count=len(keys))

    exact = among(key_series(val, exact=True), key_series(train, exact=True))
    near = among(val_near, train_near) & ~exact
    n_train_rows = int(among(train_near, val_near).sum())
    fix = Fix(f"Drop the {n_train_rows} training rows that are in validation", {"data.drop_leaked": True})
    out = []
    for kind, mask, how in (("leakage_exact", exact, "also appear word for word in the training rows"),
                            ("leakage_near", near, "match training rows once case, spacing and punctuation are "
                                                   "ignored")):
        n = int(mask.sum())
        if n:
            out.append(Finding(kind, "warning", n, f"{n} of {len(val)} validation rows {how}: the validation score "
                               "then measures memory, not how the model does on new text.",
                               _rows(val, val.index[mask]), fix))
    return out


def _imbalance(train: "pd.DataFrame", is_cls: bool, label_names: list[str] | None) -> Finding | None:
    if not is_cls or not label_names:
        return None
    counts = train["label"].value_counts()
    big, small = counts.index[0], counts.index[-1]
    ratio = counts.iloc[0] / max(1, counts.iloc[-1])
    if ratio < 1.5:
        return None
    share = lambda n: f"{n / len(train):.0%}"  # noqa: E731
    msg = (f"The largest class ({big!r}, {share(counts.iloc[0])} of training rows) has {ratio:.1f}× the rows of the "
           f"smallest ({small!r}, {share(counts.iloc[-1])}).")
    examples = [{"label": k, "rows": int(v), "share": share(v)} for k, v in counts.items()][:8]
    if ratio < SKEWED:
        return Finding("class_imbalance", "info", len(counts), msg + " Mild: accuracy still means something.",
                       examples)
    f1 = ("F1 (the studio's F1 for two classes counts " f"{label_names[-1]!r} as the class to find)"
          if len(label_names) == 2 else "F1 (macro-averaged: every class counts the same)")
    return Finding("class_imbalance", "warning", len(counts),
                   msg + f" Always answering {big!r} already scores {counts.iloc[0] / len(train):.0%} accuracy: "
                         f"watch {f1} rather than accuracy.",
                   examples, Fix("Pick the best checkpoint by F1", {"train.metric_for_best_model": "f1"}))


def _short_rows(table: "pd.DataFrame") -> Finding | None:
    import numpy as np

    mask = np.asarray([len("".join(t.split())) < SHORT_CHARS for t in _strings(table["text"])], dtype=bool)
    n = int(mask.sum())
    if not n:
        return None
    return Finding("short_rows", "warning", n, f"{n} rows have fewer than {SHORT_CHARS} visible characters: "
                   "they carry almost nothing to learn from. Check that the text column is the right one.",
                   _rows(table, table.index[mask]))


_NON_TEXT = {
    "HTML markup": r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>|&(?:amp|lt|gt|nbsp|quot|#\d+);",
    "base64 or other encoded data": r"[A-Za-z0-9+/]{48,}={0,2}",
    "binary or broken characters": "[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]",
}
_ANY_NON_TEXT = re.compile("|".join(f"(?:{p})" for p in _NON_TEXT.values()))


def _non_text(table: "pd.DataFrame") -> Finding | None:
    import numpy as np

    texts = _strings(table["text"])
    if "text_pair" in table.columns:
        texts = [f"{a} {b}" for a, b in zip(texts, _strings(table["text_pair"]))]
    hits = np.asarray([_ANY_NON_TEXT.search(t) is not None for t in texts], dtype=bool)  # one pass for all kinds
    n = int(hits.sum())
    if not n:
        return None
    examples = []
    for t in (texts[i] for i in np.flatnonzero(hits)[:EXAMPLES]):
        what = next(w for w, p in _NON_TEXT.items() if re.search(p, t))
        examples.append({"text": t, "looks like": what})
    return Finding("non_text", "warning", n, f"{n} rows hold HTML markup, encoded data or binary characters: the "
                   "model learns the markup too. Strip it from the file (or keep it on purpose).", examples)


# --------------------------------------------------------------------------- max_length
# A token covers at least one byte of its text, so a row of B bytes has at most B tokens plus
# the special tokens (and a SentencePiece word marker): rows well under max_length in bytes
# cannot be cut, and only the others are tokenized (a 50,000-row file of short texts then
# costs almost nothing here).
SPECIAL_MARGIN = 16


def token_lengths(table: "pd.DataFrame", cfg: RunConfig, tokenizer: Any) -> "Any":
    """Untruncated token counts, encoded as training encodes them, for the rows that could be
    longer than max_length; the others get their byte count (a bound below max_length)."""
    import numpy as np

    texts = _strings(table["text"])
    pairs = _strings(table["text_pair"]) if "text_pair" in table.columns else None
    nbytes = np.asarray([len(t.encode("utf-8")) for t in texts]) + SPECIAL_MARGIN
    if pairs is not None:
        nbytes += np.asarray([len(t.encode("utf-8")) for t in pairs])
    lengths = nbytes.copy()
    todo = np.flatnonzero(nbytes > cfg.data.max_length)
    some = [texts[i] for i in todo]
    if cfg.model.task == "causal-lm":
        # The plain rendering of each row (core.data.chat.flat_row): a chat template's own tokens
        # come on top, which the Tokenize tab's exact per-row view and the run's alarms count.
        ids = tokenizer(some, truncation=False)["input_ids"] if some else []
    else:
        ids = tokenizer(some, [pairs[i] for i in todo] if pairs else None, truncation=False)["input_ids"] \
            if some else []
    lengths[todo] = [len(i) for i in ids]
    return lengths


def truncation_finding(table: "pd.DataFrame", cfg: RunConfig, tokenizer: Any, max_length_cap: int = 0,
                       fmt: str = "text") -> Finding | None:
    import numpy as np

    limit = cfg.data.max_length
    pair_prompts = None
    if fmt == "preference" and "row" in table.columns:  # DPO reads prompt + chosen, prompt + rejected
        from .pairs import pair_lengths

        counts = [pair_lengths(tokenizer, r) if isinstance(r, dict) else (0, 0, 0) for r in table["row"]]
        lengths, pair_prompts = np.asarray([max(c[1:]) for c in counts]), [c[0] for c in counts]
    else:
        lengths = token_lengths(table, cfg, tokenizer)
    long = lengths > limit
    n = int(long.sum())
    if not n:
        return None
    what = "their end is never seen"
    examples = [{"text": t, "tokens": int(k)} for t, k in zip(table["text"][long].head(EXAMPLES), lengths[long])]
    answers = "answer_start" in table.columns and bool((table["answer_start"] >= 0).any())
    if pair_prompts is not None:
        lost = sum(p >= limit for p, is_long in zip(pair_prompts, long) if is_long)
        what = "their answers are cut off" + (f" ({lost} lose both answers: DPO leaves them out)" if lost else "")
    elif answers:  # prompt/completion, instruction and chat rows: the answer is the text's end
        texts = table["text"][long].astype(str).tolist()
        starts = [int(x) for x in table["answer_start"][long]]
        prompts = tokenizer([t[:s] if s >= 0 else "" for t, s in zip(texts, starts)])["input_ids"]
        prompt_tokens = [len(p) if s >= 0 else 0 for p, s in zip(prompts, starts)]
        lost = sum(p >= limit for p in prompt_tokens)
        what = "their answers are cut off" + (f" ({lost} lose the whole answer)" if lost else "")
    cap = max_length_cap or int(getattr(tokenizer, "model_max_length", 0) or 0)
    cap = cap if 0 < cap < 10**6 else 131072
    p99 = float(np.percentile(lengths, 99))
    want = min(cap, int(-(-p99 // 16) * 16))  # 99 % of the rows, rounded up to a multiple of 16
    fix = Fix(f"Raise max_length to {want}", {"data.max_length": want}) if p99 > limit and want > limit else None
    fits = "99 % of the rows" if want >= p99 else f"more of them ({want} is the most allowed here)"
    severity: Severity = "warning" if n / len(lengths) >= 0.05 or answers else "info"
    return Finding("truncated", severity, n,
                   f"{n} of {len(lengths)} rows ({n / len(lengths):.0%}) are longer than max_length {limit} tokens "
                   f"(longest {int(lengths.max())}), so {what}." + (
                       f" max_length {want} would fit {fits}; longer batches cost time and memory." if fix else ""),
                   examples, fix)


# --------------------------------------------------------------------------- pre-flight
_BLOCKERS: "OrderedDict[str, list[Finding]]" = OrderedDict()
_BLOCKERS_LOCK = threading.Lock()


def pointless(cfg: RunConfig) -> list[Finding]:
    """The blockers of ``cfg``'s data (cached per data file and data settings, so the points
    of a sweep read the file once)."""
    from .prepare import prepare_frames
    from .table import source_key

    val = cfg.data.validation_path.strip()
    val_key = source_key(cfg.replace(data={"path": val, "hub_dataset": ""})) if val else ()
    key = json.dumps([source_key(cfg), val_key, cfg.to_dict()["data"], cfg.model.task], default=str, sort_keys=True)
    with _BLOCKERS_LOCK:
        if key in _BLOCKERS:
            return _BLOCKERS[key]
    found = prepare_frames(cfg, None, strict=False, split=False).report.blockers
    with _BLOCKERS_LOCK:
        _BLOCKERS[key] = found
        while len(_BLOCKERS) > 8:
            _BLOCKERS.popitem(last=False)
    return found


def refuse_pointless(cfg: RunConfig) -> None:
    """Raise DataError with the first blocker's message: called by the pre-flight, so Start
    is refused before a run folder exists."""
    from .sources import DataError

    found = pointless(cfg)
    if found:
        raise DataError(found[0].message)
