"""Step-by-step interleaving of several trainers in one process: the bench's answer to a
shared, noisy machine.

Whole-run timings of two consecutive identical runs differ by up to 2x here when other
processes come and go, which drowns a 2 % effect and even blurs a 4x one. So the arms of a
comparison are set up side by side (each in its own thread, like the app's job) and a
:class:`Baton` (one extra Trainer callback, identical in every arm) lets exactly one of them
run at a time, round-robin, one optimizer step each: A1 B1 C1 A2 B2 C2 ... Each arm's time
is the sum of its own *cycles* (on_train_begin -> on_step_begin -> ... -> on_train_end):
data loading, forward, backward, optimizer step, its own callbacks, logging, and any
evaluation or checkpoint the Trainer does between steps. Work before on_train_begin
(loading, tokenizing, the job's baseline evaluation, creating the optimizer) and after
on_train_end (the job's final evaluation and save) is not timed.

Every arm re-seeds torch when it first gets the baton (after all arms finished setting up),
so the samplers draw the same order as separate runs with that seed would.

Trainers are built one at a time (:data:`CONSTRUCT_LOCK`) and no arm goes past
construction until all are built: building ``TrainingArguments`` resets accelerate's
process-wide ``AcceleratorState``, which breaks a Trainer that is using it in another
thread at that moment (AttributeError: 'AcceleratorState' object has no attribute
'distributed_type').
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable

from .env import silenced

CONSTRUCT_LOCK = threading.Lock()


class BatonError(RuntimeError):
    pass


class Baton:
    """Round-robin turns between named arms, timing each arm's cycles."""

    def __init__(self, arms: list[str], seed: int, timeout: float = 1800.0):
        self.arms = list(arms)
        self.cond = threading.Condition()
        self.turn = self.arms[0]
        self.seed = seed
        self.timeout = timeout
        self.arrived: set[str] = set()
        self.built: set[str] = set()
        self.finished: set[str] = set()
        self.cycles: dict[str, list[float]] = {a: [] for a in self.arms}
        self.t_start: dict[str, float] = {}
        self.errors: list[str] = []

    def _next_after(self, arm: str) -> str:
        i = self.arms.index(arm)
        for k in range(1, len(self.arms) + 1):
            cand = self.arms[(i + k) % len(self.arms)]
            if cand not in self.finished:
                return cand
        return arm

    def _wait(self, arm: str, pred: Callable[[], bool], what: str) -> None:
        with self.cond:
            if not self.cond.wait_for(pred, self.timeout):
                self.errors.append(f"{arm}: timed out waiting for {what}")

    def constructed(self, arm: str) -> None:
        """This arm's Trainer exists; wait until every arm's does (see CONSTRUCT_LOCK)."""
        with self.cond:
            self.built.add(arm)
            self.cond.notify_all()
        self._wait(arm, lambda: self.built | self.finished >= set(self.arms), "the other arms' Trainers")

    def begin(self, arm: str) -> None:
        """Wait until every arm has finished setting up (or given up), then for this arm's turn."""
        import torch

        with self.cond:
            self.arrived.add(arm)
            self.cond.notify_all()
        self._wait(arm, lambda: self.arrived | self.finished >= set(self.arms), "the other arms' setup")
        self._wait_turn(arm)
        torch.manual_seed(self.seed)  # the sampler draws next, while every other arm is paused

    def _wait_turn(self, arm: str) -> None:
        with self.cond:
            if self.turn in self.finished:
                self.turn = self._next_after(self.turn)
        self._wait(arm, lambda: self.turn == arm, "its turn")
        self.t_start[arm] = time.perf_counter()

    def hand_over(self, arm: str) -> None:
        """End this arm's cycle, let the next arm run one, wait for the turn to come back."""
        self.cycles[arm].append(time.perf_counter() - self.t_start[arm])
        with self.cond:
            self.turn = self._next_after(arm)
            self.cond.notify_all()
        self._wait_turn(arm)

    def finish(self, arm: str, wait_for_all: bool = False) -> None:
        """This arm is done (or failed): record its last cycle and never wait for it again.
        With ``wait_for_all`` (at the end of training) return only when every arm has
        finished training, so this arm's after-training work (the job's final evaluation
        and save) does not run during, and slow down, another arm's last steps."""
        with self.cond:
            if arm not in self.finished:
                if arm in self.t_start and self.turn == arm:
                    self.cycles[arm].append(time.perf_counter() - self.t_start[arm])
                self.finished.add(arm)
                if self.turn == arm:
                    self.turn = self._next_after(arm)
                self.cond.notify_all()
        if wait_for_all:
            self._wait(arm, lambda: self.finished >= set(self.arms), "the other arms to finish")

    def total(self, arm: str) -> float:
        return sum(self.cycles[arm])


