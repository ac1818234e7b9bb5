"""core/data/prepare.py: cleaning (duplicates, empty rows), the split, label mapping, a validation
file and max_rows, label problems and an offline Hub, each with a clear message."""

from __future__ import annotations

import pandas as pd
import pytest

from core.config import RunConfig
from core.data.prepare import prepare, prepare_frames, split_indices
from core.data.sources import DataError

ROWS = [{"text": f"review number {i} " + "good " * (i % 5), "label": "pos" if i % 2 else "neg"} for i in range(40)]


def _csv(tmp_path, rows, name="d.csv"):
    p = tmp_path / name
    pd.DataFrame(rows).to_csv(p, index=False)
    return p


def test_prepare_cleans_splits_and_maps_labels(tmp_path):
    rows = ROWS + [ROWS[0], ROWS[1], {"text": "", "label": "pos"}, {"text": None, "label": "neg"},
                   {"text": "no label", "label": None}]
    cfg = RunConfig().replace(data={"path": str(_csv(tmp_path, rows)), "test_size": 0.25})
    prep = prepare(cfg)
    r = prep.report
    assert r.rows_read == 45 and r.duplicates_dropped == 2 and r.empty_dropped == 3
    assert (r.n_train, r.n_validation) == (30, 10)
    assert prep.label_names == ["neg", "pos"]
    assert set(prep.train["label"]) == {0, 1}
    # stratified: both classes in validation
    assert set(prep.validation["label"]) == {0, 1}
    # same seed, same split
    assert prepare(cfg).validation["text"] == prep.validation["text"]


def test_validation_file_and_max_rows(tmp_path):
    train = _csv(tmp_path, ROWS, "train.csv")
    val = _csv(tmp_path, ROWS[:6], "val.csv")
    cfg = RunConfig().replace(data={"path": str(train), "validation_path": str(val), "max_rows": 20})
    prep = prepare(cfg)
    assert (prep.report.n_train, prep.report.n_validation) == (20, 6)
    assert prep.report.rows_limited == 20


def test_label_problems(tmp_path):
    one = _csv(tmp_path, [{"text": f"t{i}", "label": "same"} for i in range(10)], "one.csv")
    with pytest.raises(DataError, match="only one class"):
        prepare(RunConfig().replace(data={"path": str(one)}))
    many = _csv(tmp_path, [{"text": f"t{i}", "label": f"class {i}"} for i in range(1000)], "many.csv")
    with pytest.raises(DataError, match="looks like free text"):
        prepare(RunConfig().replace(data={"path": str(many), "label_column": "label"}))


def test_hub_offline_is_a_clear_message():
    cfg = RunConfig().replace(data={"hub_dataset": "glue", "hub_config": "mrpc"})
    with pytest.raises(DataError, match="could not reach the Hugging Face Hub"):
        prepare(cfg)
    with pytest.raises(DataError, match="not a Hub dataset id"):
        prepare(RunConfig().replace(data={"hub_dataset": "../../etc"}))


def test_the_split_is_the_one_datasets_makes():
    from datasets import ClassLabel, Dataset

    for cfg in (RunConfig(), RunConfig().replace(data={"test_size": 0.3}, train={"seed": 7})):
        frames = prepare_frames(cfg, split=False)
        ds = Dataset.from_pandas(frames.train, preserve_index=False)
        ds = ds.cast_column("label", ClassLabel(names=frames.label_names))
        for stratify in ("label", None):
            ref = ds.train_test_split(test_size=cfg.data.test_size, seed=cfg.train.seed, stratify_by_column=stratify)
            train, val, _ = split_indices(frames.train, cfg.data.test_size, cfg.train.seed,
                                          frames.label_names if stratify else None)
            assert [frames.train["text"].iloc[i] for i in train] == list(ref["train"]["text"])
            assert [frames.train["text"].iloc[i] for i in val] == list(ref["test"]["text"])
