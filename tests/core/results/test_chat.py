"""The Compare tab's streaming chat (core.results.chat) on the tiny ChatML Llama of
tests/tiny_chat.py: the streamed answer equals a bare greedy generate, stops at the end of
the turn, continues each side's own conversation, and base and fine-tuned differ when an
adapter changes the model. Seconds, no training."""

import threading

import pytest
import torch
from tiny_chat import chat_tokenizer, random_lora, tiny_llama

from core.config import GenerateConfig
from core.model import turns
from core.results.chat import ChatError, Conversation, Reply, stream_both, stream_reply, weights_line

GREEDY = GenerateConfig(max_new_tokens=10, repetition_penalty=1.0)
HELLO = [{"role": "user", "content": "Hello there, how are you today?"}]


@pytest.fixture(scope="module")
def tok():
    return chat_tokenizer()


def bare(model, tok, messages, n=GREEDY.max_new_tokens):
    """A bare greedy model.generate, stopping at the stop ids: what the chat must equal."""
    ids = torch.tensor([turns.prompt_ids(tok, messages)])
    stops = turns.stop_token_ids(tok, model.generation_config)
    with torch.no_grad():
        out = model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=n, do_sample=False,
                             eos_token_id=stops, pad_token_id=tok.pad_token_id, repetition_penalty=1.0)
    new = out[0, ids.shape[1]:].tolist()
    cut = next((i for i, t in enumerate(new) if t in stops), None)
    kept = new if cut is None else new[:cut]
    return tok.decode(kept, skip_special_tokens=True).strip(), new


def test_the_stream_equals_a_bare_greedy_generate(tok):
    model = tiny_llama(tok)
    reply = Reply()
    seen = list(stream_reply(model, tok, HELLO, GREEDY, reply=reply))
    want, new = bare(model, tok, HELLO)
    assert seen[-1] == reply.text == want
    assert len(seen) > 2 and all(seen[-1].startswith(s) for s in seen[:-1] if s)  # it grew token by token
    assert reply.tokens == len(new) and reply.seconds > 0


def test_the_answer_ends_at_the_end_of_turn(tok):
    model = tiny_llama(tok)
    _, new = bare(model, tok, HELLO)
    # make the 4th token this model writes a stop id (as a generation config's eos, or the
    # template's <|im_end|>, would be): the answer ends there and nothing after it shows
    model.generation_config.eos_token_id = new[3]
    first = new.index(new[3])
    reply = Reply()
    text = list(stream_reply(model, tok, HELLO, GREEDY, reply=reply))[-1]
    assert reply.stopped and reply.tokens == first + 1
    assert text == tok.decode(new[:first], skip_special_tokens=True).strip()
    # a marker that is not a special token is cut out of the text too
    from core.results.chat import _cut_at_end_of_turn

    assert _cut_at_end_of_turn("Fine, thanks.<|im_end|>\n<|im_start|>user\nmore", tok) == "Fine, thanks."


def test_base_and_tuned_differ_and_each_keeps_its_conversation(tok):
    plain = tiny_llama(tok)
    base_first, _ = bare(plain, tok, HELLO)
    tuned = random_lora(tiny_llama(tok))
    n_params = sum(p.numel() for p in tuned.parameters())
    conv = Conversation()
    steps = list(stream_both(tuned, tok, conv, HELLO[0]["content"], GREEDY))
    assert steps[0][0] == "base" and steps[-1][0] == "tuned"
    base_text = [t for s, t in steps if s == "base"][-1]
    tuned_text = steps[-1][1]
    assert base_text == base_first  # the adapter switched off is the untouched base model
    assert tuned_text != base_text
    assert sum(p.numel() for p in tuned.parameters()) == n_params  # no second model loaded
    # the second turn continues each side's own conversation
    replies: dict[str, Reply] = {}
    list(stream_both(tuned, tok, conv, "And what is inflation?", GREEDY, replies=replies))
    assert conv.turns == 2
    assert conv.history["base"][1]["content"] == base_text and conv.history["tuned"][1]["content"] == tuned_text
    with tuned.disable_adapter():
        want_base, _ = bare(tuned, tok, conv.history["base"][:3])
    want_tuned, _ = bare(tuned, tok, conv.history["tuned"][:3])
    assert (replies["base"].text, replies["tuned"].text) == (want_base, want_tuned)


def test_a_system_prompt_and_a_full_run_beside_its_base(tok):
    conv = Conversation()
    base, tuned = tiny_llama(tok), tiny_llama(tok, seed=1)
    out = dict(stream_both(tuned, tok, conv, "Hi", GREEDY, base=base, system="Answer in one word."))
    msgs = conv.messages("base", "next", "Answer in one word.")
    assert msgs[0] == {"role": "system", "content": "Answer in one word."} and len(msgs) == 4
    assert out["base"] != out["tuned"]
    assert "Two models in memory" in weights_line(tuned, base) and "One copy" in weights_line(random_lora(base))


def test_bad_input_and_a_reader_that_leaves_early(tok):
    tuned = random_lora(tiny_llama(tok))
    with pytest.raises(ChatError, match="type a message"):
        list(stream_both(tuned, tok, Conversation(), "   ", GREEDY))
    with pytest.raises(ChatError, match="more than the model's 512 positions"):
        list(stream_reply(tuned, tok, [{"role": "user", "content": "word " * 600}], GREEDY))
    before = threading.active_count()
    it = stream_both(tuned, tok, Conversation(), "Hello", GenerateConfig(max_new_tokens=200))
    next(it)  # the base side is writing, its adapter switched off
    it.close()  # the browser went away
    assert threading.active_count() == before  # the worker stopped
    from peft.tuners.lora import LoraLayer

    layers = [m for m in tuned.modules() if isinstance(m, LoraLayer)]
    assert layers and not any(m.disable_adapters for m in layers)  # the adapter is back on


def test_old_turns_give_way_to_fit_the_context(tok):
    model = tiny_llama(tok)
    model.config.max_position_embeddings = 80
    conv = Conversation()
    for _ in range(3):
        conv.add("tuned", "Hello there, how are you today? " * 2, "I am fine, thanks. " * 3)
    from core.results.chat import fit_context

    ids, dropped = fit_context(model, tok, conv.messages("tuned", "Hi"), 10)
    assert dropped >= 1 and len(ids) + 10 <= 80
