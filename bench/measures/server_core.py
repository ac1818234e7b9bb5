"""server_core: what leaving the web server a core costs training (core.train.job.reserve_cores).

The app reserves one physical core for its server while a run trains, so the Train tab's
poll does not wait for CPU behind PyTorch's threads (ui_latency measures the poll). This
measure prices that: the same training with every core in PyTorch's thread pool (what the
CLI does) vs one core fewer (what the app does, at least one thread).
Compared, in one process, on the same model, data, config and seed: two bare Trainers
(bench/training.py, MiniLM starter + LoRA on the sentiment set, RunConfig defaults, fixed
max_steps, evaluation off) run interleaved step by step (bench/interleave.py), each setting
its thread count at the start of each of its turns (torch.set_num_threads is process-wide,
so the setting must be renewed whenever the turn changes). Both train the same batches.
value = the median over steps of (all-cores step time / reserved step time) = the reserved
arm's tokens/s as a share of the all-cores arm's. On a 1-core machine both arms use one
thread and the ratio is ~1. Under heavy load from other processes the figure moves (more
threads than free cores wait for each other); read it with load_avg_end.
"""

from __future__ import annotations

import threading
from typing import Any

from ..env import Context, load_avg, median, percentile, rnd
from ..interleave import Baton, BatonError, baton_callback
from ..result import Result
from ..training import NO_EVAL, minilm_cfg, run_bare_trainer

NAME = "server_core"
GOAL = ">= 0"  # reported, not judged: the price of a responsive page, read beside ui_latency
UNIT = "x (tokens/s with a core left to the server / with every core)"
ALL, RESERVED = "all_cores", "one_core_for_the_server"


def _threads_callback(n: int) -> Any:
    from transformers import TrainerCallback

    class Threads(TrainerCallback):  # after the baton's callback: runs once this arm has the turn
        def on_step_begin(self, args, state, control, **kw):
            import torch

            if torch.get_num_threads() != n:
                torch.set_num_threads(n)

    return Threads()


def one_round(ctx: Context, cfg: Any, order: list[str], threads: dict[str, int], index: int) -> dict[str, Any]:
    baton = Baton(order, cfg.train.seed)
    outs: dict[str, Any] = {}
    errors: list[BaseException] = []

    def arm(name: str) -> None:
        try:
            outs[name] = run_bare_trainer(cfg, ctx.folder(f"{name}-{index}"), baton=baton, arm=name,
                                          callbacks=[baton_callback(baton, name), _threads_callback(threads[name])])
        except BaseException as exc:  # noqa: BLE001 - re-raised below
            errors.append(exc)
        finally:
            baton.finish(name)

    workers = [threading.Thread(target=arm, args=(name,), name=f"bench-{name}", daemon=True) for name in order]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if errors:
        raise errors[0]
    if baton.errors:
        raise BatonError("; ".join(baton.errors))
    return {"first": order[0], "cycles": {n: baton.cycles[n] for n in order},
            "tokens": {n: outs[n]["tokens"] for n in order}, "seconds": {n: baton.total(n) for n in order}}


def run(ctx: Context) -> Result:
    import psutil

    cores = psutil.cpu_count(logical=False) or 1
    threads = {ALL: cores, RESERVED: max(1, cores - 1)}
    steps, rounds = ctx.pick(8, 16), ctx.pick(2, 4)
    cfg = minilm_cfg(train={**NO_EVAL, "max_steps": steps})
    results, step_ratios = [], []
    for r in range(rounds):
        order = [ALL, RESERVED] if r % 2 == 0 else [RESERVED, ALL]
        ctx.log(f"{NAME}: round {r + 1}/{rounds}: {threads[ALL]} vs {threads[RESERVED]} threads step by step, "
                f"{steps} steps, {order[0]} first")
        x = one_round(ctx, cfg, order, threads, r)
        results.append(x)
        step_ratios += [a / b for a, b in zip(x["cycles"][ALL], x["cycles"][RESERVED]) if b > 0]
    round_ratios = [(x["tokens"][RESERVED] / x["seconds"][RESERVED]) / (x["tokens"][ALL] / x["seconds"][ALL])
                    for x in results]
    value = median(step_ratios)
    detail = {
        "compared": "bare Trainer at every physical core vs one core fewer, interleaved step by step, same "
                    "data/collator/args/seed",
        "physical_cores": cores, "threads": threads, "model": "starter:all-MiniLM-L6-v2", "method": "lora",
        "max_steps": steps, "round_ratios": [rnd(v) for v in round_ratios],
        "step_ratio_p10_p90": [rnd(percentile(step_ratios, 10)), rnd(percentile(step_ratios, 90))],
        "arm_seconds": [{k: rnd(v, 3) for k, v in x["seconds"].items()} for x in results],
        "same_tokens_both_arms": all(len(set(x["tokens"].values())) == 1 for x in results),
        "load_avg_end": load_avg(),
    }
    return Result(NAME, rnd(value), GOAL, UNIT, True, detail)
