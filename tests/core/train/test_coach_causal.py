"""The coach's causal-LM rules (core.train.coach_causal) on crafted event streams and
summary.json contents: each fires on its evidence and on nothing else, a healthy chat run
gets no causal hint, and a classifier never gets one."""

import pytest

from core.train.coach import hints
from core.train.coach_causal import FIXES


def train(losses, every=5):
    return [{"type": "train", "step": 1 + i * every, "epoch": (1 + i * every) / 10, "loss": x,
             "learning_rate": 2e-3} for i, x in enumerate(losses)]


FALLING = train([3.0, 2.8, 2.5, 2.2, 2.0, 1.8, 1.6, 1.5])


def report(ppl=(20.0, 8.0), stopped=(0.2, 1.0), level="fluent", n=8):
    return {"task": "causal-lm", "n_train": 400,
            "generation": {"n": n, "decoding": {"max_new_tokens": 40},
                           "base": {"answer_perplexity": ppl[0], "stopped": stopped[0]},
                           "final": {"answer_perplexity": ppl[1], "stopped": stopped[1]}},
            "forgetting": {"level": level, "verdict": f"verdict for {level}", "change": 0.0}}


def kinds(events, summary, task="causal-lm"):
    return [h.kind for h in hints(events, task=task, summary=summary, finished=True)]


def test_a_healthy_chat_run_gets_no_causal_hint():
    assert kinds(FALLING, report()) == []
    assert kinds(FALLING[:3], {}) == []  # nothing to judge yet: no hint


def test_a_falling_loss_without_better_answers_means_masked_answers():
    found = hints(FALLING, task="causal-lm", summary=report(ppl=(20.0, 19.9)))
    assert [h.kind for h in found] == ["answers_masked"]
    assert "2.90 → 1.55" in found[0].message  # the first and last quarter of the train logs
    assert "20.00 → 19.90" in found[0].message
    # the trainer's own counts say it too, even before any answers were scored
    assert kinds(FALLING, {"n_train": 40, "sft": {"trained_tokens": 0}}) == ["answers_masked"]
    assert kinds(FALLING, {"n_train": 40, "sft": {"trained_tokens": 900, "answer_cut_rows": 30}}) == ["answers_masked"]
    assert kinds(FALLING, {"n_train": 40, "sft": {"trained_tokens": 900, "answer_cut_rows": 3}}) == []
    # a flat loss is another problem (the general rules'), not this one
    flat = train([3.0, 3.0, 2.99, 3.0, 3.0, 2.99, 3.0, 3.0])
    assert "answers_masked" not in kinds(flat, report(ppl=(20.0, 20.0)))


def test_answers_that_run_to_max_new_tokens():
    found = hints(FALLING, task="causal-lm", summary=report(stopped=(0.5, 0.125)))
    assert [h.kind for h in found] == ["never_stops"]
    assert "Only 1 of 8 fine-tuned answers" in found[0].message and "40-token limit" in found[0].message and "50%" in found[0].message
    assert kinds(FALLING, report(stopped=(0.0, 0.5))) == []  # half of them end: not the rule


def test_a_loss_far_below_one_on_a_tiny_set_is_memorising():
    tiny = train([2.5, 1.5, 0.8, 0.3, 0.1, 0.05, 0.04, 0.03])
    summary = {**report(), "n_train": 40}
    found = hints(tiny + [{"type": "eval", "step": 40, "eval_loss": 2.9}], task="causal-lm", summary=summary)
    assert [h.kind for h in found] == ["memorising"]
    assert "40 training rows" in found[0].message and "2.90" in found[0].message
    assert kinds(tiny, {**summary, "n_train": 5000}) == []  # a big set at a low loss learned the task
    assert kinds(train([2.5, 1.5, 1.0, 0.9, 0.8, 0.7, 0.6, 0.5]), summary) == []  # not far below 1


@pytest.mark.parametrize("level, title", [("some", "Some forgetting"), ("forgot", "Catastrophic forgetting")])
def test_general_text_perplexity_rising(level, title):
    found = hints(FALLING, task="causal-lm", summary=report(level=level))
    assert [h.kind for h in found] == ["forgetting"]
    assert found[0].title.startswith(title) and found[0].message == f"verdict for {level}"


def test_a_classifier_never_gets_a_causal_hint():
    bad = {**report(ppl=(20.0, 20.0), stopped=(0.0, 0.0), level="forgot"), "n_train": 10}
    assert kinds(FALLING, bad, task="sequence-classification") == []
    assert len(kinds(FALLING, bad)) == 3  # the same evidence on a causal run: masked, never stops, forgetting
    assert all(FIXES[k] for k in FIXES)


@pytest.mark.parametrize("alarm,words", [("template-differs", "differs from the model's own chat template"),
                                         ("unseen-template", "never saw")])
def test_a_run_trained_on_another_template_than_inference_uses(alarm, words):
    summary = {**report(), "sft": {"alarms": ["answer-cut", alarm]}}
    found = hints(FALLING, task="causal-lm", summary=summary, finished=True)
    assert [h.kind for h in found] == ["template_mismatch"]
    assert words in found[0].message and found[0].fix == FIXES["template_mismatch"]
    assert kinds(FALLING, {**report(), "sft": {"alarms": ["answer-cut"]}}) == []  # other alarms: not this rule
