"""Chat templates: which layout a causal-LM run trains with, and the checks around it.

Answer-only loss on conversations needs a template whose assistant turns sit inside
``{% generation %}`` markers (transformers then returns an assistant mask, TRL turns it into
labels). Most shipped templates have none. TRL patches the ~30 templates it knows
(``get_training_chat_template``), but not SmolLM2's, so :data:`SMOLLM2_TRAINING_TEMPLATE` is
SmolLM2's ChatML template with the markers added: it renders byte for byte what the model's
own template renders (tested), default system prompt included, and marks each assistant
reply *with* its closing ``<|im_end|>\\n`` so the model learns to stop.

``data.chat_template`` chooses: ``model`` (the tokenizer's own template), ``chatml`` (a plain
ChatML layout for a model that has no template: it never saw these markers, so it must learn
them) or ``plain`` (no chat markup at all: the "### Instruction / ### Response" text layout).
A model without a template and ``model`` chosen is an error that names both ways out, never a
silent fallback.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .sources import DataError

SMOLLM2_SYSTEM = "You are a helpful AI assistant named SmolLM, trained by Hugging Face"

# SmolLM2-135M/360M/1.7B-Instruct's template as shipped (the gguf carries the same one).
SMOLLM2_CHAT_TEMPLATE = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}"
    "{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}")

PLAIN_PROMPT = "### Instruction:\n{instruction}\n\n### Response:\n"
PLAIN_PROMPT_WITH_INPUT = "### Instruction:\n{instruction}\n\n### Input:\n{input}\n\n### Response:\n"


def chatml_template(default_system: str | None = None, markers: bool = True) -> str:
    """A ChatML template (``<|im_start|>role\\ncontent<|im_end|>\\n``). With ``markers`` the
    assistant content and its closing ``<|im_end|>\\n`` sit inside ``{% generation %}``; with
    ``default_system``, a conversation that does not start with a system message gets that
    system turn first (as SmolLM2's own template does)."""
    head = ""
    if default_system is not None:
        head = ("{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\\n"
                + default_system.replace("'", "\\'") + "<|im_end|>\\n' }}{% endif %}")
    answer = "{{ message['content'] + '<|im_end|>' + '\\n' }}"
    if markers:
        answer = "{% generation %}" + answer + "{% endgeneration %}"
    return ("{% for message in messages %}" + head
            + "{% if message['role'] == 'assistant' %}{{ '<|im_start|>assistant\\n' }}" + answer
            + "{% else %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
            "{% endif %}{% endfor %}"
            "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")


SMOLLM2_TRAINING_TEMPLATE = chatml_template(SMOLLM2_SYSTEM)
CHATML_TRAINING_TEMPLATE = chatml_template()
CHATML_TEMPLATE = chatml_template(markers=False)  # what a chatml run saves with its tokenizer

# Shipped templates TRL cannot patch -> the same template with generation markers.
KNOWN_TRAINING_TEMPLATES = {SMOLLM2_CHAT_TEMPLATE: SMOLLM2_TRAINING_TEMPLATE}


def has_markers(template: str | None) -> bool:
    return bool(template) and "{% generation %}" in template.replace("{%- generation %}", "{% generation %}")


def no_template_message(what: str = "this model") -> str:
    return (f"{what}'s tokenizer has no chat template, so chat and instruction rows can't be laid out the "
            "way it expects. Choose one: data.chat_template=chatml (a ChatML layout the model never saw: it "
            "learns the markers from your data) or data.chat_template=plain (the '### Instruction / ### "
            "Response' text layout)")


def layout_template(tokenizer: Any, choice: str) -> str | None:
    """The template rows are rendered with at inference for ``data.chat_template`` (None for
    plain, which uses no chat markup)."""
    if choice == "plain":
        return None
    if choice == "chatml":
        return CHATML_TEMPLATE
    own = getattr(tokenizer, "chat_template", None)
    if not own:
        raise DataError(no_template_message())
    return own


def training_template(tokenizer: Any, choice: str, assistant_masks: bool) -> str | None:
    """The template to train with. ``assistant_masks``: the loss needs the assistant turns
    marked (chat rows with sft.assistant_only_loss). Raises DataError when that is impossible."""
    layout = layout_template(tokenizer, choice)
    if layout is None or not assistant_masks:
        return layout
    if choice == "chatml":
        return CHATML_TRAINING_TEMPLATE
    if has_markers(layout):
        return layout
    if layout in KNOWN_TRAINING_TEMPLATES:
        return KNOWN_TRAINING_TEMPLATES[layout]
    from trl.chat_template_utils import get_training_chat_template

    try:
        patched = get_training_chat_template(tokenizer)
    except ValueError:
        patched = None
    if not patched:
        raise DataError("this model's chat template does not mark the assistant's turns, so the loss can't be "
                        "limited to them. Set sft.last_turn_only=true (the last answer is trained, earlier turns "
                        "are context) or sft.assistant_only_loss=false (every turn is trained)")
    return patched


def template_differences(tokenizer: Any, template: str, conversations: Iterable[list[dict]],
                         reference: str | None = None) -> list[str]:
    """Conversations that render differently under ``template`` than under ``reference``
    (default: the tokenizer's own template), with and without the generation prompt; an
    empty list means they render identically."""
    reference = reference if reference is not None else tokenizer.chat_template
    out = []
    for conv in conversations:
        for gen in (False, True):
            a = tokenizer.apply_chat_template(conv, tokenize=False, add_generation_prompt=gen,
                                              chat_template=reference)
            b = tokenizer.apply_chat_template(conv, tokenize=False, add_generation_prompt=gen,
                                              chat_template=template)
            if a != b:
                out.append(f"add_generation_prompt={gen}: {a!r} != {b!r}")
    return out


def injected_system_prompt(tokenizer: Any, template: str | None) -> str:
    """The text a template writes before a conversation that has no system message, when that
    text holds a system turn of its own ('' if none): SmolLM2's adds "You are a helpful AI
    assistant named SmolLM, trained by Hugging Face"."""
    if not template:
        return ""
    mark = "\u2063FTS-USER\u2063"
    try:
        text = tokenizer.apply_chat_template([{"role": "user", "content": mark}], tokenize=False,
                                             chat_template=template)
    except Exception:  # a template may insist on other shapes; then there is nothing to show
        return ""
    head = text[: text.find(mark)] if mark in text else ""
    return head.strip() if "system" in head.lower() else ""
