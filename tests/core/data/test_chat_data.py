"""Chat and instruction data as users have it: every format detected from its columns and
files (jsonl, json, parquet, csv with JSON cells), converted into the rows TRL reads, a clear
message for a table that matches none. No model needed. (Preference pairs for DPO:
tests/core/train/test_dpo.py.)"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from core.config import ConfigError, RunConfig
from core.data.chat import detect_format, last_turn_split, sft_row
from core.data.prepare import prepare
from core.data.sources import DataError, read_table

CAUSAL = {"task": "causal-lm", "name_or_path": "starter:SmolLM2-135M-Instruct"}
CONVS = [[{"role": "system", "content": "Be brief."}, {"role": "user", "content": f"Hi {i}"},
          {"role": "assistant", "content": f"Hello {i}"}, {"role": "user", "content": "Bye"},
          {"role": "assistant", "content": f"Bye {i}"}] for i in range(6)]


def cfg(path, **data):
    return RunConfig().replace(model=CAUSAL, data={"path": str(path), **data})


def write(path, rows):
    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    elif path.suffix == ".json":
        path.write_text(json.dumps(rows))
    elif path.suffix == ".parquet":
        pd.DataFrame(rows).to_parquet(path)
    else:
        pd.DataFrame([{k: json.dumps(v) if isinstance(v, list) else v for k, v in r.items()} for r in rows]).to_csv(
            path, index=False)
    return path


@pytest.mark.parametrize("ext", [".jsonl", ".json", ".parquet", ".csv"])
def test_messages_are_detected_in_every_file_type(tmp_path, ext):
    path = write(tmp_path / f"chat{ext}", [{"messages": c} for c in CONVS])
    prep = prepare(cfg(path))
    assert prep.detected.format == "messages" and prep.report.prompt_format == "messages"
    row = next(r for r in list(prep.train) + list(prep.validation) if r["messages"][1]["content"] == "Hi 0")
    assert row["messages"] == CONVS[0]  # a csv cell's JSON list is parsed back into turns


def test_sharegpt_speakers_become_roles_and_the_system_prompt_is_added(tmp_path):
    rows = [{"conversations": [{"from": "human", "value": f"q{i}"}, {"from": "gpt", "value": f"a{i}"}]} for i in range(6)]
    prep = prepare(cfg(write(tmp_path / "s.jsonl", rows), system_prompt="Answer in French."))
    assert prep.detected.format == "sharegpt"
    msgs = prep.train[0]["messages"]
    assert [m["role"] for m in msgs] == ["system", "user", "assistant"] and msgs[0]["content"] == "Answer in French."
    bad = [{"conversations": [{"from": "narrator", "value": "x"}, {"from": "gpt", "value": "y"}]}] * 5
    with pytest.raises(DataError, match="unknown ShareGPT speaker 'narrator'"):
        prepare(cfg(write(tmp_path / "bad.jsonl", bad)))


def test_prompt_completion_alpaca_and_the_bundled_instructions(tmp_path):
    pc = prepare(cfg(write(tmp_path / "pc.jsonl", [{"prompt": f"p{i}", "completion": f"c{i}"} for i in range(6)])))
    assert pc.detected.format == "prompt_completion"
    assert pc.train[0]["prompt"][-1]["role"] == "user" and pc.train[0]["completion"][0]["role"] == "assistant"
    alpaca = [{"instruction": f"Add {i} and 1", "input": "digits only" if i % 2 else "", "output": str(i + 1)}
              for i in range(6)]
    prep = prepare(cfg(write(tmp_path / "a.jsonl", alpaca)))
    assert prep.detected.format == "instruction" and prep.detected.columns["response"] == "output"
    users = {r["prompt"][0]["content"] for r in list(prep.train) + list(prep.validation)}
    assert "Add 1 and 1\n\ndigits only" in users and "Add 0 and 1" in users  # the optional input joins the instruction
    plain = prepare(cfg(tmp_path / "a.jsonl", chat_template="plain"))
    row = next(r for r in plain.train if r["prompt"].startswith("### Instruction:\nAdd 1 and 1"))
    assert "### Input:\ndigits only\n\n### Response:\n" in row["prompt"] and row["completion"] == "2"
    bundled = prepare(cfg("assets/data/instructions.jsonl"))  # instruction/response columns
    assert bundled.detected.format == "instruction" and bundled.detected.columns["response"] == "response"


def test_text_and_template_rows(tmp_path):
    quotes = prepare(cfg("assets/data/quotes.csv", template="Quote by {author}: {quote}"))
    assert quotes.detected.format == "template" and quotes.train[0]["text"].startswith("Quote by ")
    text = prepare(cfg("assets/data/quotes.csv", text_column="quote"))
    assert text.detected.format == "text" and "Quote by" not in text.train[0]["text"]


def test_a_table_that_matches_no_format_says_which_formats_and_columns(tmp_path):
    path = tmp_path / "odd.csv"
    pd.DataFrame({"foo": ["a", "b", "c", "d", "e"], "bar": ["x", "y", "z", "w", "v"], "n": range(5)}).to_csv(
        path, index=False)
    with pytest.raises(DataError) as err:
        detect_format(read_table(path), cfg(path).data)
    msg = str(err.value)
    assert "foo, bar, n" in msg and "prompt + completion" in msg and "ShareGPT" in msg and "role/content" in msg
    # a csv whose messages column holds plain text, not JSON lists
    txt = tmp_path / "txt.csv"
    pd.DataFrame({"messages": ["hello there"] * 5}).to_csv(txt, index=False)
    with pytest.raises(DataError, match="conversations need jsonl, json or parquet"):
        prepare(cfg(txt))


def test_preference_pairs_are_for_dpo(tmp_path):
    rows = [{"prompt": f"p{i}", "chosen": "good", "rejected": "bad"} for i in range(6)]
    with pytest.raises(DataError, match="DPO"):
        prepare(cfg(write(tmp_path / "pref.jsonl", rows)))


def test_rows_with_nothing_to_train_on_are_dropped_and_counted(tmp_path):
    rows = [{"messages": c} for c in CONVS] + [{"messages": [{"role": "user", "content": "no answer"}]}]
    prep = prepare(cfg(write(tmp_path / "c.jsonl", rows)))
    assert prep.report.empty_dropped == 1 and any("no answer" in n or "assistant turn" in n for n in prep.report.lines())


def test_last_turn_only_makes_the_last_answer_the_completion():
    split = last_turn_split(CONVS[0])
    assert split["completion"] == [CONVS[0][4]] and split["prompt"] == CONVS[0][:4]
    data = RunConfig().data
    sft = RunConfig().replace(sft={"last_turn_only": True}).sft
    from core.data.chat import DetectedFormat

    row = sft_row({"m": CONVS[1]}, DetectedFormat("messages", {"conversation": "m"}), data, sft)
    assert row["completion"][0]["content"] == "Bye 1"


def test_sft_settings_are_validated_naming_the_field():
    with pytest.raises(ConfigError, match="sft.assistant_only_loss must be true"):
        RunConfig.from_dict({"sft": {"last_turn_only": True, "assistant_only_loss": False}})
    with pytest.raises(ConfigError, match="data.chat_template must be model or chatml"):
        RunConfig.from_dict({"data": {"prompt_format": "messages", "chat_template": "plain"}})


