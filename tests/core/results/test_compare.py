"""core/results/compare.py: base vs fine-tuned on one short real LoRA run (the shared session run),
the adapter toggle equal to a fresh base, causal and chat runs streaming both sides. (Export and
reload: test_export.py.)"""

import pytest

from core.config import STARTER_TINY_GPT2, RunConfig
from core.results.compare import Comparison
from core.results.runs import load_run_config
from core.train.job import Job


@pytest.fixture(scope="module")
def lora_run(trained_lora_run):
    return trained_lora_run.run_dir  # conftest: 48 LoRA steps on 240 sentiment rows, max_length 64


def test_tuned_beats_base_and_they_disagree(lora_run):
    comp = Comparison(lora_run)
    rep = comp.validation_report()
    assert rep["tuned"]["accuracy"] > rep["base"]["accuracy"]
    assert rep["disagreements"], "base and fine-tuned should disagree somewhere"
    assert sum(r["fine-tuned right"] for r in rep["disagreements"]) > len(rep["disagreements"]) / 2
    probs = comp.classify(["this product is sick, best purchase all year"])
    assert probs["labels"] == ["negative", "positive"]
    assert probs["base"] != probs["tuned"]
    assert "one copy of the base weights" in comp.memory_line()


def test_adapter_toggle_equals_a_freshly_loaded_base(lora_run):
    import torch
    from transformers import set_seed

    from core.model.load import load_model, load_tokenizer

    comp = Comparison(lora_run)
    texts = ["great phone", "the strap snapped on day two and support ignored me"]
    toggled = comp.classify(texts)["base"]
    cfg = load_run_config(lora_run)
    set_seed(cfg.train.seed)
    tok = load_tokenizer(cfg)
    base, _ = load_model(load_run_config(lora_run), ["negative", "positive"], tok, apply=False)
    base.eval()
    enc = tok(texts, padding=True, truncation=True, max_length=64, return_tensors="pt")
    with torch.no_grad():
        fresh = torch.softmax(base(**enc).logits, -1).tolist()
    assert torch.allclose(torch.tensor(toggled), torch.tensor(fresh), atol=1e-6)


@pytest.mark.slow  # trains the tiny GPT-2 (a few steps: base and tuned only have to differ)
def test_causal_compare_streams_both_sides(tmp_path):
    cfg = RunConfig().replace(model={"name_or_path": STARTER_TINY_GPT2, "task": "causal-lm"},
                              adapter={"method": "full"},
                              data={"path": "assets/data/quotes.csv", "template": "Quote by {author}: {quote}",
                                    "max_length": 48, "max_rows": 120},
                              train={"max_steps": 12, "learning_rate": 3e-3, "eval_strategy": "no",
                                     "save_strategy": "no"},
                              generate={"max_new_tokens": 12, "eval_samples": 0})
    from core.paths import runs_dir

    job = Job(cfg, run_dir=runs_dir() / "compare-causal").run()
    assert job.status == "finished", job.message
    comp = Comparison(job.run_dir)
    prompts = comp.prompts(2)
    assert len(prompts) == 2 and all(p.startswith("Quote by ") and p.endswith(":") for p in prompts)
    steps = list(comp.stream(prompts[0]))
    sides = [s for s, _ in steps]
    assert sides[0] == "base" and sides[-1] == "tuned"
    out = comp.generate(prompts[0])
    assert out["base"] != out["tuned"]
    assert out["tuned"].lower().startswith(prompts[0].lower()[:8])


def test_chat_compare_wraps_prompts_in_the_chat_template(trained_smollm2_run):
    comp = Comparison(trained_smollm2_run.run_dir)
    assert comp.is_chat and comp.is_adapter
    prompts = comp.prompts(2)
    assert len(prompts) == 2 and all("\n" not in p and "<|im_start|>" not in p for p in prompts)  # the user's words
    ids = comp._encode_prompt(prompts[0])[0].tolist()
    text = comp.tokenizer.decode(ids)
    assert text.startswith("<|im_start|>system\n") and text.endswith("<|im_start|>assistant\n")
    out = comp.generate(prompts[0], comp.cfg.generate.__class__(max_new_tokens=16))
    assert out["base"] != out["tuned"] and "<|im_start|>" not in out["tuned"] and "assistant" not in out["tuned"][:12]
