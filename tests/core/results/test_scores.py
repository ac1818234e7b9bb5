"""Generation scores on known strings (core/results/scores.py): ROUGE-L, chrF, BLEU, corpus pooling
and perplexity. (The forgetting verdict: test_forgetting.py; pairs from each data format:
test_causal_report.py.)"""

import math

import pytest

from core.results import scores

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
