"""Validation prompts answered before and after fine-tuning, from one copy of the weights.

The input is a list of ``(prompt, reference)`` pairs, whatever data format the run used: a
prompt is a list of chat messages (rendered with the tokenizer's chat template and
``add_generation_prompt=True``) or a plain string used as it is, the reference is the answer
the data holds (see :mod:`core.model.turns`).

"Base" and "fine-tuned" come from the same weights where possible: a LoRA/QLoRA model
answers once with its adapter switched off (PEFT's ``disable_adapter()``) and once with it
on, so only one copy of the base weights is ever in memory. A full or freeze run changed
the weights themselves, so the base model has to be passed in beside it (``base=``): that
costs a second copy of the weights (about 0.5 GB in fp32 for SmolLM2-135M) for as long as
the caller keeps it.

Both sides decode with the same settings (the run's ``generate`` section) and stop at the
template's end-of-turn token as well as at eos (:func:`core.model.turns.stop_token_ids`),
so an answer ends where the chat turn ends instead of running on after ``<|im_end|>``.
Rows come back sorted so that those where the two answers differ most come first.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Sequence
from typing import Any

from ..model import turns
from . import scores

# Prompts decoded together. Eight rows keep a CPU busy without padding waste; batching is
# what makes two models x eight answers cost seconds rather than a minute on SmolLM2.
GENERATE_BATCH = 8
# Rows per forward pass when scoring losses: the logits (rows x tokens x vocabulary floats,
# 4 x 256 x 49k x 4 bytes = 200 MB for SmolLM2) dominate the memory.
LOSS_BATCH = 4

Pair = tuple[Any, str]


class GenerationError(ValueError):
    """Answers can't be generated or scored as asked; the message says why."""


@contextlib.contextmanager
def base_side(tuned: Any, base: Any = None) -> Iterator[Any]:
    """The base model: ``base`` when given (full/freeze runs), else ``tuned`` with its
    adapter switched off."""
    if base is not None:
        yield base
    elif hasattr(tuned, "disable_adapter") and hasattr(tuned, "peft_config"):
        with tuned.disable_adapter():
            yield tuned
    else:
        raise GenerationError("this model has no adapter to switch off; pass the base model too "
                              "(a full or freeze run changed the weights themselves)")


@contextlib.contextmanager
def _eval_mode(model: Any) -> Iterator[None]:
    """No dropout and no gradients while scoring; the model's mode is restored afterwards."""
    import torch

    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            yield
    finally:
        if was_training:
            model.train()


def _device(model: Any) -> Any:
    return next(model.parameters()).device


def decoding_kwargs(gen: Any, tokenizer: Any, model: Any = None) -> dict[str, Any]:
    """``generate`` keywords for the run's GenerateConfig, stopping at end of turn."""
    kw: dict[str, Any] = dict(max_new_tokens=gen.max_new_tokens, do_sample=gen.do_sample,
                              repetition_penalty=gen.repetition_penalty,
                              eos_token_id=turns.stop_token_ids(tokenizer, getattr(model, "generation_config", None)),
                              pad_token_id=_pad_id(tokenizer),
                              use_cache=True)  # training may have switched the cache off (packing, checkpointing)
    if gen.do_sample:
        kw.update(temperature=gen.temperature, top_p=gen.top_p, top_k=gen.top_k)
    return kw


def decoding_settings(gen: Any) -> dict[str, Any]:
    """The decoding settings as a table shows them beside the answers."""
    out: dict[str, Any] = {"do_sample": gen.do_sample, "max_new_tokens": gen.max_new_tokens,
                           "repetition_penalty": gen.repetition_penalty}
    if gen.do_sample:
        out.update(temperature=gen.temperature, top_p=gen.top_p, top_k=gen.top_k)
    return out


def _pad_id(tokenizer: Any) -> int:
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    if pad is None:
        raise GenerationError("the tokenizer has neither a pad nor an eos token; generation needs one")
    return int(pad)


def generate_answers(model: Any, tokenizer: Any, prompts: Sequence[Any], gen: Any, seed: int = 42,
                     batch_size: int = GENERATE_BATCH) -> list[dict[str, Any]]:
    """One answer per prompt: {"text", "tokens", "stopped"} (stopped = it ended with a stop
    token rather than at max_new_tokens). Prompts are left-padded into batches."""
    import torch
    from transformers import set_seed

    kw = decoding_kwargs(gen, tokenizer, model)
    stops = set(kw["eos_token_id"])
    pad = kw["pad_token_id"]
    device = _device(model)
    out: list[dict[str, Any]] = []
    if gen.do_sample:
        set_seed(seed)  # both sides draw from the same random stream
    with _eval_mode(model):
        for i in range(0, len(prompts), batch_size):
            ids = [turns.prompt_ids(tokenizer, p) for p in prompts[i:i + batch_size]]
            width = max(len(x) for x in ids)
            input_ids = torch.tensor([[pad] * (width - len(x)) + x for x in ids], device=device)
            mask = torch.tensor([[0] * (width - len(x)) + [1] * len(x) for x in ids], device=device)
            new = model.generate(input_ids=input_ids, attention_mask=mask, **kw)[:, width:].tolist()
            for row in new:
                cut = next((j for j, t in enumerate(row) if t in stops), None)
                kept = row if cut is None else row[:cut]
                out.append({"text": tokenizer.decode(kept, skip_special_tokens=True).strip(),
                            "tokens": len(kept) + (cut is not None), "stopped": cut is not None})
    return out


