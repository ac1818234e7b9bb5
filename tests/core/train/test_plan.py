"""core/train/plan.py: the run's step arithmetic and the plan pressing Start will follow."""

from core.config import RunConfig
from core.train.plan import total_steps


def test_planned_steps_arithmetic():
    # 240 rows / batch 16 = 15 steps per epoch x 5 epochs = 75
    assert total_steps(RunConfig(), 240) == 75
    assert total_steps(RunConfig().replace(train={"max_steps": 7}), 240) == 7
