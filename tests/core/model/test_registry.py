"""core/model/registry.py: the models each task offers, its starter first."""

from __future__ import annotations

from core.config import STARTER_MINILM, STARTER_SMOLLM2, STARTER_TINY_GPT2
from core.model.registry import default_model, model_choices


def test_model_choices_put_the_tasks_starter_first():
    causal = model_choices("causal-lm")
    assert causal[0][1] == STARTER_SMOLLM2 == default_model("causal-lm")  # the real pretrained model first
    assert model_choices("sequence-classification")[0][1] == STARTER_MINILM
    tiny = next(label for label, value in causal if value == STARTER_TINY_GPT2)
    assert "random weights, not pretrained" in tiny
    hub = [value for label, value in causal if "needs internet" in label]
    assert {"HuggingFaceTB/SmolLM2-135M-Instruct", "HuggingFaceTB/SmolLM2-135M"} <= set(hub)
