"""The Compare tab's chat: base and fine-tuned answer the same message, streamed token by
token, from one copy of the base weights, each side keeping its own conversation.

One message goes to both sides in turn: the base model first (a LoRA/QLoRA model with its
adapter switched off, :func:`core.results.generations.base_side`; a full or freeze run
passes the base model beside it), then the fine-tuned model. Each side's history holds its
*own* earlier answers, so a multi-turn chat continues the conversation that side had.

Decoding is the run's ``generate`` section through
:func:`core.results.generations.decoding_kwargs`, the same keywords the end-of-run report
uses: generation stops at the template's end-of-turn token (``<|im_end|>``) as well as at
eos, so no text after the end of the turn ever reaches the page. Tokens arrive through
transformers' ``TextIteratorStreamer`` while ``generate`` runs in a worker thread; a reader
that stops early (the browser went away) stops the worker at its next token.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..model import turns
from .generations import base_side, decoding_kwargs

SIDES = ("base", "tuned")
# Longest wait for the next token before the stream gives up (a wedged worker must not hang
# the page): a 135M model on a loaded 2-core CPU writes a token every ~50 ms.
TOKEN_TIMEOUT_S = 120.0


class ChatError(ValueError):
    """The chat can't answer as asked; the message says why."""


@dataclass
class Reply:
    """How one answer ended: filled in when its stream is exhausted."""

    text: str = ""
    tokens: int = 0  # new tokens generated, the stop token included
    stopped: bool = False  # ended at a stop token (not at max_new_tokens)
    seconds: float = 0.0


@dataclass
class Conversation:
    """Both sides' turns so far (user/assistant messages, no system prompt)."""

    history: dict[str, list[dict[str, str]]] = field(default_factory=lambda: {s: [] for s in SIDES})
    dropped: int = 0  # oldest exchanges left out of the prompt to fit the model's context

    def messages(self, side: str, message: str, system: str = "") -> list[dict[str, str]]:
        head = [{"role": "system", "content": system.strip()}] if system.strip() else []
        return head + list(self.history[side]) + [{"role": "user", "content": message}]

    def add(self, side: str, message: str, answer: str) -> None:
        self.history[side] += [{"role": "user", "content": message}, {"role": "assistant", "content": answer}]

    def clear(self) -> None:
        self.history = {s: [] for s in SIDES}
        self.dropped = 0

    @property
    def turns(self) -> int:
        return len(self.history["tuned"]) // 2


class _Stop:
    """A stopping criterion the reader flips when it stops listening."""

    def __init__(self) -> None:
        self.event = threading.Event()

    def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> bool:
        return self.event.is_set()


def _streamer(tokenizer: Any, stops: set[int]) -> Any:
    """A TextIteratorStreamer that never shows a stop token: a stop id that is an ordinary
    token (a generation config's eos) would otherwise be decoded into the page."""
    from transformers import TextIteratorStreamer

    class Streamer(TextIteratorStreamer):
        done = False

        def put(self, value: Any) -> None:
            if not self.next_tokens_are_prompt:
                if self.done or (value.numel() == 1 and int(value.reshape(-1)[0]) in stops):
                    self.done = True
                    return
            super().put(value)

    return Streamer(tokenizer, skip_prompt=True, skip_special_tokens=True, timeout=TOKEN_TIMEOUT_S)


def _cut_at_end_of_turn(text: str, tokenizer: Any) -> str:
    """Text before the first end-of-turn marker. The stop ids already end generation there;
    this also holds when a tokenizer does not mark its end-of-turn token as special."""
    for marker in (*turns.END_OF_TURN_MARKERS, getattr(tokenizer, "eos_token", None)):
        if marker and marker in text:
            text = text[: text.index(marker)]
    return text


def fit_context(model: Any, tokenizer: Any, messages: list[dict[str, str]], max_new_tokens: int) -> tuple[list[int], int]:
    """(prompt ids, exchanges dropped): the oldest user/assistant exchanges are left out
    until prompt + answer fit the model's positions (the system prompt and the new message stay)."""
    limit = getattr(getattr(model, "config", None), "max_position_embeddings", None)
    msgs, dropped = list(messages), 0
    ids = turns.prompt_ids(tokenizer, msgs)
    head = 1 if msgs and msgs[0]["role"] == "system" else 0
    while limit and len(ids) + max_new_tokens > limit and len(msgs) - head > 2:
        del msgs[head:head + 2]
        dropped += 1
        ids = turns.prompt_ids(tokenizer, msgs)
    if limit and len(ids) + max_new_tokens > limit:
        raise ChatError(f"the message is {len(ids)} tokens long with the template; with {max_new_tokens} new tokens "
                        f"that is more than the model's {limit} positions: shorten it or lower max_new_tokens")
    return ids, dropped


