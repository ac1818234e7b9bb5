"""Token preview, length statistics, padding comparison, and the padding optimisations'
correctness (grouped batches cover every example once), core/data/tokenize.py. Causal LM's
tokens, labels and packing are checked in tests/core/train/test_trainers.py and test_labels.py."""

import pytest

from core.config import RunConfig
from core.data.tokenize import (
    batch_grid,
    batch_order,
    length_stats,
    padding_comparison,
    token_preview,
)


def test_padding_comparison_hand_checked():
    # lengths 3, 5, 2, 8 in one batch of 4 at max_length 10:
    #   max_length: 4 x 10 = 40 tokens, 18 real, 22 pad
    #   dynamic / grouped: 4 x 8 = 32 tokens, 14 pad
    #   packing: 18 tokens, 0 pad
    rows = {r["strategy"]: r for r in padding_comparison([3, 5, 2, 8], 4, 10, task="causal-lm")}
    assert (rows["max_length"]["total_tokens"], rows["max_length"]["pad_tokens"]) == (40, 22)
    assert (rows["dynamic"]["total_tokens"], rows["dynamic"]["pad_tokens"]) == (32, 14)
    assert rows["group_by_length"]["total_tokens"] == 32
    assert (rows["packing"]["total_tokens"], rows["packing"]["pad_tokens"]) == (18, 0)
    assert rows["max_length"]["pad_fraction"] == pytest.approx(22 / 40)
    # truncation: a length above max_length counts as max_length
    rows = {r["strategy"]: r for r in padding_comparison([30, 1], 1, 10)}
    assert rows["dynamic"]["total_tokens"] == 11 and "packing" not in rows


def test_grouping_beats_random_on_skewed_lengths():
    import random

    rnd = random.Random(0)
    lengths = [int(rnd.lognormvariate(3, 0.8)) + 2 for _ in range(400)]
    rows = {r["strategy"]: r for r in padding_comparison(lengths, 16, 256)}
    assert rows["group_by_length"]["pad_fraction"] < rows["dynamic"]["pad_fraction"] < rows["max_length"]["pad_fraction"]


def test_grouped_batches_hold_every_example_once_per_epoch():
    lengths = [((i * 37) % 91) + 1 for i in range(203)]
    for strategy in ("group_by_length", "dynamic"):
        batches = batch_order(lengths, 8, strategy, seed=3)
        flat = [i for b in batches for i in b]
        assert sorted(flat) == list(range(203)), strategy
        assert all(len(b) == 8 for b in batches[:-1])


def test_trainer_sampler_covers_every_example_once():
    """The sampler the Trainer really uses with train_sampling_strategy=group_by_length."""
    import torch
    from transformers.trainer_pt_utils import LengthGroupedSampler

    lengths = [((i * 13) % 50) + 1 for i in range(97)]
    g = torch.Generator().manual_seed(0)
    order = list(LengthGroupedSampler(16, lengths=lengths, generator=g))
    assert sorted(order) == list(range(97))


def test_length_stats():
    s = length_stats([1, 2, 3, 4, 100], max_length=10)
    assert s["count"] == 5 and s["max"] == 100 and s["share_truncated"] == pytest.approx(0.2)
    assert sum(s["hist_counts"]) == 5


def test_batch_grid_shapes():
    grid = batch_grid([3, 5, 2, 8], 4, 10, "max_length")
    assert len(grid) == 4 and all(len(r) == 10 for r in grid)
    assert sum(map(sum, grid)) == 18
    grid = batch_grid([3, 5, 2, 8], 4, 10, "packing")
    assert grid == [[1] * 18]


@pytest.fixture(scope="module")
def minilm_tok():
    from core.model.load import load_tokenizer

    return load_tokenizer(RunConfig())


def test_token_preview_marks_specials_and_truncation(minilm_tok):
    cfg = RunConfig().replace(data={"max_length": 8})
    prev = token_preview(minilm_tok, "this product is sick and i love it so much honestly", None, cfg)
    kept = [t for t in prev["tokens"] if t["kept"]]
    cut = [t for t in prev["tokens"] if not t["kept"]]
    assert len(kept) == 8 and kept[0]["token"] == "[CLS]" and kept[0]["special"]
    assert kept[-1]["token"] == "[SEP]"
    assert prev["n_truncated"] > 0 and cut and not any(t["special"] for t in cut)
    assert prev["attention_mask"] == [1] * 8


def test_effective_padding_resolves_auto_and_a_dpo_run_always_pads_per_batch():
    from core.config import RunConfig
    from core.data.tokenize import effective_padding

    causal = RunConfig().replace(model={"task": "causal-lm"})
    assert effective_padding(causal) == "packing"
    assert effective_padding(RunConfig()) == "group_by_length"
    assert effective_padding(causal.replace(data={"padding": "max_length"})) == "max_length"
    # TRL's preference collator pads each batch to its longest row, whatever data.padding says
    for padding in ("auto", "packing", "max_length"):
        dpo = causal.replace(data={"padding": padding}, train={"objective": "dpo"})
        assert effective_padding(dpo) == "dynamic", padding
