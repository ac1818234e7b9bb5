"""Command line: ``python -m core {train,show,script} CONFIG.yaml``.

    python -m core train CONFIG.yaml [--output DIR] [--set section.field=value ...]
    python -m core show  CONFIG.yaml [--set ...]      # the fully resolved config
    python -m core script CONFIG.yaml [--set ...]     # a standalone train.py
    python -m core estimate CONFIG.yaml [--time]      # peak memory (and time per epoch) before training
    python -m core check CONFIG.yaml [--json]         # what is wrong with the data, and the flag that fixes it
    python -m core sweep CONFIG.yaml --grid train.learning_rate=1e-3,3e-3 ...   # several runs, one per point

A bad config, bad data or a failed run exits non-zero with a one-line message.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

# Before torch is imported (it is, lazily, below): with OpenMP's default wait policy idle
# threads spin, and on a busy 2-core machine training steps ran 3-4x slower than with PASSIVE
# (measured for the SmolLM2 starter; on an idle machine the difference is a few percent).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from .results.runs import Status
from .train.distributed import is_main_process, world_size


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m core", description="Fine-Tune Studio, headless.")
    sub = p.add_subparsers(dest="command", required=True)
    for name, help_ in (("train", "run a fine-tuning job and write its run folder"),
                        ("show", "print the fully resolved config as YAML"),
                        ("script", "print a standalone Python training script for the config"),
                        ("estimate", "estimate peak memory (and, with --time, time per epoch) before training"),
                        ("check", "check the data: duplicates, conflicting labels, leakage, imbalance, truncation"),
                        ("sweep", "run one training run per point of a grid of settings and pick the best")):
        sp = sub.add_parser(name, help=help_)
        sp.add_argument("config", nargs="?", help="YAML config or preset (omit for the defaults)")
        sp.add_argument("--set", dest="sets", action="append", default=[], metavar="SECTION.FIELD=VALUE",
                        help="override one field; repeatable")
        if name == "train":
            sp.add_argument("--output", help="run folder to write (default: workspace/runs/<generated name>)")
            sp.add_argument("--resume", action="store_true", help="resume the run in --output from its last checkpoint")
            sp.add_argument("--quiet", action="store_true", help="no progress bar")
        if name == "estimate":
            sp.add_argument("--time", action="store_true", help="also time a few real training steps")
        if name in ("estimate", "check", "sweep"):
            sp.add_argument("--json", action="store_true", help="print one JSON object")
        if name == "check":
            sp.add_argument("--no-tokenizer", action="store_true",
                            help="skip the max_length finding (no model files are read)")
        if name == "sweep":
            from .train.sweep_cli import add_arguments

            add_arguments(sp)
    return p


def _fail(msg: str) -> int:
    print(f"error: {msg}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from .config import ConfigError, load_config

    if args.command == "sweep":  # its file may be a sweep file (grid + base config), not a RunConfig
        from .train.sweep_cli import run_sweep_command

        return run_sweep_command(args)
    try:
        cfg = load_config(args.config, args.sets)
    except (ConfigError, OSError) as exc:
        return _fail(str(exc))
    if args.command == "show":
        print(cfg.to_yaml(), end="")
        return 0
    if args.command == "script":
        from .results.codegen import render_script

        print(render_script(cfg), end="")
        return 0
    if args.command == "estimate":
        return _estimate(cfg, args)
    if args.command == "check":
        return _check(cfg, args)
    return _train(cfg, args)


def _check(cfg, args: argparse.Namespace) -> int:
    """Print the data check; exit 2 when a finding makes training pointless."""
    import json

    from .data.check import check_data
    from .data.sources import DataError
    from .model.load import ModelError

    try:
        tokenizer = None
        if not args.no_tokenizer:
            _quiet_libraries()
            from .model.load import load_tokenizer

            tokenizer = load_tokenizer(cfg)
        report = check_data(cfg, tokenizer)
    except (DataError, ModelError, ValueError, OSError) as exc:
        return _fail(str(exc))
    print(json.dumps(report.as_dict(), default=str) if args.json else "\n".join(report.lines()))
    return 2 if report.blockers else 0


def _estimate(cfg, args: argparse.Namespace) -> int:
    import json

    from .config import ConfigError
    from .data.sources import DataError
    from .model.load import ModelError
    from .train.estimate import estimate_config
    from .train.timing import time_per_epoch, timing_lines

    try:
        est = estimate_config(cfg)
        timing = time_per_epoch(cfg) if args.time else None
    except (ConfigError, DataError, ModelError, ValueError, OSError) as exc:
        return _fail(str(exc))
    if args.json:
        print(json.dumps({"memory": est.as_dict(), "time": timing}))
        return 0
    print("\n".join(est.lines()[::-1]))
    if timing:
        print("\n".join(timing_lines(timing)))
    return 0


def _shared_run_dir(cfg) -> Path:
    """Under accelerate launch: rank 0 names the run folder and tells the other ranks."""
    import torch.distributed as dist
    from accelerate import PartialState

    from .results.runs import new_run_dir

    PartialState()  # joins the process group accelerate set up
    name = [str(new_run_dir(cfg)) if is_main_process() else None]
    dist.broadcast_object_list(name, src=0)
    return Path(name[0])


def _quiet_libraries() -> None:
    """The CLI shows its own progress; library chatter (deprecation notices, load
    reports) would bury it. Errors still surface."""
    import logging
    import warnings

    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", category=UserWarning)
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_DATASETS_DISABLE_PROGRESS_BARS", "1")
    for name in ("transformers", "datasets", "peft", "bitsandbytes"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _single_cpu_process_warning() -> str:
    """`accelerate launch --cpu --num_processes N` (N > 1) needs MPI (--mpirun_hostfile);
    without it accelerate starts this one process, with MASTER_ADDR set but no rank."""
    env = os.environ
    multi_cpu_asked = env.get("ACCELERATE_USE_CPU", "").lower() == "true" and "MASTER_ADDR" in env
    has_ranks = any(k in env for k in ("WORLD_SIZE", "PMI_SIZE", "OMPI_COMM_WORLD_SIZE"))
    if multi_cpu_asked and not has_ranks:
        return ("note: accelerate started ONE process: several CPU processes need MPI "
                "(accelerate launch --cpu --mpirun_hostfile ...). Without MPI, "
                "`accelerate launch --multi_gpu --num_processes N -m core train ...` runs N processes on "
                "CPU too (gloo). Training on with one process.")
    return ""


def _train(cfg, args) -> int:
    _quiet_libraries()
    from .train.job import Job

    note = _single_cpu_process_warning()
    if note:
        print(note, file=sys.stderr)

    from .train.preflight import preflight

    try:
        if args.resume:
            if not args.output:
                return _fail("--resume needs --output RUN_FOLDER")
            job = Job.resume(Path(args.output))
            warnings = preflight(job.cfg)
        else:
            from .data.sources import read_source

            # fails in one line, before a run folder exists; the data checks see the table
            warnings = preflight(cfg, table=read_source(cfg.data))
            out = Path(args.output).resolve() if args.output else None
            if out is not None and is_main_process():
                if out.exists() and any(out.iterdir()):
                    return _fail(f"output folder {out} is not empty (use --resume to continue a run there)")
                out.mkdir(parents=True, exist_ok=True)
            if out is None and world_size() > 1:
                out = _shared_run_dir(cfg)
            job = Job(cfg, run_dir=out)
    except (ValueError, OSError) as exc:
        return _fail(str(exc))
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    quiet = args.quiet or not is_main_process()
    if is_main_process():
        print(f"run folder: {job.run_dir}", file=sys.stderr)
    job.start()
    try:
        _progress(job, quiet=quiet)
    except KeyboardInterrupt:
        print("\nstopping at the next step (a checkpoint is saved)...", file=sys.stderr)
        job.stop()
        job.wait()
    s = job.summary
    if not is_main_process():
        return 0 if job.status == Status.FINISHED else 2
    if job.status == Status.FINISHED:
        base, final = s.get("baseline", {}), s.get("final", {})
        key = "eval_accuracy" if cfg.model.task == "sequence-classification" else "eval_loss"
        print(f"finished: {key} {base.get(key, float('nan')):.4f} -> {final.get(key, float('nan')):.4f} "
              f"in {s.get('runtime_s', 0):.0f}s; {job.run_dir}")
        from .train.progress import memory_line

        if memory_line(s):
            print(memory_line(s))
        return 0
    return _fail(f"run {job.status}: {job.message}")


def _progress(job, quiet: bool) -> None:
    last = -1
    while not job.wait(timeout=0.5):
        if quiet:
            continue
        p = job.progress
        step, total = p.get("step", 0), p.get("max_steps", 0) or 0
        if total and step != last:
            last = step
            width = 30
            done = int(width * step / total)
            loss = next((e["loss"] for e in reversed(job.events) if "loss" in e), None)
            eta = p.get("eta_s")
            sys.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] {step}/{total}"
                             + (f" loss {loss:.4f}" if loss is not None else "")
                             + (f" eta {eta:.0f}s" if eta is not None else "") + "   ")
            sys.stderr.flush()
    if not quiet:
        sys.stderr.write("\n")


if __name__ == "__main__":
    sys.exit(main())
