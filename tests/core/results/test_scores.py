"""Generation scores on known strings (core.results.scores), the forgetting verdict
(core.results.forgetting) and prompt/answer pairs from each data format (causal_report)."""

import math

import pytest

from core.results import scores
from core.results.causal_report import pair_from_row, task_better, validation_pairs
from core.results.forgetting import (
    FLUENT_TOLERANCE,
    FORGETTING_SEVERE,
    ForgettingError,
    read_general_texts,
    verdict,
)

REF = "the cat sat on the mat"


def test_identical_answers_score_full_marks():
    got = scores.row_scores(REF, REF)
    assert got["rouge_l"] == 1.0
    assert got["chrf"] == pytest.approx(100.0)
    assert got["bleu"] == pytest.approx(100.0)


def test_disjoint_answers_score_zero():
    assert scores.row_scores("xyz qq", REF) == {"rouge_l": 0.0, "chrf": 0.0, "bleu": 0.0}
    # no shared word, but shared letters: ROUGE-L and BLEU see nothing, chrF a little
    near = scores.row_scores("dogs bark loudly", REF)
    assert near["rouge_l"] == near["bleu"] == 0.0 and 0 < near["chrf"] < 10
    assert scores.row_scores("", REF) == {"rouge_l": 0.0, "chrf": 0.0, "bleu": 0.0}


def test_rouge_l_is_the_longest_common_subsequence_f_measure():
    # LCS of "the cat lay on a mat" and the reference: the, cat, on, mat = 4 of 6 words each way
    assert scores.rouge_l("the cat lay on a mat", REF) == pytest.approx(4 / 6)
    # order matters: the same six words shuffled keep only "the on the" in order
    assert scores.rouge_l("mat the on sat cat the", REF) == pytest.approx(3 / 6)
    # rouge-score lowercases and drops punctuation
    assert scores.rouge_l("The CAT sat, on the mat!", REF) == 1.0


def test_chrf_gives_partial_credit_and_bleu_is_harsher():
    near = scores.row_scores("the cats sat on the mats", REF)
    assert 50 < near["chrf"] < 100
    assert near["bleu"] < near["chrf"]


def test_corpus_scores_pool_counts():
    import sacrebleu

    preds, refs = ["the cat lay on a mat", "hello"], [REF, "hello"]
    got = scores.corpus_scores(preds, refs)
    assert got["rouge_l"] == pytest.approx((4 / 6 + 1.0) / 2)
    assert got["chrf"] == pytest.approx(sacrebleu.corpus_chrf(preds, [refs]).score)
    # corpus BLEU is not the mean of sentence BLEUs
    mean_sentence = (scores.bleu(preds[0], refs[0]) + scores.bleu(preds[1], refs[1])) / 2
    assert got["bleu"] != pytest.approx(mean_sentence)
    with pytest.raises(ValueError, match="2 answers but 1 references"):
        scores.corpus_scores(preds, refs[:1])
    assert scores.corpus_scores([], []) == {}


def test_perplexity_weighs_every_token_equally():
    rows, overall = scores.perplexities([[math.log(2)] * 2, [math.log(8)] * 6, []])
    assert rows[0] == pytest.approx(2.0) and rows[1] == pytest.approx(8.0) and rows[2] is None
    # 8 tokens: (2 ln 2 + 6 ln 8) / 8 = 2.5 ln 2
    assert overall == pytest.approx(2 ** 2.5)
    assert scores.perplexity_of(1e9, 1) == pytest.approx(math.exp(scores.MAX_LOG_PERPLEXITY))
    assert scores.relative_change(10.0, 11.0) == pytest.approx(0.1) and scores.relative_change(None, 1) is None


def test_forgetting_verdicts():
    ok = verdict(20.0, 20.4, task_better=True)
    assert ok["level"] == "fluent" and ok["change"] == pytest.approx(0.02)
    assert ok["verdict"].startswith("The model got better at your task and stayed as fluent on general text")
    some = verdict(20.0, 20.0 * (1 + (FLUENT_TOLERANCE + FORGETTING_SEVERE) / 2), task_better=True)
    assert some["level"] == "some" and "It lost 15% on general text" in some["verdict"]
    assert "lower the learning rate or the epochs" in some["verdict"]
    bad = verdict(20.0, 40.0, task_better=True)
    assert bad["level"] == "forgot" and "lost 100%" in bad["verdict"] and "catastrophic" in bad["verdict"]
    flat = verdict(20.0, 20.0, task_better=False)
    assert "did not improve" in flat["verdict"]
    assert verdict(None, 3.0)["level"] == "unknown"


def test_task_better_reads_answer_perplexity_first():
    gen = {"base": {"answer_perplexity": 9.0, "chrf": 50.0}, "final": {"answer_perplexity": 3.0, "chrf": 10.0}}
    assert task_better(gen) is True
    assert task_better({"base": {"chrf": 10.0}, "final": {"chrf": 5.0}}) is False
    assert task_better(None) is None


def test_general_text_file(tmp_path):
    path = tmp_path / "general.txt"
    path.write_text("First paragraph.\n\n  Second one.  \nThird.\n", encoding="utf-8")
    assert read_general_texts(path) == ["First paragraph.", "Second one.", "Third."]
    assert read_general_texts(path, limit=2) == ["First paragraph.", "Second one."]
    with pytest.raises(ForgettingError, match="missing"):
        read_general_texts(tmp_path / "nope.txt")
    (tmp_path / "empty.txt").write_text("\n\n")
    with pytest.raises(ForgettingError, match="no text"):
        read_general_texts(tmp_path / "empty.txt")


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


def test_history_shows_score_columns_only_when_a_run_has_them():
    from core.results.causal_report import score_cells
    from ui.history import metrics_frame

    report = {"generation": {"base": {"rouge_l": 0.1, "chrf": 20.0, "answer_perplexity": 9.0},
                             "final": {"rouge_l": 0.4, "chrf": 45.5, "answer_perplexity": 3.0}},
              "forgetting": {"ppl_base": 20.0, "ppl_final": 21.0, "change": 0.05}}
    assert score_cells(report) == {"ROUGE-L": "0.100 → 0.400", "chrF": "20.0 → 45.5", "answer ppl": "9.00 → 3.00",
                                   "general ppl": "20.0 → 21.0 (+5%)"}
    assert score_cells({"generation": {"base": {}, "final": {}}}) == {}
    rows = [{"name": "a", "path": "/nonexistent", **report}, {"name": "b", "path": "/nonexistent"}]
    frame = metrics_frame(rows)
    assert list(frame["chrF"]) == ["20.0 → 45.5", "–"] and "general ppl" in frame.columns
    assert "chrF" not in metrics_frame(rows[1:]).columns
