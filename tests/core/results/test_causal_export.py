"""A short real LoRA chat run on a tiny ChatML Llama, end to end: the job's before/after
report lands in summary.json, and its exports run elsewhere: the merged model and the
adapter load in a fresh Python that never imports the studio and answer exactly as the
studio does; the GGUF reads back in transformers with the merged model's greedy tokens."""

import json
import subprocess
import sys
import textwrap

import pytest
import torch
from tiny_chat import save_tiny_chat_model

from core.config import RunConfig
from core.model import turns
from core.results import forgetting
from core.results.causal_report import ROWS_FILE, read_rows
from core.results.compare import Comparison
from core.results.export import EXPORT_FORMATS, ExportError, export_run
from core.results.generations import generate_answers
from core.train.job import Job

pytestmark = pytest.mark.slow  # trains a (tiny) model and starts a second Python

PROMPT = [{"role": "user", "content": "What is inflation?"}]
GENERAL = ["The human heart is a muscular organ about the size of a closed fist.",
           "Honeybees live in colonies that can hold tens of thousands of insects.",
           "Rain forms when water vapour cools and gathers into drops heavy enough to fall."]


@pytest.fixture(scope="module")
def chat_run(tmp_path_factory):
    from core.paths import runs_dir, workspace

    base = save_tiny_chat_model(workspace() / "tiny-chat-llama")
    general = tmp_path_factory.mktemp("general") / "general.txt"
    general.write_text("\n".join(GENERAL) + "\n", encoding="utf-8")
    cfg = RunConfig().replace(
        model={"name_or_path": str(base), "task": "causal-lm"},
        adapter={"method": "lora", "target_modules": ["q_proj", "v_proj", "up_proj", "down_proj"], "r": 8, "lora_alpha": 16},
        data={"path": "assets/data/instructions.jsonl", "max_length": 96, "max_rows": 48},
        train={"max_steps": 16, "learning_rate": 2e-2, "eval_strategy": "no", "save_strategy": "no",
               "per_device_train_batch_size": 8, "report_to": "none"},
        generate={"max_new_tokens": 10, "eval_samples": 4})
    mp = pytest.MonkeyPatch()
    mp.setattr(forgetting, "GENERAL_TEXT", general)
    try:
        job = Job(cfg, run_dir=runs_dir() / "tiny-chat-lora").run()
    finally:
        mp.undo()
    assert job.status == "finished", job.message
    return job


def test_the_job_writes_the_report(chat_run):
    s = json.loads((chat_run.run_dir / "summary.json").read_text())
    gen = s["generation"]
    assert gen["n"] == 4 and set(gen["base"]) >= {"rouge_l", "chrf", "bleu", "answer_perplexity", "stopped"}
    assert gen["weights"].startswith("one copy")
    assert gen["final"]["answer_perplexity"] < gen["base"]["answer_perplexity"]  # it learned the answers a bit
    assert s["forgetting"]["n_texts"] == 3 and s["forgetting"]["verdict"]
    assert 1 <= len(s["samples"]) <= 4 and "report_note" not in s
    rows = read_rows(chat_run.run_dir)
    assert len(rows) == 4 and rows[0]["prompt"].endswith("<|im_start|>assistant\n")
    assert (chat_run.run_dir / ROWS_FILE).is_file()


def test_compare_answers_the_same_rows_as_the_job(chat_run):
    comp = Comparison(chat_run.run_dir)
    rep = comp.validation_answers(4)
    job_rows = {r["prompt"]: r for r in read_rows(chat_run.run_dir)}
    assert {r["prompt"] for r in rep["rows"]} == set(job_rows)
    for row in rep["rows"]:  # the same answers from the reloaded run as at the end of training
        assert (row["base"], row["tuned"]) == (job_rows[row["prompt"]]["base"], job_rows[row["prompt"]]["tuned"])
    assert "one copy of the base weights" in comp.memory_line()


def test_no_general_text_leaves_a_note_and_off_means_off(chat_run):
    from core.results.causal_report import score_finished_run

    comp = Comparison(chat_run.run_dir)
    fields = score_finished_run(comp.cfg.replace(generate={"eval_samples": 2}), chat_run.run_dir / "x", comp.tuned,
                                comp.tokenizer)
    assert "forgetting" not in fields or forgetting.GENERAL_TEXT.is_file()
    if not forgetting.GENERAL_TEXT.is_file():
        assert "no forgetting check" in fields["report_note"]
    assert score_finished_run(comp.cfg.replace(generate={"eval_samples": 0}), chat_run.run_dir, comp.tuned,
                              comp.tokenizer) == {}


FRESH = textwrap.dedent("""
    import json, sys, torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    merged, adapter, base, message = sys.argv[1:5]
    tok = AutoTokenizer.from_pretrained(merged)
    enc = tok.apply_chat_template([{"role": "user", "content": message}], add_generation_prompt=True,
                                  return_tensors="pt", return_dict=True)
    n = enc["input_ids"].shape[1]
    model = AutoModelForCausalLM.from_pretrained(merged).eval()
    with torch.no_grad():  # no settings passed: generation_config.json decides how it decodes and where it stops
        ids = model.generate(**enc)[0, n:].tolist()
    from peft import PeftModel
    tuned = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(base), adapter).eval()
    with torch.no_grad():
        adapter_ids = tuned.generate(**enc, generation_config=model.generation_config)[0, n:].tolist()
    print(json.dumps({"ids": ids, "adapter_ids": adapter_ids, "eos": model.generation_config.eos_token_id,
                      "template": tok.chat_template, "adapter_template": AutoTokenizer.from_pretrained(adapter).chat_template,
                      "project": sorted(m for m in sys.modules if m == "core" or m.startswith(("core.", "ui.")))}))
""")


