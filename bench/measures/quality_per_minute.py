"""quality_per_minute: the defaults vs the seeds' plain recipe, accuracy and wall time.

Both are the app's job on the packaged MiniLM starter and the bundled sentiment set, same
split (test_size 0.2, stratified, seed 42), same seed, same number of epochs:
  A  RunConfig() defaults: LoRA r=8, learning_rate 2e-3, batch 16, padding auto
     (length-grouped batches), max_length 128, eval and checkpoint every epoch;
  B  the seeds' recipe: full fine-tuning, learning_rate 2e-5, batch 8, padding=max_length
     with max_length 256 (a fixed pad length, as the seeds do), everything else as A.
Figures: final validation accuracy of each (the job's summary.final.eval_accuracy) and the
wall time of the whole job (setup, baseline, training, evaluations, checkpoints, save).
Goal: accuracy(A) >= accuracy(B) AND time(A) / time(B) <= 0.5; value = the time ratio.
Full pass: 3 epochs each. Quick pass: 1 epoch on the first 100 rows, reported but not
judged (passed = null): with 5 training steps the per-run fixed costs (baseline and final
evaluation, the epoch's checkpoint, the save) dominate the default's wall time and 20
validation rows make the accuracies a coin toss, so it does not test the promise.
"""

from __future__ import annotations

from ..env import Context, load_avg, rnd
from ..result import Result, check
from ..training import cleanup_run, minilm_cfg, run_job

NAME = "quality_per_minute"
GOAL = "<= 0.5"
UNIT = "x wall time (default / recipe), with accuracy(default) >= accuracy(recipe)"
RECIPE = {"adapter": {"method": "full"},
          "train": {"learning_rate": 2e-5, "per_device_train_batch_size": 8},
          "data": {"padding": "max_length", "max_length": 256}}


def run(ctx: Context) -> Result:
    epochs = ctx.pick(1.0, 3.0)
    max_rows = ctx.pick(100, 0)
    common = {"data": {"max_rows": max_rows}, "train": {"num_train_epochs": epochs}}
    default = minilm_cfg(**common)
    recipe = minilm_cfg(data={**common["data"], **RECIPE["data"]}, train={**common["train"], **RECIPE["train"]},
                        adapter=RECIPE["adapter"])
    figs = {}
    for label, cfg in (("default", default), ("recipe", recipe)):
        ctx.log(f"{NAME}: {label} ({epochs:g} epoch(s){', first %d rows' % max_rows if max_rows else ''})")
        job, wall = run_job(cfg)
        s = job.summary
        figs[label] = {"accuracy": s["final"].get("eval_accuracy"), "f1": s["final"].get("eval_f1"),
                       "baseline_accuracy": s["baseline"].get("eval_accuracy"),
                       "wall_s": round(wall, 2), "train_s": s.get("train_runtime_s"), "steps": s.get("steps"),
                       "n_train": s.get("n_train"), "n_validation": s.get("n_validation"),
                       "trainable_params": s.get("trainable_params")}
        cleanup_run(job)
    a, b = figs["default"], figs["recipe"]
    time_ratio = a["wall_s"] / b["wall_s"]
    acc_ok = a["accuracy"] is not None and b["accuracy"] is not None and a["accuracy"] >= b["accuracy"]
    detail = {
        "compared": "RunConfig() defaults (LoRA, lr 2e-3, bs 16, group_by_length) vs recipe (full, lr 2e-5, "
                    "bs 8, padding=max_length 256), same split/seed/epochs",
        "epochs": epochs, "default": a, "recipe": b,
        "accuracy_default_ge_recipe": acc_ok, "time_ratio": rnd(time_ratio, 3),
        "train_time_ratio": rnd(a["train_s"] / b["train_s"], 3) if a["train_s"] and b["train_s"] else None,
        "load_avg_end": load_avg(),
    }
    passed: bool | None = check(time_ratio, GOAL) and acc_ok
    if ctx.quick:
        passed = None
        detail["note"] = (f"quick pass, not judged: {epochs:g} epoch on the first {max_rows} rows "
                          f"({a['n_validation']} validation rows); run the full pass for the verdict")
    return Result(NAME, rnd(time_ratio, 3), GOAL, UNIT, passed, detail)
