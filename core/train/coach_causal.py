"""The coach's causal-LM rules: what a chat or text-generation run gets wrong that a
classifier can't, read from its events and its ``summary.json`` (the end-of-run report of
:mod:`core.results.causal_report`: answer perplexity before/after, the share of answers that
ended their turn, the forgetting check; and, from the SFT trainer, the trained-token counts).

Rules (each tested on crafted summaries and event streams in tests/core/train/test_coach_causal.py):

* answers_masked — the training loss fell, yet the model did not get better at the answers:
  their perplexity did not drop (or the trainer counted no answer tokens / most answers cut
  off by max_length). The loss fell on tokens that are not the answer: the answers are masked
  out of the labels (a template whose assistant header the answer-only mask can't find) or
  cut away.
* never_stops — most fine-tuned answers ran to max_new_tokens instead of ending their turn:
  the model never learned where an answer ends (no end-of-turn/eos token trained, or a
  template whose end-of-turn differs from the one generation stops at).
* memorising — the training loss fell far below 1 nat per token on a tiny training set: the
  model is reciting its few rows (an eval loss well above it confirms it).
* forgetting — general-text perplexity rose past the forgetting check's tolerance.
* template_mismatch — the run trained on a layout that differs from the model's own chat
  template (the data alarms "template-differs" / "unseen-template" the SFT trainer records in
  summary["sft"]["alarms"]): chat tools prompt the result with the model's template, so what it
  learnt may not show there.
"""

from __future__ import annotations

from typing import Any

from .coach import Hint

FIXES = {
    "answers_masked": "Check that the loss is computed on the answers: on the Tokenize tab the trained tokens must be "
                      "the assistant's reply (not the prompt); use prompt_format chat with the tokenizer's own "
                      "template, and raise data.max_length if answers are cut off.",
    "never_stops": "Keep data.add_eos on and train with the model's chat template so each answer ends with its "
                   "end-of-turn token (<|im_end|> for ChatML); a base model without a chat template needs one.",
    "memorising": "Use more (or more varied) rows, fewer epochs or steps, a lower learning rate or a smaller LoRA r; "
                  "hold out a validation split to see it.",
    "template_mismatch": "Train with the model's own chat template (data.chat_template=model), or prompt the fine-tuned "
                         "model with exactly the layout it was trained on; the Tokenize tab shows both.",
    "forgetting": "Lower the learning rate or the epochs (fine-tuning should nudge the model, not overhaul it); "
                  "LoRA with a small r forgets less than full fine-tuning.",
}

LOSS_FELL = 0.8  # the last train losses are below 80 % of the first ones: "the loss fell"
ANSWERS_NOT_BETTER = 0.98  # answer perplexity after >= 98 % of before: no real gain on the answers
CUT_SHARE = 0.5  # half the training rows lose their answer to max_length
NEVER_STOPS = 0.5  # fewer than half the fine-tuned answers ended their turn
MEMORISING_LOSS = 0.2  # nats per token; "far below 1": the model is near-certain of every token
TINY_SET = 200  # training rows


def _losses(events: list[dict[str, Any]]) -> list[float]:
    return [float(e["loss"]) for e in events if e.get("type") == "train" and isinstance(e.get("loss"), (int, float))]


