"""The data check (core/data/check.py): planted duplicates, conflicts and leaked rows are found
exactly and the one-flag fixes remove them; data that makes training pointless is refused
before a run folder exists; imbalance, short rows, markup and truncation are reported with
their fixes; a 50,000-row file is checked in seconds; the exported script applies the same fixes.
(Likely mislabels after a real run: tests/core/results/test_mislabels.py.)"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import time

import pandas as pd
import pytest

from core.config import RunConfig
from core.data.check import KINDS, check_data, normalise
from core.data.prepare import prepare
from core.data.sources import DataError, read_table
from core.paths import PROJECT_ROOT as ROOT  # the repository root
from core.train.preflight import preflight

SENTIMENT = ROOT / "assets" / "data" / "sentiment.csv"
FLIP = {"positive": "negative", "negative": "positive"}


def warnings_of(report) -> dict[str, int]:
    return {f.kind: f.count for f in report.findings if f.severity in ("warning", "blocker")}


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """The bundled sentiment set split into a training and a validation file, with 3 exact
    duplicates, 2 conflicting labels and 2 near-duplicates added to training, and 3 rows copied
    (plus 1 nearly copied) from training into validation."""
    folder = tmp_path_factory.mktemp("planted")
    df = pd.read_csv(SENTIMENT)
    train, val = df.iloc[80:].copy(), df.iloc[:80].copy()
    dups = train.iloc[0:3]
    conflicts = train.iloc[3:5].assign(label=lambda f: f["label"].map(FLIP))
    near = train.iloc[5:7].assign(text=lambda f: "  " + f["text"].str.upper().str.rstrip(".") + " !!")
    leaked, near_leak = train.iloc[10:13], train.iloc[13:14].assign(text=lambda f: f["text"].str.lower() + "...")
    pd.concat([train, dups, conflicts, near]).sample(frac=1, random_state=0).to_csv(folder / "train.csv", index=False)
    pd.concat([val, leaked, near_leak]).to_csv(folder / "val.csv", index=False)
    cfg = RunConfig().replace(data={"path": str(folder / "train.csv"), "validation_path": str(folder / "val.csv")})
    return cfg, {"conflicts": set(conflicts["text"]), "leaked": set(leaked["text"]) | set(near_leak["text"])}


def test_the_check_finds_exactly_the_planted_problems_and_the_fixes_remove_them(planted):
    cfg, texts = planted
    report = check_data(cfg)
    assert warnings_of(report) == {"near_duplicates": 2, "conflicting_labels": 2, "leakage_exact": 3,
                                   "leakage_near": 1}, report.lines()
    assert report.of("exact_duplicates", "done").count == 3  # the preparation drops these itself
    assert report.of("conflicting_labels").examples[0]["labels"] == "negative, positive"
    assert {e["text"] for e in report.of("leakage_exact").examples} <= texts["leaked"]
    assert "--set data.drop_leaked=true" in report.of("leakage_exact").fix.cli()

    fixed = cfg
    for fix in report.fixes:  # what one click on every fix button does
        fixed = fix.apply(fixed)
    assert (fixed.data.drop_near_duplicates, fixed.data.drop_conflicts, fixed.data.drop_leaked) == (True,) * 3
    after = check_data(fixed)
    assert warnings_of(after) == {}, after.lines()
    prepared = prepare(fixed)
    train_keys = set(normalise(pd.Series(prepared.train["text"])))
    assert not train_keys & set(normalise(pd.Series(sorted(texts["conflicts"] | texts["leaked"]))))
    lines = prepared.report.lines()
    for fragment in ("3 duplicate rows dropped", "2 near-duplicate rows dropped", "4 rows whose text also has another "
                     "label dropped", "4 training rows that are also in the validation rows dropped"):
        assert any(fragment in line for line in lines), lines
    assert prepared.report.n_train == report.n_train - 2 - 4 - 4


def test_the_bundled_set_is_clean_and_near_duplicates_across_a_split_are_found(tmp_path):
    assert warnings_of(check_data(RunConfig())) == {}
    df = pd.read_csv(SENTIMENT)
    copies = df.iloc[:40].assign(text=lambda f: f["text"].str.lower().str.replace(".", "!", regex=False))
    pd.concat([df, copies]).to_csv(tmp_path / "d.csv", index=False)
    report = check_data(RunConfig().replace(data={"path": str(tmp_path / "d.csv")}))
    found = warnings_of(report)
    assert found["near_duplicates"] == 40 and found.get("leakage_near", 0) > 0, report.lines()
    fixed = check_data(report.of("near_duplicates").fix.apply(RunConfig().replace(data={"path": str(tmp_path / "d.csv")})))
    assert warnings_of(fixed) == {}


def _csv(tmp_path, rows, name="d.csv") -> str:
    pd.DataFrame(rows).to_csv(tmp_path / name, index=False)
    return str(tmp_path / name)


POINTLESS = [
    ("one class", lambda t: {"path": _csv(t, [{"text": f"row {i}", "label": "same"} for i in range(30)])},
     "only one class"),
    ("no usable text", lambda t: {"path": _csv(t, [{"text": " ", "label": i % 2} for i in range(30)])}, "usable rows"),
    ("far more classes than rows", lambda t: {"path": _csv(t, [{"text": f"row {i}", "label": f"c{i % 25}"}
                                                                for i in range(30)])}, "25 classes for 30 rows"),
    ("no validation rows", lambda t: {"path": _csv(t, [{"text": f"row {i}", "label": i % 2} for i in range(30)]),
                                      "validation_path": _csv(t, [{"text": "", "label": 1}] * 3, "v.csv")},
     "validation split is empty"),
    ("no text column", lambda t: {"path": _csv(t, [{"n": i, "label": i % 2} for i in range(30)])},
     "could not find a text column"),
]


@pytest.mark.parametrize("case", POINTLESS, ids=[c[0] for c in POINTLESS])
def test_pointless_data_is_refused_before_a_run_folder_exists(case, tmp_path):
    from core.paths import runs_dir

    name, data, fragment = case
    cfg = RunConfig().replace(data=data(tmp_path))
    before = set(runs_dir().iterdir())
    with pytest.raises(DataError, match=re.escape(fragment)):
        preflight(cfg)
    assert set(runs_dir().iterdir()) == before
    report = check_data(cfg)
    assert report.blockers and fragment in report.blockers[0].message and "pointless" in report.summary()


def test_the_cli_refuses_to_train_on_pointless_data_in_one_line(tmp_path):
    path = _csv(tmp_path, [{"text": f"row {i}", "label": "same"} for i in range(30)])
    ws = tmp_path / "ws"
    env = {**__import__("os").environ, "FTS_WORKSPACE": str(ws)}
    r = subprocess.run([sys.executable, "-m", "core", "train", "--quiet", "--set", f"data.path={path}"], cwd=ROOT,
                       env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 2 and r.stderr.strip().splitlines()[-1].startswith("error: label column 'label' has only "
                                                                             "one class")
    assert not (ws / "runs").exists() or not any((ws / "runs").iterdir())
    r = subprocess.run([sys.executable, "-m", "core", "check", "--no-tokenizer", "--json", "--set",
                        f"data.path={path}"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 2, r.stderr
    out = json.loads(r.stdout)
    assert out["findings"][0]["kind"] == "one_class" and out["findings"][0]["severity"] == "blocker"


def test_imbalance_short_rows_and_non_text(tmp_path):
    rows = [{"text": f"a perfectly ordinary sentence number {i}", "label": "common"} for i in range(90)]
    rows += [{"text": f"rare example {i}", "label": "rare"} for i in range(10)]
    rows += [{"text": "ok", "label": "common"}, {"text": "!", "label": "rare"},
             {"text": "<p>great <b>value</b></p>", "label": "common"},
             {"text": "data " + "QUJDRGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY3ODkwKw" * 2, "label": "rare"},
             {"text": "broken \ufffd\ufffd characters", "label": "common"}]
    cfg = RunConfig().replace(data={"path": _csv(tmp_path, rows), "test_size": 0.1})
    report = check_data(cfg)
    found = warnings_of(report)
    assert found == {"class_imbalance": 2, "short_rows": 2, "non_text": 3}, report.lines()
    imbalance = report.of("class_imbalance")
    assert "'rare' as the class to find" in imbalance.message and "rather than accuracy" in imbalance.message
    assert imbalance.fix.apply(cfg).train.metric_for_best_model == "f1"
    kinds = {e["looks like"] for e in report.of("non_text").examples}
    assert kinds == {"HTML markup", "base64 or other encoded data", "binary or broken characters"}


def test_rows_over_max_length_and_instruction_answers_cut_off():
    from core.model.load import load_tokenizer

    cfg = RunConfig().replace(data={"max_length": 32})
    report = check_data(cfg, load_tokenizer(cfg))
    cut = report.of("truncated")
    assert cut.severity == "warning" and "their end is never seen" in cut.message, cut.message
    assert cut.fix.apply(cfg).data.max_length == cut.fix.sets["data.max_length"] > 32
    assert check_data(cfg, load_tokenizer(cfg), max_length_cap=40).of("truncated").fix.sets["data.max_length"] == 40

    causal = RunConfig().replace(model={"task": "causal-lm", "name_or_path": "starter:tiny-gpt2"},
                                 adapter={"method": "full"}, data={"path": "assets/data/instructions.jsonl",
                                                                    "max_length": 24})
    cut = check_data(causal, load_tokenizer(causal)).of("truncated")
    assert cut is not None and "their answers are cut off" in cut.message, cut.message


def test_a_50000_row_file_is_checked_in_seconds(tmp_path):
    rng = random.Random(0)
    words = "good bad great awful fine product movie phone service slow fast cheap broken love hate".split()
    rows = [{"text": " ".join(rng.choices(words, k=rng.randint(4, 20))) + f" {i}", "label": f"c{i % 5}"}
            for i in range(50_000)]
    path = _csv(tmp_path, rows)
    # A simple reference in the same process: read the file and normalise every text once.
    t0 = time.perf_counter()
    df = read_table(path)
    normalise(df["text"]).duplicated().sum()
    reference = time.perf_counter() - t0
    t0 = time.perf_counter()
    report = check_data(RunConfig().replace(data={"path": path}))
    took = time.perf_counter() - t0
    assert report.n_train == 40_000 and not report.blockers
    assert took < max(15 * reference, 5.0) and took < 120, (took, reference)


def test_every_finding_kind_is_registered():
    sources = {p: (ROOT / "core" / p).read_text() for p in ("data/check.py", "data/prepare.py", "results/mislabels.py")}
    text = "".join(sources.values())
    used = set(re.findall(r'(?:Finding|done|blocker|stop)\(\s*"([a-z_]+)"', text))
    assert used and used <= set(KINDS), used - set(KINDS)
    registry_end = sources["data/check.py"].index("EXAMPLES =")
    rest = sources["data/check.py"][registry_end:] + sources["data/prepare.py"] + sources["results/mislabels.py"]
    unused = [k for k in KINDS if f'"{k}"' not in rest]
    assert not unused, unused


@pytest.mark.parametrize("split", [False, True], ids=["validation file", "split"])
def test_the_exported_script_drops_the_same_rows(planted, split, tmp_path):
    from core.results.codegen import render_script

    cfg, _ = planted
    if split:  # one table: the fixes run before the split, the leak fix after it
        pd.concat([pd.read_csv(cfg.data.path), pd.read_csv(cfg.data.validation_path)]).to_csv(tmp_path / "all.csv",
                                                                                               index=False)
        cfg = cfg.replace(data={"path": str(tmp_path / "all.csv"), "validation_path": ""})
    fixed = cfg.replace(data={"drop_near_duplicates": True, "drop_conflicts": True, "drop_leaked": True})
    script = render_script(fixed)
    assert "norm_key" not in render_script(cfg)  # nothing extra when no fix is on
    head = script[: script.index("# --- 1. Model source")]
    data = script[script.index("# --- 3. Data"): script.index("# --- 4. Tokenization")]
    space: dict = {}
    exec(head + data, space)  # the script's own reading, cleaning, fixes and split
    prepared = prepare(fixed)
    assert list(space["train_ds"]["text"]) == list(prepared.train["text"])
    assert list(space["val_ds"]["text"]) == list(prepared.validation["text"])
    assert len(space["train_ds"]) < len(prepare(cfg).train)