def stream_reply(model: Any, tokenizer: Any, messages: list[dict[str, str]], gen: Any, seed: int = 42,
                 reply: Reply | None = None) -> Iterator[str]:
    """Yield the answer's text so far as tokens arrive; ``reply`` gets the final figures."""
    import torch
    from transformers import StoppingCriteriaList, set_seed

    reply = reply if reply is not None else Reply()
    ids, _ = fit_context(model, tokenizer, messages, gen.max_new_tokens)
    kw = decoding_kwargs(gen, tokenizer, model)
    stops = set(kw["eos_token_id"])
    device = next(model.parameters()).device
    input_ids = torch.tensor([ids], device=device)
    streamer = _streamer(tokenizer, stops)
    stop = _Stop()
    result: dict[str, Any] = {}

    def work() -> None:
        try:
            with torch.no_grad():  # grad mode is per thread: the caller's no_grad does not reach here
                result["ids"] = model.generate(input_ids=input_ids, attention_mask=torch.ones_like(input_ids),
                                               streamer=streamer, stopping_criteria=StoppingCriteriaList([stop]),
                                               **kw)[0, len(ids):].tolist()
        except BaseException as exc:  # noqa: BLE001 - raised again in the reader's thread
            result["error"] = exc
            streamer.end()

    if gen.do_sample:
        set_seed(seed)  # both sides draw from the same random stream
    was_training = model.training
    model.eval()
    t0 = time.perf_counter()
    worker = threading.Thread(target=work, name="compare-chat", daemon=True)
    worker.start()
    text = ""
    try:
        for piece in streamer:
            text = _cut_at_end_of_turn(text + piece, tokenizer)
            yield text.strip()
    finally:
        stop.event.set()  # a reader that left early stops the worker at its next token
        worker.join()
        if was_training:
            model.train()
    if "error" in result:
        raise ChatError(f"generation failed: {result['error']}") from result["error"]
    new = result.get("ids", [])
    cut = next((j for j, t in enumerate(new) if t in stops), None)
    reply.tokens = len(new) if cut is None else cut + 1
    reply.stopped = cut is not None
    # the final text from the ids themselves (the stream's pieces are the same text, but a
    # partial multi-byte character can only be decoded once its last byte is in)
    reply.text = _cut_at_end_of_turn(tokenizer.decode(new[:cut], skip_special_tokens=True), tokenizer).strip()
    reply.seconds = time.perf_counter() - t0
    yield reply.text


def stream_both(tuned: Any, tokenizer: Any, conv: Conversation, message: str, gen: Any, base: Any = None,
                system: str = "", seed: int = 42, replies: dict[str, Reply] | None = None) -> Iterator[tuple[str, str]]:
    """Yield (side, text so far): the base answer first, then the fine-tuned one. Each
    finished answer joins its side's history in ``conv``; ``replies`` gets both Replies."""
    message = (message or "").strip()
    if not message:
        raise ChatError("type a message first")
    replies = replies if replies is not None else {}
    dropped = 0
    for side in SIDES:
        ctx = base_side(tuned, base) if side == "base" else contextlib.nullcontext(tuned)
        msgs = conv.messages(side, message, system)
        with ctx as model:
            _, dropped = fit_context(model, tokenizer, msgs, gen.max_new_tokens)
            replies[side] = Reply()
            for text in stream_reply(model, tokenizer, msgs, gen, seed, replies[side]):
                yield side, text
        conv.add(side, message, replies[side].text)
    conv.dropped = max(conv.dropped, dropped)


def weights_line(tuned: Any, base: Any = None) -> str:
    """What the chat holds in memory, in words: one copy with the adapter toggled, or two models."""
    from .compare import model_bytes

    mb = model_bytes(tuned)
    if base is None:
        return (f"One copy of the base weights ({_size(mb)} with the adapter): the base answers with the "
                "adapter switched off, the fine-tuned one with it on.")
    bmb = model_bytes(base)
    return (f"Two models in memory: the fine-tuned weights ({_size(mb)}) and the base model beside them "
            f"({_size(bmb)}), {_size(mb + bmb)} in all. A full or freeze run changed the weights themselves, "
            "so there is no adapter to switch off.")


def _size(n_bytes: int) -> str:
    mb = n_bytes / 2**20
    return f"{mb:.0f} MB" if mb >= 10 else f"{mb:.1f} MB" if mb >= 0.1 else f"{n_bytes / 2**10:.0f} KB"


_USER_TURN = re.compile(r"(?:^|\n|>)user\n(.*?)(?:" + "|".join(map(re.escape, turns.END_OF_TURN_MARKERS)) + ")", re.S)
_SPECIAL = re.compile(r"<\|[^|>]{1,40}\|>|</?s>|<end_of_turn>|<start_of_turn>")


def shown_prompt(prompt: str) -> str:
    """A rendered chat prompt as a reader wants it: its last user message (the template's
    markup and default system prompt left out); a plain prompt as it is, markup removed."""
    found = list(_USER_TURN.finditer(prompt))
    if found:
        return found[-1].group(1).strip()
    return _SPECIAL.sub("", prompt).strip()
