"""memory_smollm2: the memory estimate against the measured peak, on the real pretrained model.

Model and data: the chat preset (assets/presets/chat-lora-smollm2.yaml): SmolLM2-135M-Instruct
(134.5M parameters, fp32, tied embeddings) on the bundled chat set (first 64 rows; the test
fixture tests/data/chat-small.jsonl where the set is missing), batch 4 x 2 accumulated,
max_length 256, padding-free packed batches, trained by TRL's SFTTrainer (fused LM head: the
full logits never exist). Variants, each the app's job in a FRESH subprocess
(bench/memory_worker.py): full fine-tuning, LoRA (the preset: all linear layers, r 16) and
QLoRA 4-bit (same targets). A few steps, evaluations and checkpoints off.
Figure: core.train.estimate's pre-training estimate / the subprocess's peak RSS (VmHWM:
imports, model load, baseline evaluation, training, final save; nothing subtracted), per
variant. value = the worst ratio's distance from 1 (goal: every variant within +-25 %).
"""

from __future__ import annotations

from typing import Any

from ..env import Context, load_avg, python_cmd, rnd, run_json_subprocess, silenced
from ..result import Result, check

NAME = "memory_smollm2"
GOAL = "<= 0.25"
UNIT = "max |estimate / measured peak - 1| (full, LoRA, QLoRA 4-bit)"


def run(ctx: Context) -> Result:
    from ..memory_worker import CHAT_PRESET, config_for

    steps = ctx.pick(2, 3)
    variants = ["full", "lora", "qlora-4bit"]
    runs: dict[str, dict[str, Any]] = {}
    for v in variants:
        ctx.log(f"{NAME}: {v} in a fresh subprocess ({steps} steps)")
        runs[v] = run_json_subprocess(python_cmd("-m", "bench.memory_worker", v, CHAT_PRESET, str(steps)),
                                      timeout=1500, log_path=ctx.folder("logs") / f"{NAME}-{v}.log")
    from core.data.prepare import prepare
    from core.data.tokenize import train_lengths
    from core.model.load import load_model, load_tokenizer
    from core.model.methods import preview_trainable
    from core.train.estimate import estimate_for

    base = config_for("lora", CHAT_PRESET, steps)
    with silenced():
        tok = load_tokenizer(base)
        prepared = prepare(base, tok)
        lengths = [min(n, base.data.max_length) for n in train_lengths(prepared, tok, base)]
        model, info = load_model(base.replace(adapter={"method": "full"}), None, tok, apply=False)
    rows: dict[str, Any] = {}
    distances = []
    for v, r in runs.items():
        cfg = config_for(v, CHAT_PRESET, steps)
        trainable, total = preview_trainable(cfg, info, model)
        e = estimate_for(cfg, model, trainable, total, lengths)
        row: dict[str, Any] = {"estimate_mb": rnd(e.total / 2**20, 1), "status": r.get("status"),
                               "parts_mb": {k: rnd(getattr(e, k) / 2**20, 1) for k in
                                            ("weights", "gradients", "optimizer", "activations", "overhead",
                                             "checkpoint_read")},
                               "trainable_params": r.get("trainable_params"), "train_s": r.get("train_s"),
                               "steps": r.get("steps")}
        if r.get("peak_rss_mb") and r.get("status") == "finished":
            ratio = e.total / 2**20 / r["peak_rss_mb"]
            row.update(measured_mb=r["peak_rss_mb"], ratio=rnd(ratio, 3))
            distances.append(abs(ratio - 1))
        else:
            row["error"] = r.get("skipped") or r.get("message") or r.get("error") or "did not finish"
        rows[v] = row
    value = max(distances) if len(distances) == len(variants) else None
    detail = {"compared": "core.train.estimate.estimate_for vs the peak RSS of a fresh process running the job",
              "preset": "chat-lora-smollm2", "data": base.data.path, "steps": steps, "variants": rows,
              "load_avg_end": load_avg()}
    return Result(NAME, rnd(value, 3) if value is not None else None, GOAL, UNIT,
                  value is not None and check(value, GOAL), detail)
