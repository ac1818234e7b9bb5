"""The training coach on synthetic event streams: each hint fires on its pattern and on
nothing else; healthy runs get no hints."""

import math

import pytest

from core.train.coach import FIXES, hints


def train(losses, start=1, every=5):
    return [{"type": "train", "step": start + i * every, "loss": x} for i, x in enumerate(losses)]


def evals(pairs):
    return [{"type": "eval", "step": s, "eval_loss": v} for s, v in pairs]


def kinds(events, **kw):
    return [h.kind for h in hints(events, **kw)]


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


def test_lr_too_high_nan_and_spikes():
    assert kinds(train([0.7, 0.6, float("nan")])) == ["lr_too_high"]
    spiky = train([0.7, 0.5, 0.4, 2.5, 0.6, 3.1, 0.5, 4.0, 0.7, 2.2])
    assert "lr_too_high" in kinds(spiky)


def test_lr_too_low_plateau():
    flat = train([2.30, 2.30, 2.29, 2.30, 2.29, 2.29, 2.30, 2.29, 2.29, 2.29])
    assert kinds(flat) == ["lr_too_low"]


def test_stuck_at_chance():
    chance = math.log(3)
    ev = train([1.3, 1.15, chance + 0.01, chance - 0.01, chance, chance + 0.02, chance, chance - 0.02, chance])
    assert kinds(ev, num_labels=3) == ["stuck_at_chance"]
    assert "stuck_at_chance" not in kinds(HEALTHY, num_labels=3)


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
    flat = [dict(e, learning_rate=1e-7) for e in train([0.694, 0.69, 0.693, 0.689, 0.694, 0.696, 0.694, 0.698])]
    assert kinds(flat, num_labels=2) == ["lr_too_low"]
    usual = [dict(e, learning_rate=2e-3) for e in train([0.694, 0.69, 0.693, 0.689, 0.694, 0.696, 0.694, 0.698])]
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
