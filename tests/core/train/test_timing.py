"""The time-per-epoch probe that borrows the trainer (core/train/timing.py): a few real steps on the
cached model, chosen by size, scaled to the whole run; its numbers add up."""

import tempfile
from pathlib import Path

import pytest

from core.config import RunConfig, load_config
from core.paths import PRESETS
from core.train.timing import duration, time_per_epoch, timing_lines

SMALL = RunConfig().replace(data={"max_length": 48, "max_rows": 96},
                            train={"per_device_train_batch_size": 16, "num_train_epochs": 2, "save_strategy": "no"})


def test_time_per_epoch_times_representative_steps_on_the_cached_model(monkeypatch):
    """Four real steps (a warm-up and three timed) on the session's loaded model, not a
    fresh load; the prediction adds up; the cached model comes back untouched."""
    import torch

    import core.model.load as load
    from core.cache import PreviewCache, model_labels

    cache = PreviewCache()
    base, _ = cache.base_model(SMALL, model_labels(cache, SMALL))  # what the Method tab has loaded
    weights = {n: p.detach().clone() for n, p in base.named_parameters()}
    flags = {n: p.requires_grad for n, p in base.named_parameters()}
    monkeypatch.setattr(load, "load_model", lambda *a, **k: pytest.fail("LoRA must reuse the loaded model"))
    made: list[str] = []  # this call's scratch folders (other processes' come and go meanwhile)
    mkdtemp = tempfile.mkdtemp
    monkeypatch.setattr(tempfile, "mkdtemp", lambda *a, **k: made.append(mkdtemp(*a, **k)) or made[-1])
    t = time_per_epoch(SMALL, cache=cache)
    # 96 rows -> 76 train rows (the 20 % validation split) -> 5 steps of 16 per epoch, 2 epochs
    assert t["steps_per_epoch"] == 5 and t["total_steps"] == 10 and t["steps_timed"] == 3
    assert 0 < t["seconds_per_step"] < 60 and t["eval_s"] > 0 and t["warmup_s"] >= 0
    assert t["seconds_per_epoch"] == pytest.approx(5 * t["seconds_per_step"])
    assert t["evaluations"] == 2  # eval_strategy epoch, 2 epochs (the baseline and final aside)
    assert t["total_seconds"] == pytest.approx(t["warmup_s"] + 10 * t["seconds_per_step"] + 2 * t["eval_s"])
    assert made and not [m for m in made if Path(m).exists()]  # nothing left behind
    assert all(torch.equal(p, weights[n]) for n, p in base.named_parameters())
    assert {n: p.requires_grad for n, p in base.named_parameters()} == flags
    assert not any("lora" in n for n, _ in base.named_modules())
    per_epoch, whole = timing_lines(t)
    assert "s per step" in per_epoch and "× 5 steps" in per_epoch
    assert "(10 steps, with 2 evaluations of about" in whole


def test_the_probe_times_steps_spread_over_the_runs_sizes():
    """Length-grouped batches start with the epoch's longest: the probe picks its steps by
    size instead (the smallest to warm up, then the 1/6, 3/6 and 5/6 quantiles), whole
    steps of the run's own batches."""
    from core.train.timing import epoch_steps, fit_line, predict, probe_plan, step_tokens

    lengths = [8 + (i * 37) % 120 for i in range(200)]
    cfg = SMALL.replace(data={"max_length": 128})
    steps = epoch_steps(lengths, cfg)
    sizes = [step_tokens(lengths, s, cfg) for s in steps]
    assert sizes[0] == max(sizes)  # the Trainer's order: the longest batch first
    plan, all_sizes = probe_plan(lengths, cfg)
    assert all_sizes == sizes and len(plan) == 4 and all(len(s) == 16 for s in plan)
    timed = [step_tokens(lengths, s, cfg) for s in plan]
    full = sorted(x for x, s in zip(sizes, steps) if len(s) == 16)
    assert timed[0] == full[0] and timed[1:] == [full[len(full) // 6], full[len(full) // 2], full[5 * len(full) // 6]]
    # padding to max_length: every step is the same size
    flat = cfg.replace(data={"padding": "max_length"})
    assert {step_tokens(lengths, s, flat) for s in epoch_steps(lengths, flat)[:-1]} == {16 * 128}
    # the fit: a line through the timed steps, never negative
    assert fit_line([100, 200, 300], [1.5, 2.5, 3.5]) == pytest.approx((0.5, 0.01))
    assert fit_line([100, 200, 300], [3.0, 2.0, 1.0]) == (2.0, 0.0)
    assert fit_line([100, 100, 100], [1.0, 2.0, 3.0]) == (2.0, 0.0)
    # the same probe predicts other lengths of run (epochs are not in the timing key)
    t = {"seconds_per_step": 2.0, "warmup_s": 1.0, "eval_s": 3.0, "n_train": 76}
    longer = predict(t, SMALL.replace(train={"num_train_epochs": 4, "eval_strategy": "steps", "eval_steps": 5}))
    assert (longer["total_steps"], longer["evaluations"]) == (20, 4)
    assert longer["total_seconds"] == pytest.approx(1 + 20 * 2 + 4 * 3)


def test_time_per_epoch_reports_a_failed_probe():
    with pytest.raises(Exception, match="no such|not found|does not exist|can't"):
        time_per_epoch(SMALL.replace(data={"path": "assets/data/nope.csv"}), steps=2)


def test_durations_read_like_a_person_wrote_them():
    assert [duration(x) for x in (4.4, 75, 3600 + 5 * 60)] == ["4 s", "1 min 15 s", "1 h 05 min"]


def test_the_workshop_probe_times_the_whole_guided_run():
    """The time probe (a few real steps, scaled) covers the workshop preset's 75 steps; whether
    they fit in three minutes on a 2-core CPU is bench/'s `workshop_time` measure (a timed
    assertion here would fail on a loaded machine for no fault of the code)."""
    from core.train.timing import time_per_epoch

    t = time_per_epoch(load_config(PRESETS / "workshop.yaml"))
    assert t["total_steps"] == 75
    assert t["total_seconds"] > 0 and t["steps_timed"] >= 1, t