def _fell(losses: list[float]) -> tuple[float, float] | None:
    """(start, end) when the train loss clearly fell, else None."""
    if len(losses) < 4:
        return None
    k = max(1, len(losses) // 4)
    start, end = sum(losses[:k]) / k, sum(losses[-k:]) / k
    return (start, end) if end < LOSS_FELL * start else None


def causal_hints(events: list[dict[str, Any]], summary: dict[str, Any] | None) -> list[Hint]:
    """The causal rules' hints for a causal-LM run's events and summary (so far)."""
    summary = summary or {}
    losses = _losses(events)
    out = _answers_masked(losses, summary) + _never_stops(summary) + _memorising(losses, events, summary)
    return out + _forgetting(summary) + _template_mismatch(summary)


TEMPLATE_ALARMS = ("template-differs", "unseen-template")  # core.data.alarms kinds


def _template_mismatch(summary: dict[str, Any]) -> list[Hint]:
    kinds = set((summary.get("sft") or {}).get("alarms") or ())
    if not kinds & set(TEMPLATE_ALARMS):
        return []
    what = ("a model that had no chat template was given one it never saw" if "unseen-template" in kinds
            else "the layout it trained on differs from the model's own chat template")
    return [Hint("template_mismatch", "Trained on another template than inference uses",
                 f"This run trained on conversations laid out by a template other than the one it will be prompted "
                 f"with: {what}. The answers it learnt may not come out in a chat app that uses the model's "
                 "template.", FIXES["template_mismatch"])]


def _answers_masked(losses: list[float], summary: dict[str, Any]) -> list[Hint]:
    fell = _fell(losses)
    if fell is None:
        return []
    sft = summary.get("sft") or {}
    n_train = summary.get("n_train") or 0
    why = ""
    if sft.get("trained_tokens") == 0:
        why = "the trainer counted no answer tokens at all"
    elif n_train and isinstance(sft.get("answer_cut_rows"), (int, float)) and sft["answer_cut_rows"] >= CUT_SHARE * n_train:
        why = f"{sft['answer_cut_rows']} of {n_train} training rows lost their answer to data.max_length"
    else:
        gen = summary.get("generation") or {}
        before = (gen.get("base") or {}).get("answer_perplexity")
        after = (gen.get("final") or {}).get("answer_perplexity")
        if isinstance(before, (int, float)) and isinstance(after, (int, float)) and after >= ANSWERS_NOT_BETTER * before:
            why = f"the validation answers' perplexity went {before:.2f} → {after:.2f}, no better"
    if not why:
        return []
    return [Hint("answers_masked", "The loss fell, but not on the answers",
                 f"The training loss went {fell[0]:.2f} → {fell[1]:.2f}, yet {why}: the model learned the prompts "
                 "or the template, not the replies (answer tokens masked out of the labels or cut off).",
                 FIXES["answers_masked"])]


def _never_stops(summary: dict[str, Any]) -> list[Hint]:
    gen = summary.get("generation") or {}
    stopped = (gen.get("final") or {}).get("stopped")
    if not isinstance(stopped, (int, float)) or gen.get("n", 0) < 2 or stopped >= NEVER_STOPS:
        return []
    limit = (gen.get("decoding") or {}).get("max_new_tokens", "max_new_tokens")
    base = (gen.get("base") or {}).get("stopped")
    was = f" (the base model: {base:.0%})" if isinstance(base, (int, float)) else ""
    return [Hint("never_stops", "The answers never stop",
                 f"Only {round(stopped * gen['n'])} of {gen['n']} fine-tuned answers ended their turn{was}; the rest "
                 f"ran on until the "
                 f"{limit}-token limit: the model did not learn where an answer ends.", FIXES["never_stops"])]


def _memorising(losses: list[float], events: list[dict[str, Any]], summary: dict[str, Any]) -> list[Hint]:
    n_train = summary.get("n_train") or 0
    if not losses or not n_train or n_train > TINY_SET:
        return []
    k = min(3, len(losses))
    last = sum(losses[-k:]) / k
    if last >= MEMORISING_LOSS:
        return []
    evals = [e for e in events if e.get("type") == "eval" and isinstance(e.get("eval_loss"), (int, float))
             and not e.get("baseline")]
    confirm = ""
    if evals and evals[-1]["eval_loss"] > 3 * max(last, 1e-3):
        confirm = f" The validation loss, {evals[-1]['eval_loss']:.2f}, is far above it: it recites, it does not generalise."
    return [Hint("memorising", "Memorising a tiny training set",
                 f"The training loss is down to {last:.3f} per token (a perplexity of {2.718281828 ** last:.2f}: "
                 f"near-certain of every token) on only {n_train} training rows." + confirm, FIXES["memorising"])]


def _forgetting(summary: dict[str, Any]) -> list[Hint]:
    f = summary.get("forgetting") or {}
    if f.get("level") not in ("some", "forgot"):
        return []
    title = "Catastrophic forgetting" if f["level"] == "forgot" else "Some forgetting on general text"
    return [Hint("forgetting", title, str(f.get("verdict", "")), FIXES["forgetting"])]
