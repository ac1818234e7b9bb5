"""A corpus of bad inputs fed through the engine's real entry point (a Job, as the app and
the CLI run it): each ends as a failed run with a clear one-line message, nothing crashes,
and inputs that are merely awkward (empty cells, a tokenizer without a pad token, one
enormous row) are handled rather than refused. (The CLI's one-line errors: tests/core/test_cli.py;
settings refused by the config: tests/core/test_config.py.)"""

import json
import shutil

import pandas as pd
import pytest

from core.config import STARTER_TINY_GPT2, RunConfig
from core.train.job import Job

pytestmark = pytest.mark.slow  # trains real models

FAST = {"train": {"max_steps": 1, "eval_strategy": "no", "save_strategy": "no"}, "data": {"max_length": 32}}


def cfg(**sections):
    base = RunConfig().replace(**FAST)
    return base.replace(**sections) if sections else base


def csv(tmp, rows, name="d.csv"):
    p = tmp / name
    pd.DataFrame(rows).to_csv(p, index=False)
    return str(p)


def raw(tmp, name, data):
    p = tmp / name
    (p.write_bytes if isinstance(data, bytes) else p.write_text)(data)
    return str(p)


GOOD = [{"text": f"sample text number {i}", "label": "a" if i % 2 else "b"} for i in range(30)]

# (id, builder(tmp) -> RunConfig, expected message fragment)
FAILING = [
    ("empty file", lambda t: cfg(data={"path": raw(t, "e.csv", "")}), "is empty"),
    ("header only", lambda t: cfg(data={"path": raw(t, "h.csv", "text,label\n")}), "header but no data rows"),
    ("binary as csv", lambda t: cfg(data={"path": raw(t, "b.csv", b"\x00\x01\x02PK\x03\x04" * 50)}), "binary file"),
    ("non-utf8", lambda t: cfg(data={"path": raw(t, "l.csv", "text,label\n\xe9t\xe9,a\n".encode("latin-1"))}), "not UTF-8"),
    ("ragged csv", lambda t: cfg(data={"path": raw(t, "r.csv", "text,label\na,b\nc,d,e,f\n")}), "ragged rows"),
    ("json not records", lambda t: cfg(data={"path": raw(t, "j.json", '"just a string"')}), "list of records"),
    ("jsonl broken line", lambda t: cfg(data={"path": raw(t, "j.jsonl", '{"text": "a", "label": "x"}\n{"text": "b", "label": "y"}\n{oops\n')}), "line 3 is not valid JSON"),
    ("corrupt parquet", lambda t: cfg(data={"path": raw(t, "c.parquet", b"PAR1\x00garbage")}), "not a readable parquet"),
    ("missing file", lambda t: cfg(data={"path": str(t / "nope.csv")}), "not found"),
    ("unsupported type", lambda t: cfg(data={"path": raw(t, "x.xlsx", "x")}), "unsupported file type"),
    ("misnamed text column", lambda t: cfg(data={"path": csv(t, GOOD), "text_column": "review"}), "text column 'review' is not in the data"),
    ("misnamed label column", lambda t: cfg(data={"path": csv(t, GOOD), "label_column": "stars"}), "label column 'stars' is not in the data"),
    ("no label column", lambda t: cfg(data={"path": csv(t, [{"body": f"unique text {i}"} for i in range(30)])}), "could not find a label column"),
    ("one class", lambda t: cfg(data={"path": csv(t, [{"text": f"t{i}", "label": "same"} for i in range(30)])}), "only one class"),
    ("thousands of classes", lambda t: cfg(data={"path": csv(t, [{"text": f"t{i}", "label": f"c{i}"} for i in range(3000)]), "label_column": "label"}), "looks like free text"),
    ("all texts empty", lambda t: cfg(data={"path": csv(t, [{"text": None, "label": "a"}, {"text": "", "label": "b"}] * 5)}), "usable rows"),
    ("text equals label", lambda t: cfg(data={"path": csv(t, GOOD), "text_column": "label", "label_column": "label"}), "both 'label'"),
    ("template missing column", lambda t: cfg(model={"task": "causal-lm", "name_or_path": STARTER_TINY_GPT2}, adapter={"method": "full"},
                                              data={"path": "assets/data/quotes.csv", "template": "By {writer}: {quote}"}), "'writer'"),
    ("hub dataset offline", lambda t: cfg(data={"hub_dataset": "glue", "hub_config": "mrpc"}), "could not reach the Hugging Face Hub"),
    ("hub dataset bad id", lambda t: cfg(data={"hub_dataset": "no such/dataset!"}), "not a Hub dataset id"),
    ("hub model offline", lambda t: cfg(model={"name_or_path": "bert-base-uncased"}), "could not reach the Hugging Face Hub"),
    ("folder without config.json", lambda t: cfg(model={"name_or_path": str(t)}), "has no config.json"),
    ("model path is a file", lambda t: cfg(model={"name_or_path": raw(t, "m.bin", "x")}), "is a file"),
    ("unknown starter", lambda t: cfg(model={"name_or_path": "starter:gpt-17"}), "unknown starter"),
    ("max_length above positions", lambda t: cfg(model={"task": "causal-lm", "name_or_path": STARTER_TINY_GPT2}, adapter={"method": "full"},
                                                 data={"path": "assets/data/quotes.csv", "max_length": 1024}), "above this model's 256 positions"),
    ("lora targets absent", lambda t: cfg(adapter={"target_modules": ["q_proj", "v_proj"]}), "are not in this model"),
    ("bf16 without hardware", lambda t: cfg(train={"precision": "bf16"}), "bf16 needs a GPU"),
    ("fp16 without hardware", lambda t: cfg(train={"precision": "fp16"}), "fp16 needs a GPU"),
    ("validation labels unseen", lambda t: cfg(data={"path": csv(t, GOOD), "validation_path": csv(t, [{"text": "x", "label": "zzz"}], "v.csv")}), "do not occur in the training data"),
]

