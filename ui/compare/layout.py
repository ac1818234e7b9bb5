"""The compare tab's components: its parts (a dataclass) and how they are laid out."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import gradio as gr

from ..common import Form, explain, section_title
from .answers import AnswersParts, answers_layout
from .chat import ChatParts, chat_layout
from .preference import PreferenceParts, preference_layout

TITLE = "Compare"


N_PROMPTS = 3


MAX_PROMPTS = 8  # each prompt is generated twice; keep a click's wait bounded


DISAGREEMENT_COLUMNS = ["Text", "True label", "Base", "Fine-tuned", "Fine-tuned right?"]


EXPLANATION = """
Did training change what the model *does*? Here the same input goes through the model
**before** training (the base model) and **after** it (fine-tuned), side by side.

For a LoRA run only one copy of the base weights is in memory: the base answer is that model
with its adapters switched off, the fine-tuned answer the same model with them switched on.
The base model gets exactly the random classification head it started training with, so its
answers are the "before" numbers of the Train tab.

**Classification**: each model gives a probability for every label. A base model with a fresh
head is close to guessing. *Check the validation set* runs both over every validation row,
which neither saw in training, and lists the rows where they disagree, with the right answer.

**Text generation**: both models continue the same prompts with the same settings. *Greedy*
decoding always picks the most likely next token, so it gives the same text every time;
*sampling* picks at random among likely tokens (temperature, top-p and top-k decide how
adventurous), which varies more but can't be compared run to run as easily.
"""


@dataclass
class CompareCache:
    """This session's loaded comparison (one run at a time) and the last run it offered."""

    name: str = ""
    comparison: Any = None
    pair: bool = False  # whether the loaded run classifies pairs of texts
    offered_job: str = ""
    chat: Any = None  # the chat panel's Conversation (core.results.chat) for the loaded run
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __deepcopy__(self, memo: dict) -> "CompareCache":
        # Gradio deep-copies a session's initial value: a copy starts empty (no model, new lock).
        return CompareCache()

    def load(self, row: dict[str, Any]) -> tuple[Any, bool]:
        """(the Comparison for ``row``, whether it was loaded just now)."""
        from core.results.compare import Comparison

        with self.lock:
            if self.comparison is not None and self.name == row["name"]:
                return self.comparison, False
            self.comparison, self.name, self.chat = None, "", None  # free the previous model before loading
            self.comparison = Comparison(row["path"])
            self.name = row["name"]
            return self.comparison, True

    def clear(self) -> None:
        with self.lock:
            self.comparison, self.name = None, ""


@dataclass
class CompareParts:
    cache: gr.State
    run: gr.Dropdown
    refresh_btn: gr.Button
    load_btn: gr.Button
    status: gr.Markdown
    empty: gr.HTML
    cls_box: gr.Column
    text: gr.Textbox
    text_pair: gr.Textbox
    classify_btn: gr.Button
    verdict: gr.Markdown
    base_label: gr.Label
    tuned_label: gr.Label
    validate_btn: gr.Button
    validation_summary: gr.Markdown
    validation_plot: gr.Plot
    disagreements: gr.Dataframe
    gen_box: gr.Column
    prompts: gr.Textbox
    generate_btn: gr.Button
    gen_note: gr.Markdown
    outputs: gr.HTML
    chat: ChatParts
    answers: AnswersParts
    preference: PreferenceParts


