"""core/results/causal_report.py: the prompt/answer pairs taken from each data format, which side
did the task better, and the end-of-run report's summary keys."""

import math

import pytest
from tiny_chat import PAIRS, chat_tokenizer, random_lora, tiny_llama

from core.config import RunConfig
from core.results.causal_report import causal_report, pair_from_row, task_better, validation_pairs


def test_task_better_reads_answer_perplexity_first():
    gen = {"base": {"answer_perplexity": 9.0, "chrf": 50.0}, "final": {"answer_perplexity": 3.0, "chrf": 10.0}}
    assert task_better(gen) is True
    assert task_better({"base": {"chrf": 10.0}, "final": {"chrf": 5.0}}) is False
    assert task_better(None) is None


# --------------------------------------------------------------------------- pairs
def test_pairs_from_prompt_completion_and_messages():
    assert pair_from_row({"prompt": "Q: 2+2?\nA:", "completion": " 4"}) == ("Q: 2+2?\nA:", " 4")
    msgs = [{"role": "user", "content": "Hi"}]
    assert pair_from_row({"prompt": msgs, "completion": [{"role": "assistant", "content": "Hello!"}]}) == (msgs, "Hello!")
    convo = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"},
             {"role": "assistant", "content": "Hello!"}]
    assert pair_from_row({"messages": convo}) == (convo[:2], "Hello!")
    assert pair_from_row({"messages": [{"role": "user", "content": "Hi"}]}) is None


def test_pairs_from_template_text_keep_the_whole_text():
    template = "Quote by {author}: {quote}"
    prompt, answer = pair_from_row({"text": "Quote by Ada Lovelace: That brain of mine is more than mortal."},
                                   template)
    assert prompt == "Quote by Ada Lovelace:" and answer == " That brain of mine is more than mortal."
    instr = "### Instruction:\n{instruction}\n\n### Response:\n{response}"
    p, a = pair_from_row({"text": "### Instruction:\nWhat is 2+2?\n\n### Response:\nFour."}, instr)
    assert p == "### Instruction:\nWhat is 2+2?\n\n### Response:\n" and a == "Four."
    assert pair_from_row({"text": "not in the template's shape"}, template) is None


def test_pairs_from_chat_rendered_text_and_raw_text():
    from tiny_chat import chat_tokenizer

    tok = chat_tokenizer()
    text = tok.apply_chat_template([{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}],
                                   tokenize=False)
    prompt, answer = pair_from_row({"text": text}, "", tok)
    assert prompt.endswith("<|im_start|>assistant\n") and answer == "Hello!"
    raw = "one two three four five six seven eight nine ten"
    assert pair_from_row({"text": raw}) == ("one two three four five six seven eight", " nine ten")
    assert pair_from_row({"text": "too short"}) is None
    rows = [{"text": raw}, {"text": "x"}, {"text": raw + " eleven"}, {"text": raw}]
    assert len(validation_pairs(rows, limit=2)) == 2 and len(validation_pairs(rows)) == 3




@pytest.fixture(scope="module")
def tok():
    return chat_tokenizer()


def test_causal_report_has_the_summary_keys(tok):
    cfg = RunConfig().replace(model={"task": "causal-lm"}, generate={"max_new_tokens": 8})
    tuned = random_lora(tiny_llama(tok))
    texts = ["The human heart is a muscular organ about the size of a closed fist.",
             "Honeybees live in colonies that can hold tens of thousands of insects."]
    rep = causal_report(cfg, tuned, tok, PAIRS, texts)
    assert set(rep) == {"generation", "forgetting", "samples", "rows"}
    f = rep["forgetting"]
    assert f["n_texts"] == 2 and f["ppl_base"] > 1 and f["ppl_final"] > 1
    assert f["change"] == pytest.approx(f["ppl_final"] / f["ppl_base"] - 1)
    assert f["level"] in ("fluent", "some", "forgot") and f["verdict"]
    assert len(rep["samples"]) == 3 and set(rep["samples"][0]) >= {"prompt", "reference", "base", "tuned"}
    # the random vocabulary of 600 tokens: a random model is roughly uniform, so ~600 per token
    assert 20 < f["ppl_base"] < 6000 and math.isfinite(f["ppl_final"])
    assert causal_report(cfg, tuned, tok, [], []) == {}
