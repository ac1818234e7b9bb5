"""What a causal LM trains on (TRL's SFTTrainer under the studio): the loss on answers only,
every end-of-turn trained although pad == eos, rows cut off by max_length counted and left
out, packing that keeps masks and sequence boundaries, gradient accumulation equal to one big
batch. SmolLM2's real tokenizer and chat template, a tiny random Llama for the model."""

from __future__ import annotations

import json

import pytest

from core.config import RunConfig
from core.data.labels import IGNORE

pytestmark = pytest.mark.slow  # needs the converted SmolLM2 (once per session)

SYSTEM = "You are Pip."
CONV = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "Hello"},
        {"role": "assistant", "content": "Bonjour !"}, {"role": "user", "content": "Thanks"},
        {"role": "assistant", "content": "De rien."}]


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def cfg_for(model_dir, data_path, **sections):
    base = {"model": {"name_or_path": str(model_dir), "task": "causal-lm"},
            "data": {"path": str(data_path), "max_length": 128, "test_size": 0.25},
            "adapter": {"method": "full"}}
    for k, v in sections.items():
        base.setdefault(k, {}).update(v)
    return RunConfig().replace(**base)


def trained_runs(tok, ids, labels, max_length=None):
    """Decoded contiguous runs of tokens whose label counts in the loss."""
    spans, cur = [], []
    for pos, (i, lab) in enumerate(zip(ids, labels)):
        if lab != IGNORE and pos > 0 and (max_length is None or pos < max_length):
            cur.append(i)
        elif cur:
            spans.append(tok.decode(cur))
            cur = []
    if cur:
        spans.append(tok.decode(cur))
    return spans


def tokenized(cfg, tok):
    from core.data.labels import tokenize_split
    from core.data.prepare import prepare

    prepared = prepare(cfg)
    return prepared, tokenize_split(tok, prepared.train, cfg, prepared.detected)


CHATS = [{"messages": [{"role": "user", "content": f"What is {i} plus {i}?" + " Please." * (i % 4)},
                       {"role": "assistant", "content": f"It is {2 * i}. Cheers, Pip."},
                       {"role": "user", "content": "And times ten?"},
                       {"role": "assistant", "content": f"{20 * i}, easy."}]} for i in range(1, 9)]


def answers_of(row):
    """The assistant contents of a TRL row (a conversation, or a prompt/completion pair)."""
    msgs = row.get("messages") or (row["prompt"] + row["completion"])
    return [m["content"] for m in msgs if m["role"] == "assistant"]


@pytest.mark.parametrize("fmt", ["messages", "sharegpt", "prompt_completion", "instruction"])
def test_every_trained_label_lies_in_an_answer_span(tmp_path, tiny_llama_dir, smollm2_tokenizer, fmt):
    tok = smollm2_tokenizer
    if fmt == "messages":
        rows = CHATS
    elif fmt == "sharegpt":
        rows = [{"conversations": [{"from": {"user": "human", "assistant": "gpt"}[m["role"]], "value": m["content"]}
                                   for m in r["messages"]]} for r in CHATS]
    elif fmt == "prompt_completion":
        rows = [{"prompt": f"Spell {w}", "completion": " ".join(w.upper())}
                for w in ("cat", "dog", "owl", "yak", "emu", "gnu", "ram", "elk")]
    else:  # Alpaca: instruction, optional input, output
        rows = [{"instruction": f"Add {i} and {i}", "input": "Show the sum only." if i % 2 else "", "output": str(2 * i)}
                for i in range(1, 9)]
    cfg = cfg_for(tiny_llama_dir, write_jsonl(tmp_path / f"{fmt}.jsonl", rows), data={"system_prompt": SYSTEM})
    prepared, split = tokenized(cfg, tok)
    assert prepared.detected.format == fmt
    for row, ex in zip(prepared.train, split.dataset):
        # exactly the answers, each closed by its end-of-turn (and the newline the template writes)
        assert trained_runs(tok, ex["input_ids"], ex["labels"]) == [a + "<|im_end|>\n" for a in answers_of(row)]
        text = tok.decode(ex["input_ids"])
        assert text.startswith(f"<|im_start|>system\n{SYSTEM}<|im_end|>\n<|im_start|>user\n")  # there, untrained