def layout(ctx: Any) -> CompareParts:
    form: Form = ctx.form
    explain(ctx.settings, EXPLANATION)
    cache = gr.State(lambda: CompareCache(),
                     delete_callback=lambda c: c.clear() if isinstance(c, CompareCache) else None)
    with gr.Row(equal_height=False, elem_classes=["fts-panel"]):
        # Custom values are allowed so an API client can name any run; the handler checks it.
        run = gr.Dropdown([], value=None, label="Finished run", allow_custom_value=True, scale=6,
                          info="Your latest finished run is chosen for you.", elem_id="compare-run")
        with gr.Column(scale=2, min_width=160):
            load_btn = gr.Button("Load", variant="primary", elem_id="compare-load")
            refresh_btn = gr.Button("↻ Refresh the list", size="sm", elem_id="compare-refresh")
    status = gr.Markdown(elem_id="compare-status", elem_classes=["fts-summary"], label="Status", show_label=False)
    empty = gr.HTML('<div class="fts-empty">Train a model on the Train tab; when it finishes, compare it '
                    'here with the model it started from.</div>', padding=False, elem_id="compare-empty",
                    label="No run yet", show_label=False)

    with gr.Column(visible=False) as cls_box:
        section_title("Try a text")
        with gr.Row(equal_height=False):
            with gr.Column(scale=4, min_width=300, elem_classes=["fts-panel"]):
                text = gr.Textbox(label="Text", lines=3, placeholder="Type a sentence to classify…",
                                  elem_id="compare-text")
                text_pair = gr.Textbox(label="Second text", lines=2, visible=False, elem_id="compare-text-pair",
                                       info="This run classifies pairs of texts.")
                classify_btn = gr.Button("Classify with both models", variant="primary", elem_id="compare-classify")
            with gr.Column(scale=8, min_width=420):
                verdict = gr.Markdown(elem_id="compare-verdict", elem_classes=["fts-summary"], label="Verdict",
                                      show_label=False)
                with gr.Row(equal_height=True):
                    base_label = gr.Label(label="Base model (before training)", num_top_classes=6,
                                          elem_id="compare-base-label")
                    tuned_label = gr.Label(label="Fine-tuned model", num_top_classes=6, elem_id="compare-tuned-label")
        section_title("The validation set, before and after")
        with gr.Row(equal_height=False):
            with gr.Column(scale=4, min_width=300):
                validate_btn = gr.Button("Check the validation set", variant="secondary", elem_id="compare-validate")
                validation_summary = gr.Markdown(elem_id="compare-validation-summary", label="Validation summary",
                                                 show_label=False)
            with gr.Column(scale=8, min_width=420):
                # Hidden until the check has run: an empty chart and table only take room.
                validation_plot = gr.Plot(label="Accuracy and F1, before and after", show_label=False, format="png",
                                          visible=False, elem_id="compare-validation-plot")
        disagreements = gr.Dataframe(headers=DISAGREEMENT_COLUMNS, label="Rows where the two models disagree",
                                     interactive=False, wrap=True, max_height=360, buttons=[], visible=False,
                                     column_widths=["52%", "12%", "12%", "12%", "12%"],
                                     elem_id="compare-disagreements")

    with gr.Column(visible=False) as gen_box:
        preference = preference_layout()  # DPO runs only: held-out pairs, before and after
        chat = chat_layout()
        section_title("Continue prompts; the decoding both panels use")
        with gr.Row(equal_height=False):
            with gr.Column(scale=5, min_width=320, elem_classes=["fts-panel"]):
                prompts = gr.Textbox(label="One prompt per line", lines=4, max_lines=MAX_PROMPTS,
                                     info="Taken from validation rows the model never trained on; edit freely.",
                                     elem_id="compare-prompts")
                generate_btn = gr.Button("Generate with both models", variant="primary", elem_id="compare-generate")
            with gr.Column(scale=7, min_width=380, elem_classes=["fts-panel"]):
                section_title("Decoding (the same for both models)")
                with gr.Row():
                    form.widget("generate", "do_sample", label="Sample (off = greedy)")
                    form.widget("generate", "max_new_tokens", kind="slider", minimum=1, maximum=256, step=1,
                                label="Max new tokens")
                with gr.Row():
                    form.widget("generate", "temperature", kind="slider", minimum=0.05, maximum=2.0, step=0.05,
                                label="Temperature")
                    form.widget("generate", "top_p", kind="slider", minimum=0.05, maximum=1.0, step=0.05,
                                label="Top-p")
                with gr.Row():
                    form.widget("generate", "top_k", label="Top-k", minimum=0)
                    form.widget("generate", "repetition_penalty", kind="slider", minimum=0.5, maximum=2.0, step=0.05,
                                label="Repetition penalty")
        gen_note = gr.Markdown(elem_classes=["fts-hint"], elem_id="compare-gen-note", label="Decoding used",
                               show_label=False)
        outputs = gr.HTML(label="Base and fine-tuned outputs", elem_id="compare-outputs", padding=False)
        answers = answers_layout()
    return CompareParts(cache=cache, run=run, refresh_btn=refresh_btn, load_btn=load_btn, status=status, empty=empty,
                        cls_box=cls_box, text=text, text_pair=text_pair, classify_btn=classify_btn, verdict=verdict,
                        base_label=base_label, tuned_label=tuned_label, validate_btn=validate_btn,
                        validation_summary=validation_summary, validation_plot=validation_plot,
                        disagreements=disagreements, gen_box=gen_box, prompts=prompts, generate_btn=generate_btn,
                        gen_note=gen_note, outputs=outputs, chat=chat, answers=answers,
                        preference=preference)


CELL = ("border:1px solid var(--border-color-primary);border-radius:10px;padding:10px 12px;"
        "background:var(--background-fill-secondary);white-space:pre-wrap;line-height:1.5;"
        "font-family:var(--font-mono);font-size:.9rem")