def answer_token_losses(model: Any, tokenizer: Any, pairs: Sequence[Pair], max_length: int | None = None,
                        add_eos: bool = True, batch_size: int = LOSS_BATCH) -> list[list[float]]:
    """Per-token losses (nats) of each reference answer given its prompt: only the answer's
    tokens are scored (its end-of-turn or eos token included), as answer-only training
    scores them. A row cut to nothing by ``max_length`` gives an empty list."""
    spans = []
    for prompt, answer in pairs:
        ids, start = turns.answer_span(tokenizer, prompt, answer, add_eos=add_eos)
        if max_length:
            ids = ids[:max_length]
        spans.append((ids, start))
    return _span_losses(model, spans, _pad_id(tokenizer), batch_size)


def text_token_losses(model: Any, tokenizer: Any, texts: Sequence[str], max_length: int,
                      batch_size: int = LOSS_BATCH) -> list[list[float]]:
    """Per-token losses of plain texts (every token after the first), cut at ``max_length``."""
    spans = [(list(tokenizer(t, add_special_tokens=True)["input_ids"])[:max_length], 1) for t in texts]
    return _span_losses(model, spans, _pad_id(tokenizer), batch_size)


def _span_losses(model: Any, spans: list[tuple[list[int], int]], pad: int, batch_size: int) -> list[list[float]]:
    import torch

    device = _device(model)
    out: list[list[float]] = []
    with _eval_mode(model):
        for i in range(0, len(spans), batch_size):
            chunk = spans[i:i + batch_size]
            width = max(len(ids) for ids, _ in chunk)
            input_ids = torch.tensor([ids + [pad] * (width - len(ids)) for ids, _ in chunk], device=device)
            mask = torch.tensor([[1] * len(ids) + [0] * (width - len(ids)) for ids, _ in chunk], device=device)
            logits = model(input_ids=input_ids, attention_mask=mask).logits.float()
            # position t predicts token t+1
            losses = torch.nn.functional.cross_entropy(logits[:, :-1].transpose(1, 2), input_ids[:, 1:],
                                                       reduction="none")
            for row, (ids, start) in enumerate(chunk):
                out.append(losses[row, max(start, 1) - 1:len(ids) - 1].tolist() if len(ids) > start else [])
    return out


def _side(model: Any, tokenizer: Any, pairs: Sequence[Pair], gen: Any, seed: int, max_length: int | None,
          add_eos: bool) -> tuple[list[dict[str, Any]], list[list[float]]]:
    answers = generate_answers(model, tokenizer, [p for p, _ in pairs], gen, seed)
    return answers, answer_token_losses(model, tokenizer, pairs, max_length, add_eos)


def before_after(tuned: Any, tokenizer: Any, pairs: Sequence[Pair], gen: Any, base: Any = None, seed: int = 42,
                 max_length: int | None = None, add_eos: bool = True) -> dict[str, Any]:
    """Base and fine-tuned answers to the same prompts, scored against the references.

    Returns {"rows": [...], "base": {...}, "final": {...}, "n", "decoding", "seconds",
    "weights"}. Each row: prompt (as rendered text), reference, base, tuned, their scores
    (``rouge_l``/``chrf``/``bleu`` + ``_base``/``_tuned``), answer perplexities, whether each
    answer stopped by itself, and ``difference`` (100 - chrF between the two answers: 0 =
    the same answer). ``base``/``final`` hold the corpus scores, the answer perplexity over
    all rows and the share of answers that stopped by themselves."""
    if not pairs:
        raise GenerationError("no validation prompts to answer")
    t0 = time.time()
    with base_side(tuned, base) as before:
        base_answers, base_losses = _side(before, tokenizer, pairs, gen, seed, max_length, add_eos)
    tuned_answers, tuned_losses = _side(tuned, tokenizer, pairs, gen, seed, max_length, add_eos)
    refs = [r.strip() for _, r in pairs]
    result: dict[str, Any] = {"n": len(pairs), "decoding": decoding_settings(gen)}
    rows = []
    ppl_rows = {}
    for side, answers, losses in (("base", base_answers, base_losses), ("final", tuned_answers, tuned_losses)):
        texts = [a["text"] for a in answers]
        per_row, overall = scores.perplexities(losses)
        ppl_rows[side] = per_row
        result[side] = {**scores.corpus_scores(texts, refs), "answer_perplexity": overall,
                        "stopped": sum(a["stopped"] for a in answers) / len(answers)}
    for i, (prompt, _) in enumerate(pairs):
        b, f = base_answers[i]["text"], tuned_answers[i]["text"]
        row: dict[str, Any] = {"prompt": turns.prompt_text(tokenizer, prompt), "reference": refs[i], "base": b,
                               "tuned": f, "difference": 100.0 - scores.chrf(f, b) if (b or f) else 0.0}
        for side, text in (("base", b), ("tuned", f)):
            for k, v in scores.row_scores(text, refs[i]).items():
                row[f"{k}_{side}"] = v
        row.update(perplexity_base=ppl_rows["base"][i], perplexity_tuned=ppl_rows["final"][i],
                   stopped_base=base_answers[i]["stopped"], stopped_tuned=tuned_answers[i]["stopped"])
        rows.append(row)
    # the rows where fine-tuning changed the answer most first; then the largest change in quality
    rows.sort(key=lambda r: (-round(r["difference"], 6), -abs(r["chrf_tuned"] - r["chrf_base"])))
    result["rows"] = rows
    result["weights"] = "one copy, adapter switched off for the base" if base is None else \
        "two copies: the base model loaded beside the fine-tuned one"
    result["seconds"] = round(time.time() - t0, 2)
    return result
