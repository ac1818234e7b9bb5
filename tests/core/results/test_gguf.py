"""GGUF export (core.results.gguf) read back by transformers' own GGUF reader, on a tiny
Llama with a 600-token ChatML tokenizer (tests/tiny_chat.py)."""

import numpy as np
import pytest
import torch
from tiny_chat import SYSTEM, chat_tokenizer, tiny_llama

from core.results.gguf import (
    CHATML_OLLAMA_TEMPLATE,
    GGUFExportError,
    default_system_prompt,
    export_gguf,
    modelfile_text,
    permute_rotary,
    read_gguf_metadata,
    write_gguf,
)

PROMPT = [{"role": "user", "content": "Hello there, how are you today?"}]


@pytest.fixture(scope="module")
def tok():
    return chat_tokenizer()


def chat_ids(tok):
    return tok.apply_chat_template(PROMPT, add_generation_prompt=True, return_tensors="pt", return_dict=True)


def greedy(model, enc, n=16):
    with torch.no_grad():
        out = model.generate(**enc, max_new_tokens=n, min_new_tokens=n, do_sample=False)
    return out[0, enc["input_ids"].shape[1]:].tolist()


def load_gguf(path):
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(path.parent, gguf_file=path.name, dtype=torch.float32).eval()


def test_rotary_permutation_is_what_transformers_undoes():
    from transformers.modeling_gguf_pytorch_utils import LlamaTensorProcessor

    rng = np.random.default_rng(0)
    q, k = rng.normal(size=(64, 32)).astype(np.float32), rng.normal(size=(32, 32)).astype(np.float32)
    undo = LlamaTensorProcessor(config={"num_attention_heads": 4, "num_key_value_heads": 2})
    assert not np.array_equal(permute_rotary(q, 4), q)
    np.testing.assert_array_equal(undo.process(permute_rotary(q, 4), "blk.0.attn_q.weight").weights, q)
    np.testing.assert_array_equal(undo.process(permute_rotary(k, 2), "blk.0.attn_k.weight").weights, k)


@pytest.fixture(scope="module")
def f32_file(tmp_path_factory, tok):
    model = tiny_llama(tok, vocab_size=len(tok) + 13)  # embedding rows beyond the tokenizer
    path = tmp_path_factory.mktemp("f32") / "model.gguf"
    return model, path, write_gguf(model, tok, path, dtype="f32", name="tiny-chat")


def test_f32_file_holds_the_shape_tokenizer_and_stop_ids(f32_file, tok):
    model, path, info = f32_file
    meta = read_gguf_metadata(path)
    n = model.config.vocab_size
    im_end = tok.convert_tokens_to_ids("<|im_end|>")
    expect = {"general.architecture": "llama", "general.name": "tiny-chat", "general.file_type": 0,
              "llama.context_length": 512, "llama.embedding_length": 64, "llama.block_count": 2,
              "llama.feed_forward_length": 128, "llama.attention.head_count": 4, "llama.attention.head_count_kv": 2,
              "llama.rope.dimension_count": 16, "llama.vocab_size": n, "tokenizer.ggml.model": "gpt2",
              "tokenizer.ggml.pre": "gpt-2", "tokenizer.ggml.bos_token_id": 1, "tokenizer.ggml.eos_token_id": im_end,
              "tokenizer.ggml.padding_token_id": im_end, "tokenizer.ggml.unknown_token_id": 0,
              "tokenizer.ggml.eot_token_id": im_end, "tokenizer.ggml.add_bos_token": False,
              "tokenizer.chat_template": tok.chat_template}
    assert {k: meta.get(k) for k in expect} == expect
    assert meta["llama.rope.freq_base"] == pytest.approx(50000.0)
    assert len(meta["tokenizer.ggml.tokens"]) == n and meta["tokenizer.ggml.tokens"][-1] == f"[PAD{n - 1}]"
    assert meta["tokenizer.ggml.token_type"][:3] == [3, 3, 3] and meta["tokenizer.ggml.token_type"][-1] == 5
    tensors = meta["__tensors__"]
    assert "output.weight" not in tensors and info["tied_embeddings"]  # tied: readers reuse token_embd
    assert tensors["token_embd.weight"] == ([64, n], "F32")  # GGUF lists the fastest dimension first
    assert tensors["blk.0.attn_k.weight"] == ([64, 32], "F32")
    assert len(tensors) == 2 + 9 * 2  # embedding + output norm + 9 per block


def test_f32_round_trip_is_exact(f32_file, tok):
    model, path, _ = f32_file
    back = load_gguf(path)
    assert back.config.tie_word_embeddings is True
    for key in ("hidden_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "head_dim",
                "intermediate_size", "max_position_embeddings", "vocab_size"):
        assert getattr(back.config, key) == getattr(model.config, key), key
    enc = chat_ids(tok)
    with torch.no_grad():
        torch.testing.assert_close(back(**enc).logits, model(**enc).logits, atol=1e-5, rtol=0)
    assert greedy(back, enc) == greedy(model, enc)


