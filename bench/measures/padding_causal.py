"""padding_causal: real tokens/s of packing (the causal-LM default) vs padding to max_length.

Compared with the app's job on the quotes preset's shape: starter:tiny-gpt2 (from scratch,
full fine-tuning), assets/data/quotes.csv with the template "Quote by {author}: {quote}",
batch 16, data.max_length=128 (the RunConfig default) for every arm, same seed:
  A  RunConfig default data.padding=auto -> packing (DataCollatorWithFlattening: the batch is
     one row with restarting position_ids, no padding at all);
  B  data.padding=max_length: every example padded to 128 tokens (the seeds' recipe);
  C  (reported, full pass only) data.padding=dynamic.
Each arm trains one whole epoch (identical real tokens), the three interleaved step by
step (see bench/padding.py). Figure: real (non-pad) tokens / the arm's step seconds;
value = A / B. Pad fractions from core.data.tokenize.padding_comparison.
"""

from __future__ import annotations

from ..env import Context, rnd
from ..padding import ONE_EPOCH, compare_strategies, epoch_detail
from ..result import Result, check
from ..training import quotes_cfg

NAME = "padding_causal"
GOAL = ">= 4"
UNIT = "x real tokens/s (packing / max_length)"
MAX_LENGTH = 128


def run(ctx: Context) -> Result:
    rounds = ctx.pick(1, 2)
    strategies = ctx.pick(["auto", "max_length"], ["auto", "max_length", "dynamic"])

    def make_cfg(padding: str):
        return quotes_cfg(data={"padding": padding, "max_length": MAX_LENGTH}, train=ONE_EPOCH)

    figs = compare_strategies(ctx, NAME, make_cfg, strategies, rounds=rounds)
    a, b = figs["auto"], figs["max_length"]
    value = a["tokens_per_second"] / b["tokens_per_second"]
    detail = {
        "compared": "padding=auto (packing) vs padding=max_length, one epoch each, job runs interleaved "
                    "step by step",
        "model": "starter:tiny-gpt2", "method": "full", "batch_size": 16, "max_length": MAX_LENGTH,
        "data": "assets/data/quotes.csv", "template": "Quote by {author}: {quote}", "rounds": rounds,
        **epoch_detail(figs, strategies, make_cfg),
    }
    same = detail["same_real_tokens_every_arm"]
    if "dynamic" in figs:
        detail["ratio_dynamic_vs_max_length"] = rnd(figs["dynamic"]["tokens_per_second"] / b["tokens_per_second"])
    else:
        detail["note"] = "quick pass: the dynamic-padding arm runs in the full pass only"
    return Result(NAME, rnd(value, 3), GOAL, UNIT, check(value, GOAL) and same, detail)
