"""Data sources, column roles, templates, cleaning and splits."""

import json

import pandas as pd
import pytest

from core.config import RunConfig
from core.data.formats import prompt_part, render_template
from core.data.prepare import prepare
from core.data.roles import detect_roles
from core.data.sources import DataError, bundled_datasets, read_table


def write(tmp_path, name, content, mode="w"):
    p = tmp_path / name
    if mode == "wb":
        p.write_bytes(content)
    else:
        p.write_text(content, encoding="utf-8")
    return p


ROWS = [{"text": f"review number {i} " + "good " * (i % 5), "label": "pos" if i % 2 else "neg"} for i in range(40)]


@pytest.mark.parametrize("ext", ["csv", "tsv", "json", "jsonl", "parquet"])
def test_every_file_type_reads_the_same_rows(tmp_path, ext):
    df = pd.DataFrame(ROWS)
    p = tmp_path / f"d.{ext}"
    if ext == "csv":
        df.to_csv(p, index=False)
    elif ext == "tsv":
        df.to_csv(p, index=False, sep="\t")
    elif ext == "json":
        p.write_text(json.dumps(ROWS))
    elif ext == "jsonl":
        p.write_text("\n".join(json.dumps(r) for r in ROWS))
    else:
        df.to_parquet(p)
    got = read_table(p)
    assert list(got.columns) == ["text", "label"]
    assert got["text"].tolist() == df["text"].tolist()


def test_txt_is_one_example_per_line(tmp_path):
    p = write(tmp_path, "d.txt", "first line\n\nsecond line\n")
    assert read_table(p)["text"].tolist() == ["first line", "second line"]


