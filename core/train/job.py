"""The training job: setup -> baseline -> train -> final -> cleanup.

A :class:`Job` runs the trainer for its objective (:mod:`core.train.trainers`:
``transformers.Trainer`` for classification, TRL's ``SFTTrainer`` for causal LM) in a
background thread via :meth:`Job.start` or in the caller's thread via :meth:`Job.run`. A callback appends every log and
evaluation event to memory and to ``metrics.jsonl``; nothing else happens per step except
noting the step number and time and checking the stop flag. The CLI and the UI start the
very same job.

* Stop is cooperative: at the next step end a checkpoint is saved and training ends with
  status ``stopped``; :meth:`Job.resume` continues from the last checkpoint at the same
  global step, optimizer state and learning-rate schedule.
* The base model is evaluated on the validation split before training (``baseline``) and
  again at the end (``final``); both land in ``summary.json``.
* Failures never escape: out-of-memory, NaN loss, a full disk or a bad input end the run
  as ``failed`` with a message that says what to do, and earlier checkpoints stay.
"""

from __future__ import annotations

import gc
import math
import os
import shutil
import threading
import time
import traceback
from pathlib import Path
from typing import Any, Callable

from ..config import ConfigError, RunConfig
from ..results.runs import (
    Status,
    last_checkpoint,
    new_run_dir,
    read_events,
    read_summary,
    write_json,
)
from .distributed import is_main_process, world_size
from .loggers import MetricsFile, writers_for
from .memory import peak_memory_mb, reset_peak_memory
from .progress import Snapshot
from .resources import reserve_cores, set_threads, trim_heap  # noqa: F401 - reserve_cores: app.py's

TROUBLESHOOTING = {
    "oom": ("Out of memory. Try, in this order: a smaller per_device_train_batch_size with "
            "gradient_accumulation_steps to keep the effective batch; gradient_checkpointing; a shorter "
            "data.max_length; LoRA or QLoRA instead of full fine-tuning."),
    "nan": ("The loss became NaN or infinite. Usual causes: a learning rate that is too high (try 10x "
            "lower, or more warmup), or fp16 overflow (use bf16 or fp32)."),
    "disk": "Writing to disk failed ({err}). Free some space; earlier checkpoints were kept.",
}


class _Recorder:
    """Trainer callback: records events, tracks progress, honours the stop flag."""

    def __new__(cls, job: "Job"):
        from transformers import TrainerCallback

        class Callback(TrainerCallback):
            def on_train_begin(self, args, state, control, **kw):
                job._on_train_begin(state)

            def on_step_end(self, args, state, control, **kw):
                job.progress["step"] = state.global_step
                job.progress["epoch"] = state.epoch
                job.progress["last_step_time"] = time.time()
                if job._stop.is_set():
                    control.should_save = True
                    control.should_training_stop = True
                return control

            def on_log(self, args, state, control, logs=None, **kw):
                job._record(state, logs or {})
                loss = (logs or {}).get("loss")
                if loss is not None and not math.isfinite(loss):
                    job._nan = True
                    control.should_training_stop = True
                return control

        return Callback()


