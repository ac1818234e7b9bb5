"""One memory variant in a fresh process: ``python -m bench.memory_worker VARIANT MODEL_DIR STEPS``.

Runs the app's job (core.train.job.Job, in this thread) for a few steps and prints one JSON
line: peak RSS of this process over its whole life (VmHWM from /proc/self/status: imports
and model loading included, nothing subtracted), the RSS after imports, and what the job
reported. Not ``getrusage().ru_maxrss``: Linux carries that over from the parent across
fork and exec, so a child of a big process would report the parent's peak.
Expects the bench environment (FTS_WORKSPACE, HF_HOME, offline flags) from its parent.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

VARIANTS = {
    # method, extra sections. Full fine-tuning gets a full-fine-tuning learning rate (the
    # default 2e-3 is a LoRA rate); memory does not depend on it.
    "full": {"adapter": {"method": "full"}, "train": {"learning_rate": 5e-5}},
    "lora": {"adapter": {"method": "lora"}},
    "qlora-8bit": {"adapter": {"method": "qlora"}, "quant": {"bits": 8}},
    "qlora-4bit": {"adapter": {"method": "qlora"}, "quant": {"bits": 4}},
    # Preference tuning: the DPO preset as it is (LoRA on the attention projections).
    "dpo": {},
}


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def peak_rss_mb() -> float:
    """This process image's peak RSS (VmHWM), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux: best effort


CHAT_PRESET = "preset:chat-lora-smollm2"


def config_for(variant: str, model_dir: str, steps: int) -> Any:
    """The variant's config: on ``model_dir`` (the GPT-2-shaped bench model) with the quotes,
    or, for ``preset:chat-lora-smollm2``, that preset (SmolLM2 on the chat set) itself."""
    from bench.env import QUOTES, QUOTES_TEMPLATE
    from core.config import RunConfig

    if model_dir == CHAT_PRESET:
        return smollm2_config(variant, steps)

    sections: dict[str, dict[str, Any]] = {
        # 80 rows (64 train, 16 validation): the peak depends on the batch, not on how many
        # batches there are; fewer rows only shorten the baseline and final evaluations.
        "data": {"path": QUOTES, "prompt_format": "template", "template": QUOTES_TEMPLATE, "max_length": 128,
                 "max_rows": 80},
        "model": {"name_or_path": model_dir, "task": "causal-lm"},
        "train": {"per_device_train_batch_size": 8, "per_device_eval_batch_size": 8, "max_steps": steps,
                  "eval_strategy": "no", "save_strategy": "no", "logging_steps": 1},
    }
    for sec, vals in VARIANTS[variant].items():
        sections.setdefault(sec, {}).update(vals)
    return RunConfig().replace(**sections)


def smollm2_config(variant: str, steps: int) -> Any:
    """The chat preset (the DPO preset for ``dpo``) as users run it, cut to exactly one epoch of
    ``steps`` optimizer steps: the first rows of the set, as many as those steps train on plus
    the validation split, so the batch holding the slice's longest row (the one the estimate
    describes) is always among those trained. One micro-batch per step (gradient accumulation
    off): the peak is one micro-batch's, accumulating adds nothing held, and from the second
    step on the optimizer's state exists too, as in a whole run. Checkpoints off, the
    before/after answers off (generate.eval_samples 0: minutes of generation on a CPU, and a
    lower peak than training); the baseline and final evaluations stay. The chat set falls back
    to the test fixture where the bundled set is missing."""
    import math

    from core.config import load_config
    from core.paths import PRESETS, PROJECT_ROOT

    cfg = load_config(PRESETS / ("dpo-smollm2.yaml" if variant == "dpo" else "chat-lora-smollm2.yaml"))
    t = cfg.train
    train_rows = steps * t.per_device_train_batch_size
    rows = next(n for n in range(train_rows + 1, 4 * train_rows + 8)
                if n - math.ceil(cfg.data.test_size * n) == train_rows)
    data: dict[str, Any] = {"max_rows": rows}
    if not (PROJECT_ROOT / cfg.data.path).is_file():
        data["path"] = "tests/data/chat-small.jsonl"
    sections: dict[str, dict[str, Any]] = {
        "data": data, "generate": {"eval_samples": 0},
        "train": {"max_steps": steps, "gradient_accumulation_steps": 1, "eval_strategy": "no", "save_strategy": "no",
                  "logging_steps": 1}}
    for sec, vals in VARIANTS[variant].items():
        sections.setdefault(sec, {}).update(vals)
    return cfg.replace(**sections)


def main(argv: list[str]) -> int:
    variant, model_dir, steps = argv[0], argv[1], int(argv[2])
    t0 = time.perf_counter()
    import torch  # noqa: F401 - counted in the baseline RSS on purpose
    import transformers  # noqa: F401

    from bench.env import quiet_libraries, silenced

    quiet_libraries()
    from core.model.hardware import bitsandbytes_status
    from core.train.job import Job

    out: dict[str, Any] = {"variant": variant, "rss_after_imports_mb": round(rss_mb(), 1)}
    cfg = config_for(variant, model_dir, steps)
    if variant.startswith("qlora"):
        why = bitsandbytes_status()
        if why:
            out["skipped"] = why
            print(json.dumps(out))
            return 0
    with silenced():
        job = Job(cfg).run()
    out.update(status=job.status, message=job.message[:300], steps=job.summary.get("steps"),
               trainable_params=job.summary.get("trainable_params"), total_params=job.summary.get("total_params"),
               job_peak_memory_mb=job.summary.get("peak_memory_mb"), train_s=job.summary.get("train_runtime_s"),
               job_estimated_peak_mb=job.summary.get("estimated_peak_mb"), n_train=job.summary.get("n_train"),
               peak_rss_mb=round(peak_rss_mb(), 1),
               ru_maxrss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
               rss_end_mb=round(rss_mb(), 1), seconds=round(time.perf_counter() - t0, 1))
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
