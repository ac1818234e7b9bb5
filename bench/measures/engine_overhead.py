"""engine_overhead: what the app's training job costs on top of a bare Trainer.

Compared, in one process, on the same model, data, config and seed:
  A  core.train.job.Job in its background thread with its recorder callback, events and
     metrics.jsonl, plus a poller thread calling job.snapshot() once a second (the UI's timer);
  B  a bare transformers.Trainer (in a worker thread as well, like the job) built from the
     same tokenized datasets, collator, model and TrainingArguments
     (core.train.job.training_arguments), nothing attached.
Setup: MiniLM starter + LoRA on the bundled sentiment set, RunConfig defaults otherwise
(batch 16, padding auto = length-grouped, logging every 5 steps), fixed max_steps,
evaluation and checkpoints off.
How: the two trainers run interleaved step by step (bench/interleave.py): A,B,A,B ... within
a round, the next round starting with B, so both see the same machine load. Both train on
the same batches (checked: equal num_input_tokens_seen).
Figure: tokens/s. Every round trains the same batches in the same order, so step k of the
job and step k of the bare Trainer (adjacent in time) process the same tokens and their
time ratio is their tokens/s ratio. value = the median of those per-step ratios over all
steps and rounds (other processes' spikes hit single steps; the median ignores them).
Also reported: per round, num_input_tokens_seen / summed cycle time for each arm and their
ratio, and the ratio of per-step best-of-rounds times summed (a periodic cost the job paid
every logging step would show there).
"""

from __future__ import annotations

from typing import Any

from ..env import Context, load_avg, median, percentile, rnd
from ..interleave import Baton, baton_callback, job_tokens, run_jobs
from ..result import Result, check
from ..training import NO_EVAL, cleanup_run, minilm_cfg, run_bare_trainer

NAME = "engine_overhead"
GOAL = ">= 0.98"
UNIT = "x (job / bare tokens/s)"


def one_round(ctx: Context, cfg: Any, order: list[str], index: int) -> dict[str, Any]:
    def bare(baton: Baton) -> dict[str, Any]:
        return run_bare_trainer(cfg, ctx.folder(f"bare-{index}"), callbacks=[baton_callback(baton, "bare")],
                                baton=baton, arm="bare")

    baton, jobs, bare_out = run_jobs({"job": cfg}, order, cfg.train.seed, poll=True, extra=bare)
    job = jobs["job"]
    out = {"first": order[0], "job_tokens": job_tokens(job), "bare_tokens": bare_out["tokens"],
           "job_s": baton.total("job"), "bare_s": baton.total("bare"),
           "job_cycles": baton.cycles["job"], "bare_cycles": baton.cycles["bare"],
           "snapshots": bare_out["_polls"], "events": len(job.events), "steps": bare_out["steps"]}
    cleanup_run(job)
    return out


def run(ctx: Context) -> Result:
    steps = ctx.pick(8, 16)
    rounds = ctx.pick(2, 4)
    cfg = minilm_cfg(train={**NO_EVAL, "max_steps": steps})
    results = []
    for r in range(rounds):
        order = ["job", "bare"] if r % 2 == 0 else ["bare", "job"]
        ctx.log(f"{NAME}: round {r + 1}/{rounds}: job and bare Trainer step by step, {steps} steps, {order[0]} first")
        results.append(one_round(ctx, cfg, order, r))
    ratios, step_ratios = [], []
    for x in results:
        job_tps, bare_tps = x["job_tokens"] / x["job_s"], x["bare_tokens"] / x["bare_s"]
        x["job_tokens_per_second"], x["bare_tokens_per_second"] = rnd(job_tps, 2), rnd(bare_tps, 2)
        ratios.append(job_tps / bare_tps)
        step_ratios += [b / j for j, b in zip(x["job_cycles"], x["bare_cycles"]) if j > 0]
    tokens_equal = all(x["job_tokens"] == x["bare_tokens"] for x in results)
    job_best = [min(c) for c in zip(*[x["job_cycles"] for x in results])]
    bare_best = [min(c) for c in zip(*[x["bare_cycles"] for x in results])]
    value = median(step_ratios)
    detail = {
        "compared": "Job (+ snapshot poller at 1 Hz) vs bare Trainer, interleaved step by step, "
                    "same data/collator/args/seed",
        "model": "starter:all-MiniLM-L6-v2", "method": "lora", "data": "assets/data/sentiment.csv",
        "max_steps": steps, "batch_size": cfg.train.per_device_train_batch_size, "padding": "auto (group_by_length)",
        "rounds": [{k: (rnd(v, 3) if isinstance(v, float) else v) for k, v in x.items()
                    if k not in ("job_cycles", "bare_cycles")} for x in results],
        "step_pairs": len(step_ratios),
        "best_of_rounds_ratio": rnd(sum(bare_best) / sum(job_best)),
        "job_best_s": rnd(sum(job_best), 3), "bare_best_s": rnd(sum(bare_best), 3),
        "round_ratios": [rnd(r) for r in ratios], "median_round_ratio": rnd(median(ratios)),
        "step_ratio_p10_p90": [rnd(percentile(step_ratios, 10)), rnd(percentile(step_ratios, 90))],
        "same_tokens_both_arms": tokens_equal,
        "load_avg_end": load_avg(),
    }
    if not tokens_equal:
        detail["warning"] = "the two arms did not train on the same number of tokens"
    return Result(NAME, rnd(value), GOAL, UNIT, check(value, GOAL), detail)
