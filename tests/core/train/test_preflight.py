"""core/train/preflight.py: what is refused before a run folder exists: a model over the parameter
limit (counted without loading weights), data the Data tab already knows is unusable, a run the
memory guard says will not fit (refused in shared mode, a warning locally)."""

from __future__ import annotations

import pytest

from core.config import ConfigError, RunConfig
from core.data.sources import DataError
from core.paths import runs_dir
from core.train.limits import NO_LIMITS, Limits


def test_max_params_gets_a_parameter_count_without_loading_weights():
    from core.train.preflight import preflight

    with pytest.raises(ConfigError, match=r"22.7M parameters; the limit here is 1M \(FTS_MAX_PARAMS\)"):
        preflight(RunConfig(), Limits(max_params=1_000_000, name="shared"))
    preflight(RunConfig(), Limits(max_params=30_000_000))


def test_data_preflight_refuses_what_the_data_tab_already_knows(tmp_path):
    import pandas as pd

    from core.train.preflight import data_preflight, preflight

    cfg = RunConfig()
    with pytest.raises(DataError, match="only one class"):
        data_preflight(cfg, pd.DataFrame({"text": [f"t{i}" for i in range(30)], "label": ["same"] * 30}))
    with pytest.raises(DataError, match="could not find a text column"):
        data_preflight(cfg, pd.DataFrame({"n": list(range(30)), "label": ["a", "b"] * 15}))
    with pytest.raises(DataError, match="600 classes among 800 rows"):
        data_preflight(cfg.replace(data={"label_column": "label"}),
                       pd.DataFrame({"text": [f"t{i}" for i in range(800)], "label": [f"c{i % 600}" for i in range(800)]}))
    assert data_preflight(cfg, pd.DataFrame({"text": [f"t{i}" for i in range(30)], "label": ["a", "b", "c"] * 10})) == 3
    from core.model.load import ModelError

    before = set(runs_dir().iterdir())
    with pytest.raises(ModelError, match="model folder"):
        preflight(cfg.replace(model={"name_or_path": str(tmp_path / "not-there")}))
    assert set(runs_dir().iterdir()) == before


def test_the_memory_guard_refuses_in_shared_mode_and_warns_locally(monkeypatch):
    from core.train import preflight as pf

    monkeypatch.setattr(pf, "available_memory", lambda: (10 * 2**20, "free on this machine"))
    with pytest.raises(ConfigError, match=r"needs about .* MB of memory .* 10 MB is available") as err:
        pf.preflight(RunConfig(), Limits.shared())
    assert err.value.key == "train.per_device_train_batch_size"
    warnings = pf.preflight(RunConfig(), NO_LIMITS)
    assert len(warnings) == 1 and "10 MB is available" in warnings[0]
    monkeypatch.setattr(pf, "available_memory", lambda: (64 * 2**30, "free on this machine"))
    assert pf.preflight(RunConfig(), Limits.shared()) == []