def test_each_end_of_turn_is_trained_although_pad_is_eos(tmp_path, tiny_llama_dir, smollm2_tokenizer):
    from core.data.alarms import collator_masks_by_id
    from core.data.tokenize import make_collator

    tok = smollm2_tokenizer
    assert tok.pad_token_id == tok.eos_token_id == tok.convert_tokens_to_ids("<|im_end|>")
    cfg = cfg_for(tiny_llama_dir, write_jsonl(tmp_path / "c.jsonl", CHATS), data={"padding": "dynamic"})
    _, split = tokenized(cfg, tok)
    eos = tok.eos_token_id
    for ids, labels in zip(split.dataset["input_ids"], split.dataset["labels"]):
        n_answers = trained_runs(tok, ids, labels)
        ends = [p for p, (i, lab) in enumerate(zip(ids, labels)) if i == eos and lab == eos]
        assert len(ends) == len(n_answers) == 2  # each answer's <|im_end|> carries its label
    # the studio's collator pads with id 2 but masks the padding by position: the real EOS keeps its label
    kept = sorted(split.kept(), key=lambda r: len(r["input_ids"]))
    short, long_ = kept[0], kept[-1]
    assert len(short["input_ids"]) < len(long_["input_ids"])
    batch = make_collator(tok, cfg)([short, long_])
    n = len(short["input_ids"])
    assert batch["labels"][0, n - 2].item() == eos and (batch["input_ids"][0, n:] == eos).all()
    assert (batch["labels"][0, n:] == IGNORE).all()
    assert collator_masks_by_id(make_collator(tok, cfg), tok) is None

    def by_id(features):  # the classic bug: labels = input_ids with every pad id masked
        batch = make_collator(tok, cfg)(features)
        batch["labels"][batch["input_ids"] == tok.pad_token_id] = IGNORE
        return batch

    alarm = collator_masks_by_id(by_id, tok)
    assert alarm is not None and alarm.level == "error" and "never learns to stop" in alarm.message


def test_a_row_cut_off_entirely_is_counted_reported_and_left_out(tmp_path, tiny_llama_dir, smollm2_tokenizer):
    from core.train.trainers import build_trainer, inputs_for

    tok = smollm2_tokenizer
    rows = [{"prompt": f"Q{i}: what is {i} squared?", "completion": f"{i * i}."} for i in range(1, 8)]
    rows.insert(3, {"prompt": "long " * 120 + "question?", "completion": "lost."})  # answer past max_length 64
    rows.insert(5, {"prompt": "word " * 20 + "then?", "completion": "partly " * 40})  # answer starts, its end is cut
    path = write_jsonl(tmp_path / "cut.jsonl", rows)
    cfg = cfg_for(tiny_llama_dir, path, data={"max_length": 64, "validation_path": str(path)},
                  train={"max_steps": 1, "per_device_train_batch_size": 3})
    from core.data.prepare import prepare

    prepared = prepare(cfg)
    inputs = inputs_for(cfg, tok, prepared)
    sft = inputs.summary["sft"]
    assert sft["dropped_train_rows"] == [3] and sft["answer_cut_rows"] == [5]
    assert len(inputs.train) == len(rows) - 1
    assert not any("long long long" in tok.decode(ids) for ids in inputs.train["input_ids"])
    assert all(len(ids) <= 64 for ids in inputs.train["input_ids"])
    assert any("no trained token within max_length 64" in n for n in inputs.notes)  # reported in the data report
    assert any("lose the end of their answer" in n for n in inputs.notes)
    from transformers import AutoModelForCausalLM

    trainer = build_trainer(cfg, AutoModelForCausalLM.from_pretrained(tiny_llama_dir), inputs, str(tmp_path / "o"),
                            "fp32", True, [])
    assert len(trainer.train_dataset) == len(rows) - 1  # TRL trains exactly the kept rows
    assert all(any(x != IGNORE for x in lab[1:]) for lab in trainer.train_dataset["labels"])


