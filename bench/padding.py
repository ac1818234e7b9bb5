"""Shared by the two padding measures: train one epoch per padding strategy with the app's
job, the strategies interleaved step by step (bench/interleave.py), and compare real
(non-pad) tokens per second.

Whole epochs, not a fixed number of steps: with length-grouped batches the Trainer puts the
longest batch first and then goes from long to short, so the first N steps are not a fair
sample. Over a whole epoch every strategy trains on exactly the same real tokens, and the
Trainer's ``num_input_tokens_seen`` (``include_num_input_tokens_seen="non_padding"``) counts
them; the figure is that count divided by the arm's summed step cycles.
"""

from __future__ import annotations

from typing import Any, Callable

from .env import Context, load_avg, median, rnd
from .interleave import job_tokens, run_jobs
from .training import NO_EVAL, cleanup_run


def pad_fractions(cfg: Any) -> list[dict[str, Any]]:
    """core.padding_comparison on the training split, at the config's batch size."""
    from core.data.prepare import prepare
    from core.data.tokenize import padding_comparison, train_lengths
    from core.model.load import load_tokenizer

    tok = load_tokenizer(cfg)
    prepared = prepare(cfg, tok)
    lengths = train_lengths(prepared, tok, cfg)
    rows = padding_comparison(lengths, cfg.train.per_device_train_batch_size, cfg.data.max_length,
                                         seed=cfg.train.seed, task=cfg.model.task)
    return [{k: (rnd(v) if isinstance(v, float) else v) for k, v in r.items() if k != "label"} for r in rows]


def compare_strategies(ctx: Context, name: str, make_cfg: Callable[[str], Any], strategies: list[str],
                       rounds: int, evaluate: bool = True) -> dict[str, Any]:
    """One job per strategy, interleaved step by step (bench/interleave.py), ``rounds``
    times with the order rotated each round; real tokens/s per arm and round (``evaluate``
    False: the jobs train only, see bench.interleave.baton_job)."""
    from core.model.load import resolve_source

    # Materialise a starter once, here: core.materialize_tiny_gpt2 writes to a temp
    # folder named by pid only, so jobs in several threads of one process race on it.
    resolve_source(make_cfg(strategies[0]).model.name_or_path)
    runs: dict[str, list[dict[str, Any]]] = {s: [] for s in strategies}
    for r in range(rounds):
        order = strategies[r % len(strategies):] + strategies[:r % len(strategies)]
        cfgs = {s: make_cfg(s) for s in strategies}
        steps = cfgs[strategies[0]].train.max_steps
        span = f"{steps} steps" if steps > 0 else "one epoch"
        ctx.log(f"{name}: round {r + 1}/{rounds}: {', '.join(order)} interleaved step by step, {span}")
        baton, jobs, _ = run_jobs(cfgs, order, cfgs[strategies[0]].train.seed, evaluate=evaluate)
        for s, job in jobs.items():
            tokens = job_tokens(job)
            secs = baton.total(s)
            runs[s].append({"tokens": tokens, "seconds": secs, "tokens_per_second": tokens / secs,
                            "steps": job.summary.get("steps"), "n_train": job.summary.get("n_train"),
                            "train_wall_s": job.summary.get("train_runtime_s")})
            cleanup_run(job)
    out = {s: {"tokens_per_second_runs": [rnd(x["tokens_per_second"], 2) for x in v],
               "tokens_per_second": rnd(median([x["tokens_per_second"] for x in v]), 2),
               "seconds_runs": [rnd(x["seconds"], 3) for x in v],
               "real_tokens": v[0]["tokens"], "steps": v[0]["steps"], "n_train": v[0]["n_train"]}
           for s, v in runs.items()}
    out["_load_avg_end"] = load_avg()
    return out


# One whole epoch, no evaluation or checkpoints (see the module docstring).
ONE_EPOCH = {**NO_EVAL, "num_train_epochs": 1.0, "max_steps": -1}


def epoch_detail(figs: dict[str, Any], strategies: list[str], make_cfg: Callable[[str], Any]) -> dict[str, Any]:
    """The detail both padding measures report: real tokens/s and step seconds per arm, the
    real tokens each arm saw (the same for all, or the comparison is unfair), pad fractions."""
    a = figs["auto"]
    return {"real_tokens_per_second": {s: figs[s]["tokens_per_second"] for s in strategies},
            "tokens_per_second_runs": {s: figs[s]["tokens_per_second_runs"] for s in strategies},
            "arm_step_seconds": {s: figs[s]["seconds_runs"] for s in strategies},
            "real_tokens_per_epoch": a["real_tokens"],
            "same_real_tokens_every_arm": len({figs[s]["real_tokens"] for s in strategies}) == 1,
            "steps_per_epoch": a["steps"], "pad_fraction": pad_fractions(make_cfg("auto")),
            "load_avg_end": figs["_load_avg_end"]}
