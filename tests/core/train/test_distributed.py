"""The same RunConfig under accelerate: two DDP ranks on CPU write one consistent run folder."""

import json
import os
import shlex
import subprocess

import pytest
import yaml

from core.paths import PROJECT_ROOT as ROOT  # the repository root
from core.train.distributed import accelerate_config, cpu_test_command, launch_files

pytestmark = pytest.mark.slow  # trains real models


def test_two_process_run_writes_one_consistent_folder(tmp_path):
    ws = tmp_path / "ws"
    cmd = shlex.split(cpu_test_command()) [:-1] + [
        "--quiet", "--set", "data.max_rows=120", "--set", "data.max_length=48", "--set", "train.max_steps=6",
        "--set", "train.eval_strategy=no", "--set", "train.save_strategy=steps", "--set", "train.save_steps=3",
        "--set", "train.logging_steps=1"]
    env = {**os.environ, "FTS_WORKSPACE": str(ws)}
    r = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    runs = list((ws / "runs").iterdir())
    assert len(runs) == 1, runs  # both ranks agreed on one folder
    run = runs[0]
    s = json.loads((run / "summary.json").read_text())
    assert s["status"] == "finished" and s["world_size"] == 2 and s["steps"] == 6
    lines = (run / "metrics.jsonl").read_text().splitlines()
    train_steps = [json.loads(x)["step"] for x in lines if json.loads(x)["type"] == "train"]
    assert train_steps == sorted(set(train_steps))  # written once, by rank 0
    assert sorted(p.name for p in (run / "checkpoints").iterdir()) == ["checkpoint-3", "checkpoint-6"]
    assert (run / "final" / "adapter_model.safetensors").is_file()


def test_the_fsdp_config_the_train_tab_writes_runs_with_two_cpu_ranks(tmp_path):
    """FSDP (version 2, transformer-block wrapping) from launch_files, moved to CPU for this
    machine (use_cpu, no mixed precision, no gpu_ids): two gloo ranks shard a tiny GPT-2 +
    LoRA and write one run folder with the adapter."""
    text, cmd = launch_files(2, "fsdp", mixed_precision="no")
    acc = yaml.safe_load(text)
    assert acc["distributed_type"] == "FSDP" and acc["fsdp_config"]["fsdp_version"] == 2
    acc.update(use_cpu=True)
    acc.pop("gpu_ids", None)
    config = tmp_path / "accelerate_config.yaml"
    config.write_text(yaml.safe_dump(acc))
    ws = tmp_path / "ws"
    argv = shlex.split(cmd)
    argv[argv.index("--config_file") + 1] = str(config)
    argv = argv[:-1] + ["--quiet", "--set", "model.name_or_path=starter:tiny-gpt2", "--set", "model.task=causal-lm",
                        "--set", "data.path=assets/data/quotes.csv", "--set", "data.max_rows=80",
                        "--set", "data.max_length=32", "--set", "train.max_steps=3", "--set", "train.eval_strategy=no",
                        "--set", "train.save_strategy=no"]
    r = subprocess.run(argv, cwd=ROOT, env={**os.environ, "FTS_WORKSPACE": str(ws)}, capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    (run,) = list((ws / "runs").iterdir())
    s = json.loads((run / "summary.json").read_text())
    assert s["status"] == "finished" and s["world_size"] == 2 and s["steps"] == 3
    assert (run / "final" / "adapter_model.safetensors").is_file()


def test_accelerate_configs_for_n_gpus():
    ddp = accelerate_config(4, "ddp")
    assert ddp["distributed_type"] == "MULTI_GPU" and ddp["num_processes"] == 4
    z3 = accelerate_config(8, "deepspeed-zero3")
    assert z3["distributed_type"] == "DEEPSPEED" and z3["deepspeed_config"]["zero_stage"] == 3
    fsdp = accelerate_config(2, "fsdp")
    assert fsdp["distributed_type"] == "FSDP"
    text, cmd = launch_files(2, "fsdp")
    assert yaml.safe_load(text)["num_processes"] == 2
    assert cmd.startswith("accelerate launch --config_file accelerate_config.yaml -m core train")


def test_cpu_flag_without_mpi_trains_one_process_and_says_so(tmp_path):
    """`accelerate launch --cpu --num_processes 2` starts a single process when there is no MPI
    (accelerate's simple launcher); the CLI says so, and the run still completes."""
    ws = tmp_path / "ws"
    cmd = ["accelerate", "launch", "--cpu", "--num_processes", "2", "-m", "core", "train", "--quiet",
           "--set", "data.max_rows=120", "--set", "data.max_length=48", "--set", "train.max_steps=3",
           "--set", "train.eval_strategy=no", "--set", "train.save_strategy=no"]
    env = {**os.environ, "FTS_WORKSPACE": str(ws)}
    r = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "accelerate started ONE process" in r.stderr and "--multi_gpu --num_processes N" in r.stderr
    (run,) = list((ws / "runs").iterdir())
    s = json.loads((run / "summary.json").read_text())
    assert s["status"] == "finished" and s["world_size"] == 1 and s["steps"] == 3
