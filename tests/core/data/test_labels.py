"""core/data/labels.py: the tokens and labels a causal LM trains on: a template row is trained whole
and ends in one EOS, an instruction row trains only its response (a model without a chat
template must choose one), and the token view of a conversation on SmolLM2's tokenizer marks
what trains. (The masks under TRL's SFTTrainer: tests/core/train/test_trainers.py.)"""

from __future__ import annotations

import json

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


@pytest.mark.slow
def test_token_view_of_a_conversation(tmp_path, smollm2_tokenizer):
    from core.config import RunConfig
    from core.data.labels import token_view, tokenize_split, training_tokenizer
    from core.data.prepare import prepare

    rows = [{"messages": [{"role": "user", "content": f"Name a colour, {i}."},
                          {"role": "assistant", "content": "Blue, said Pip, the colour of the sea. " * 3}]}
            for i in range(6)]
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    cfg = RunConfig().replace(model={"task": "causal-lm", "name_or_path": "starter:SmolLM2-135M-Instruct"},
                              data={"path": str(path), "max_length": 48})
    prepared = prepare(cfg)
    tok = smollm2_tokenizer
    split = tokenize_split(tok, prepared.train, cfg, prepared.detected)
    ttok, template = training_tokenizer(tok, cfg, prepared.detected)
    view = token_view(ttok, prepared.train[0], split.dataset[0], 48, template)
    tokens = view["tokens"]
    assert view["roles_known"] and view["n_truncated"] == view["n_tokens"] - 48 > 0 and view["n_trained_cut"] > 0
    roles = {t["role"] for t in tokens}
    assert {"system", "user", "answer", "template"} <= roles  # SmolLM2's default system prompt shows as system
    assert all(t["role"] == "answer" for t in tokens if t["trained"])
    assert all(not t["trained"] for t in tokens if not t["kept"])  # past the cut nothing trains
    specials = [t for t in tokens if t["special"]]
    assert specials and {t["text"] for t in specials} <= {"<|im_start|>", "<|im_end|>"}
    assert sum(t["trained"] for t in tokens) == view["n_trained"] == split.counts[0]
