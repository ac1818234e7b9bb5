"""memory: peak RSS of full fine-tuning vs LoRA vs QLoRA (8-bit, 4-bit) on the same model.

Model: a GPT-2-shaped causal LM built from a config with random weights (n_embd 768,
n_layer 8, n_head 12, the MiniLM tokenizer's 30,522-token vocabulary: ~81M parameters,
fp32), saved once to a temp folder and loaded through RunConfig model.name_or_path.
Each variant runs the app's job in a FRESH subprocess (bench/memory_worker.py) on
assets/data/quotes.csv (template "Quote by {author}: {quote}"; first 80 rows, which only
shortens the evaluations), batch 8 (eval batch 8), max_length 128, default padding
(auto = packing), a few steps, eval and checkpoints off.
Figure: the subprocess's peak RSS (VmHWM: imports, model load, baseline eval, training,
final save; nothing subtracted). value = LoRA peak / full peak. QLoRA variants are
reported (ratios to full) and skipped with the reason when bitsandbytes can't run them.
core.estimate.estimate_for (the UI's pre-training estimate) is compared with each
measured peak (detail.estimator; goal within +-25 %, reported, not part of passed).
"""

from __future__ import annotations

from typing import Any

from ..env import Context, load_avg, python_cmd, rnd, run_json_subprocess, silenced
from ..result import Result, check

NAME = "memory"
GOAL = "<= 0.6"
UNIT = "x peak RSS (LoRA / full)"
SHAPE = dict(n_embd=768, n_layer=8, n_head=12, n_positions=256)


def build_model(folder: Any) -> dict[str, Any]:
    """The GPT-2-style model from a config (seed 0), with the MiniLM tokenizer."""
    from core.model.starters import random_causal_lm

    if not (folder / "model.safetensors").is_file():
        n = random_causal_lm(folder, "gpt2", SHAPE)
        (folder / "params.txt").write_text(str(n))
    return {"params": int((folder / "params.txt").read_text()), **SHAPE, "vocab": 30522}


def run(ctx: Context) -> Result:
    steps = ctx.pick(2, 3)
    variants = ctx.pick(["full", "lora"], ["full", "lora", "qlora-8bit", "qlora-4bit"])
    folder = ctx.folder("memory-model")
    ctx.log(f"{NAME}: building the {SHAPE['n_layer']}-layer GPT-2-shaped model")
    model = build_model(folder)
    runs: dict[str, dict[str, Any]] = {}
    for v in variants:
        ctx.log(f"{NAME}: {v} in a fresh subprocess ({steps} steps)")
        runs[v] = run_json_subprocess(python_cmd("-m", "bench.memory_worker", v, str(folder), str(steps)),
                                      timeout=900, log_path=ctx.folder("logs") / f"memory-{v}.log")
    full, lora = runs["full"], runs["lora"]
    for name in ("full", "lora"):
        r = runs[name]
        if "peak_rss_mb" not in r or r.get("status") != "finished":
            return Result(NAME, None, GOAL, UNIT, False, {"error": f"the {name} variant did not finish", "runs": runs})
    value = lora["peak_rss_mb"] / full["peak_rss_mb"]
    peaks, ratios, skipped = {}, {}, {}
    for v, r in runs.items():
        if r.get("status") == "finished" and "peak_rss_mb" in r:
            peaks[v] = r["peak_rss_mb"]
            ratios[v] = rnd(r["peak_rss_mb"] / full["peak_rss_mb"], 3)
        else:
            skipped[v] = r.get("skipped") or r.get("message") or r.get("error") or "did not finish"
    detail: dict[str, Any] = {
        "compared": "peak RSS of a fresh process running the job: full vs LoRA vs QLoRA 8/4-bit",
        "model": {**model, "dtype": "float32", "init": "random (GPT2Config, seed 0)"},
        "data": "assets/data/quotes.csv (first 80 rows)", "batch_size": 8, "max_length": 128, "padding": "auto (packing)",
        "steps": steps, "peak_rss_mb": peaks, "ratio_to_full": ratios,
        "rss_after_imports_mb": {v: r.get("rss_after_imports_mb") for v, r in runs.items()},
        "trainable_params": {v: r.get("trainable_params") for v, r in runs.items()},
        "train_s": {v: r.get("train_s") for v, r in runs.items()},
        "skipped": skipped or None,
        "load_avg_end": load_avg(),
    }
    if not skipped:
        detail.pop("skipped")
    else:
        detail["skipped_variants"] = detail.pop("skipped")
    if ctx.quick:
        detail["note"] = "quick pass: full and LoRA only; the QLoRA 8/4-bit variants run in the full pass"
    try:
        detail["estimator"] = _estimator(ctx, folder, steps, runs)
    except Exception as exc:  # noqa: BLE001 - the estimator comparison is secondary
        detail["estimator"] = {"error": f"{type(exc).__name__}: {exc}"}
    return Result(NAME, rnd(value, 3), GOAL, UNIT, check(value, GOAL), detail)


def _estimator(ctx: Context, folder: Any, steps: int, runs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """core.train.estimate's peak estimate per variant vs the measured peak (goal: within +-25 %).
    Computed here, in the bench process, exactly as the UI would: the un-adapted model,
    core.model.methods.preview_trainable for the method, core.data.tokenize.train_lengths for the data."""
    try:
        from core.data.prepare import prepare
        from core.data.tokenize import train_lengths
        from core.model.load import load_model, load_tokenizer
        from core.model.methods import preview_trainable
        from core.train.estimate import estimate_for
    except ImportError:
        return {"available": False, "note": "core/train/estimate.py is missing: no estimate to compare"}

    from ..memory_worker import config_for

    out: dict[str, Any] = {"available": True, "goal": "estimate / measured peak within 0.75..1.25",
                           "function": "core.train.estimate.estimate_for"}
    base_cfg = config_for("lora", str(folder), steps)
    with silenced():
        tok = load_tokenizer(base_cfg)
        prepared = prepare(base_cfg, tok)
        lengths = train_lengths(prepared, tok, base_cfg)
        model, info = load_model(base_cfg.replace(adapter={"method": "full"}), None, tok, apply=False)
    ok = []
    for v, r in runs.items():
        cfg = config_for(v, str(folder), steps)
        try:
            trainable, total = preview_trainable(cfg, info, model)
            e = estimate_for(cfg, model, trainable, total, lengths)
        except Exception as exc:  # noqa: BLE001 - report, don't fail the measure
            out[v] = {"error": f"{type(exc).__name__}: {exc}"}
            continue
        row: dict[str, Any] = {"estimate_mb": rnd(e.total / 2**20, 1),
                               "parts_mb": {k: rnd(getattr(e, k) / 2**20, 1) for k in
                                            ("weights", "gradients", "optimizer", "activations", "logits", "overhead",
                                             "checkpoint_read")}}
        if r.get("peak_rss_mb"):
            ratio = e.total / 2**20 / r["peak_rss_mb"]
            row.update(measured_mb=r["peak_rss_mb"], ratio=rnd(ratio, 3), within_25pct=0.75 <= ratio <= 1.25)
            ok.append(0.75 <= ratio <= 1.25)
        out[v] = row
    del model
    out["all_within_25pct"] = bool(ok) and all(ok)
    return out
