"""memory_smollm2: the memory estimate against the measured peak, on the real pretrained model.

Model and data: SmolLM2-135M-Instruct (134.5M parameters, fp32, tied embeddings, vocabulary
49,152). Variants, each the app's job in a FRESH subprocess (bench/memory_worker.py):
  full, lora, qlora-4bit  the chat preset (assets/presets/chat-lora-smollm2.yaml: LoRA r 16 on
                          every linear layer, batch 4 x 2 accumulated, max_length 256,
                          padding-free packed batches, TRL's SFTTrainer) with full fine-tuning,
                          the preset's LoRA, and QLoRA 4-bit (bitsandbytes on CPU, same targets);
  dpo                     the DPO preset (assets/presets/dpo-smollm2.yaml: TRL's DPOTrainer,
                          LoRA on the attention projections, batch 4 pairs = 8 rows, max_length
                          128, the reference = the adapter switched off).
Each trains exactly one epoch of a slice of its set (the first rows: 8 training rows + the
validation split), 2 optimizer steps of one micro-batch (4 rows or 4 pairs; accumulation off:
it holds nothing more), so the batch holding the slice's longest row, the batch the estimate
describes, is always trained, and the second step runs with the optimizer's state allocated. Baseline and final
evaluations run; the before/after answers (generation: minutes on a CPU, a lower peak) don't.
Figure: core.train.estimate's pre-training estimate (computed here on the un-adapted model, as
the Method tab does, from the lengths the trainer would get) / the subprocess's peak RSS
(VmHWM: imports, model load, evaluations, training, final save; nothing subtracted), per variant.
value = the worst ratio's distance from 1 (goal: every variant within +-25 %).
"""

from __future__ import annotations

from typing import Any

from ..env import Context, load_avg, python_cmd, rnd, run_json_subprocess, silenced
from ..result import Result, check

NAME = "memory_smollm2"
GOAL = "<= 0.25"
UNIT = "max |estimate / measured peak - 1| (full, LoRA, QLoRA 4-bit, DPO)"
VARIANTS = ("full", "lora", "qlora-4bit", "dpo")
STEPS = 2  # one epoch of 8 training rows, 4 per step (see bench/memory_worker.smollm2_config)
PARTS = ("weights", "gradients", "optimizer", "activations", "logits", "overhead", "checkpoint_read")


def pre_training_estimate(cfg: Any) -> Any:
    """What the Method tab shows for ``cfg``: the un-adapted model, the method's trainable
    count (core.model.methods.preview_trainable), the lengths the trainer would get."""
    from core.data.prepare import prepare
    from core.model.load import load_model, load_tokenizer
    from core.model.methods import preview_trainable
    from core.train.estimate import estimate_for
    from core.train.trainers import inputs_for

    with silenced():
        tok = load_tokenizer(cfg)
        prepared = prepare(cfg, tok)
        lengths = inputs_for(cfg, tok, prepared).lengths
        # the un-adapted model, as the Method tab loads it (the method is applied by preview_trainable)
        model, info = load_model(cfg.replace(adapter={"method": "full"}, train={"objective": "sft"}), None, tok,
                                 apply=False)
    trainable, total = preview_trainable(cfg, info, model)
    est = estimate_for(cfg, model, trainable, total, lengths)
    return est, lengths


def run(ctx: Context) -> Result:
    from ..memory_worker import CHAT_PRESET, config_for

    runs: dict[str, dict[str, Any]] = {}
    for v in VARIANTS:
        ctx.log(f"{NAME}: {v} in a fresh subprocess ({STEPS} steps, one epoch of the slice)")
        runs[v] = run_json_subprocess(python_cmd("-m", "bench.memory_worker", v, CHAT_PRESET, str(STEPS)),
                                      timeout=900, log_path=ctx.folder("logs") / f"{NAME}-{v}.log")
    rows: dict[str, Any] = {}
    distances = []
    for v, r in runs.items():
        cfg = config_for(v, CHAT_PRESET, STEPS)
        e, lengths = pre_training_estimate(cfg)
        row: dict[str, Any] = {"estimate_mb": rnd(e.total / 2**20, 1), "status": r.get("status"),
                               "parts_mb": {k: rnd(getattr(e, k) / 2**20, 1) for k in PARTS},
                               "job_estimate_mb": r.get("job_estimated_peak_mb"),
                               "train_rows": r.get("n_train"), "longest_row": max(lengths),
                               "mean_row": rnd(sum(lengths) / len(lengths), 1),
                               "trainable_params": r.get("trainable_params"), "train_s": r.get("train_s"),
                               "process_s": r.get("seconds"), "steps": r.get("steps")}
        if r.get("peak_rss_mb") and r.get("status") == "finished":
            ratio = e.total / 2**20 / r["peak_rss_mb"]
            row.update(measured_mb=r["peak_rss_mb"], ratio=rnd(ratio, 3))
            distances.append(abs(ratio - 1))
        else:
            row["error"] = r.get("skipped") or r.get("message") or r.get("error") or "did not finish"
        rows[v] = row
    value = max(distances) if len(distances) == len(VARIANTS) else None
    detail = {"compared": "core.train.estimate.estimate_for (pre-training, as the Method tab) vs the peak RSS of a "
                          "fresh process running the job",
              "presets": {"full/lora/qlora-4bit": "chat-lora-smollm2", "dpo": "dpo-smollm2"},
              "slice": "first rows: 8 training rows + the validation split, one epoch", "variants": rows,
              "load_avg_end": load_avg()}
    return Result(NAME, rnd(value, 3) if value is not None else None, GOAL, UNIT,
                  value is not None and check(value, GOAL), detail)
