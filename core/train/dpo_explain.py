"""What the curves of a DPO run mean right now: one or two plain sentences per curve that
read its current numbers (the Train tab's "what's happening and why" panel).

Reads the same events as :mod:`core.train.coach_dpo` (TRL's ``rewards/*`` logs, each a mean
over the batch of one logging step) and, once the run has finished, the held-out report in
summary.json (``preference``, :func:`core.train.dpo.preference_report`). Pure and cheap: the
Train tab calls it on every poll. The coach says what is wrong; this says what each number
*is*, so a person new to DPO can read the chart.

The arithmetic the sentences rest on (TRL's definitions): for one pair, the reward of an
answer is ``beta x (log p_tuned(answer) - log p_reference(answer))``, summed over the
answer's tokens, the reference being the base with the adapter off. The margin is the chosen
answer's reward minus the rejected one's, the accuracy the share of pairs whose margin is
above 0, and the sigmoid loss ``-log sigmoid(margin)``: ln 2 = 0.693 at margin 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

LN2 = math.log(2)


@dataclass(frozen=True)
class CurveNote:
    """One curve in words: ``key`` is the logged metric, ``value`` its current number as shown."""

    key: str
    title: str
    value: str
    text: str


def _latest(events: list[dict[str, Any]]) -> dict[str, Any] | None:
    for e in reversed(events):
        if e.get("type") == "train" and isinstance(e.get("rewards/margins"), (int, float)):
            return e
    return None


def _nats(reward: float, beta: float) -> str:
    return f"{abs(reward) / beta:.1f} nats" if beta > 0 else "an unknown amount"


def loss_note(loss: float, loss_type: str) -> CurveNote:
    if loss_type != "sigmoid":
        return CurveNote("loss", "DPO loss", f"{loss:.3f}",
                         f"The {loss_type} loss is {loss:.3f}: it falls as the chosen answers pull ahead of the "
                         "rejected ones relative to the reference (its scale differs from the DPO paper's sigmoid "
                         "loss, so compare it with its own start, not with ln 2).")
    if loss > LN2 - 0.005:
        tail = "It is still at its start: the tuned model does not yet prefer either answer more than the reference."
    elif loss < 0.1:
        tail = ("Near 0, the pairs of this batch are won by a wide margin: more steps mostly push the two answers "
                "further apart.")
    else:
        tail = "It falls as the margins grow; it is below ln 2 only because the chosen answers are pulling ahead."
    return CurveNote("loss", "DPO loss", f"{loss:.3f}",
                     f"The loss is -log sigmoid(margin) averaged over the batch, and it starts at ln 2 = 0.693, "
                     f"where the tuned model and the reference agree. {tail}")


def accuracy_note(acc: float, step: int) -> CurveNote:
    if step <= 1 and acc == 0:
        text = ("At step 1 no pair is ahead: the LoRA adapter starts at zero, so the tuned model is still the "
                "reference and every reward is 0.")
    else:
        text = (f"In {acc:.0%} of this batch's pairs the chosen answer gained more log-probability over the "
                "reference than the rejected one did. It says which side is ahead, not by how much (that is the "
                "margin)" + ("; 1.0 means every pair of the batch is ranked the preferred way." if acc >= 0.999
                             else "."))
    return CurveNote("rewards/accuracies", "Reward accuracy", f"{acc:.2f}", text)


def margin_note(margin: float, beta: float) -> CurveNote:
    if margin == 0:
        text = "The chosen and the rejected answers are exactly where the reference put them: nothing has moved yet."
    else:
        way = "widened" if margin > 0 else "narrowed"
        text = (f"On average the chosen answer's reward beats the rejected one's by {margin:.2f}: tuning has {way} "
                f"the gap between their log-probabilities by {_nats(margin, beta)} compared with the reference "
                f"(margin = beta {beta:g} x that change). It can keep growing after the accuracy reaches 1.0.")
    return CurveNote("rewards/margins", "Reward margin", f"{margin:+.2f}", text)


def rewards_note(chosen: float, rejected: float, beta: float) -> CurveNote:
    value = f"{chosen:+.2f} / {rejected:+.2f}"
    if chosen == 0 and rejected == 0:
        return CurveNote("rewards/chosen", "Chosen / rejected reward", value,
                         "Both are 0: the tuned model still gives every answer the reference's log-probability.")
    side = (lambda r: f"{'more' if r > 0 else 'less'} likely than the reference does (by {_nats(r, beta)})")
    text = f"The tuned model makes the chosen answers {side(chosen)} and the rejected ones {side(rejected)}. "
    if chosen >= 0 > rejected:
        text += "That is the healthy pattern: the preferred answers rise, the rejected ones fall."
    elif rejected < chosen < 0:
        text += ("Both fall, the rejected ones faster: the margin grows, but the model is losing the good answers "
                 "too.")
    elif chosen > 0 and rejected > 0:
        text += ("Both rise: the model is learning what the two answers share; DPO only asks the chosen one to rise "
                 "more.")
    else:
        text += "The rejected answers are gaining on the chosen ones: the preference is going the wrong way."
    return CurveNote("rewards/chosen", "Chosen / rejected reward", value, text)


def held_out_note(pref: dict[str, Any]) -> CurveNote | None:
    """The held-out check of a finished run (summary.json ``preference``), None without one."""
    base, tuned = pref.get("base"), pref.get("tuned")
    if not isinstance(base, (int, float)) or not isinstance(tuned, (int, float)):
        return None
    n = pref.get("pairs", "?")
    change = "up from" if tuned > base else "down from" if tuned < base else "the same as"
    return CurveNote("preference", "Held-out preference accuracy", f"{base:.2f} → {tuned:.2f}",
                     f"On {n} pairs it never trained on, the tuned model gives the chosen answer the higher "
                     f"log-probability in {tuned:.0%} of them, {change} {base:.0%} for the base model: that is "
                     "whether the preference learned in training carries over to new prompts.")


def curve_notes(events: list[dict[str, Any]], beta: float, loss_type: str = "sigmoid",
                summary: dict[str, Any] | None = None) -> list[CurveNote]:
    """The notes for the newest logged step (empty before the first reward log); the held-out
    note joins them when the finished run's summary has its preference report."""
    last = _latest(events)
    if last is None:
        return []
    step = int(last.get("step", 0))
    notes = []
    if isinstance(last.get("loss"), (int, float)):
        notes.append(loss_note(float(last["loss"]), loss_type))
    if isinstance(last.get("rewards/accuracies"), (int, float)):
        notes.append(accuracy_note(float(last["rewards/accuracies"]), step))
    notes.append(margin_note(float(last["rewards/margins"]), beta))
    chosen, rejected = last.get("rewards/chosen"), last.get("rewards/rejected")
    if isinstance(chosen, (int, float)) and isinstance(rejected, (int, float)):
        notes.append(rewards_note(float(chosen), float(rejected), beta))
    held = held_out_note((summary or {}).get("preference") or {})
    if held is not None:
        notes.append(held)
    return notes
