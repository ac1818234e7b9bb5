"""core/train/plan.py: the run's step arithmetic and the plan pressing Start will follow."""

from core.config import RunConfig
from core.train.plan import examples_per_step, run_plan, steps_per_epoch, timing_key, total_steps, train_rows


def test_planned_steps_arithmetic():
    # 240 rows / batch 16 = 15 steps per epoch x 5 epochs = 75
    assert total_steps(RunConfig(), 240) == 75
    assert total_steps(RunConfig().replace(train={"max_steps": 7}), 240) == 7


def test_train_rows_and_steps_follow_the_split_the_batch_and_the_processes():
    cfg = RunConfig()  # 20 % held out, batch 16 x accumulation 1, 5 epochs
    assert train_rows(cfg, 420) == 336  # 420 - round(84.0)
    assert train_rows(cfg.replace(data={"max_rows": 100}), 420) == 80  # max_rows first, then the split
    assert train_rows(cfg.replace(data={"validation_path": "assets/data/sentiment.csv"}), 420) == 420
    assert steps_per_epoch(cfg, 336, processes=1) == 21  # ceil(336 / 16)
    accumulated = cfg.replace(train={"gradient_accumulation_steps": 4})
    assert examples_per_step(accumulated, processes=2) == 128
    assert steps_per_epoch(accumulated, 336, processes=2) == 3  # ceil(336 / 128)
    assert total_steps(cfg, 336, processes=2) == 55  # ceil(336 / 32) = 11 per epoch x 5
    assert steps_per_epoch(cfg, 0) == 0


def test_the_timing_key_ignores_what_does_not_change_a_steps_duration():
    cfg = RunConfig()
    assert timing_key(cfg.replace(train={"learning_rate": 1e-4, "num_train_epochs": 9})) == timing_key(cfg)
    assert timing_key(cfg.replace(train={"per_device_train_batch_size": 8})) != timing_key(cfg)
    assert timing_key(cfg.replace(data={"max_length": 64})) != timing_key(cfg)


def test_the_plan_spells_out_its_arithmetic():
    lines = run_plan(RunConfig(), 420)
    assert "about 336 training rows / batch 16 ≈ 21 steps per epoch × 5 epochs = **105 steps**" in lines[1], lines
    assert lines[0].startswith("all-MiniLM-L6-v2 · lora · ")
    capped = run_plan(RunConfig().replace(train={"max_steps": 42, "gradient_accumulation_steps": 2}), 420)
    # ceil(336 / (16 x 2)) = 11 steps per epoch, so 42 steps are 3.8 epochs
    assert "batch 16 × 2 accumulated ≈ **42 steps** (max_steps; 3.8 epochs)" in capped[1], capped