def test_tokenizer_round_trip(f32_file, tok):
    from transformers import AutoTokenizer

    _, path, _ = f32_file
    back = AutoTokenizer.from_pretrained(path.parent, gguf_file=path.name)
    text = tok.apply_chat_template(PROMPT, add_generation_prompt=True, tokenize=False)
    assert back(text)["input_ids"] == tok(text)["input_ids"]
    assert back.chat_template == tok.chat_template
    assert (back.bos_token, back.eos_token, back.pad_token) == ("<|im_start|>", "<|im_end|>", "<|im_end|>")


def test_f16_file_equals_the_f16_rounded_model(tmp_path, tok):
    model = tiny_llama(tok)
    path = tmp_path / "model.gguf"
    write_gguf(model, tok, path, dtype="f16")
    meta = read_gguf_metadata(path)
    assert meta["general.file_type"] == 1
    assert meta["__tensors__"]["blk.0.attn_q.weight"][1] == "F16"
    assert meta["__tensors__"]["blk.0.attn_norm.weight"][1] == "F32"  # norms stay f32
    back = load_gguf(path)
    rounded = tiny_llama(tok)
    with torch.no_grad():
        for p in rounded.parameters():
            if p.ndim > 1:
                p.copy_(p.half().float())
    enc = chat_ids(tok)
    with torch.no_grad():
        got, want, src = back(**enc).logits, rounded(**enc).logits, model(**enc).logits
    torch.testing.assert_close(got, want, atol=1e-5, rtol=0)
    assert greedy(back, enc) == greedy(rounded, enc)
    assert (got - src).abs().max() < 0.05 * src.abs().max()  # and close to the f32 source


def test_untied_output_layer_is_written(tmp_path, tok):
    model = tiny_llama(tok, tie=False, seed=1)
    path = tmp_path / "model.gguf"
    assert not write_gguf(model, tok, path, dtype="f32")["tied_embeddings"]
    back = load_gguf(path)
    assert back.config.tie_word_embeddings is False
    enc = chat_ids(tok)
    with torch.no_grad():
        torch.testing.assert_close(back(**enc).logits, model(**enc).logits, atol=1e-5, rtol=0)


def test_refuses_what_it_cannot_write_and_leaves_no_file(tmp_path, tok):
    from peft import LoraConfig, get_peft_model
    from transformers import GPT2Config, GPT2LMHeadModel

    with pytest.raises(GGUFExportError, match="f16, f32"):
        write_gguf(tiny_llama(tok), tok, tmp_path / "a.gguf", dtype="q4")
    with pytest.raises(GGUFExportError, match="merge it first"):
        write_gguf(get_peft_model(tiny_llama(tok), LoraConfig(r=2, target_modules=["q_proj"])), tok,
                   tmp_path / "b.gguf")
    gpt2 = GPT2LMHeadModel(GPT2Config(n_layer=1, n_embd=32, n_head=2, vocab_size=len(tok)))
    with pytest.raises(GGUFExportError, match="Llama-architecture"):
        write_gguf(gpt2, tok, tmp_path / "c.gguf")
    with pytest.raises(GGUFExportError, match="linear"):
        write_gguf(tiny_llama(tok, rope_scaling={"rope_type": "linear", "factor": 2.0}), tok, tmp_path / "d.gguf")
    small = tiny_llama(tok, vocab_size=100)
    with pytest.raises(GGUFExportError, match="resize the embeddings"):
        write_gguf(small, tok, tmp_path / "e.gguf")
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_modelfile(tmp_path, tok):
    text = modelfile_text(tok)
    assert text.splitlines()[1] == "FROM ./model.gguf"
    assert f'TEMPLATE """{CHATML_OLLAMA_TEMPLATE}"""' in text
    assert 'PARAMETER stop "<|im_end|>"' in text
    assert default_system_prompt(tok) == SYSTEM and f'SYSTEM """{SYSTEM}"""' in text
    custom = modelfile_text(tok, system="Answer politely.", parameters={"temperature": 0.2})
    assert 'SYSTEM """Answer politely."""' in custom and "PARAMETER temperature 0.2" in custom
    info = export_gguf(tiny_llama(tok), tok, tmp_path / "gguf")
    assert sorted(p.name for p in (tmp_path / "gguf").iterdir()) == ["Modelfile", "model.gguf"]
    assert info["modelfile"].endswith("Modelfile")
    plain = chat_tokenizer()
    plain.chat_template = None
    with pytest.raises(GGUFExportError, match="ChatML"):
        modelfile_text(plain)
    info = export_gguf(tiny_llama(plain), plain, tmp_path / "plain")
    assert "modelfile" not in info and "ChatML" in info["modelfile_note"]
