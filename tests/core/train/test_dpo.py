"""Preference tuning (train.objective dpo, core/train/dpo.py) on TRL's DPOTrainer: data detection,
one copy of the weights (the reference is the base with the adapter off), the logged DPO metrics,
the held-out preference accuracy in summary.json, and the messages for data a DPO run can't use.
A tiny 2-layer Llama with SmolLM2's real tokenizer and chat template keeps it fast. (The coach:
test_coach_dpo.py; the reward curves: tests/core/results/test_plots.py.)"""

import json
import math

import pandas as pd
import pytest

from core.config import ConfigError, RunConfig
from core.data.chat import detect_format
from core.data.prepare import prepare
from core.data.sources import DataError
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


def test_preference_formats_are_detected(tmp_path):
    data = RunConfig().data
    plain = pd.DataFrame(pairs(4))
    assert detect_format(plain, data, "dpo").format == "preference"
    conv = pd.DataFrame([{"prompt": [{"role": "user", "content": r["prompt"]}],
                          "chosen": [{"role": "assistant", "content": r["chosen"]}],
                          "rejected": [{"role": "assistant", "content": r["rejected"]}]} for r in pairs(6)])
    implicit = pd.DataFrame([{"chosen": r["prompt"] + r["chosen"], "rejected": r["prompt"] + r["rejected"]}
                             for r in conv.to_dict("records")])
    cfg = RunConfig().replace(model={"task": "causal-lm"}, train={"objective": "dpo"})
    for name, frame in (("conv", conv), ("implicit", implicit)):
        path = tmp_path / f"{name}.jsonl"
        frame.to_json(path, orient="records", lines=True)
        prep = prepare(cfg.replace(data={"path": str(path), "test_size": 0.34}))
        row = prep.train[0]
        assert prep.detected.format == "preference"
        # one user turn as the prompt, one assistant turn on each side: what TRL's chat rendering needs
        assert [m["role"] for m in row["prompt"]] == ["user"] and row["prompt"][0]["content"].startswith("Tell me")
        assert row["chosen"][0]["content"].startswith("I love") and row["rejected"][0]["content"].startswith("I hate")
    # plain strings become a user turn and assistant turns too (TRL would tokenize strings raw,
    # without the chat template the model chats with); data.chat_template plain keeps them strings
    path = write_jsonl(tmp_path / "plain.jsonl", pairs(8))
    row = prepare(cfg.replace(data={"path": str(path)})).train[0]
    assert row["prompt"][0]["role"] == "user" and row["chosen"][0]["role"] == "assistant"
    row = prepare(cfg.replace(data={"path": str(path), "chat_template": "plain"})).train[0]
    assert isinstance(row["prompt"], str) and row["chosen"].startswith("I love")


