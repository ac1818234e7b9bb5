"""core/model/turns.py: the stop ids (end of turn first), the prompt rendered with the chat template,
and the answer span TRL trains, on the tiny ChatML tokenizer (tests/tiny_chat.py)."""

import pytest
from tiny_chat import PAIRS, SYSTEM, chat_tokenizer

from core.model import turns


@pytest.fixture(scope="module")
def tok():
    return chat_tokenizer()


def test_stop_ids_put_end_of_turn_first(tok):
    im_end = tok.convert_tokens_to_ids("<|im_end|>")
    assert turns.end_of_turn_id(tok) == im_end
    gen_cfg = type("G", (), {"eos_token_id": [0]})()  # a base model's <|endoftext|>
    assert turns.stop_token_ids(tok, gen_cfg) == [im_end, 0]
    tok2 = chat_tokenizer()
    tok2.chat_template = None
    assert turns.end_of_turn_id(tok2) is None and turns.stop_token_ids(tok2) == [im_end]


def test_prompts_render_with_the_chat_template(tok):
    text = turns.prompt_text(tok, PAIRS[0][0])
    assert text == f"<|im_start|>system\n{SYSTEM}<|im_end|>\n<|im_start|>user\nWhat is inflation?<|im_end|>\n" \
                   "<|im_start|>assistant\n"
    assert turns.prompt_text(tok, "raw text") == "raw text"
    ids, start = turns.answer_span(tok, PAIRS[0][0], "Prices rise.")
    assert tok.decode(ids[start:]) == "Prices rise.<|im_end|>\n"  # the answer and its end of turn, as TRL trains
    ids, start = turns.answer_span(tok, "Q:", " yes")
    assert tok.decode(ids[start:]) == " yes<|im_end|>"  # a plain answer gets eos appended
