"""Preference tuning (train.objective dpo, core/train/dpo.py) on TRL's DPOTrainer: one copy of the
weights (the reference is the base with the adapter off), the logged DPO metrics and the held-out
preference accuracy in summary.json. A tiny 2-layer Llama with SmolLM2's real tokenizer and chat
template keeps it fast. (Preference data: tests/core/data/test_chat_data.py; the coach:
test_coach_dpo.py; the reward curves: tests/core/results/test_plots.py.)"""

import json
import math

import pytest

from core.config import RunConfig
from core.results.runs import read_events
from core.train.job import Job

TOPICS = ["cats", "tea", "rain", "maps", "jazz", "bread", "chess", "boats", "snow", "books", "trees", "clocks",
          "bees", "kites", "soup", "stars", "shoes", "lamps", "rivers", "bells"]


def pairs(n=len(TOPICS)):
    # Easy pairs: the same short answer shape, one word apart, so a tiny model can learn the
    # preference in a few steps and the summed score is not decided by length.
    return [{"prompt": f"Tell me about {t}.", "chosen": f"I love {t}.", "rejected": f"I hate {t}."}
            for t in TOPICS[:n]]


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def dpo_cfg(model_dir, data_path, **train):
    return RunConfig().replace(
        model={"name_or_path": str(model_dir), "task": "causal-lm"},
        data={"path": str(data_path), "max_length": 48, "test_size": 0.25},
        adapter={"method": "lora", "r": 8, "lora_alpha": 16, "lora_dropout": 0.0,
                 "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj"]},
        dpo={"beta": 0.1},
        train={"objective": "dpo", "max_steps": 12, "per_device_train_batch_size": 5, "per_device_eval_batch_size": 5,
               "learning_rate": 1e-2, "warmup_ratio": 0.0, "eval_strategy": "no", "save_strategy": "no",
               "logging_steps": 1, "report_to": "none", **train},
        generate={"eval_samples": 0})


def test_reference_is_the_adapter_off_and_one_copy(tmp_path, tiny_llama_dir):
    import torch

    cfg = dpo_cfg(tiny_llama_dir, write_jsonl(tmp_path / "p.jsonl", pairs()))
    job = Job(cfg, run_dir=tmp_path / "run")
    trainer = job._setup()
    model = trainer.model
    assert trainer.ref_model is None and list(model.peft_config) == ["default"]  # no second model, no "ref" adapter
    base = sum(p.numel() for n, p in model.named_parameters() if "lora_" not in n)
    lora = sum(p.numel() for n, p in model.named_parameters() if "lora_" in n)
    assert lora == job.info.trainable_params and base + lora == sum(p.numel() for p in model.parameters())
    batch = trainer.data_collator([trainer.train_dataset[i] for i in range(4)])
    with torch.no_grad():
        model.base_model.model.model.layers[0].self_attn.q_proj.lora_B.default.weight.fill_(0.05)  # adapter moves
        ref = trainer.compute_ref_log_probs(model, batch)
        with model.disable_adapter():
            off = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
        on = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
    assert not torch.allclose(on, off)
    lp = torch.log_softmax(off[:, :-1].float(), -1).gather(-1, batch["input_ids"][:, 1:, None])[..., 0]
    own = (lp * batch["completion_mask"][:, 1:]).sum(-1)
    n = len(own) // 2
    assert torch.allclose(torch.stack(ref), torch.stack([own[:n], own[n:]]), atol=1e-4)


def test_dpo_run_logs_rewards_and_raises_preference_accuracy(tmp_path, tiny_llama_dir):
    cfg = dpo_cfg(tiny_llama_dir, write_jsonl(tmp_path / "p.jsonl", pairs()))
    job = Job(cfg, run_dir=tmp_path / "run").run()
    assert job.status == "finished", job.message
    train = [e for e in read_events(job.run_dir) if e["type"] == "train"]
    assert len(train) == 12
    for key in ("loss", "rewards/chosen", "rewards/rejected", "rewards/accuracies", "rewards/margins",
                "logps/chosen", "logps/rejected"):
        assert all(key in e for e in train), key
    assert train[0]["loss"] == pytest.approx(math.log(2), abs=1e-4) and train[0]["rewards/margins"] == 0
    assert train[-1]["loss"] < 0.65 and train[-1]["rewards/margins"] > train[0]["rewards/margins"]
    s = json.loads((job.run_dir / "summary.json").read_text())
    assert s["baseline"]["eval_loss"] == pytest.approx(math.log(2), abs=1e-4)  # policy == reference at the start
    assert "eval_rewards/accuracies" in s["final"] and "eval_perplexity" not in s["final"]
    pref = s["preference"]
    assert pref["pairs"] == 5 and set(pref) >= {"base", "tuned", "base_per_token", "tuned_per_token"}
    assert pref["tuned"] > pref["base"] and pref["tuned"] == 1.0 and pref["reward_accuracy"] == 1.0
    assert (job.run_dir / "final" / "adapter_config.json").is_file()
    assert s["dpo"]["loss_type"] == "sigmoid" and s["prompt_format"] == "preference"
