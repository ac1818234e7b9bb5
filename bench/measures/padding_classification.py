"""padding_classification: real tokens/s of the default batching vs the tutorial recipe.

Compared with the app's job, same model (MiniLM starter), method (LoRA), batch (16), seed
and data (the bundled sentiment set, data.max_length=256 for every arm so the long tail of
150-word reviews fits and the recipe's padding matters):
  A  RunConfig() default: data.padding=auto -> dynamic padding with length-grouped batches;
  B  the seeds' recipe: data.padding=max_length, every example padded to 256 tokens;
  C  (reported, full pass only) data.padding=dynamic: padded to the longest example of each
     random batch.
Each arm trains one whole epoch (same real tokens in every arm), the three interleaved
step by step (see bench/padding.py). Figure: real (non-pad) tokens / the arm's step
seconds. value = A / B.
Pad fractions per strategy come from core.data.tokenize.padding_comparison.
"""

from __future__ import annotations

from ..env import Context, rnd
from ..padding import ONE_EPOCH, compare_strategies, epoch_detail
from ..result import Result, check
from ..training import minilm_cfg

NAME = "padding_classification"
GOAL = ">= 3.5"
UNIT = "x real tokens/s (default / max_length)"
MAX_LENGTH = 256


def run(ctx: Context) -> Result:
    # The whole set in both modes: with fewer rows the Trainer's length grouping works on
    # smaller mega-batches (min(n // (4 * batch), 50) batches each), which is not the default.
    strategies = ctx.pick(["auto", "max_length"], ["auto", "max_length", "dynamic"])

    def make_cfg(padding: str):
        return minilm_cfg(data={"padding": padding, "max_length": MAX_LENGTH}, train=ONE_EPOCH)

    figs = compare_strategies(ctx, NAME, make_cfg, strategies, rounds=1)
    a, b = figs["auto"], figs["max_length"]
    value = a["tokens_per_second"] / b["tokens_per_second"]
    detail = {
        "compared": "padding=auto (group_by_length) vs padding=max_length, one epoch each, job runs "
                    "interleaved step by step",
        "model": "starter:all-MiniLM-L6-v2", "method": "lora", "batch_size": 16, "max_length": MAX_LENGTH,
        "data": "assets/data/sentiment.csv",
        **epoch_detail(figs, strategies, make_cfg),
    }
    same = detail["same_real_tokens_every_arm"]
    if "dynamic" in figs:
        c = figs["dynamic"]
        detail["ratio_dynamic_vs_max_length"] = rnd(c["tokens_per_second"] / b["tokens_per_second"])
        detail["ratio_auto_vs_dynamic"] = rnd(a["tokens_per_second"] / c["tokens_per_second"])
    else:
        detail["note"] = "quick pass: the dynamic-padding arm runs in the full pass only"
    return Result(NAME, rnd(value, 3), GOAL, UNIT, check(value, GOAL) and same, detail)
