"""core/data/labels.py: the tokens and labels a causal LM trains on: a template row is trained whole
and ends in one EOS, and an instruction row trains only its response (a model without a chat
template must choose one)."""

import pandas as pd
import pytest

from core.config import RunConfig
from core.data.prepare import prepare
from core.data.sources import DataError, bundled_datasets


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