def test_wrong_data_for_each_objective_is_named(tmp_path):
    cfg = RunConfig().replace(model={"task": "causal-lm"}, train={"objective": "dpo"})
    chat = write_jsonl(tmp_path / "chat.jsonl", [{"prompt": f"q{i}", "completion": f"a{i}"} for i in range(8)])
    with pytest.raises(DataError, match=r"train.objective dpo trains on preference pairs.*columns are: prompt, "
                                        r"completion.*train.objective sft"):
        prepare(cfg.replace(data={"path": str(chat)}))
    no_chosen = write_jsonl(tmp_path / "half.jsonl", [{"prompt": f"q{i}", "rejected": f"a{i}"} for i in range(8)])
    with pytest.raises(DataError, match="columns are: prompt, rejected"):
        prepare(cfg.replace(data={"path": str(no_chosen)}))
    pref = write_jsonl(tmp_path / "pref.jsonl", pairs(8))
    with pytest.raises(DataError, match="set train.objective dpo"):
        prepare(cfg.replace(data={"path": str(pref)}, train={"objective": "sft"}))
    # pairs with nothing to prefer (identical answers) or an empty side are dropped and counted
    rows = pairs(8) + [{"prompt": "same", "chosen": "x", "rejected": "x"}, {"prompt": "empty", "chosen": "",
                                                                            "rejected": "y"}]
    prep = prepare(cfg.replace(data={"path": str(write_jsonl(tmp_path / "some.jsonl", rows))}))
    assert prep.report.empty_dropped == 2 and prep.report.n_train + prep.report.n_validation == 8
    # the reference is the base with the adapter off: DPO needs an adapter, and a causal LM
    with pytest.raises(ConfigError, match="adapter.method must be lora or qlora for train.objective dpo"):
        cfg.replace(adapter={"method": "full"})
    with pytest.raises(ConfigError, match="model.task must be causal-lm"):
        RunConfig().replace(train={"objective": "dpo"})
    with pytest.raises(ConfigError, match="dpo.label_smoothing must be > 0 for loss_type exo_pair"):
        cfg.replace(dpo={"loss_type": "exo_pair"})


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
    # each held-out pair with both models' margins (the Compare tab's table), agreeing with the summary
    from core.train.dpo import read_pair_rows

    rows = read_pair_rows(job.run_dir)
    assert len(rows) == 5 and all(r["prompt"].startswith("Tell me about") for r in rows)
    assert all(r["chosen"].startswith("I love") and r["rejected"].startswith("I hate") for r in rows)
    assert sum(r["tuned_margin"] > 0 for r in rows) / 5 == pref["tuned"]
    assert sum(r["base_margin"] > 0 for r in rows) / 5 == pytest.approx(pref["base"], abs=1e-4)
    assert sum(r["tuned_margin"] for r in rows) / 5 == pytest.approx(pref["tuned_margin"], abs=0.01)



def test_a_dpo_sweep_picks_a_point_and_its_run_exports_like_any_other(tmp_path, tiny_llama_dir):
    """Sweeps and Export know nothing of the objective: a two-point beta sweep of DPO runs picks
    the point with the lower held-out DPO loss, and the best run's export (adapter and merged
    model) loads with plain peft/transformers and gives the tuned model's logits."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    from core.paths import runs_dir, workspace
    from core.results.export import export_run
    from core.results.runs import read_summary
    from core.train.queue import JobQueue
    from core.train.sweep import SweepSpec, start_sweep

    base = dpo_cfg(tiny_llama_dir, write_jsonl(tmp_path / "p.jsonl", pairs()), max_steps=4)
    sweep = start_sweep(base, SweepSpec(grid={"dpo.beta": [0.1, 0.5]}), owner="dpo-sweep", queue=JobQueue())
    assert sweep.wait(timeout=600), "the sweep did not finish"
    rows = sweep.rows()
    assert [r["status"] for r in rows] == ["finished", "finished"], sweep.message
    summaries = [read_summary(runs_dir() / r["run"]) for r in rows]
    assert [s["dpo"]["beta"] for s in summaries] == [0.1, 0.5]
    assert [r["best"] for r in rows] == [pytest.approx(s["final"]["eval_loss"]) for s in summaries]
    best = sweep.best()
    assert best["best"] == min(r["best"] for r in rows)

    run_dir = runs_dir() / best["run"]
    written = export_run(run_dir, workspace() / "exports" / "dpo-best")
    assert {"model", "adapter"} <= set(written) and not written["notes"], written
    ids = torch.tensor([[1, 42, 7, 99, 5]])
    merged = AutoModelForCausalLM.from_pretrained(written["model"]).eval()
    adapted = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(str(tiny_llama_dir)),
                                        written["adapter"]).eval()
    with torch.no_grad():
        want = adapted(input_ids=ids).logits
        assert torch.allclose(merged(input_ids=ids).logits, want, atol=1e-4)
        with adapted.disable_adapter():
            assert not torch.allclose(adapted(input_ids=ids).logits, want, atol=1e-4)  # the adapter moved
