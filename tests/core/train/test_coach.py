"""The training coach on synthetic event streams shaped like core.train.job's (train logs
with step, epoch, loss and learning_rate; evaluations; the baseline and final evaluations):
each hint fires on its pattern and on nothing else; healthy runs get no hints; a hint waits
for the evidence and goes away when the evidence changes. Then on real runs of the bundled
sentiment preset: the healthy default run gets no hint at any point, and a learning rate
far too high or too low gets the matching one."""

import math

import pytest

from core.train.coach import FIXES, hints

LN2 = math.log(2)


def train(losses, start=1, every=5, per_epoch=21, lr=2e-3, warmup=0):
    """Train logs every ``every`` steps; the learning rate ramps up over ``warmup`` steps."""
    out = []
    for i, x in enumerate(losses):
        step = start + i * every
        rate = lr * min(1.0, step / warmup) if warmup else lr
        out.append({"type": "train", "step": step, "epoch": round(step / per_epoch, 4), "loss": x,
                    "learning_rate": rate})
    return out


def evals(pairs, per_epoch=21):
    return [{"type": "eval", "step": s, "epoch": round(s / per_epoch, 4), "eval_loss": v} for s, v in pairs]


def cls_eval(step, loss, acc, per_epoch=21, **flags):
    return {"type": "eval", "step": step, "epoch": round(step / per_epoch, 4), "eval_loss": loss,
            "eval_accuracy": acc, **flags}


def kinds(events, **kw):
    return [h.kind for h in hints(events, **kw)]


def every_prefix(events, **kw):
    """The hints the UI would show after each event arrives."""
    return [(events[i - 1].get("step"), kinds(events[:i], **kw)) for i in range(1, len(events) + 1)]


HEALTHY = train([0.69, 0.66, 0.61, 0.55, 0.48, 0.42, 0.37, 0.33, 0.31, 0.29, 0.28, 0.27])


def test_healthy_run_has_no_hints():
    ev = HEALTHY + evals([(20, 0.55), (40, 0.45), (60, 0.40)])
    assert kinds(ev, num_labels=2) == []
    assert kinds(ev, num_labels=2, finished=True) == []
    assert kinds([]) == []


def test_overfitting():
    ev = HEALTHY + evals([(15, 0.50), (30, 0.52), (45, 0.56), (60, 0.61)])
    assert kinds(ev, num_labels=2) == ["overfitting"]
    # a single rise is noise, not a trend
    assert "overfitting" not in kinds(HEALTHY + evals([(20, 0.5), (40, 0.52), (60, 0.45)]), num_labels=2)


def test_eval_loss_wobbling_within_noise_is_not_overfitting():
    """A run stopped at step 11, resumed, stopped at 13: evaluations at 11, 12 (epoch end) and
    13 rose 0.6873 -> 0.6886 -> 0.6918, 0.65 % in all; the same shape rising 3 % is a trend."""
    wobble = HEALTHY + evals([(5, 0.70), (11, 0.6873), (12, 0.6886), (13, 0.6918)])
    assert "overfitting" not in kinds(wobble, num_labels=2)
    trend = HEALTHY + evals([(5, 0.70), (11, 0.6873), (12, 0.6950), (13, 0.7080)])
    assert kinds(trend, num_labels=2) == ["overfitting"]


def test_a_rising_eval_loss_with_accuracy_still_climbing_is_not_overfitting():
    """The default run, seed 7, at step 84: eval loss up twice while accuracy went up too."""
    curve = [(21, 0.554, 0.798), (42, 0.284, 0.881), (63, 0.303, 0.869), (84, 0.337, 0.893)]
    ev = HEALTHY + [cls_eval(s, loss, acc) for s, loss, acc in curve]
    assert kinds(ev, num_labels=2) == []
    worse = HEALTHY + [cls_eval(s, loss, acc) for s, loss, acc in curve[:3]] + [cls_eval(84, 0.337, 0.85)]
    assert kinds(worse, num_labels=2) == ["overfitting"]


def test_lr_too_high_nan_and_spikes():
    assert kinds(train([0.7, 0.6, float("nan")])) == ["lr_too_high"]
    spiky = train([0.7, 0.5, 0.4, 2.5, 0.6, 3.1, 0.5, 4.0, 0.7, 2.2])
    assert "lr_too_high" in kinds(spiky)


def test_lr_too_low_plateau():
    flat = train([2.30, 2.30, 2.29, 2.30, 2.29, 2.29, 2.30, 2.29, 2.29, 2.29])
    assert kinds(flat) == ["lr_too_low"]


BASELINE = cls_eval(0, 0.698, 0.357, baseline=True)
FLAT = [LN2 + d for d in (0.01, -0.01, 0.0, 0.02, 0.0, -0.02, 0.0, 0.01, -0.01, 0.0, 0.01)]


def test_stuck_at_chance():
    chance = math.log(3)
    ev = train([1.3, 1.15, chance + 0.01, chance - 0.01, chance, chance + 0.02, chance, chance - 0.02, chance],
               per_epoch=15) + [cls_eval(30, chance + 0.003, 0.34, per_epoch=15)]
    assert kinds(ev, num_labels=3) == ["stuck_at_chance"]
    assert "stuck_at_chance" not in kinds(HEALTHY, num_labels=3)