class Job:
    """One fine-tuning run and its run folder."""

    def __init__(self, cfg: RunConfig, run_dir: Path | None = None, owner: str = "local",
                 resume: bool = False, evaluate: bool = True, tags: dict[str, Any] | None = None,
                 predicted_train_s: float | None = None):
        self.cfg = cfg
        self.owner = owner
        self.resume_requested = resume
        self.evaluate = evaluate  # False: train only (no baseline, no final evaluation or save)
        self.is_main = is_main_process()
        self.run_dir = Path(run_dir) if run_dir else new_run_dir(cfg)
        if self.is_main:
            self.run_dir.mkdir(parents=True, exist_ok=True)
        self.name = self.run_dir.name
        self.status = Status.QUEUED
        self.message = ""
        self.events: list[dict[str, Any]] = read_events(self.run_dir) if resume else []
        self.progress: dict[str, Any] = {"step": 0, "max_steps": 0, "epoch": 0.0, "started": None,
                                         "tokens_per_second": None, "eta_s": None, "elapsed_s": 0.0}
        self.summary: dict[str, Any] = read_summary(self.run_dir) if resume else {}
        # A resumed run's clock continues from the earlier segments' running time.
        self._prior_runtime = float(self.summary.get("runtime_s") or 0.0) if resume else 0.0
        self.info: Any = None
        self.data_report: list[str] = []
        self._stop = threading.Event()
        self._nan = False
        self._manual_eval = False
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._t0 = 0.0
        self._step0 = 0
        self._tokens0 = 0
        # metrics.jsonl and TensorBoard subscribe to the events (rank 0 only: one record per run)
        self.writers = writers_for(cfg.train.report_to, self.run_dir) if self.is_main else []
        self.on_finish: list[Callable[["Job"], None]] = []
        if not resume:
            if self.is_main:
                cfg.save(self.run_dir / "config.yaml")
            self.summary = {"name": self.name, "status": Status.QUEUED, "owner": owner,
                            "created": time.strftime("%Y-%m-%dT%H:%M:%S"), "task": cfg.model.task,
                            "model": cfg.model.name_or_path, "method": cfg.adapter.method,
                            "dataset": cfg.data.hub_dataset or Path(cfg.data.path).name,
                            "baseline": {}, "final": {}, "pid": os.getpid(), **(tags or {})}
            if predicted_train_s:  # "Time a few steps" (core.train.timing), checked against train_runtime_s
                self.summary["predicted_train_s"] = predicted_train_s
            self._write_summary()

    # ---- public API --------------------------------------------------------------
    @classmethod
    def resume(cls, run_dir: Path, owner: str = "local") -> "Job":
        from ..results.runs import load_run_config

        run_dir = Path(run_dir)
        if last_checkpoint(run_dir) is None:
            raise ConfigError(f"run {run_dir.name} has no checkpoint to resume from")
        return cls(load_run_config(run_dir), run_dir=run_dir, owner=owner, resume=True)

    def start(self) -> "Job":
        """Run in a background daemon thread; returns at once."""
        self._thread = threading.Thread(target=self.run, name=f"train-{self.name}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Ask the job to stop at the next step (a checkpoint is saved first)."""
        if self.status in (Status.QUEUED, Status.RUNNING):
            self._stop.set()
            if self.status == Status.RUNNING:
                self.status = Status.STOPPING
                self.summary["status"] = Status.STOPPING

    def wait(self, timeout: float | None = None) -> bool:
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return self.status not in (Status.QUEUED, Status.RUNNING, Status.STOPPING)

    @property
    def done(self) -> bool:
        return self.status in (Status.STOPPED, Status.FINISHED, Status.FAILED)

    def snapshot(self, since: int = 0) -> Snapshot:
        """A cheap copy of the state for the UI's poller (events from index ``since``)."""
        p = dict(self.progress)
        elapsed = 0.0
        if p.get("started"):
            end = self.summary.get("ended_ts") or time.time()
            elapsed = self._prior_runtime + max(0.0, end - p["started"])
        return Snapshot(name=self.name, status=self.status, message=self.message, step=int(p.get("step") or 0),
                        max_steps=int(p.get("max_steps") or 0), epoch=float(p.get("epoch") or 0.0),
                        started=p.get("started"), elapsed_s=elapsed, eta_s=p.get("eta_s"),
                        tokens_per_second=p.get("tokens_per_second"), events=self.events[since:],
                        n_events=len(self.events), baseline=dict(self.summary.get("baseline") or {}),
                        final=dict(self.summary.get("final") or {}))

    # ---- lifecycle ---------------------------------------------------------------
    def run(self) -> "Job":
        """setup -> baseline -> train -> final -> cleanup; never raises."""
        if self._stop.is_set():
            self._finish(Status.STOPPED, "stopped before it started")
            return self
        from ..heavy import ensure_loaded

        ensure_loaded()  # the job runs in a worker thread beside the app's handlers
        self.summary["memory_at_start_mb"] = reset_peak_memory()  # what the process held before
        self.status = Status.RUNNING
        for stale in ("ended", "ended_ts"):  # a resumed run's summary still has the last segment's end
            self.summary.pop(stale, None)
        self.summary.update(status=Status.RUNNING, pid=os.getpid(), message="")
        self.summary.setdefault("started", time.strftime("%Y-%m-%dT%H:%M:%S"))
        self._write_summary()
        trainer = None
        try:
            trainer = self._setup()
            if self.evaluate and (not self.resume_requested or not self.summary.get("baseline")):
                self._baseline(trainer)
            self._train(trainer)
            if self._nan:
                self._finish(Status.FAILED, TROUBLESHOOTING["nan"])
            elif self._stop.is_set():
                self._finish(Status.STOPPED, f"stopped at step {self.progress['step']}; resume continues from "
                                        "the saved checkpoint")
            else:
                if self.evaluate:
                    self._final(trainer)
                self._finish(Status.FINISHED, "")
        except BaseException as exc:  # noqa: BLE001 - the job must always end with a status
            self._finish(Status.FAILED, failure_message(exc))
            if self.is_main and not isinstance(exc, (ConfigError, ValueError, MemoryError, OSError)):
                (self.run_dir / "error.log").write_text(traceback.format_exc(), encoding="utf-8")
        finally:
            # Nothing of the model may outlive the run: the queue keeps this job as a light
            # record (status, events, summary) and the weights are in the run folder.
            if trainer is not None:
                trainer.callback_handler.callbacks.clear()  # the recorder points back at this job
            del trainer
            self._release()
        return self

    def _setup(self) -> Any:
        from transformers import set_seed

        from ..data.prepare import prepare
        from ..model.hardware import hardware, resolve_precision
        from ..model.load import load_model, load_tokenizer
        from .trainers import build_trainer, inputs_for

        cfg = self.cfg
        set_threads(cfg)
        hw = hardware()
        precision = resolve_precision(cfg.train.precision, hw)
        set_seed(cfg.train.seed)
        tok = load_tokenizer(cfg)
        self.tokenizer = tok  # saved with the final model: the model's own chat template
        prepared = prepare(cfg, tok)
        inputs = inputs_for(cfg, tok, prepared)
        self.data_report = prepared.report.lines() + inputs.notes
        self.label_names = prepared.label_names
        set_seed(cfg.train.seed)  # the same head initialisation whatever happened above
        model, info = load_model(cfg, prepared.label_names, tok)
        self.info = info
        trainer = build_trainer(cfg, model, inputs, str(self.run_dir / "checkpoints"), precision,
                                use_cpu=not hw["cuda"], callbacks=[_Recorder(self)],
                                num_labels=len(prepared.label_names or []))
        self.summary.update(self._estimate(model, info, inputs.lengths))
        self.summary.update(trainable_params=info.trainable_params, total_params=info.total_params,
                            precision=precision, device=hw["name"], data=self.data_report,
                            n_train=len(inputs.train), n_validation=len(inputs.validation),
                            labels=prepared.label_names, template=prepared.template,
                            prompt_format=prepared.report.prompt_format, **inputs.summary)
        self._write_summary()
        return trainer

    def _estimate(self, model: Any, info: Any, lengths: list[int]) -> dict[str, float | None]:
        """The pre-training memory estimate (core.train.estimate, what the Method tab shows), kept in
        summary.json beside the measured peak so every run checks the estimator: the whole (a
        process of its own, runtime included) and the run's part (compared with what it added)."""
        from .estimate import estimate_for

        try:
            est = estimate_for(self.cfg, model, info.trainable_params, info.total_params, lengths)
        except Exception:  # an estimate must never stop a run
            return {"estimated_peak_mb": None, "estimated_run_mb": None}
        return {"estimated_peak_mb": round(est.total / 2**20, 1),
                "estimated_run_mb": round((est.total - est.overhead) / 2**20, 1)}

    def _baseline(self, trainer: Any) -> None:
        metrics = self._evaluate(trainer)
        self.summary["baseline"] = metrics
        self._append_event({"type": "eval", "step": 0, "epoch": 0.0, "baseline": True, **metrics})
        self._write_summary()

    def _evaluate(self, trainer: Any) -> dict[str, float]:
        from ..results.evaluation import perplexity

        self._manual_eval = True
        try:
            raw = trainer.evaluate()
        finally:
            self._manual_eval = False
        metrics = {k: v for k, v in raw.items()
                   if k.startswith("eval_") and not k.endswith(("_runtime", "_per_second"))
                   and k not in ("eval_num_input_tokens_seen", "eval_model_preparation_time", "eval_num_tokens")}
        if self.cfg.model.task == "causal-lm" and self.cfg.train.objective == "sft" and "eval_loss" in metrics:
            metrics["eval_perplexity"] = perplexity(metrics["eval_loss"])
        return metrics

    def _train(self, trainer: Any) -> None:
        ckpt = last_checkpoint(self.run_dir) if self.resume_requested else None
        if ckpt is not None:
            step = int(ckpt.name.split("-")[-1])
            self.events = [e for e in self.events if e.get("step", 0) <= step]
            self._rewrite_events()
        t0 = time.time()
        out = trainer.train(resume_from_checkpoint=str(ckpt) if ckpt else None)
        self.summary["train_runtime_s"] = round(time.time() - t0, 3)
        self.summary["train_loss"] = out.training_loss
        self.summary["steps"] = trainer.state.global_step
        self.summary["max_steps"] = trainer.state.max_steps
        tokens = self._tokens_seen(trainer.state) - self._tokens0
        self.summary["tokens_per_second"] = round(tokens / max(time.time() - t0, 1e-9), 2)

    def _final(self, trainer: Any) -> None:
        metrics = self._evaluate(trainer)
        self.summary["final"] = metrics
        self._append_event({"type": "eval", "step": trainer.state.global_step, "epoch": trainer.state.epoch,
                            "final": True, **metrics})
        if not self.is_main:
            return
        final = self.run_dir / "final"
        tmp = self.run_dir / ".final.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        trainer.model.save_pretrained(tmp, safe_serialization=True)
        # The tokenizer as loaded (the model's own chat template, which inference uses; the run
        # may have trained with a copy carrying generation markers), template in its config.
        tok = getattr(self, "tokenizer", None) or trainer.processing_class
        if self.cfg.model.task == "causal-lm" and self.cfg.data.chat_template == "chatml" and not tok.chat_template:
            from ..data.chat_templates import CHATML_TEMPLATE

            tok.chat_template = CHATML_TEMPLATE  # the layout it was trained on is now its own
        tok.save_pretrained(tmp, save_jinja_files=False)
        shutil.rmtree(final, ignore_errors=True)
        os.replace(tmp, final)
        self.summary["final_dir"] = str(final)
        self._plot_curve()
        self._causal_report(trainer)

    def _causal_report(self, trainer: Any) -> None:
        """Causal runs: base vs fine-tuned answers on validation prompts, their scores and the
        forgetting check, into summary.json (core.results.causal_report; generate.eval_samples
        = 0 turns it off). A scoring failure leaves a note; the run still finishes."""
        dpo = self.cfg.train.objective == "dpo"  # DPO: held-out preference accuracy (core.train.dpo), always
        if self.cfg.model.task != "causal-lm" or (self.cfg.generate.eval_samples <= 0 and not dpo):
            return
        if world_size() > 1:  # sharded weights: generating on one rank alone would hang the others
            self.summary["report_note"] = "before/after answers are not scored for multi-process runs"
            return
        from ..results.causal_report import score_finished_run
        from .dpo import score_dpo_run

        self.message = "scoring answers before and after training"
        try:
            self.summary.update(score_dpo_run(trainer, self.cfg, self.run_dir) if dpo else
                                score_finished_run(self.cfg, self.run_dir, trainer.model, trainer.processing_class))
        except Exception as exc:  # noqa: BLE001 - extra scores must never fail a finished run
            self.summary["report_note"] = f"the before/after scores could not be computed ({type(exc).__name__})"
        self.message = ""

    def _plot_curve(self) -> None:
        try:
            from ..results.plots import loss_figure

            loss_figure([(self.name, self.events)]).savefig(self.run_dir / "loss_curve.png", dpi=90)
        except Exception:  # a missing picture must not fail a finished run
            pass

    def _finish(self, status: str, message: str) -> None:
        self.status = status
        self.message = message
        ckpt = last_checkpoint(self.run_dir)
        self.summary.update(status=status, message=message, ended=time.strftime("%Y-%m-%dT%H:%M:%S"),
                            world_size=world_size(),
                            ended_ts=time.time(), steps=self.progress.get("step", self.summary.get("steps", 0)),
                            checkpoint=str(ckpt) if ckpt else None, peak_memory_mb=peak_memory_mb())
        start = self.summary.get("memory_at_start_mb")
        if start is not None:  # what the run itself added at its peak
            self.summary["run_memory_mb"] = round(max(0.0, self.summary["peak_memory_mb"] - start), 1)
        if self.progress.get("started"):
            self.summary["runtime_s"] = round(self._prior_runtime + time.time() - self.progress["started"], 3)
        try:
            self._write_summary()
        except OSError:
            pass
        for fn in self.on_finish:
            try:
                fn(self)
            except Exception:
                pass

    def _release(self) -> None:
        for writer in self.writers:
            try:
                writer.close()
            except Exception:  # noqa: BLE001 - closing a log must not hide the run's status
                pass
        gc.collect()
        try:
            import torch

            if torch.cuda.is_available():
                torch.cuda.empty_cache()
        except Exception:  # pragma: no cover
            pass
        trim_heap()

    # ---- events ------------------------------------------------------------------
    def _on_train_begin(self, state: Any) -> None:
        now = time.time()
        self.progress.update(max_steps=state.max_steps, started=self.progress.get("started") or now)
        self._t0 = now
        self._step0 = state.global_step
        self._tokens0 = self._tokens_seen(state)
        self._last_log = (now, self._tokens0)

    def _tokens_seen(self, state: Any, logs: dict[str, Any] | None = None) -> int:
        """Tokens trained on so far: TRL's own num_tokens for causal LM (the Trainer's count by
        id would leave out every end-of-turn when pad == eos), the Trainer's otherwise."""
        if logs and isinstance(logs.get("num_tokens"), (int, float)):
            self._num_tokens = int(logs["num_tokens"])
        if self.cfg.model.task == "causal-lm":
            return getattr(self, "_num_tokens", 0)
        return state.num_input_tokens_seen

    def _record(self, state: Any, logs: dict[str, Any]) -> None:
        if self._manual_eval:  # baseline/final evaluations are recorded by _baseline/_final
            return
        now = time.time()
        ev: dict[str, Any] = {"type": "eval" if any(k.startswith("eval_") for k in logs) else "train",
                              "step": state.global_step, "epoch": round(state.epoch or 0.0, 4),
                              "time": round(now - (self.progress.get("started") or now), 3)}
        for k, v in logs.items():
            if isinstance(v, (int, float)) and not k.endswith(("_runtime", "_per_second", "_preparation_time")) \
                    and k != "train_tokens_per_second":
                ev[k] = float(v) if isinstance(v, float) else v
        if "train_loss" in logs:  # the Trainer's end-of-training summary
            ev["type"] = "summary"
        if ev["type"] == "train":
            t_prev, tok_prev = self._last_log
            seen = self._tokens_seen(state, logs)
            if now > t_prev and seen > tok_prev:
                ev["tokens_per_second"] = round((seen - tok_prev) / (now - t_prev), 2)
                self.progress["tokens_per_second"] = ev["tokens_per_second"]
            self._last_log = (now, seen)
        elif ev["type"] == "eval" and self.cfg.model.task == "causal-lm" and self.cfg.train.objective == "sft" \
                and "eval_loss" in ev:  # a DPO loss is no negative log-likelihood
            from ..results.evaluation import perplexity

            ev["eval_perplexity"] = perplexity(ev["eval_loss"])
        steps_done = state.global_step - self._step0
        if steps_done > 0:
            per_step = (now - self._t0) / steps_done
            ev["eta_s"] = round(per_step * (state.max_steps - state.global_step), 1)
            self.progress["eta_s"] = ev["eta_s"]
        self._append_event(ev)

    def _append_event(self, ev: dict[str, Any]) -> None:
        with self._lock:
            self.events.append(ev)
            for writer in self.writers:
                writer.write(ev)

    def _rewrite_events(self) -> None:
        for writer in self.writers:
            if isinstance(writer, MetricsFile):
                writer.rewrite(self.events)

    def _write_summary(self) -> None:
        if self.is_main:
            write_json(self.run_dir / "summary.json", self.summary)


def failure_message(exc: BaseException) -> str:
    """A one-paragraph message for a failed run, with advice where there is some."""
    name = type(exc).__name__
    text = str(exc).splitlines()[0] if str(exc) else name
    if isinstance(exc, MemoryError) or "OutOfMemory" in name or "out of memory" in text.lower():
        return TROUBLESHOOTING["oom"]
    if isinstance(exc, OSError) and getattr(exc, "errno", None) in (28, 122):  # ENOSPC, EDQUOT
        return TROUBLESHOOTING["disk"].format(err=text)
    if isinstance(exc, (ConfigError,)) or type(exc).__name__ in ("DataError", "ModelError", "PathError"):
        return text
    if isinstance(exc, OSError):
        return TROUBLESHOOTING["disk"].format(err=text)
    if isinstance(exc, KeyboardInterrupt):
        return Status.INTERRUPTED
    return f"{name}: {text}"


def run_job(cfg: RunConfig, run_dir: Path | None = None) -> Job:
    """Run one job to completion in this thread (the CLI's entry point)."""
    return Job(cfg, run_dir=run_dir).run()
