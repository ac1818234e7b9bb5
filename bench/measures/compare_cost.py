"""compare_cost: the Compare tab's adapter toggle vs loading two models.

Setup (untimed): a short LoRA run (MiniLM starter on the sentiment set, max_steps 10) with
the app's job; its adapter is also merged into a standalone fine-tuned model folder.
Compared, each from nothing to predictions for the same 8 validation sentences:
  A  core.Comparison(run_dir) + .classify(texts): one copy of the base weights, the
     LoRA adapter switched off (base) and on (fine-tuned);
  B  two separate from_pretrained models: the base (same seed, so the same head) and the
     merged fine-tuned model, each predicting the same texts.
Figures: wall time of load+predict (after one untimed warm-up of each arm; then A,B,B,A,...
interleaved, median per arm) and weight memory (bytes of the parameters and buffers held,
core.model_bytes). value = memory ratio A/B, goal <= 0.55: what the toggle saves is a second
copy of the weights. Time is reported (time_ratio) but is not the goal: on a model this small
loading and predicting take well under a second either way, so the two arms take about as long.
"""

from __future__ import annotations

import gc
import shutil
import time
from pathlib import Path
from typing import Any

from ..env import Context, ab_order, load_avg, median, rnd, silenced
from ..result import Result, check
from ..training import NO_EVAL, minilm_cfg, run_job

NAME = "compare_cost"
GOAL = "<= 0.55"
UNIT = "x weights held (adapter toggle / two models); time_ratio in detail"


def merge_adapter(run_dir: Path, target: Path) -> None:
    """The fine-tuned model as a plain folder (LoRA merged into the weights)."""
    from peft import PeftModel
    from transformers import set_seed

    from core.model.load import load_model
    from core.results.runs import load_run_config, read_summary

    cfg = load_run_config(run_dir)
    labels = read_summary(run_dir).get("labels")
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(run_dir / "final")
    set_seed(cfg.train.seed)
    base, _ = load_model(cfg.replace(adapter={"method": "full"}), labels, tok, apply=False)
    merged = PeftModel.from_pretrained(base, run_dir / "final").merge_and_unload()
    merged.save_pretrained(target, safe_serialization=True)
    tok.save_pretrained(target)


def arm_toggle(run_dir: Path, texts: list[str]) -> tuple[float, int, Any]:
    from core.results.compare import _BASE_CACHE, Comparison

    _BASE_CACHE.clear()  # nothing carried over between repeats
    t0 = time.perf_counter()
    cmp = Comparison(run_dir)
    out = cmp.classify(texts)
    dt = time.perf_counter() - t0
    mem = cmp.memory_bytes
    preds = (out["base"], out["tuned"])
    del cmp
    gc.collect()
    return dt, mem, preds


def arm_two_models(base_source: str, merged: Path, labels: list[str], seed: int, max_length: int,
                   texts: list[str]) -> tuple[float, int, Any]:
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, set_seed

    from core.results.compare import model_bytes

    t0 = time.perf_counter()
    tok = AutoTokenizer.from_pretrained(merged)
    set_seed(seed)
    base = AutoModelForSequenceClassification.from_pretrained(
        base_source, num_labels=len(labels), id2label=dict(enumerate(labels)),
        label2id={n: i for i, n in enumerate(labels)}).eval()
    tuned = AutoModelForSequenceClassification.from_pretrained(merged).eval()
    enc = tok(texts, truncation=True, max_length=max_length, padding=True, return_tensors="pt")
    with torch.no_grad():
        pb = torch.softmax(base(**enc).logits.float(), -1).tolist()
        pt = torch.softmax(tuned(**enc).logits.float(), -1).tolist()
    dt = time.perf_counter() - t0
    mem = model_bytes(base) + model_bytes(tuned)
    del base, tuned
    gc.collect()
    return dt, mem, (pb, pt)


def run(ctx: Context) -> Result:
    from core.data.prepare import prepare
    from core.model.load import resolve_source

    steps = ctx.pick(5, 10)
    reps = ctx.pick(2, 3)
    cfg = minilm_cfg(train={**NO_EVAL, "max_steps": steps})
    ctx.log(f"{NAME}: training the LoRA run ({steps} steps)")
    job, _ = run_job(cfg)
    run_dir = job.run_dir
    merged = ctx.folder("compare-merged")
    with silenced():
        merge_adapter(run_dir, merged)
    labels = job.summary["labels"]
    texts = list(prepare(cfg).validation["text"][:8])
    base_source = resolve_source(cfg.model.name_or_path)

    def arm(which: str) -> tuple[float, int, Any]:
        with silenced():
            if which == "A":
                return arm_toggle(run_dir, texts)
            return arm_two_models(base_source, merged, labels, cfg.train.seed, cfg.data.max_length, texts)

    ctx.log(f"{NAME}: warm-up of both arms, then {reps} timed runs each")
    warm = {w: arm(w) for w in ("A", "B")}
    times: dict[str, list[float]] = {"A": [], "B": []}
    mems: dict[str, int] = {}
    for which in ab_order(reps):
        dt, mem, _ = arm(which)
        times[which].append(dt)
        mems[which] = mem
    time_ratio = median(times["A"]) / median(times["B"])
    mem_ratio = mems["A"] / mems["B"]
    value = mem_ratio
    # Sanity: both arms must agree on the predictions (same base head, same fine-tuned weights).
    (ab, at), (bb, bt) = warm["A"][2], warm["B"][2]
    max_diff = max(abs(x - y) for r1, r2 in zip(ab + at, bb + bt) for x, y in zip(r1, r2))
    detail = {
        "compared": "Comparison (one base copy, LoRA toggled) vs base + merged model as two from_pretrained",
        "time_ratio": rnd(time_ratio, 3), "memory_ratio": rnd(mem_ratio, 3),
        "toggle_s": [rnd(t, 3) for t in times["A"]], "two_models_s": [rnd(t, 3) for t in times["B"]],
        "warmup_s": {"toggle": rnd(warm["A"][0], 3), "two_models": rnd(warm["B"][0], 3)},
        "toggle_weights_mb": rnd(mems["A"] / 2**20, 1), "two_models_weights_mb": rnd(mems["B"] / 2**20, 1),
        "texts": len(texts), "lora_steps": steps, "max_abs_prob_diff_between_arms": rnd(max_diff, 6),
        "load_avg_end": load_avg(),
    }
    passed = check(mem_ratio, GOAL)
    if max_diff > 1e-3:
        detail["warning"] = "the two arms' probabilities differ: they are not loading the same models"
        passed = False
    shutil.rmtree(run_dir, ignore_errors=True)
    return Result(NAME, rnd(value, 3), GOAL, UNIT, passed, detail)
