"""core/train/limits.py: shared-mode and workshop limits, each breach naming its field."""

import pytest

from core.config import ConfigError, RunConfig, load_config
from core.paths import PRESETS
from core.train.limits import NO_LIMITS, WORKSHOP, Limits, check_limits
from core.train.plan import total_steps


def test_no_limits_in_local_mode():
    check_limits(RunConfig().replace(data={"max_length": 4096}), NO_LIMITS, n_train=10**6, n_params=10**10)


def test_breaches_name_the_field():
    lim = Limits(max_rows=100, max_steps=50, max_length=64, max_params=10**6)
    with pytest.raises(ConfigError, match="data.max_length must be <= 64"):
        check_limits(RunConfig(), lim)
    ok_len = RunConfig().replace(data={"max_length": 64})
    with pytest.raises(ConfigError, match="data.max_rows must be <= 100"):
        check_limits(ok_len, lim, n_train=5000)
    with pytest.raises(ConfigError, match="would take .* steps"):
        check_limits(ok_len.replace(data={"max_rows": 100}, train={"num_train_epochs": 20}), lim, n_train=100)
    with pytest.raises(ConfigError, match="parameters; the limit here"):
        check_limits(ok_len.replace(data={"max_rows": 100}), lim, n_train=100, n_params=10**8)


def test_workshop_preset_fits_the_workshop_limits():
    cfg = load_config(PRESETS / "workshop.yaml")
    check_limits(cfg, WORKSHOP, n_train=240, n_params=22_800_000)
    assert total_steps(cfg, 240) <= WORKSHOP.max_steps


def test_the_workshop_chat_preset_fits_the_workshop_limits():
    cfg = load_config(PRESETS / "workshop-chat.yaml")
    check_limits(cfg, WORKSHOP, n_train=43, n_params=134_515_008)
    assert cfg.model.name_or_path == "starter:SmolLM2-135M-Instruct" and total_steps(cfg, 43) <= WORKSHOP.max_steps