def baton_callback(baton: Baton, arm: str) -> Any:
    from transformers import TrainerCallback

    class BatonCallback(TrainerCallback):
        def on_train_begin(self, args, state, control, **kw):
            baton.begin(arm)

        def on_step_begin(self, args, state, control, **kw):
            baton.hand_over(arm)

        def on_train_end(self, args, state, control, **kw):
            baton.finish(arm, wait_for_all=True)

    return BatonCallback()


def baton_job(cfg: Any, baton: Baton, arm: str, evaluate: bool = True) -> Any:
    """The app's Job with the baton callback appended after its own callbacks (``evaluate``
    False: train only, no baseline or final evaluation and no save; neither is timed anyway)."""
    from core.train.job import Job

    class BatonJob(Job):
        def _setup(self) -> Any:
            try:
                with CONSTRUCT_LOCK:
                    trainer = super()._setup()
                trainer.add_callback(baton_callback(baton, arm))
            finally:
                baton.constructed(arm)
            return trainer

    job = BatonJob(cfg, evaluate=evaluate)
    job.on_finish.append(lambda _job: baton.finish(arm))  # also when it fails before training
    return job


def job_tokens(job: Any) -> int | None:
    """The non-padding token count at the end of training, from the job's events: TRL's
    num_tokens for causal LM, the Trainer's num_input_tokens_seen for classification."""
    key = "num_tokens" if any("num_tokens" in e for e in job.events) else "num_input_tokens_seen"
    seen = [e[key] for e in job.events if isinstance(e.get(key), (int, float))]
    return int(max(seen)) if seen else None


def run_jobs(cfgs: dict[str, Any], order: list[str], seed: int, poll: bool = False,
             extra: Callable[[Baton], dict[str, Any]] | None = None,
             evaluate: bool = True) -> tuple[Baton, dict[str, Any], dict[str, Any]]:
    """Run one Job per arm (each in its background thread), interleaved in ``order``.
    ``extra(baton)``, if given, runs meanwhile in another worker thread (e.g. a bare Trainer
    arm) and its return value is handed back. With ``poll`` a thread calls every job's snapshot()
    once a second, as the UI does. Returns (baton, jobs, extra's result)."""
    baton = Baton(order, seed)
    jobs = {arm: baton_job(cfg, baton, arm, evaluate) for arm, cfg in cfgs.items()}
    done = threading.Event()
    polls = {"n": 0}

    def poller() -> None:
        while not done.is_set():
            for job in jobs.values():
                job.snapshot()
            polls["n"] += 1
            done.wait(1.0)

    extra_out: dict[str, Any] = {}
    extra_err: list[BaseException] = []

    def run_extra() -> None:
        try:
            extra_out.update(extra(baton) if extra is not None else {})
        except BaseException as exc:  # noqa: BLE001 - re-raised in the calling thread
            extra_err.append(exc)
        finally:
            for arm in order:  # arms run by ``extra`` never block the jobs, even if it raised
                if arm not in jobs:
                    baton.finish(arm)

    with silenced():
        for job in jobs.values():
            job.start()
        th = threading.Thread(target=poller, name="bench-poller", daemon=True) if poll else None
        if th:
            th.start()
        # ``extra`` runs in a worker thread too, not in the main thread, so that every arm
        # trains under the same conditions (the jobs always run in worker threads).
        ex = threading.Thread(target=run_extra, name="bench-extra-arm", daemon=True)
        ex.start()
        ex.join()
        for job in jobs.values():
            job.wait()
        done.set()
        if th:
            th.join()
    if extra_err:
        raise extra_err[0]
    for arm, job in jobs.items():
        if job.status != "finished":
            raise BatonError(f"{arm}: job ended {job.status}: {job.message}")
    if baton.errors:
        raise BatonError("; ".join(baton.errors))
    extra_out["_polls"] = polls["n"]
    return baton, jobs, extra_out
