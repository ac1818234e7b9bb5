"""The Compare tab's chat panel for causal runs: a message (and an optional system prompt)
goes to the base and the fine-tuned model, whose answers stream side by side; each side
continues its own conversation. The engine is :mod:`core.results.chat`; the conversation
lives in this browser's :class:`~ui.compare.layout.CompareCache` and starts again when
another run is loaded or *New conversation* is pressed."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import gradio as gr

from core.config import ConfigError

from ..common import Form, Session, handler, section_title

PLACEHOLDER = "Ask both models something, e.g. a question like the ones in your training data…"


@dataclass
class ChatParts:
    system: gr.Textbox
    base_chat: gr.Chatbot
    tuned_chat: gr.Chatbot
    message: gr.Textbox
    send: gr.Button
    reset: gr.Button
    note: gr.Markdown


def chat_layout() -> ChatParts:
    section_title("Chat with both models")
    with gr.Column(elem_classes=["fts-panel"]):
        system = gr.Textbox(label="System prompt (optional)", lines=1, max_lines=4, elem_id="compare-chat-system",
                            info="Sent first on both sides. Empty: the chat template's own default, if it has one.")
        with gr.Row(equal_height=True):
            base_chat = gr.Chatbot(label="Base model (before training)", height=340, elem_id="compare-chat-base",
                                   buttons=[], placeholder="The base model's answers appear here.")
            tuned_chat = gr.Chatbot(label="Fine-tuned model", height=340, elem_id="compare-chat-tuned",
                                    buttons=[], placeholder="The fine-tuned model's answers appear here.")
        with gr.Row(equal_height=True):
            message = gr.Textbox(label="Message", placeholder=PLACEHOLDER, lines=1, max_lines=6, scale=8,
                                 elem_id="compare-chat-message", show_label=False)
            send = gr.Button("Send to both", variant="primary", scale=2, min_width=120, elem_id="compare-chat-send")
            reset = gr.Button("New conversation", variant="secondary", scale=2, min_width=120,
                              elem_id="compare-chat-reset")
        note = gr.Markdown(elem_classes=["fts-hint"], elem_id="compare-chat-note", label="Chat settings",
                           show_label=False)
    return ChatParts(system=system, base_chat=base_chat, tuned_chat=tuned_chat, message=message, send=send,
                     reset=reset, note=note)


# --------------------------------------------------------------------------- views
def decoding_line(gen: Any, tokenizer: Any, stops: list[int]) -> str:
    """The decoding settings in words, and the tokens an answer ends at."""
    how = (f"sampling (temperature {gen.temperature}, top-p {gen.top_p}, top-k {gen.top_k})" if gen.do_sample
           else "greedy decoding")
    names = ", ".join(f"`{tokenizer.convert_ids_to_tokens(t)}`" for t in stops) or "none"
    return (f"**Decoding, the same for both:** {how}, at most {gen.max_new_tokens} new tokens, repetition penalty "
            f"{gen.repetition_penalty}; an answer ends at {names}.")


def reply_line(replies: dict[str, Any], max_new_tokens: int) -> str:
    def one(r: Any) -> str:
        how = "ended its turn" if r.stopped else f"**cut at max_new_tokens ({max_new_tokens})**"
        return f"{r.tokens} tokens in {r.seconds:.1f} s, {how}"

    parts = [f"{who}: {one(replies[side])}" for side, who in (("base", "Base"), ("tuned", "Fine-tuned"))
             if side in replies]
    return " · ".join(parts)


def chat_values(conv: Any, side: str, pending: tuple[str, str] | None = None) -> list[dict[str, str]]:
    """A Chatbot's messages: the side's history, then the turn being written."""
    msgs = [dict(m) for m in conv.history[side]]
    if pending is not None:
        msgs += [{"role": "user", "content": pending[0]}, {"role": "assistant", "content": pending[1] or "…"}]
    return msgs


def chat_note(comp: Any, extra: str = "", gen: Any = None) -> str:
    from core.model import turns
    from core.results.chat import weights_line

    gen = gen or comp.cfg.generate
    stops = turns.stop_token_ids(comp.tokenizer, getattr(comp.tuned, "generation_config", None))
    template = ("" if turns.has_chat_template(comp.tokenizer) else
                " This model has no chat template: the messages are joined as plain text.")
    text = weights_line(comp.tuned, comp.base) + template + "  \n" + decoding_line(gen, comp.tokenizer, stops)
    return text + (f"  \n{extra}" if extra else "")


def on_load(parts: ChatParts, comp: Any, cache: Any, fresh: bool) -> dict:
    """What loading a causal run sets in the chat panel (a new run: a new conversation)."""
    from core.results.chat import Conversation

    out: dict = {parts.note: chat_note(comp)}
    if fresh or getattr(cache, "chat", None) is None:
        cache.chat = Conversation()
        out.update({parts.base_chat: [], parts.tuned_chat: [], parts.message: first_prompt(comp.run_dir)})
    return out


def first_prompt(run_dir: Any) -> str:
    """The held-out prompt whose answers changed most (from generations.jsonl), to start with;
    for a DPO run the held-out pair whose margin tuning moved most (preference.jsonl)."""
    from core.results.causal_report import read_rows
    from core.train.dpo import read_pair_rows

    from .answers import prompt_display

    rows = read_rows(run_dir)
    if rows:
        return prompt_display(rows[0].get("prompt", ""))
    pairs = read_pair_rows(run_dir)
    moved = max(pairs, key=lambda r: float(r.get("tuned_margin", 0)) - float(r.get("base_margin", 0)), default={})
    return str(moved.get("prompt", ""))


# --------------------------------------------------------------------------- handlers
@handler("chat with both models")
def compare_chat(form: Form, parts: ChatParts, comparison: Any, session: Session, cache: Any, run: Any,
                 message: str = "", system: str = "", **values: Any) -> Any:
    """One message to both models; their answers stream side by side, each side continuing
    its own conversation."""
    from core.results.chat import Conversation

    comp = comparison(session, cache, run)
    if comp.task != "causal-lm":
        raise ConfigError("this run is a classifier: type a text and press Classify instead")
    text = (message or "").strip()
    if not text:
        raise ConfigError("type a message first")
    gen = form.to_config(session, values).generate
    if getattr(cache, "chat", None) is None:
        cache.chat = Conversation()
    conv = cache.chat
    replies: dict[str, Any] = {}
    for side, answer in comp.chat(conv, text, gen, system=system or "", replies=replies):
        if side == "base":  # the base writes; the fine-tuned side waits with the message shown
            views = chat_values(conv, "base", (text, answer)), chat_values(conv, "tuned", (text, ""))
        else:  # the base answer has joined its history
            views = chat_values(conv, "base"), chat_values(conv, "tuned", (text, answer))
        who = "The base model" if side == "base" else "The fine-tuned model"
        yield {parts.base_chat: views[0], parts.tuned_chat: views[1], parts.message: "",
               parts.note: f"{who} is writing…"}
    dropped = (f"The oldest {conv.dropped} exchange(s) were left out of the prompt to fit the model's context."
               if conv.dropped else "")
    yield {parts.base_chat: chat_values(conv, "base"), parts.tuned_chat: chat_values(conv, "tuned"),
           parts.message: "",
           parts.note: chat_note(comp, " ".join(x for x in (reply_line(replies, gen.max_new_tokens), dropped) if x), gen)}


@handler("start a new conversation", light=True)
def compare_chat_reset(parts: ChatParts, session: Session, cache: Any) -> dict:
    if getattr(cache, "chat", None) is not None:
        cache.chat.clear()
    return {parts.base_chat: [], parts.tuned_chat: [], parts.message: ""}


def wire_chat(ctx: Any, parts: ChatParts, comparison: Any, cache: Any, run: Any) -> None:
    """Send (button or Enter) streams one turn; New conversation clears both sides."""
    form, session = ctx.form, ctx.session
    chat = dict(fn=functools.partial(compare_chat, form, parts, comparison),
                inputs=[session, cache, run, parts.message, parts.system], inputs_kwargs=form.inputs(),
                outputs=[parts.base_chat, parts.tuned_chat, parts.message, parts.note])
    parts.send.click(api_name="compare_chat", **chat)
    parts.message.submit(api_visibility="private", **chat)
    reset = dict(fn=functools.partial(compare_chat_reset, parts), inputs=[session, cache],
                 outputs=[parts.base_chat, parts.tuned_chat, parts.message])
    parts.reset.click(api_name="compare_chat_reset", **reset)
    for box in (parts.base_chat, parts.tuned_chat):  # a chatbot's own clear button starts again on both sides
        box.clear(api_visibility="private", **reset)
