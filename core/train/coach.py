"""The training coach: plain-words hints from a run's events.

:func:`hints` reads the event list a :class:`~core.train.job.Job` records (train logs with
``loss``, ``learning_rate`` and ``epoch``; evaluations with ``eval_loss`` and, for a
classifier, ``eval_accuracy``; the ``baseline`` evaluation before training and the
``final`` one after) and returns the problems it sees, each with the fix from the
troubleshooting table. It is pure and cheap, and the UI calls it on every poll with the
whole event list, so a hint appears only once the evidence for it is in, and goes away
(or changes) when later events contradict it.

A hint must be justified by all of the evidence, not by the training loss alone:

* nothing about a slow start is said while the learning rate is still warming up;
* a loss that sits at its starting level is normal for a while: LoRA's adapters start at
  zero and a new head starts random, so the loss of the default recipe stays near ln 2 for
  most of the first epoch (``SLOW_START_EPOCHS`` allows one epoch after warmup, and two
  when no evaluation has confirmed that the model is guessing);
* an evaluation that beats the baseline and chance (accuracy up, eval loss clearly below
  ln(num_labels)) shows the model is learning, which rules out "stuck" and "too low".

Rules (each tested on synthetic event streams, and on real runs of the bundled presets):

* lr_too_high — the loss became NaN/inf, or jumped well above its best, or oscillates;
* stuck_at_chance — a classifier's loss sits at ln(num_labels) past the slow start, and no
  evaluation shows learning: it is guessing uniformly, which usually means labels or the
  head are wrong (with a tiny learning rate the rate is blamed instead: lr_too_low);
* lr_too_low — past the slow start the loss has hardly moved from where it started;
* overfitting — eval loss rose for 2+ evaluations in a row, by more than noise (1.5 % in
  all), while train loss kept falling and the accuracy (for a classifier) did not improve;
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
# How long a loss may sit at its starting level after warmup before that means something,
# in epochs: the default recipe (LoRA, 21 steps per epoch) leaves ln 2 around step 15 (before
# the pooler trained too, around step 30); a full epoch at chance after warmup, confirmed by
# an evaluation, is no longer a slow start. Without an evaluation to confirm it, twice as long.
SLOW_START_EPOCHS = 1.0
STEPS_PER_EPOCH_GUESS = 20  # for event streams without an epoch field (the default has 21)
CHANCE_BAND = 0.05  # "at chance": within 5 % of ln(num_labels)
LEARNING_ACCURACY = 0.10  # an evaluation this far above max(baseline, 1/num_labels) is learning
LEARNING_LOSS = 0.90  # ... or an eval loss below 90 % of min(baseline, ln(num_labels))


@dataclass
class Evidence:
    """What the event list says, computed once per call."""

    train: list[dict[str, Any]]  # train logs with a loss, in order
    losses: list[float]
    warming_up: bool  # the learning rate was still rising at the last log
    warm_end: int  # index into train of the first log at the peak learning rate
    peak_lr: float | None
    baseline: dict[str, Any] | None
    evals: list[dict[str, Any]]  # evaluations during training (not baseline/final)
    final: dict[str, Any] | None
    learning: str  # why the evaluations show learning ("" if they don't)

    def span_epochs(self, i: int) -> float:
        """Epochs from train log ``i`` to the last train log."""
        a, b = self.train[i], self.train[-1]
        if "epoch" in a and "epoch" in b:
            return float(b["epoch"]) - float(a["epoch"])
        return (b.get("step", 0) - a.get("step", 0)) / STEPS_PER_EPOCH_GUESS

    def evals_after(self, i: int) -> list[dict[str, Any]]:
        step = self.train[i].get("step", 0)
        return [e for e in self.evals + ([self.final] if self.final else []) if e.get("step", 0) > step]


def _evidence(events: list[dict[str, Any]], num_labels: int | None) -> Evidence:
    train = [e for e in events if e.get("type") == "train" and "loss" in e]
    rates = [e.get("learning_rate") for e in train]
    known = [(i, r) for i, r in enumerate(rates) if isinstance(r, (int, float))]
    peak = max((r for _, r in known), default=None)
    warm_end = next((i for i, r in known if peak is not None and r >= peak * (1 - 1e-6)), 0)
    warming_up = len(known) >= 2 and known[-1][1] > known[-2][1] * (1 + 1e-6)
    baseline = next((e for e in events if e.get("type") == "eval" and e.get("baseline")), None)
    evals = [e for e in events if e.get("type") == "eval" and "eval_loss" in e and not e.get("baseline")
             and not e.get("final")]
    final = next((e for e in reversed(events) if e.get("type") == "eval" and e.get("final")), None)
    ev = Evidence(train=train, losses=[e["loss"] for e in train], warming_up=warming_up, warm_end=warm_end,
                  peak_lr=peak, baseline=baseline, evals=evals, final=final, learning="")
    ev.learning = _learning(ev, num_labels)
    return ev


def _learning(ev: Evidence, num_labels: int | None) -> str:
    """Why the evaluations show the model is learning, or "" if none does."""
    chance = math.log(num_labels) if num_labels and num_labels >= 2 else None
    base = ev.baseline or {}
    for e in reversed(ev.evals + ([ev.final] if ev.final else [])):
        acc, base_acc = e.get("eval_accuracy"), base.get("eval_accuracy")
        if acc is not None and num_labels:
            ref = max(1.0 / num_labels, base_acc if base_acc is not None else 0.0)
            if acc >= ref + LEARNING_ACCURACY:
                return f"validation accuracy {acc:.3f} at step {e.get('step', 0)} (baseline {ref:.3f})"
        loss = e.get("eval_loss")
        refs = [x for x in (chance, base.get("eval_loss")) if x is not None]
        if loss is not None and refs and math.isfinite(loss) and loss < LEARNING_LOSS * min(refs):
            return f"validation loss {loss:.3f} at step {e.get('step', 0)} (from {min(refs):.3f})"
    return ""


def hints(events: list[dict[str, Any]], num_labels: int | None = None, finished: bool = False,
          task: str = "", summary: dict[str, Any] | None = None) -> list[Hint]:
    """The hints for a run's events; a causal-LM run (``task``) also gets the rules of
    :mod:`core.train.coach_causal`, which read its ``summary`` (the end-of-run report)."""
    out = _hints(events, num_labels, finished)
    if task == "causal-lm":
        from .coach_causal import causal_hints

        seen = {h.kind for h in out}
        out += [h for h in causal_hints(events, summary) if h.kind not in seen]
    return out


def _hints(events: list[dict[str, Any]], num_labels: int | None, finished: bool) -> list[Hint]:
    ev = _evidence(events, num_labels)
    out = _too_high(ev)
    if out and not all(math.isfinite(x) for x in ev.losses):
        return out  # a diverged run: nothing else is worth saying
    if not out:
        out += _stuck(ev, num_labels)
    if not out:
        out += _plateau(ev)
    out += _overfitting(ev)
    if finished and not out:
        out += _underfitting(ev, events, num_labels)
    return out


# ---- rules ---------------------------------------------------------------------------
def _too_high(ev: Evidence) -> list[Hint]:
    """NaN, spikes, oscillation."""
    losses = ev.losses
    if any(not math.isfinite(x) for x in losses):
        return [Hint("lr_too_high", "The loss became NaN or infinite",
                     "Training diverged: a step pushed the weights so far that the loss overflowed.",
                     FIXES["lr_too_high"])]
    if len(losses) < 6:
        return []
    warm = max(2, len(losses) // 10)
    best = min(losses[:warm])
    spikes = 0
    for x in losses[warm:]:
        if x > 1.5 * best + 0.05 and x > losses[0] * 1.2:
            spikes += 1
        best = min(best, x)
    diffs = [b - a for a, b in zip(losses, losses[1:])]
    big = 0.15 * abs(losses[0])
    flips = sum(1 for a, b in zip(diffs, diffs[1:]) if a * b < 0 and abs(a) > big and abs(b) > big)
    if spikes >= 2 or flips >= max(3, len(diffs) // 2):
        return [Hint("lr_too_high", "The loss jumps around",
                     "The training loss spikes above its best value or swings up and down instead of "
                     "falling: steps are too large.", FIXES["lr_too_high"])]
    return []


def _flat_from(ev: Evidence, level: float, band: float) -> int | None:
    """Index of the first train log after warmup from which every loss stays within
    ``band`` of ``level`` (None if the last loss is already outside it)."""
    i = len(ev.losses)
    while i > ev.warm_end and abs(ev.losses[i - 1] - level) <= band:
        i -= 1
    return i if i < len(ev.losses) else None


def _past_slow_start(ev: Evidence, i: int, tiny_lr: bool) -> bool:
    """Has the loss been flat from train log ``i`` for longer than a slow start explains?
    A tiny rate explains a flat loss by itself: half the allowance is enough then."""
    if ev.warming_up or len(ev.losses) - i < 4:
        return False
    need = SLOW_START_EPOCHS * (0.5 if tiny_lr else 1.0)
    if not ev.evals_after(i):
        need *= 2  # no evaluation has confirmed it yet
    return ev.span_epochs(i) >= need


def _stuck(ev: Evidence, num_labels: int | None) -> list[Hint]:
    if not num_labels or num_labels < 2 or len(ev.losses) < 6 or ev.learning:
        return []
    chance = math.log(num_labels)
    i = _flat_from(ev, chance, CHANCE_BAND * chance)
    tiny = ev.peak_lr is not None and ev.peak_lr < TINY_LR
    if i is None or not _past_slow_start(ev, i, tiny):
        return []
    steps = ev.train[-1].get("step", 0) - ev.train[i].get("step", 0)
    seen = ev.evals_after(i)
    confirm = ""
    if seen:
        last = seen[-1]
        acc = last.get("eval_accuracy")
        confirm = (f" The evaluation at step {last.get('step', 0)} agrees: validation loss "
                   f"{last['eval_loss']:.3f}" + (f", accuracy {acc:.3f}" if acc is not None else "") + ".")
    if tiny:
        return [Hint("lr_too_low", "The loss has not moved from where it started",
                     f"For {steps} steps it has sat at ln({num_labels}) = {chance:.3f}, the loss of guessing, "
                     f"and the learning rate is only {ev.peak_lr:.0e}: the steps are too small to move it."
                     + confirm, FIXES["lr_too_low"])]
    return [Hint("stuck_at_chance", f"The loss is stuck at ln({num_labels}) = {chance:.3f}",
                 f"For {steps} steps after warmup ({ev.span_epochs(i):.1f} epochs, longer than a slow start) "
                 "it has stayed at the loss of guessing every class with equal probability: the model is not "
                 "using the text at all." + confirm, FIXES["stuck_at_chance"])]


def _plateau(ev: Evidence) -> list[Hint]:
    """The loss has hardly moved from where it started (not when it is jumping around)."""
    losses = ev.losses
    if len(losses) < 8 or ev.learning:
        return []
    start = sum(losses[:2]) / 2
    if start <= 0:
        return []
    i = _flat_from(ev, start, 0.02 * start)
    if i is None or not _past_slow_start(ev, i, False):
        return []
    half = losses[: len(losses) // 2]
    if max(half) - min(half) >= 0.05 * start:
        return []
    return [Hint("lr_too_low", "The loss has hardly moved",
                 f"After {ev.train[-1].get('step', 0)} steps the training loss is still about {losses[-1]:.3f}, "
                 "within 2 % of where it started: the steps are too small to make progress.",
                 FIXES["lr_too_low"])]


# A rising streak smaller than this (relative to where it began) is noise, not a trend: a run
# stopped and resumed evaluates at the stop, at the epoch end and at the next stop, a few
# steps apart, and its eval loss wobbles by tenths of a percent (0.6873 -> 0.6886 -> 0.6918).
NOISE_RISE = 0.015


def _overfitting(ev: Evidence) -> list[Hint]:
    """Eval loss up for 2+ evaluations while the train loss went down and the accuracy (if
    there is one) did not improve: a loss that rises while accuracy still climbs is the
    model growing surer of a few rows it gets wrong, not yet worse at the task (the default
    run, seed 7: eval loss 0.284 -> 0.303 -> 0.337 with accuracy 0.881 -> 0.893, then 0.213)."""
    evals = ev.evals
    if len(evals) < 3:
        return []
    rising = 0
    for prev, cur in zip(evals, evals[1:]):
        rising = rising + 1 if cur["eval_loss"] > prev["eval_loss"] + 1e-4 else 0
    if rising < 2:
        return []
    start, last = evals[-1 - rising], evals[-1]
    if last["eval_loss"] - start["eval_loss"] < NOISE_RISE * abs(start["eval_loss"]):
        return []
    if start.get("eval_accuracy") is not None and last.get("eval_accuracy") is not None \
            and last["eval_accuracy"] > start["eval_accuracy"]:
        return []
    first_step = evals[-3]["step"]
    before = [e["loss"] for e in ev.train if e.get("step", 0) <= first_step]
    after = [e["loss"] for e in ev.train if e.get("step", 0) > first_step]
    if before and after and sum(after) / len(after) < sum(before[-3:]) / len(before[-3:]):
        return [Hint("overfitting", "Overfitting: validation loss is rising",
                     "The training loss keeps falling but the validation loss has risen for "
                     f"{rising} evaluations in a row: the model is memorising the training rows.",
                     FIXES["overfitting"])]
    return []


def _underfitting(ev: Evidence, events: list[dict[str, Any]], num_labels: int | None) -> list[Hint]:
    """Finished while still clearly improving, with a weak metric."""
    losses = ev.losses
    if len(losses) < 6:
        return []
    third = max(2, len(losses) // 3)
    early, late = sum(losses[-2 * third:-third]) / third, sum(losses[-third:]) / third
    acc = next((e.get("eval_accuracy") for e in reversed(events) if e.get("eval_accuracy") is not None), None)
    weak = acc is not None and num_labels and acc < min(0.95, 1.0 / num_labels + 0.25)
    if early > 0 and (early - late) / early > 0.08 and weak:
        return [Hint("underfitting", "Stopped while still learning",
                     "The loss was still falling clearly when training ended"
                     + (f" and accuracy is only {acc:.0%}" if acc is not None else "") + ".",
                     FIXES["underfitting"])]
    return []
