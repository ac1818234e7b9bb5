"""The training coach: plain-words hints from a run's events.

:func:`hints` reads the event list a :class:`~core.train.job.Job` records (train logs with
``loss``; evaluations with ``eval_loss``) and returns the problems it sees, each with the
fix from the troubleshooting table. It is pure and cheap, so the UI can call it on every
refresh. Rules (each tested on synthetic event streams):

* overfitting — eval loss rose for 2+ evaluations in a row while train loss kept falling;
* lr_too_high — the loss became NaN/inf, or jumped well above its best, or oscillates;
* lr_too_low — after a fair number of steps the loss has hardly moved (plateau early);
* stuck_at_chance — a classifier's loss sits at ln(num_labels): it is guessing uniformly,
  which usually means labels or the head are wrong;
* underfitting — training ended with the loss still clearly falling and the eval metric low.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


@dataclass
class Hint:
    kind: str
    title: str
    message: str
    fix: str

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "title": self.title, "message": self.message, "fix": self.fix}


FIXES = {
    "overfitting": "Stop earlier (early_stopping_patience 1-2, load_best_model_at_end), fewer epochs, more or "
                   "more varied data, more dropout or weight decay; with LoRA a smaller r.",
    "lr_too_high": "Lower the learning rate 3-10x (full fine-tuning: 2e-5..5e-5; LoRA: 5e-4..2e-3), add warmup "
                   "(warmup_ratio 0.1), keep max_grad_norm at 1.0; with fp16, try bf16 or fp32.",
    "lr_too_low": "Raise the learning rate 3-10x (LoRA tolerates 1e-3 and more), or check that the right "
                  "weights are trainable (the trainable line on the Method tab).",
    "stuck_at_chance": "Check the label column (are labels shuffled, constant or misread?) and that the head "
                       "is trainable; then try a higher learning rate.",
    "underfitting": "Train longer (more epochs), raise the learning rate carefully, or give the model more "
                    "capacity (full fine-tuning, a larger LoRA r, more target modules).",
}


TINY_LR = 5e-6  # below the smallest rate any recipe here uses (full fine-tuning: 2e-5..5e-5)


def _train(events: list[dict[str, Any]]) -> list[tuple[int, float]]:
    return [(e.get("step", 0), e["loss"]) for e in events if e.get("type") == "train" and "loss" in e]


def _evals(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in events if e.get("type") == "eval" and "eval_loss" in e and not e.get("baseline")
            and not e.get("final")]


def hints(events: list[dict[str, Any]], num_labels: int | None = None, finished: bool = False) -> list[Hint]:
    out: list[Hint] = []
    train = _train(events)
    losses = [loss for _, loss in train]

    # learning rate too high: NaN, spikes, oscillation
    if any(not math.isfinite(x) for x in losses):
        out.append(Hint("lr_too_high", "The loss became NaN or infinite",
                        "Training diverged: a step pushed the weights so far that the loss overflowed.",
                        FIXES["lr_too_high"]))
        return out
    if len(losses) >= 6:
        warm = max(2, len(losses) // 10)
        best = min(losses[:warm])
        spikes = 0
        for x in losses[warm:]:
            if x > 1.5 * best + 0.05 and x > losses[0] * 1.2:
                spikes += 1
            best = min(best, x)
        diffs = [b - a for a, b in zip(losses, losses[1:])]
        flips = sum(1 for a, b in zip(diffs, diffs[1:]) if a * b < 0 and abs(a) > 0.15 * abs(losses[0]) and abs(b) > 0.15 * abs(losses[0]))
        if spikes >= 2 or flips >= max(3, len(diffs) // 2):
            out.append(Hint("lr_too_high", "The loss jumps around",
                            "The training loss spikes above its best value or swings up and down instead of "
                            "falling: steps are too large.", FIXES["lr_too_high"]))

    # stuck at chance level (with a tiny learning rate that is the cause, not the labels)
    rates = [e["learning_rate"] for e in events if e.get("type") == "train" and e.get("learning_rate")]
    if num_labels and num_labels >= 2 and len(losses) >= 6 and not out:
        chance = math.log(num_labels)
        tail = losses[len(losses) // 3:]
        if all(abs(x - chance) < 0.05 * chance for x in tail):
            if rates and max(rates) < TINY_LR:
                out.append(Hint("lr_too_low", "The loss has not moved from where it started",
                                f"It sits at ln({num_labels}) = {chance:.3f}, the loss of guessing, and the "
                                f"learning rate is only {max(rates):.0e}: the steps are too small to move it.",
                                FIXES["lr_too_low"]))
            else:
                out.append(Hint("stuck_at_chance", f"The loss is stuck at ln({num_labels}) = {chance:.3f}",
                                "That is exactly the loss of guessing every class with equal probability: the "
                                "model is not using the text at all.", FIXES["stuck_at_chance"]))

    # plateau early: learning rate too low (not when the loss is jumping around: that is the opposite)
    if len(losses) >= 8 and not out:
        half = losses[: len(losses) // 2]
        start, end = sum(half[:2]) / 2, sum(half[-2:]) / 2
        flat = start > 0 and max(half) - min(half) < 0.05 * start
        if flat and abs(start - end) / start < 0.02 and abs(sum(losses[-2:]) / 2 - start) < 0.02 * start:
            out.append(Hint("lr_too_low", "The loss has hardly moved",
                            f"After {train[-1][0]} steps the training loss is still about {losses[-1]:.3f}, within "
                            "2 % of where it started: the steps are too small to make progress.",
                            FIXES["lr_too_low"]))

    # overfitting: eval loss up for 2+ evals while train loss down
    evals = _evals(events)
    if len(evals) >= 3:
        rising = 0
        for prev, cur in zip(evals, evals[1:]):
            rising = rising + 1 if cur["eval_loss"] > prev["eval_loss"] + 1e-4 else 0
        if rising >= 2:
            first_step = evals[-3]["step"]
            before = [x for s, x in train if s <= first_step]
            after = [x for s, x in train if s > first_step]
            if before and after and sum(after) / len(after) < sum(before[-3:]) / len(before[-3:]):
                out.append(Hint("overfitting", "Overfitting: validation loss is rising",
                                "The training loss keeps falling but the validation loss has risen for "
                                f"{rising} evaluations in a row: the model is memorising the training rows.",
                                FIXES["overfitting"]))

    # underfitting: finished while still clearly improving, with a weak metric
    if finished and len(losses) >= 6 and not out:
        third = max(2, len(losses) // 3)
        early, late = sum(losses[-2 * third:-third]) / third, sum(losses[-third:]) / third
        acc = next((e.get("eval_accuracy") for e in reversed(events) if e.get("eval_accuracy") is not None), None)
        weak = acc is not None and num_labels and acc < min(0.95, 1.0 / num_labels + 0.25)
        if early > 0 and (early - late) / early > 0.08 and weak:
            out.append(Hint("underfitting", "Stopped while still learning",
                            "The loss was still falling clearly when training ended"
                            + (f" and accuracy is only {acc:.0%}" if acc is not None else "") + ".",
                            FIXES["underfitting"]))
    return out
