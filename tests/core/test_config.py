"""RunConfig: round trip, validation messages, presets, CLI-style overrides."""

from __future__ import annotations

import dataclasses

import pytest
import yaml

from core.config import (
    SECTIONS,
    ConfigError,
    RunConfig,
    describe_fields,
    field_info,
    load_config,
)
from core.paths import PRESETS


def test_yaml_round_trip_is_exact(tmp_path):
    cfg = RunConfig().replace(train={"learning_rate": 3e-5, "seed": 7}, adapter={"target_modules": ["query"]},
                              data={"template": "Quote by {author}: {quote}"})
    path = tmp_path / "c.yaml"
    cfg.save(path)
    again = load_config(path)
    assert again == cfg
    assert again.to_yaml() == cfg.to_yaml()


@pytest.mark.parametrize("section,values,message", [
    ("train", {"learning_rate": -1}, "train.learning_rate must be > 0, got -1"),
    ("train", {"learning_rate": 0}, "train.learning_rate must be > 0, got 0"),
    ("train", {"learning_rate": float("nan")}, "train.learning_rate must be a finite number"),
    ("train", {"num_train_epochs": 0}, "train.num_train_epochs must be > 0"),
    ("train", {"per_device_train_batch_size": 0}, "train.per_device_train_batch_size must be between 1 and 4096"),
    ("train", {"per_device_train_batch_size": 10**6}, "train.per_device_train_batch_size must be between 1 and 4096"),
    ("train", {"eval_strategy": "sometimes"}, "train.eval_strategy must be one of no, steps, epoch"),
    ("train", {"run_name": "../evil"}, "train.run_name must be a plain folder name"),
    ("train", {"run_name": "/etc/passwd"}, "train.run_name must be a plain folder name"),
    ("adapter", {"method": "lorax"}, "adapter.method must be one of full, lora, qlora, freeze"),
    ("adapter", {"r": 0}, "adapter.r must be between 1 and 1024"),
    ("data", {"test_size": 1.5}, "data.test_size must be between 0 and 1"),
    ("data", {"max_length": 2}, "data.max_length must be between 8 and 131072"),
    ("data", {"prompt_format": "template"}, "data.template must be non-empty"),
    ("model", {"name_or_path": " "}, "model.name_or_path must be non-empty"),
])
def test_validation_names_the_field(section, values, message):
    with pytest.raises(ConfigError) as err:
        RunConfig.from_dict({section: values})
    assert message in str(err.value)


def test_unknown_keys_are_refused():
    with pytest.raises(ConfigError, match="unknown field"):
        RunConfig.from_dict({"train": {"learnin_rate": 1e-4}})
    with pytest.raises(ConfigError, match="unknown config section"):
        RunConfig.from_dict({"trian": {}})


def test_required_key_names_exist():
    keys = {r["key"] for r in describe_fields()}
    for k in ("data.path", "data.validation_path", "data.text_column", "data.label_column",
              "model.name_or_path", "train.num_train_epochs", "train.learning_rate", "train.seed"):
        assert k in keys


def test_every_field_has_help_and_choices_for_literals():
    for row in describe_fields():
        assert row["help"], row["key"]
    assert field_info("adapter", "method")["choices"] == ("full", "lora", "qlora", "freeze")
    assert field_info("train", "learning_rate")["choices"] is None


def test_with_sets_parses_types():
    cfg = RunConfig().with_sets(["train.learning_rate=1e-4", "train.max_steps=5", "data.path=x.csv",
                                 "adapter.target_modules=query,value", "train.gradient_checkpointing=true"])
    assert cfg.train.learning_rate == 1e-4 and cfg.train.max_steps == 5
    assert cfg.data.path == "x.csv"
    assert cfg.adapter.target_modules == ["query", "value"]
    assert cfg.train.gradient_checkpointing is True
    with pytest.raises(ConfigError, match="section.field=value"):
        RunConfig().with_sets(["learning_rate"])
    with pytest.raises(ConfigError, match="unknown field"):
        RunConfig().with_sets(["train.nope=1"])


def test_packing_is_refused_for_classification():
    with pytest.raises(ConfigError, match="data.padding"):
        RunConfig.from_dict({"data": {"padding": "packing"}})


PRESET_FILES = sorted(PRESETS.glob("*.yaml"))


def test_there_are_presets():
    names = {p.stem for p in PRESET_FILES}
    assert len(names) >= 4


@pytest.mark.parametrize("path", PRESET_FILES, ids=lambda p: p.stem)
def test_every_preset_loads_and_holds_only_overrides(path):
    text = path.read_text()
    assert text.startswith("#") and "python -m core train" in text.splitlines()[0] + text.splitlines()[1]
    raw = yaml.safe_load(text)
    cfg = load_config(path)
    defaults = RunConfig().to_dict()
    for section, values in raw.items():
        assert section in SECTIONS
        for k, v in values.items():
            assert defaults[section][k] != v, f"{path.name}: {section}.{k} repeats the default"
    data_path = cfg.data.path
    assert (PRESETS.parent.parent / data_path).exists(), data_path


def test_overrides_are_the_difference():
    cfg = RunConfig().replace(train={"seed": 1})
    assert cfg.overrides() == {"train": {"seed": 1}}
    assert dataclasses.asdict(RunConfig.from_dict(cfg.overrides()).train) == dataclasses.asdict(cfg.train)


# the run config test_job_faults.py trains with
SMALL = RunConfig().replace(data={"max_rows": 120, "max_length": 48},
                            train={"max_steps": 16, "logging_steps": 1, "eval_strategy": "no",
                                   "save_strategy": "steps", "save_steps": 100, "learning_rate": 1e-3})


def test_output_run_name_with_traversal_is_refused():
    from core.config import ConfigError

    with pytest.raises(ConfigError, match="train.run_name"):
        SMALL.replace(train={"run_name": "../../escape"})


CONFIG_ERRORS = [
    ("batch size 0", {"train": {"per_device_train_batch_size": 0}}, "per_device_train_batch_size must be between 1 and 4096"),
    ("batch size huge", {"train": {"per_device_train_batch_size": 10**7}}, "per_device_train_batch_size must be between 1 and 4096"),
    ("lr 0", {"train": {"learning_rate": 0}}, "learning_rate must be > 0"),
    ("lr negative", {"train": {"learning_rate": -3e-4}}, "learning_rate must be > 0"),
    ("lr nan", {"train": {"learning_rate": float("nan")}}, "learning_rate must be a finite number"),
    ("epochs 0", {"train": {"num_train_epochs": 0}}, "num_train_epochs must be > 0"),
    ("output name traversal", {"train": {"run_name": "../../etc"}}, "run_name must be a plain folder name"),
    ("output name absolute", {"train": {"run_name": "/tmp/x"}}, "run_name must be a plain folder name"),
    ("unknown method", {"adapter": {"method": "dora"}}, "adapter.method must be one of"),
]


@pytest.mark.parametrize("case", CONFIG_ERRORS, ids=[c[0] for c in CONFIG_ERRORS])
def test_bad_setting_is_refused_naming_the_field(case):
    name, raw_cfg, fragment = case
    with pytest.raises(ConfigError) as err:
        RunConfig.from_dict(raw_cfg)
    assert fragment in str(err.value)


def test_run_names_of_only_dots_are_refused():
    for name in ("...", ".", "..", ".hidden"):
        with pytest.raises(ConfigError, match="not starting with a dot"):
            RunConfig().replace(train={"run_name": name})
    RunConfig().replace(train={"run_name": "v1.2"})