@pytest.mark.parametrize("case", FAILING, ids=[c[0] for c in FAILING])
def test_bad_input_fails_the_run_with_a_clear_message(case, tmp_path):
    name, build, fragment = case
    job = Job(build(tmp_path), run_dir=tmp_path / "run").run()
    assert job.status == "failed", name
    assert fragment in job.message, job.message
    assert "Traceback" not in job.message and len(job.message) < 400 and "\n" not in job.message


def test_upload_over_the_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("FTS_MAX_UPLOAD_MB", "0.001")
    job = Job(cfg(data={"path": csv(tmp_path, GOOD * 10)}), run_dir=tmp_path / "run").run()
    assert job.status == "failed" and "over the" in job.message and "FTS_MAX_UPLOAD_MB" in job.message


def test_qlora_where_bitsandbytes_cannot_run(tmp_path, monkeypatch):
    from core.model import methods

    monkeypatch.setattr(methods, "bitsandbytes_status", lambda: "bitsandbytes is not usable here (no backend)")
    job = Job(cfg(adapter={"method": "qlora"}), run_dir=tmp_path / "run").run()
    assert job.status == "failed" and "qlora is not available" in job.message and "Use lora instead" in job.message


def test_empty_cells_and_a_huge_row_are_handled(tmp_path):
    rows = GOOD + [{"text": None, "label": "a"}, {"text": "   ", "label": "b"}, {"text": "x " * 500_000, "label": "a"},
                   {"text": "fine", "label": None}]
    job = Job(cfg(data={"path": csv(tmp_path, rows)}), run_dir=tmp_path / "run").run()
    assert job.status == "finished", job.message
    assert any("3 rows with empty text or label dropped" in line for line in job.data_report)


def test_tokenizer_without_pad_token_is_handled(tmp_path):
    from core.model.starters import materialize_tiny_gpt2

    src = materialize_tiny_gpt2()
    folder = tmp_path / "nopad"
    shutil.copytree(src, folder)
    tc = json.loads((folder / "tokenizer_config.json").read_text())
    tc.pop("pad_token", None)
    (folder / "tokenizer_config.json").write_text(json.dumps(tc))
    tj = folder / "tokenizer.json"
    if tj.exists():
        t = json.loads(tj.read_text())
        t["padding"] = None
        tj.write_text(json.dumps(t))
    c = cfg(model={"task": "causal-lm", "name_or_path": str(folder)}, adapter={"method": "full"},
            data={"path": "assets/data/quotes.csv", "template": "Quote by {author}: {quote}", "max_rows": 40,
                  "padding": "dynamic"})
    job = Job(c, run_dir=tmp_path / "run").run()
    assert job.status == "finished", job.message