def test_exports_run_elsewhere_and_answer_as_the_studio(chat_run, tmp_path):
    written = export_run(chat_run.run_dir, formats=tuple(EXPORT_FORMATS), gguf_dtype="f32")
    merged, adapter = written["model"], written["adapter"]
    gen_cfg = json.loads(open(f"{merged}/generation_config.json").read())
    tok_cfg = json.loads(open(f"{merged}/tokenizer_config.json").read())
    comp = Comparison(chat_run.run_dir)
    im_end = comp.tokenizer.convert_tokens_to_ids("<|im_end|>")
    assert gen_cfg["eos_token_id"] == im_end or gen_cfg["eos_token_id"][0] == im_end  # end of turn first
    assert gen_cfg["pad_token_id"] == comp.tokenizer.pad_token_id and gen_cfg["max_new_tokens"] == 10
    assert tok_cfg["chat_template"] == comp.tokenizer.chat_template

    studio = generate_answers(comp.tuned, comp.tokenizer, [PROMPT], comp.cfg.generate, batch_size=1)[0]
    out = subprocess.run([sys.executable, "-c", FRESH, merged, adapter, comp.cfg.model.name_or_path,
                          PROMPT[0]["content"]], capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["project"] == []  # the fresh process never imported the studio
    assert got["template"] == got["adapter_template"] == comp.tokenizer.chat_template
    stops = turns.stop_token_ids(comp.tokenizer)
    for ids in (got["ids"], got["adapter_ids"]):
        cut = next((i for i, t in enumerate(ids) if t in stops), len(ids))
        assert comp.tokenizer.decode(ids[:cut], skip_special_tokens=True).strip() == studio["text"]
        assert len(ids) == studio["tokens"]  # it stopped where the studio's answer stopped

    # GGUF: its own folder, and the same greedy tokens as the merged model
    from transformers import AutoModelForCausalLM

    assert sorted(p.name for p in (chat_run.run_dir / "export" / "gguf").iterdir()) == ["Modelfile", "model.gguf"]
    back = AutoModelForCausalLM.from_pretrained(written["gguf"], gguf_file="model.gguf", dtype=torch.float32).eval()
    plain = AutoModelForCausalLM.from_pretrained(merged).eval()
    enc = comp.tokenizer.apply_chat_template(PROMPT, add_generation_prompt=True, return_tensors="pt", return_dict=True)
    greedy = dict(max_new_tokens=16, min_new_tokens=16, do_sample=False, repetition_penalty=1.0)
    with torch.no_grad():
        a = back.generate(**enc, **greedy)
        b = plain.generate(**enc, **greedy)
    assert a.tolist() == b.tolist()
    assert back.generation_config.eos_token_id == im_end  # the GGUF's eos is the end of turn

    card = open(written["card"]).read()
    for heading in ("## Answers before and after", "## Forgetting check", "## Sample answers",
                    "## Training hyperparameters"):
        assert heading in card
    assert "ollama create my-model -f gguf/Modelfile" in card and "| learning_rate | 0.02 |" in card


def test_gguf_of_a_gpt2_run_leaves_the_rest_and_says_why():
    from core.config import STARTER_TINY_GPT2
    from core.paths import runs_dir

    cfg = RunConfig().replace(model={"name_or_path": STARTER_TINY_GPT2, "task": "causal-lm"},
                              adapter={"method": "full"},
                              data={"path": "assets/data/quotes.csv", "template": "Quote by {author}: {quote}",
                                    "max_length": 32, "max_rows": 40},
                              train={"max_steps": 2, "eval_strategy": "no", "save_strategy": "no", "report_to": "none"},
                              generate={"eval_samples": 0})
    job = Job(cfg, run_dir=runs_dir() / "tiny-gpt2-gguf").run()
    assert job.status == "finished", job.message
    written = export_run(job.run_dir, formats=("merged", "gguf"))
    assert "gguf" not in written and not (job.run_dir / "export" / "gguf").exists()
    assert any("Llama-architecture" in n and "'gpt2'" in n for n in written["notes"])
    assert (job.run_dir / "export" / "model" / "model.safetensors").is_file()
    assert "No GGUF" in open(written["card"]).read()


def test_gguf_is_refused_for_a_classifier(tmp_path):
    from core.paths import runs_dir

    run = runs_dir() / "fake-classifier"
    (run / "final").mkdir(parents=True, exist_ok=True)
    RunConfig().save(run / "config.yaml")
    (run / "summary.json").write_text(json.dumps({"status": "finished"}))
    with pytest.raises(ExportError, match="classifier"):
        export_run(run, formats=("gguf",))
    with pytest.raises(ExportError, match="must be among adapter, merged, gguf"):
        export_run(run, formats=("onnx",))
