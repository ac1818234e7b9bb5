"""Base vs fine-tuned answers from one copy of the weights (core.results.generations), on a
tiny random Llama with a ChatML tokenizer (tests/tiny_chat.py): seconds, no training."""

import pytest
import torch
from tiny_chat import PAIRS, chat_tokenizer, random_lora, tiny_llama

from core.config import GenerateConfig
from core.model import turns
from core.results.generations import (
    GenerationError,
    answer_token_losses,
    base_side,
    before_after,
    generate_answers,
)

GREEDY = GenerateConfig(max_new_tokens=12, repetition_penalty=1.0)


@pytest.fixture(scope="module")
def tok():
    return chat_tokenizer()


def plain_greedy(model, tok, prompt, n, eos):
    """A bare model.generate on one prompt: what the engine's answers must equal."""
    ids = torch.tensor([turns.prompt_ids(tok, prompt)])
    with torch.no_grad():
        out = model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=n, do_sample=False,
                             eos_token_id=eos, pad_token_id=tok.pad_token_id)
    return out[0, ids.shape[1]:].tolist()


def test_answers_equal_a_bare_generate_and_stop_at_end_of_turn(tok):
    model = tiny_llama(tok)
    im_end = tok.convert_tokens_to_ids("<|im_end|>")
    got = generate_answers(model, tok, [p for p, _ in PAIRS], GREEDY, batch_size=1)
    for (prompt, _), answer in zip(PAIRS, got):
        bare = plain_greedy(model, tok, prompt, GREEDY.max_new_tokens, [im_end])
        kept = bare[:bare.index(im_end)] if im_end in bare else bare
        assert answer["text"] == tok.decode(kept, skip_special_tokens=True).strip()
        assert answer["stopped"] == (im_end in bare)
    # batched (left-padded) decoding gives the same answers as one prompt at a time
    batched = generate_answers(model, tok, [p for p, _ in PAIRS], GREEDY, batch_size=3)
    assert [a["text"] for a in batched] == [a["text"] for a in got]
    # a stop id from the model's generation config (here: the 4th token it would write) ends the answer there
    bare = plain_greedy(model, tok, PAIRS[0][0], GREEDY.max_new_tokens, [im_end])
    stop = bare[3]
    model.generation_config.eos_token_id = stop
    cut = generate_answers(model, tok, [PAIRS[0][0]], GREEDY)[0]
    first = bare.index(stop)
    assert cut["stopped"] and cut["tokens"] == first + 1
    assert cut["text"] == tok.decode(bare[:first], skip_special_tokens=True).strip()


def test_answer_losses_score_only_the_answer_tokens(tok):
    model = tiny_llama(tok)
    losses = answer_token_losses(model, tok, PAIRS[:1])
    ids, start = turns.answer_span(tok, *PAIRS[0])
    assert len(losses[0]) == len(ids) - start
    with torch.no_grad():
        logits = model(torch.tensor([ids])).logits[0]
    want = torch.nn.functional.cross_entropy(logits[start - 1:-1], torch.tensor(ids[start:]), reduction="none")
    assert losses[0] == pytest.approx(want.tolist(), abs=1e-5)
    assert answer_token_losses(model, tok, PAIRS[:1], max_length=start) == [[]]  # answer cut away


def test_before_after_toggles_one_adapter(tok):
    base = tiny_llama(tok)
    base_answers = [a["text"] for a in generate_answers(base, tok, [p for p, _ in PAIRS], GREEDY)]
    tuned = random_lora(base)
    n_params = sum(p.numel() for p in tuned.parameters())
    rep = before_after(tuned, tok, PAIRS, GREEDY)
    assert sum(p.numel() for p in tuned.parameters()) == n_params  # nothing loaded beside it
    by_prompt = {r["prompt"]: r for r in rep["rows"]}
    for (prompt, _), want in zip(PAIRS, base_answers):
        assert by_prompt[turns.prompt_text(tok, prompt)]["base"] == want  # adapter off = the untouched base
    assert any(r["base"] != r["tuned"] for r in rep["rows"])
    diffs = [r["difference"] for r in rep["rows"]]
    assert diffs == sorted(diffs, reverse=True)  # the most changed answers first
    assert set(rep["base"]) >= {"rouge_l", "chrf", "bleu", "answer_perplexity", "stopped"}
    assert rep["base"]["answer_perplexity"] != rep["final"]["answer_perplexity"]
    assert rep["weights"].startswith("one copy") and rep["n"] == 3
    assert rep["decoding"] == {"do_sample": False, "max_new_tokens": 12, "repetition_penalty": 1.0}


def test_a_full_run_needs_the_base_beside_it(tok):
    model = tiny_llama(tok)
    with pytest.raises(GenerationError, match="pass the base model"):
        with base_side(model):
            pass
    rep = before_after(tiny_llama(tok, seed=1), tok, PAIRS[:2], GREEDY, base=model)
    assert rep["weights"].startswith("two copies")