def test_stuck_at_chance_waits_for_the_evidence():
    """Flat at ln 2 (LoRA's adapters start at zero): not a problem during warmup, nor within
    the slow start, and only after twice as long when no evaluation has confirmed it."""
    stream = [BASELINE] + train(FLAT, warmup=6)  # steps 1..51 (2.4 epochs), no evaluation
    seen = every_prefix(stream, num_labels=2)
    # warmup ends at step 6; 2 epochs of 21 steps later is step 48
    assert all(k == [] for step, k in seen if step <= 46), seen
    assert seen[-1][1] == ["stuck_at_chance"], seen
    # a constant warmup that never ends: the rate is still rising, so nothing is concluded
    ramp = [BASELINE] + train(FLAT, warmup=1000)
    assert kinds(ramp, num_labels=2) == []
    # an evaluation at chance after one epoch confirms it earlier
    confirmed = [BASELINE] + train(FLAT[:6], warmup=6) + [cls_eval(21, 0.693, 0.5)]
    confirmed += train(FLAT[6:7], start=31, warmup=6)
    assert kinds(confirmed, num_labels=2) == ["stuck_at_chance"]
    found = hints(confirmed, num_labels=2)[0]
    assert "step 21 agrees" in found.message and "accuracy 0.500" in found.message


def test_an_evaluation_that_shows_learning_rules_out_stuck():
    """The default run before its fix: train loss at ln 2 for 1.5 epochs while the first
    evaluation already beat the baseline; no hint, then or after the run ended."""
    flat = [BASELINE] + train(FLAT[:7], warmup=6)
    learning = flat[:6] + [cls_eval(21, 0.690, 0.619)] + flat[6:]
    assert kinds(learning, num_labels=2) == []
    # the same evaluation at chance: the hint stands
    assert kinds(flat[:6] + [cls_eval(21, 0.693, 0.5)] + flat[6:], num_labels=2) == ["stuck_at_chance"]
    # a finished run whose final evaluation is up from the baseline: the hint goes away
    stuck = [BASELINE] + train(FLAT, warmup=6)
    assert kinds(stuck, num_labels=2) == ["stuck_at_chance"]
    done = stuck + [cls_eval(46, 0.681, 0.655, final=True)]
    assert "stuck_at_chance" not in kinds(done, num_labels=2, finished=True)
    # the hint also goes away once the loss leaves ln 2
    moving = stuck + train([0.62, 0.55], start=56)
    assert kinds(moving, num_labels=2) == []


def test_underfitting_only_when_finished():
    still_falling = train([2.0, 1.9, 1.8, 1.7, 1.6, 1.5, 1.4, 1.3, 1.2])
    ev = still_falling + [{"type": "eval", "step": 45, "eval_loss": 1.3, "eval_accuracy": 0.45}]
    assert kinds(ev, num_labels=3, finished=True) == ["underfitting"]
    assert kinds(ev, num_labels=3, finished=False) == []


def test_every_hint_has_a_fix():
    for ev, kw in ((train([0.7, float("inf")]), {}),):
        for h in hints(ev, **kw):
            assert h.fix and h.message and h.title


def test_a_jumping_loss_is_not_also_called_a_plateau():
    wild = train([0.69, 1.8, 6.7, 6.4, 10.7, 18.7, 15.2, 2.6, 3.2, 1.7, 2.0, 1.9, 0.94])
    assert kinds(wild, num_labels=2, finished=True) == ["lr_too_high"]


def test_stuck_at_chance_with_a_tiny_learning_rate_blames_the_rate():
    flat = train([0.694, 0.69, 0.693, 0.689, 0.694, 0.696, 0.694, 0.698], lr=1e-7)
    assert kinds(flat, num_labels=2) == ["lr_too_low"]
    usual = train([0.694, 0.69, 0.693, 0.689, 0.694, 0.696, 0.694, 0.698]) + [cls_eval(36, 0.694, 0.5)]
    assert kinds(usual, num_labels=2) == ["stuck_at_chance"]


@pytest.mark.parametrize("lr, expected", [(0.5, "lr_too_high"), (1e-7, "lr_too_low")])
def test_real_runs_with_a_deliberately_bad_learning_rate(lr, expected):
    """MiniLM + LoRA on the bundled sentiment set, 24 steps at a learning rate far off."""
    from core.config import RunConfig
    from core.train.job import Job

    cfg = RunConfig().replace(
        data={"max_length": 48, "max_rows": 240},
        train={"max_steps": 24, "learning_rate": lr, "eval_strategy": "no", "save_strategy": "no",
               "logging_steps": 2, "per_device_train_batch_size": 16, "lr_scheduler_type": "constant",
               "warmup_ratio": 0.0})
    job = Job(cfg).run()
    assert job.status == "finished", job.message
    found = hints(job.events, num_labels=2, finished=True)
    assert [h.kind for h in found] == [expected], [(h.kind, h.message) for h in found]
    assert found[0].fix == FIXES[expected]


def test_no_hint_at_any_point_of_a_healthy_default_run(default_runs):
    """The default preset, trained for real (shared with tests/test_flagship.py): the coach
    is asked after every event, as the Train tab's poll does, and at the end."""
    for seed, job in default_runs.items():
        n = len(job.summary["labels"])
        for i in range(1, len(job.events) + 1):
            found = hints(job.events[:i], num_labels=n)
            assert found == [], (seed, job.events[i - 1], [(h.kind, h.message) for h in found])
        assert hints(job.events, num_labels=n, finished=True) == [], seed
