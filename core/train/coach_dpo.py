"""The coach for preference tuning (train.objective dpo): hints from TRL's DPO metrics.

Reads the train events a DPO run records (``rewards/chosen``, ``rewards/rejected``,
``rewards/accuracies``, ``rewards/margins``; each reward is beta x the change in the answer's
summed log-probability from the reference, the base with the adapter off) and returns
:class:`~core.train.coach.Hint` objects like the general coach. Pure and cheap: the Train tab
calls it on every poll with the whole event list.

At step 1 every reward is 0 (the adapter starts at zero, so policy == reference) and the
accuracy is 0, so the first log is never evidence. Rules:

* margin_flat - after ``MIN_LOGS`` logs (and a quarter of the run) the margin is still below
  ``FLAT_MARGIN``: nothing is being learned; the learning rate or beta is too small.
* too_easy - the reward accuracy is 1.0 in each of the first ``EASY_LOGS`` logs whose rewards
  have moved: the pairs differ by something the model tells apart at once, so they teach little.
* unlearning_both - the chosen reward has fallen below ``FALLING`` and the rejected one lies
  below it: the margin grows only because both answers lose probability, the rejected one
  faster. The model is unlearning the good answers too.
"""

from __future__ import annotations

from typing import Any

from .coach import Hint

MIN_LOGS = 8        # logs before a flat margin means something (the prototype's margin was 0.3 by step 5)
FLAT_MARGIN = 0.05  # beta 0.1: a summed log-ratio gap of half a nat
EASY_LOGS = 3       # the first logs after step 1
FALLING = -0.1      # beta 0.1: the chosen answer lost a nat of log-probability

FIXES = {
    "margin_flat": "Raise the learning rate (LoRA DPO: 1e-4..1e-3) or beta (each reward is beta x a log-ratio, so "
                   "a tiny beta keeps the margin tiny); check that chosen and rejected answers really differ.",
    "too_easy": "Use harder pairs (rejected answers that are plausible but worse, not obviously broken), or stop "
                "early: once the accuracy is 1.0 the loss only pushes the two answers further apart.",
    "unlearning_both": "Lower the learning rate, raise beta (stay closer to the reference), or train fewer steps; "
                       "supervised fine-tuning on the chosen answers first gives DPO a model that already "
                       "writes them.",
}


def _series(events: list[dict[str, Any]], key: str) -> list[float]:
    return [float(e[key]) for e in events if e.get("type") == "train" and isinstance(e.get(key), (int, float))]


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0


def dpo_hints(events: list[dict[str, Any]], max_steps: int = 0, finished: bool = False) -> list[Hint]:
    """The hints the DPO metrics so far justify (empty for a run that logs no rewards)."""
    margins = _series(events, "rewards/margins")
    if len(margins) < 2:
        return []
    chosen, rejected = _series(events, "rewards/chosen"), _series(events, "rewards/rejected")
    found: list[Hint] = []
    steps = [e.get("step", 0) for e in events if e.get("type") == "train" and "rewards/margins" in e]
    far_enough = len(margins) >= MIN_LOGS and (not max_steps or steps[-1] >= max_steps / 4)
    if (far_enough or finished) and max(_mean(margins[-3:]), margins[-1]) < FLAT_MARGIN:
        found.append(Hint("margin_flat", "The reward margin is not growing",
                          f"After {steps[-1]} steps the chosen answers lead the rejected ones by "
                          f"{margins[-1]:+.3f} (beta x log-ratio): the model has not started to prefer them.",
                          FIXES["margin_flat"]))
    # Only logs where the rewards have moved are evidence (step 1 never has; nor has a step
    # after a warmup step at learning rate 0).
    moved = [e for e in events if e.get("type") == "train" and isinstance(e.get("rewards/accuracies"), (int, float))
             and any(e.get(k) for k in ("rewards/margins", "rewards/chosen", "rewards/rejected"))]
    early = [float(e["rewards/accuracies"]) for e in moved[:EASY_LOGS]]
    if len(early) == EASY_LOGS and all(a >= 0.999 for a in early):
        found.append(Hint("too_easy", "The pairs look too easy",
                          f"The reward accuracy was 1.0 in each of the first {EASY_LOGS} logs after step 1: every "
                          "chosen answer gained on its rejected one at once, so the pairs differ in something "
                          "obvious to the model.", FIXES["too_easy"]))
    if len(chosen) >= 3 and _mean(chosen[-3:]) < FALLING and _mean(rejected[-3:]) < _mean(chosen[-3:]):
        found.append(Hint("unlearning_both", "Chosen answers are losing probability too",
                          f"The chosen reward is {_mean(chosen[-3:]):+.3f} and the rejected one "
                          f"{_mean(rejected[-3:]):+.3f}: the margin grows only because the rejected answers fall "
                          "faster. The model is unlearning both.", FIXES["unlearning_both"]))
    return found
