"""core/data/sources.py: every file type reads the same rows, and a bad file (empty, binary, not
UTF-8, ragged, broken JSON, over the size limit...) gets a clear message naming the problem."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from core.data.sources import DataError, read_table


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


def test_a_row_with_one_field_too_many_is_refused_naming_its_line(tmp_path):
    from core.data.sources import read_table

    p = tmp_path / "r.csv"
    p.write_text("text,label\nthis was good,pos,extra\nbad,neg\n")
    with pytest.raises(DataError, match="line 2 has 3 fields but the header has 2"):
        read_table(p)
    p.write_text("text,label\n\"a, quoted\",pos\nb,neg,\n")  # quotes and an empty trailing field are fine
    assert read_table(p).to_dict("records") == [{"text": "a, quoted", "label": "pos"}, {"text": "b", "label": "neg"}]
