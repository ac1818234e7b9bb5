"""gpu_mfu: training throughput and model FLOPs utilisation on a GPU (skipped without one).

Model: a Llama-style causal LM built from a config with random weights in the
SmolLM2-135M shape (hidden 576, 30 layers, 9 heads, 3 KV heads, intermediate 1536,
vocab 49152, tied embeddings: ~135M parameters), saved to a temp folder and trained by the
app's job: bf16, attn_implementation=sdpa, padding auto (packing), batch 8 of 1024-token
synthetic texts, LoRA off (full fine-tuning), eval and checkpoints off.
Figures: tokens/s (the Trainer's non-padding token count / Trainer.train() seconds) and
MFU = 6 * parameters * tokens/s / peak dense bf16 FLOP/s of the device (H100/H200: 989e12).
The device name and date are recorded. Without CUDA the entry has passed=null and says so.
This measure has no side-by-side reference: its value is the MFU itself (goal: report only).
"""

from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path
from typing import Any

from ..env import Context, load_avg, rnd
from ..result import Result
from ..training import cleanup_run, run_job

NAME = "gpu_mfu"
GOAL = ">= 0"  # reported, not judged: there is no product promise on MFU yet
UNIT = "MFU (fraction of peak bf16)"
SHAPE = dict(hidden_size=576, num_hidden_layers=30, num_attention_heads=9, num_key_value_heads=3,
             intermediate_size=1536, vocab_size=49152, max_position_embeddings=8192, tie_word_embeddings=True)
TINY_SHAPE = dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                  intermediate_size=128, vocab_size=49152, max_position_embeddings=2048, tie_word_embeddings=True)
# Dense bf16 peak FLOP/s (no sparsity), from the vendors' data sheets.
PEAK_BF16 = {"H100": 989e12, "H200": 989e12, "GH200": 989e12, "A100": 312e12, "L40S": 362e12, "L4": 121e12,
             "A10G": 125e12, "A10": 125e12, "RTX 4090": 165e12, "B200": 2250e12}
CPU_TEST_ENV = "BENCH_GPU_MFU_CPU_TEST"  # =1: run the code path on CPU with a tiny model (tests the bench)


def peak_flops(name: str) -> float | None:
    for key in sorted(PEAK_BF16, key=len, reverse=True):
        if key in name:
            return PEAK_BF16[key]
    return None


def build_model(folder: Path, shape: dict[str, Any]) -> int:
    from core.model.starters import random_causal_lm

    return random_causal_lm(folder, "llama", shape)


def synthetic_data(path: Path, rows: int, words: int) -> None:
    """Random English-like texts long enough to fill max_length (fixed seed)."""
    rng = random.Random(0)
    vocab = ("the model learns from data and every step of training moves the weights a little toward "
             "lower loss while the optimizer keeps its own state for each parameter so memory grows "
             "with the number of trainable weights tokens batches sequences attention layers").split()
    with open(path, "w", encoding="utf-8") as f:
        for _ in range(rows):
            f.write(json.dumps({"text": " ".join(rng.choice(vocab) for _ in range(words))}) + "\n")


def run(ctx: Context) -> Result:
    import torch

    cpu_test = os.environ.get(CPU_TEST_ENV) == "1"
    if not torch.cuda.is_available() and not cpu_test:
        return Result(NAME, None, GOAL, UNIT, None,
                      {"skipped": "no CUDA GPU on this machine (torch.cuda.is_available() is False); "
                                  "run `python -m bench --only gpu_mfu` on a GPU machine",
                       "torch": torch.__version__})
    from core.config import RunConfig

    shape = TINY_SHAPE if cpu_test else SHAPE
    steps = 3 if cpu_test else ctx.pick(20, 50)
    max_length = 128 if cpu_test else 1024
    batch = 2 if cpu_test else 8
    folder = ctx.folder("gpu-model")
    ctx.log(f"{NAME}: building the Llama-style model {shape}")
    n_params = build_model(folder, shape)
    data = ctx.folder("workspace-data") / "synthetic.jsonl"
    synthetic_data(data, rows=(steps + 5) * batch * 2, words=int(max_length * 1.2))
    cfg = RunConfig().replace(
        data={"path": str(data), "max_length": max_length, "padding": "auto", "test_size": 0.1},
        model={"name_or_path": str(folder), "task": "causal-lm", "attn_implementation": "sdpa"},
        adapter={"method": "full"},
        train={"precision": "fp32" if cpu_test else "bf16", "learning_rate": 3e-4, "max_steps": steps,
               "per_device_train_batch_size": batch, "per_device_eval_batch_size": batch,
               "eval_strategy": "no", "save_strategy": "no", "logging_steps": 5, "warmup_ratio": 0.0})
    ctx.log(f"{NAME}: training {steps} steps")
    job, wall = run_job(cfg)
    s = job.summary
    tps = float(s.get("tokens_per_second") or 0.0)
    device = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "CPU (bench self-test)"
    peak = peak_flops(device)
    mfu = 6 * n_params * tps / peak if peak else None
    detail = {
        "device": device, "date": time.strftime("%Y-%m-%d"), "torch": torch.__version__,
        "params": n_params, "shape": shape, "precision": cfg.train.precision, "attn": "sdpa",
        "padding": "auto (packing)", "batch_size": batch, "max_length": max_length, "steps": s.get("steps"),
        "tokens_per_second": rnd(tps, 1), "train_s": s.get("train_runtime_s"), "job_wall_s": rnd(wall, 2),
        "peak_bf16_flops": peak, "mfu_formula": "6 * params * tokens_per_second / peak_bf16_flops",
        "peak_memory_mb": s.get("peak_memory_mb"), "load_avg_end": load_avg(),
    }
    cleanup_run(job)
    if cpu_test:
        detail["note"] = "CPU self-test of the code path with a tiny model; not a GPU figure"
        return Result(NAME, None, GOAL, UNIT, None, detail)
    if peak is None:
        detail["note"] = f"unknown peak FLOP/s for {device}; MFU not computed"
        return Result(NAME, None, GOAL, UNIT, None, detail)
    return Result(NAME, rnd(mfu, 4), GOAL, UNIT, True, detail)
