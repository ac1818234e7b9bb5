"""Where a chat turn starts and ends: the end-of-turn token, the ids generation stops on,
and how a prompt (a list of chat messages or plain text) becomes model input.

A chat model closes each turn with a token of its template (``<|im_end|>`` for ChatML,
``<|eot_id|>`` for Llama 3, ``<end_of_turn>`` for Gemma). Generation that stops only at the
tokenizer's ``eos_token`` runs on past the answer when that is a different token (a base
model's ``<|endoftext|>``), so the generation code, the merged export's
``generation_config.json`` and the GGUF export all take their stop ids from here.

Prompts:
  * a list of ``{"role", "content"}`` messages is rendered with the tokenizer's chat template
    and ``add_generation_prompt=True`` (the text ends where the assistant's answer starts);
    a tokenizer without a template gets the contents joined by blank lines;
  * a string is used exactly as it is (that is how TRL trains on prompt/completion strings),
    and the full training text is ``prompt + reference``.
"""

from __future__ import annotations

from typing import Any

# Tokens chat templates close a turn with, by template family.
END_OF_TURN_MARKERS = ("<|im_end|>", "<|eot_id|>", "<end_of_turn>", "<|end|>")

def end_of_turn_id(tokenizer: Any) -> int | None:
    """The id the tokenizer's chat template closes a turn with, if it has a template that
    uses one of :data:`END_OF_TURN_MARKERS` and the token exists."""
    template = getattr(tokenizer, "chat_template", None) or ""
    if not isinstance(template, str):  # a dict of named templates: look at all of them
        template = " ".join(map(str, dict(template).values()))
    for marker in END_OF_TURN_MARKERS:
        if marker in template:
            tid = tokenizer.convert_tokens_to_ids(marker)
            if isinstance(tid, int) and tid != tokenizer.unk_token_id:
                return tid
    return None


def _as_list(value: Any) -> list[int]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [int(v) for v in value if v is not None]
    return [int(value)]


def stop_token_ids(tokenizer: Any, generation_config: Any = None) -> list[int]:
    """Every id generation should stop on, end-of-turn first: the template's end-of-turn
    token, the generation config's eos ids, then the tokenizer's eos (duplicates dropped)."""
    ids = _as_list(end_of_turn_id(tokenizer))
    ids += _as_list(getattr(generation_config, "eos_token_id", None))
    ids += _as_list(getattr(tokenizer, "eos_token_id", None))
    return list(dict.fromkeys(ids))


def is_messages(prompt: Any) -> bool:
    return isinstance(prompt, list) and all(isinstance(m, dict) and "content" in m for m in prompt)


def has_chat_template(tokenizer: Any) -> bool:
    return bool(getattr(tokenizer, "chat_template", None))


def prompt_text(tokenizer: Any, prompt: Any) -> str:
    """The text the model sees before its answer (see the module docstring)."""
    if isinstance(prompt, str):
        return prompt
    if not is_messages(prompt):
        raise TypeError(f"a prompt is a string or a list of chat messages, got {type(prompt).__name__}")
    if has_chat_template(tokenizer):
        return tokenizer.apply_chat_template(prompt, add_generation_prompt=True, tokenize=False)
    return "\n\n".join(str(m["content"]) for m in prompt) + "\n\n"


def full_text(tokenizer: Any, prompt: Any, answer: str) -> str:
    """Prompt and answer as one training text: the chat template with the answer as the
    assistant's turn (its end-of-turn token included), or ``prompt + answer``."""
    if isinstance(prompt, str) or not has_chat_template(tokenizer):
        return prompt_text(tokenizer, prompt) + answer
    return tokenizer.apply_chat_template(list(prompt) + [{"role": "assistant", "content": answer}], tokenize=False)


def templated(tokenizer: Any, prompt: Any) -> bool:
    """Whether the prompt is rendered by the chat template (then the template writes the
    special tokens itself)."""
    return is_messages(prompt) and has_chat_template(tokenizer)


def encode(tokenizer: Any, text: str, chat: bool) -> list[int]:
    """Token ids of a rendered text. Chat-template text already holds its special tokens, so
    none are added (as ``apply_chat_template(tokenize=True)`` and TRL do); plain text gets
    the tokenizer's usual ones (a BOS for Llama-style tokenizers), as training added them."""
    return list(tokenizer(text, add_special_tokens=not chat)["input_ids"])


def prompt_ids(tokenizer: Any, prompt: Any) -> list[int]:
    """The prompt's ids for generation; a plain prompt never ends with end-of-sequence (some
    tokenizers append it, and the model would then start a new document)."""
    ids = encode(tokenizer, prompt_text(tokenizer, prompt), templated(tokenizer, prompt))
    eos = getattr(tokenizer, "eos_token_id", None)
    while len(ids) > 1 and eos is not None and ids[-1] == eos and not templated(tokenizer, prompt):
        ids = ids[:-1]
    return ids


def answer_span(tokenizer: Any, prompt: Any, answer: str, add_eos: bool = True) -> tuple[list[int], int]:
    """(ids of prompt + answer, index where the answer's tokens start). The start is the
    common prefix of the prompt's and the full text's ids (TRL splits prompt and completion
    the same way), so a token merged across the boundary counts as answer. A plain-text
    answer gets the eos token appended (the model must learn to stop there) unless the
    tokenizer already added it."""
    p = prompt_ids(tokenizer, prompt)
    full = encode(tokenizer, full_text(tokenizer, prompt, answer), templated(tokenizer, prompt))
    eos = getattr(tokenizer, "eos_token_id", None)
    if add_eos and not templated(tokenizer, prompt) and eos is not None \
            and (not full or full[-1] != eos):
        full = full + [eos]
    start = 0
    while start < min(len(p), len(full)) and p[start] == full[start]:
        start += 1
    # the first token has no prediction (nothing before it), so an answer starts at 1 at the earliest
    return full, max(1, min(start, len(full) - 1))
