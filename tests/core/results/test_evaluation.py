"""core/results/evaluation.py: the offline metrics, checked against counts done by hand."""

import math
from types import SimpleNamespace

import pytest

from core.results.evaluation import classification_metrics, headline_metric, make_compute_metrics, perplexity


def test_binary_metrics_score_label_1_as_the_positive_class():
    # label 1: tp 2 (rows 0, 4), fp 1 (row 1), fn 1 (row 3) -> precision = recall = f1 = 2/3
    m = classification_metrics([1, 1, 0, 0, 1], [1, 0, 0, 1, 1], num_labels=2)
    assert m["accuracy"] == pytest.approx(3 / 5)
    assert m["precision"] == pytest.approx(2 / 3) and m["recall"] == pytest.approx(2 / 3)
    assert m["f1"] == pytest.approx(2 / 3)
    # never predicting the positive class: accuracy can look fine, f1 says it is useless
    lazy = classification_metrics([0, 0, 0, 0], [0, 0, 0, 1], num_labels=2)
    assert lazy["accuracy"] == 0.75 and lazy["f1"] == lazy["precision"] == lazy["recall"] == 0.0


def test_more_classes_are_macro_averaged():
    # class 0: p 1, r 1/2; class 1: p 1/2, r 1; class 2: p 1, r 1
    m = classification_metrics([0, 1, 1, 2], [0, 0, 1, 2], num_labels=3)
    assert m["precision"] == pytest.approx((1 + 0.5 + 1) / 3)
    assert m["recall"] == pytest.approx((0.5 + 1 + 1) / 3)
    assert m["f1"] == pytest.approx((2 / 3 + 2 / 3 + 1) / 3)
    assert classification_metrics([], [], num_labels=3)["accuracy"] == 0.0


def test_the_trainers_compute_metrics_takes_the_argmax_of_the_logits():
    logits = ([[0.1, 2.0], [3.0, -1.0], [0.0, 0.5]], "the hidden states a model may return too")
    out = make_compute_metrics(2)(SimpleNamespace(predictions=logits, label_ids=[1, 0, 0]))
    assert out["accuracy"] == pytest.approx(2 / 3) and out["recall"] == 1.0 and out["precision"] == 0.5


def test_perplexity_and_the_headline_metric():
    assert perplexity(math.log(20.0)) == pytest.approx(20.0)
    assert perplexity(None) is None and perplexity(float("nan")) is None and perplexity(float("inf")) is None
    assert perplexity(1000.0) == pytest.approx(math.exp(50.0))  # capped, not an overflow
    assert headline_metric("sequence-classification") == "eval_accuracy"
    assert headline_metric("causal-lm") == "eval_loss"