@pytest.mark.parametrize("name,content,mode,message", [
    ("empty.csv", "", "w", "is empty"),
    ("header.csv", "text,label\n", "w", "header but no data rows"),
    ("binary.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "wb", "binary file"),
    ("latin.csv", "text,label\ncaf\xe9 ok,pos\n".encode("latin-1"), "wb", "not UTF-8"),
    ("ragged.csv", "text,label\na,b\nc,d,e\n", "w", "line 3 has 3 fields"),
    ("obj.json", '{"a": 1}', "w", "list of records"),
    ("scalars.json", "[1, 2, 3]", "w", "expected a record"),
    ("broken.jsonl", '{"text": "a", "label": 1}\n{"text": "b", "label": \n', "w", "line 2 is not valid JSON"),
    ("bad.parquet", b"PAR1 definitely not parquet", "wb", "not a readable parquet"),
    ("notes.docx", "x", "w", "unsupported file type"),
])
def test_bad_files_give_clear_messages(tmp_path, name, content, mode, message):
    p = write(tmp_path, name, content, mode)
    with pytest.raises(DataError, match=message):
        read_table(p)


def test_upload_limit(tmp_path):
    p = write(tmp_path, "big.csv", "text,label\n" + "x,y\n" * 1000)
    with pytest.raises(DataError, match="over the"):
        read_table(p, max_bytes=100)


def test_roles_detected_on_bundled_sets():
    sets = bundled_datasets()
    cfg = RunConfig()
    roles = detect_roles(read_table(sets["sentiment"]), cfg.data, "sequence-classification")
    assert (roles.text, roles.label, roles.text_pair) == ("text", "label", "")
    roles = detect_roles(read_table(sets["paraphrase"]), cfg.data, "sequence-classification")
    assert (roles.text, roles.text_pair, roles.label) == ("sentence1", "sentence2", "label")


def test_roles_can_be_overridden_and_are_checked():
    df = pd.DataFrame({"review": ["a b", "c d"], "stars": [1, 2], "other": ["x", "y"]})
    cfg = RunConfig().replace(data={"text_column": "other", "label_column": "stars"})
    roles = detect_roles(df, cfg.data, "sequence-classification")
    assert (roles.text, roles.label) == ("other", "stars")
    with pytest.raises(DataError, match="label column 'nope' is not in the data"):
        detect_roles(df, RunConfig().replace(data={"label_column": "nope"}).data, "sequence-classification")


def test_a_one_column_text_file_is_missing_its_label_not_its_text(tmp_path):
    """A 2-line .txt for classification: the only column stays the text (guessing a label
    from the contents must not take it) and the message names the real problems."""
    from core.data.table import table_preview

    txt = tmp_path / "two.txt"
    txt.write_text("I love this\nthis is awful\n")
    df = read_table(txt)
    with pytest.raises(DataError) as e:
        detect_roles(df, RunConfig().data, "sequence-classification")
    assert "label" in str(e.value) and "only one column (text)" in str(e.value)
    assert "could not find a text column" not in str(e.value)
    cfg = RunConfig().replace(data={"path": str(txt)})
    pv = table_preview(cfg, df)
    assert pv.roles.text == "text" and pv.roles.label == ""
    assert "label" in pv.roles_error and "only 2 rows" in pv.roles_error and "at least 4" in pv.roles_error
    # ... and as causal LM the same file only lacks rows
    causal = table_preview(cfg.replace(model={"task": "causal-lm"}), df)
    assert causal.roles.text == "text" and causal.roles_error == "only 2 rows: a run needs at least 4"
    # a column of distinct values is not a label, however few rows
    two = pd.DataFrame({"body": ["x y", "z w"], "tag": ["a", "b"]})
    with pytest.raises(DataError, match="choose the Label column"):
        detect_roles(two, RunConfig().data, "sequence-classification")


def test_template_rendering_and_missing_field():
    assert render_template("Quote by {author}: {quote}", {"author": "A", "quote": "Q"}) == "Quote by A: Q"
    assert render_template("{x} {not a field}", {"x": 1}) == "1 {not a field}"
    with pytest.raises(DataError, match="'writer'"):
        render_template("by {writer}", {"author": "A"})
    assert prompt_part("Quote by {author}: {quote}") == "Quote by {author}:"


def _csv(tmp_path, rows, name="d.csv"):
    p = tmp_path / name
    pd.DataFrame(rows).to_csv(p, index=False)
    return p


def test_prepare_cleans_splits_and_maps_labels(tmp_path):
    rows = ROWS + [ROWS[0], ROWS[1], {"text": "", "label": "pos"}, {"text": None, "label": "neg"},
                   {"text": "no label", "label": None}]
    cfg = RunConfig().replace(data={"path": str(_csv(tmp_path, rows)), "test_size": 0.25})
    prep = prepare(cfg)
    r = prep.report
    assert r.rows_read == 45 and r.duplicates_dropped == 2 and r.empty_dropped == 3
    assert (r.n_train, r.n_validation) == (30, 10)
    assert prep.label_names == ["neg", "pos"]
    assert set(prep.train["label"]) == {0, 1}
    # stratified: both classes in validation
    assert set(prep.validation["label"]) == {0, 1}
    # same seed, same split
    assert prepare(cfg).validation["text"] == prep.validation["text"]


def test_validation_file_and_max_rows(tmp_path):
    train = _csv(tmp_path, ROWS, "train.csv")
    val = _csv(tmp_path, ROWS[:6], "val.csv")
    cfg = RunConfig().replace(data={"path": str(train), "validation_path": str(val), "max_rows": 20})
    prep = prepare(cfg)
    assert (prep.report.n_train, prep.report.n_validation) == (20, 6)
    assert prep.report.rows_limited == 20


def test_label_problems(tmp_path):
    one = _csv(tmp_path, [{"text": f"t{i}", "label": "same"} for i in range(10)], "one.csv")
    with pytest.raises(DataError, match="only one class"):
        prepare(RunConfig().replace(data={"path": str(one)}))
    many = _csv(tmp_path, [{"text": f"t{i}", "label": f"class {i}"} for i in range(1000)], "many.csv")
    with pytest.raises(DataError, match="looks like free text"):
        prepare(RunConfig().replace(data={"path": str(many), "label_column": "label"}))


def test_causal_template_formatting(tmp_path):
    quotes = bundled_datasets()["quotes"]
    cfg = RunConfig().replace(model={"task": "causal-lm", "name_or_path": "starter:tiny-gpt2"},
                              data={"path": str(quotes), "template": "Quote by {author}: {quote}"})
    prep = prepare(cfg)
    assert prep.report.prompt_format == "template"
    source = pd.read_csv(quotes)
    expected = {f"Quote by {a}: {q}" for a, q in zip(source["author"], source["quote"])}
    assert set(prep.train["text"]) <= expected and len(prep.train) + len(prep.validation) == len(expected)
    assert not any("{" in t for t in prep.train["text"])  # every field rendered
    from core.data.labels import tokenize_split
    from core.model.load import load_tokenizer

    tok = load_tokenizer(cfg)
    split = tokenize_split(tok, prep.train, cfg, prep.detected)
    short = [row for row in split.dataset["input_ids"] if len(row) < cfg.data.max_length]
    # the model learns where a quote ends: one EOS, at the end (TRL appends it; the tokenizer adds none)
    assert short and all(row[-1] == tok.eos_token_id and row.count(tok.eos_token_id) == 1 for row in short)
    assert split.dataset["labels"] == split.dataset["input_ids"]  # language modelling: every token trained
    bad = cfg.replace(data={"template": "Quote by {writer}: {quote}"})
    with pytest.raises(DataError, match="'writer'"):
        prepare(bad)


def test_instruction_format_is_detected_and_a_model_without_chat_template_must_choose():
    from core.data.labels import tokenize_split
    from core.model.load import load_tokenizer

    cfg = RunConfig().replace(model={"task": "causal-lm", "name_or_path": "starter:tiny-gpt2"},
                              data={"path": str(bundled_datasets()["instructions"])})
    prep = prepare(cfg)
    assert prep.report.prompt_format == "instruction"
    tok = load_tokenizer(cfg)
    with pytest.raises(DataError, match="no chat template.*data.chat_template=chatml.*data.chat_template=plain"):
        tokenize_split(tok, prep.train, cfg, prep.detected)  # no silent fallback
    plain = cfg.replace(data={"chat_template": "plain"})
    prep = prepare(plain)
    assert prep.train[0]["prompt"].startswith("### Instruction:\n") and prep.train[0]["prompt"].endswith(
        "### Response:\n")
    split = tokenize_split(tok, prep.train, plain, prep.detected)
    row, labels = split.dataset[0]["input_ids"], split.dataset[0]["labels"]
    trained = tok.decode([i for i, lab in zip(row, labels) if lab != -100])
    assert trained == tok.decode(tok(prep.train[0]["completion"], add_special_tokens=False)["input_ids"]
                                 + [tok.eos_token_id])  # only the response and its EOS


def test_hub_offline_is_a_clear_message():
    cfg = RunConfig().replace(data={"hub_dataset": "glue", "hub_config": "mrpc"})
    with pytest.raises(DataError, match="could not reach the Hugging Face Hub"):
        prepare(cfg)
    with pytest.raises(DataError, match="not a Hub dataset id"):
        prepare(RunConfig().replace(data={"hub_dataset": "../../etc"}))
