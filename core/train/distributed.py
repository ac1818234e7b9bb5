"""Multi-GPU through an existing engine: accelerate.

The same RunConfig runs under ``accelerate launch -m core train CONFIG.yaml``; every rank
runs the job, the Trainer shards the batches (DDP), and rank 0 alone writes the run folder
(see :func:`is_main_process`). :func:`launch_files` writes the accelerate config
and the command for N GPUs, with DeepSpeed ZeRO or FSDP for models too large for one GPU.
"""

from __future__ import annotations

import os
from typing import Any

import yaml

STRATEGIES = ("ddp", "deepspeed-zero2", "deepspeed-zero3", "fsdp")


def accelerate_config(num_gpus: int, strategy: str = "ddp", mixed_precision: str = "bf16") -> dict[str, Any]:
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {', '.join(STRATEGIES)}, got {strategy!r}")
    if num_gpus < 1:
        raise ValueError(f"num_gpus must be >= 1, got {num_gpus}")
    cfg: dict[str, Any] = {"compute_environment": "LOCAL_MACHINE", "num_machines": 1, "machine_rank": 0,
                           "num_processes": num_gpus, "mixed_precision": mixed_precision, "use_cpu": False,
                           "gpu_ids": "all", "main_training_function": "main", "rdzv_backend": "static",
                           "same_network": True, "downcast_bf16": "no"}
    if strategy == "ddp":
        cfg["distributed_type"] = "MULTI_GPU" if num_gpus > 1 else "NO"
    elif strategy.startswith("deepspeed"):
        stage = 3 if strategy.endswith("3") else 2
        cfg["distributed_type"] = "DEEPSPEED"
        # ZeRO-2 shards optimizer state and gradients; ZeRO-3 also shards the weights.
        cfg["deepspeed_config"] = {"zero_stage": stage, "offload_optimizer_device": "none",
                                   "offload_param_device": "none", "gradient_accumulation_steps": 1,
                                   "zero3_init_flag": stage == 3, "zero3_save_16bit_model": stage == 3}
    else:
        cfg["distributed_type"] = "FSDP"
        # FSDP shards weights, gradients and optimizer state across GPUs, wrapping each block.
        cfg["fsdp_config"] = {"fsdp_version": 2, "fsdp_auto_wrap_policy": "TRANSFORMER_BASED_WRAP",
                              "fsdp_state_dict_type": "SHARDED_STATE_DICT", "fsdp_cpu_ram_efficient_loading": True,
                              "fsdp_offload_params": False, "fsdp_reshard_after_forward": True}
    return cfg


def launch_files(num_gpus: int, strategy: str, config_name: str = "run.yaml",
                 mixed_precision: str = "bf16") -> tuple[str, str]:
    """(accelerate_config.yaml text, the shell command that uses it)."""
    text = yaml.safe_dump(accelerate_config(num_gpus, strategy, mixed_precision), sort_keys=False)
    cmd = f"accelerate launch --config_file accelerate_config.yaml -m core train {config_name}"
    return text, cmd


def cpu_test_command(config_name: str = "run.yaml", processes: int = 2) -> str:
    """Two DDP ranks on a CPU-only machine (gloo): how the suite checks the multi-process path.
    (``accelerate launch --cpu --num_processes N`` needs MPI for N > 1; without it accelerate
    starts a single process.)"""
    return (f"accelerate launch --multi_gpu --num_processes {processes} --num_machines 1 --mixed_precision no "
            f"--dynamo_backend no -m core train {config_name}")


def is_main_process() -> bool:
    """Under ``accelerate launch`` (DDP) every rank runs the job; only rank 0 writes the run
    folder, metrics and the final model. The Trainer itself saves checkpoints on rank 0."""
    return int(os.environ.get("RANK", "0")) == 0


def world_size() -> int:
    return int(os.environ.get("WORLD_SIZE", "1"))
