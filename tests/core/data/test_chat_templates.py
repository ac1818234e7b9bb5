"""core/data/chat_templates.py: the training template renders SmolLM2's conversations byte for byte as
its own template does, and marks the stop token to be trained."""

from __future__ import annotations

import pytest


@pytest.mark.slow
@pytest.mark.parametrize("conv", [
    [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}],
    [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}, {"role": "user", "content": "again"},
     {"role": "assistant", "content": "'quoted' {{braces}}"}],
    [{"role": "user", "content": "only a user"}]], ids=["system", "no-system-two-turns", "user-only"])
def test_the_training_template_renders_byte_for_byte_and_trains_the_stop(smollm2_tokenizer, conv):
    from trl.chat_template_utils import is_chat_template_stop_token_trained

    from core.data.chat_templates import SMOLLM2_TRAINING_TEMPLATE, template_differences, training_template

    tok = smollm2_tokenizer
    assert training_template(tok, "model", assistant_masks=True) == SMOLLM2_TRAINING_TEMPLATE
    assert template_differences(tok, SMOLLM2_TRAINING_TEMPLATE, [conv]) == []
    assert is_chat_template_stop_token_trained(tok, chat_template=SMOLLM2_TRAINING_TEMPLATE)
    assert not is_chat_template_stop_token_trained(tok)  # the shipped template marks nothing
