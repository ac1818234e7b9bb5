"""padding_chat: real tokens/s of the chat preset's default batching vs the LoRA guide's
padding="max_length", on SmolLM2 with LoRA and the bundled chat set.

Compared with the app's job on assets/presets/chat-lora-smollm2.yaml as it is (SmolLM2-135M-
Instruct, LoRA r 16 on every linear layer, assets/data/chat.jsonl rendered with the model's
chat template, loss on the assistant turns, batch 4 x 2 accumulated, data.max_length 256),
same seed, so both arms draw the same rows in the same order:
  A  the preset's default data.padding=auto -> packing (TRL's padding_free: each batch is
     flattened into one row with restarting position_ids; no pad token at all);
  B  data.padding=max_length (the LoRA guide's recipe): every row padded to 256 tokens.
A few optimizer steps each (no evaluations, no answers), the two jobs interleaved step by step
in one process (bench/interleave.py) so the machine's noise falls on both. Figure: real
(non-pad) tokens (TRL's num_tokens) / the arm's summed step cycles; value = A / B.
detail.length_ceiling is the ratio padding alone allows: the tokens B computes per real token
(max_length / the mean row length of the trained rows); the set's rows are about 110 tokens
of 256, so padding to 256 costs about 2.3x and no batching can gain more than that here.
"""

from __future__ import annotations

from typing import Any

from ..env import Context, load_avg, rnd
from ..padding import compare_strategies, pad_fractions
from ..result import Result, check

NAME = "padding_chat"
GOAL = ">= 3"
UNIT = "x real tokens/s (the chat preset's packing / padding=max_length), SmolLM2 LoRA"
PRESET = "chat-lora-smollm2"


def preset_cfg(padding: str, steps: int) -> Any:
    from core.config import load_config
    from core.paths import PRESETS

    cfg = load_config(PRESETS / f"{PRESET}.yaml")
    return cfg.replace(data={"padding": padding}, generate={"eval_samples": 0},
                       train={"max_steps": steps, "eval_strategy": "no", "save_strategy": "no", "logging_steps": 1})


def length_stats(cfg: Any) -> dict[str, Any]:
    """The training rows' token lengths (as the trainer gets them) against max_length."""
    from core.data.prepare import prepare
    from core.data.tokenize import train_lengths
    from core.model.load import load_tokenizer

    tok = load_tokenizer(cfg)
    s = sorted(train_lengths(prepare(cfg, tok), tok, cfg))
    mean = sum(s) / len(s)
    return {"rows": len(s), "mean": rnd(mean, 1), "median": s[len(s) // 2], "p90": s[int(0.9 * len(s))],
            "max": s[-1], "max_length": cfg.data.max_length, "mean_over_max_length": rnd(mean / cfg.data.max_length, 3)}


def run(ctx: Context) -> Result:
    from ..env import silenced

    steps = ctx.pick(2, 3)
    strategies = ["auto", "max_length"]
    figs = compare_strategies(ctx, NAME, lambda p: preset_cfg(p, steps), strategies, rounds=1, evaluate=False)
    a, b = figs["auto"], figs["max_length"]
    value = a["tokens_per_second"] / b["tokens_per_second"]
    cfg = preset_cfg("auto", steps)
    with silenced():
        lengths = length_stats(cfg)
        pads = pad_fractions(cfg)
    t = cfg.train
    rows_trained = steps * t.per_device_train_batch_size * t.gradient_accumulation_steps
    computed_b = rows_trained * cfg.data.max_length  # every trained row padded to max_length
    same = a["real_tokens"] == b["real_tokens"]
    detail: dict[str, Any] = {
        "compared": "the chat preset's default batching (padding=auto -> packing, padding-free) vs "
                    "padding=max_length, same rows, jobs interleaved step by step",
        "preset": PRESET, "model": cfg.model.name_or_path, "method": cfg.adapter.method,
        "data": cfg.data.path, "max_length": cfg.data.max_length,
        "batch": f"{t.per_device_train_batch_size} x {t.gradient_accumulation_steps} accumulated", "steps": steps,
        "real_tokens_per_second": {s: figs[s]["tokens_per_second"] for s in strategies},
        "arm_step_seconds": {s: figs[s]["seconds_runs"] for s in strategies},
        "real_tokens": a["real_tokens"], "same_real_tokens_every_arm": same,
        "max_length_tokens_computed": computed_b,
        "length_ceiling": rnd(computed_b / a["real_tokens"], 3) if a["real_tokens"] else None,
        "train_lengths": lengths, "pad_fraction_whole_set": pads, "load_avg_end": load_avg(),
    }
    if value < 3:
        detail["note"] = (f"below 3x because the chat rows are short next to max_length: mean {lengths['mean']} of "
                          f"{lengths['max_length']} tokens, so padding to max_length computes only "
                          f"{detail['length_ceiling']}x the real tokens of these steps; the ratio cannot exceed that")
    return Result(NAME, rnd(value, 3), GOAL, UNIT, check(value, GOAL) and same, detail)