def test_packing_keeps_masks_and_sequence_boundaries(tmp_path, tiny_llama_dir, smollm2_tokenizer):
    import torch
    from transformers import AutoModelForCausalLM

    from core.data.tokenize import make_collator

    tok = smollm2_tokenizer
    cfg = cfg_for(tiny_llama_dir, write_jsonl(tmp_path / "c.jsonl", CHATS))  # padding auto -> packing
    _, split = tokenized(cfg, tok)
    rows = [split.kept()[i] for i in range(3)]
    packed = make_collator(tok, cfg)(rows)
    assert packed["input_ids"].shape[0] == 1 and "attention_mask" not in packed
    pos = packed["position_ids"][0].tolist()
    starts = [i for i, p in enumerate(pos) if p == 0]
    assert [b - a for a, b in zip(starts, starts[1:] + [len(pos)])] == [len(r["input_ids"]) for r in rows]
    labels = packed["labels"][0].tolist()
    flat = [x for r in rows for x in r["labels"]]
    assert [x if i not in starts else IGNORE for i, x in enumerate(flat)] == labels  # masks survive packing
    model = AutoModelForCausalLM.from_pretrained(tiny_llama_dir).eval()

    def logprobs(**kw):
        with torch.no_grad():
            logits = model(use_cache=False, **kw).logits[0]
        return torch.log_softmax(logits, -1)

    alone = torch.cat([logprobs(input_ids=torch.tensor([r["input_ids"]])) for r in rows])
    together = logprobs(input_ids=packed["input_ids"], position_ids=packed["position_ids"])
    assert torch.allclose(alone, together, atol=1e-5)  # no attention across packed rows
    leaky = logprobs(input_ids=packed["input_ids"])  # without position_ids the rows see each other
    assert (leaky - alone).abs().max() > 1e-3


def test_gradient_accumulation_equals_one_big_batch(tmp_path, tiny_llama_dir, smollm2_tokenizer):
    from transformers import AutoModelForCausalLM, TrainerCallback

    from core.data.prepare import prepare
    from core.train.trainers import build_trainer, inputs_for

    rows = [{"prompt": f"Count to {i}", "completion": " ".join(str(k) for k in range(1, i + 1))} for i in range(2, 18)]
    path = write_jsonl(tmp_path / "ga.jsonl", rows)

    def first_step(batch, accumulation):
        cfg = cfg_for(tiny_llama_dir, path, data={"validation_path": str(path), "padding": "dynamic"},
                      train={"max_steps": 1, "per_device_train_batch_size": batch, "logging_steps": 1,
                             "gradient_accumulation_steps": accumulation, "learning_rate": 1e-4,
                             "eval_strategy": "no", "save_strategy": "no", "report_to": "none"})
        seen: list[dict] = []

        class Keep(TrainerCallback):
            def on_log(self, args, state, control, logs=None, **kw):
                seen.append(dict(logs or {}))

        inputs = inputs_for(cfg, smollm2_tokenizer, prepare(cfg))
        trainer = build_trainer(cfg, AutoModelForCausalLM.from_pretrained(tiny_llama_dir), inputs,
                                str(tmp_path / f"o{batch}"), "fp32", True, [Keep()])
        trainer.train()
        step = next(lg for lg in seen if "loss" in lg)
        return step["loss"], step["grad_norm"]

    loss8, norm8 = first_step(8, 1)
    loss2, norm2 = first_step(2, 4)
    assert loss2 == pytest.approx(loss8, rel=1e-4) and norm2 == pytest.approx(norm8, rel=1e-3)
