"""Memory estimate arithmetic (the check against measured peak memory lives in bench/)."""

import pytest

from core.config import RunConfig
from core.train.estimate import MemoryEstimate, batch_shape, estimate_memory, layer_bytes_per_token

HW = {"cuda": False, "bf16": False, "fp16": False, "name": "CPU", "memory_bytes": 8 * 2**30}


def test_lora_needs_far_less_than_full():
    full = estimate_memory(RunConfig().replace(adapter={"method": "full"}), 100_000_000, 100_000_000, 768, 12, 12, 128, hw=HW)
    lora = estimate_memory(RunConfig(), 100_300_000, 300_000, 768, 12, 12, 128, hw=HW)
    # full: 400 MB weights + 400 MB grads + 800 MB Adam
    assert full.weights == 400_000_000 and full.gradients == 400_000_000 and full.optimizer == 800_000_000
    assert lora.gradients == 1_200_000 and lora.optimizer == 2_400_000
    static = lambda e: e.weights + e.gradients + e.optimizer  # noqa: E731
    assert static(lora) < 0.3 * static(full)
    assert lora.activations == full.activations  # LoRA still back-propagates through every layer


def test_checkpointing_and_quantization_shrink_their_parts():
    cfg = RunConfig()
    plain = estimate_memory(cfg, 10**8, 10**6, 768, 12, 12, 256, hw=HW)
    ckpt = estimate_memory(cfg.replace(train={"gradient_checkpointing": True}), 10**8, 10**6, 768, 12, 12, 256, hw=HW)
    assert ckpt.activations < plain.activations / 3
    q4 = estimate_memory(cfg.replace(adapter={"method": "qlora"}), 10**8, 10**6, 768, 12, 12, 256, hw=HW)
    assert q4.weights < plain.weights / 6


def test_fits_verdict():
    est = MemoryEstimate(10 * 2**30, 0, 0, 0, 0, 8 * 2**30, "CPU")
    assert not est.fits and "does NOT fit" in est.lines()[1]


def test_batch_shape_follows_the_strategy():
    lengths = list(range(1, 101))  # mean 50.5
    assert batch_shape(RunConfig().replace(data={"padding": "max_length"}), lengths) == (16, 128)
    assert batch_shape(RunConfig(), lengths) == (16, 100)  # grouped: the batch holding the longest example
    assert batch_shape(RunConfig(), list(range(1, 300))) == (16, 128)  # capped at max_length
    # packing: one row, the longest example plus 15 rows of the mean length
    causal = RunConfig().replace(model={"task": "causal-lm"})
    assert batch_shape(causal, lengths) == (1, int(100 + 15 * 50.5))
    assert batch_shape(causal, [40, 60]) == (1, 60 + 50)  # fewer rows than a batch: all of them
    # DPO: chosen + rejected rows of every pair, padded to the longest pair, whatever data.padding says
    dpo = causal.replace(train={"objective": "dpo", "per_device_train_batch_size": 4})
    assert batch_shape(dpo, lengths) == (8, 100)


def test_qlora_quantizes_only_the_body_and_on_cpu_reads_the_full_checkpoint():
    cfg = RunConfig().replace(adapter={"method": "qlora"})
    # 100M base params of which 70M are body linears; the other 30M (embeddings, norms) stay fp32
    q = estimate_memory(cfg, 10**8 + 10**6, 10**6, 768, 12, 12, 128, hw=HW, quantizable_params=7 * 10**7)
    assert q.weights == int(7 * 10**7 * 0.5 * 1.03 + 3 * 10**7 * 4 + 10**6 * 4)
    assert q.checkpoint_read == 4 * 10**8 and "checkpoint read" in q.lines()[0]
    gpu = estimate_memory(cfg, 10**8 + 10**6, 10**6, 768, 12, 12, 128, quantizable_params=7 * 10**7,
                          hw={**HW, "cuda": True, "name": "GPU"})
    assert gpu.checkpoint_read == 0 and gpu.total < q.total


CAUSAL = RunConfig().replace(model={"task": "causal-lm"}, train={"per_device_train_batch_size": 4,
                                                                  "per_device_eval_batch_size": 4})


def _lm(cfg=CAUSAL, seq=128, vocab=10_000, hw=HW, **kw):
    return estimate_memory(cfg, 10**8, 10**6, 768, 12, 12, seq, hw=hw, vocab=vocab, **kw)


def test_logit_tiles_scale_with_tokens_and_vocabulary_up_to_the_fused_heads_tile():
    from core.train.estimate import CPU_HEAD_BACKWARD_TILES, FUSED_HEAD_TOKENS, FUSED_HEAD_VOCAB

    cls = estimate_memory(RunConfig(), 10**8, 10**6, 768, 12, 12, 128, hw=HW, vocab=20_000)
    assert cls.logits == 0  # classification has no LM head
    base = _lm()
    assert base.activations == _lm(vocab=20_000).activations  # the head's tiles are their own part
    # 4 rows x 128 tokens x 10,000 entries, fp32, the CPU backward's 8.25 tile-sized buffers
    assert base.logits == int(4 * CPU_HEAD_BACKWARD_TILES * 4 * 128 * 10_000)
    assert _lm(vocab=20_000).logits == 2 * base.logits
    assert _lm(seq=256).logits == 2 * base.logits
    # a tile holds at most 4,096 tokens x 32,768 entries: the full logits never exist
    huge = _lm(seq=4096, vocab=150_000)
    assert huge.logits == int(4 * CPU_HEAD_BACKWARD_TILES * FUSED_HEAD_TOKENS * FUSED_HEAD_VOCAB)
    assert huge.logits < 4 * 4096 * 150_000 * 4 / 2  # under half of one fp32 copy of the full logits
    # a larger evaluation batch's forward pass (4.25 tiles) can set the peak instead
    wide_eval = _lm(cfg=CAUSAL.replace(train={"per_device_eval_batch_size": 16}))
    assert wide_eval.logits > base.logits
    # full fine-tuning adds the head's fp32 weight gradient the fused backward accumulates
    full = _lm(cfg=CAUSAL.replace(adapter={"method": "full"}))
    assert full.logits - base.logits == 10_000 * 768 * 4
    # CUDA (Triton): one tile buffer per pass, folded in place
    gpu = _lm(hw={**HW, "cuda": True, "name": "GPU"})
    assert gpu.logits == 4 * 128 * 10_000 * 4 * 2 and "LM-head logit tiles" in base.lines()[0]


def test_dpo_doubles_the_rows_of_an_sft_batch():
    sft = _lm(cfg=CAUSAL.replace(adapter={"method": "lora"}))
    dpo = _lm(cfg=CAUSAL.replace(train={"objective": "dpo"}))
    # chosen and rejected of 4 pairs = 8 rows of the same length: stored activations and logit
    # tiles double, the weights and the optimizer do not (the reference is the adapter switched off)
    assert dpo.activations == pytest.approx(2 * sft.activations, abs=2)
    assert dpo.logits == pytest.approx(2 * sft.logits, abs=2)
    assert (dpo.weights, dpo.optimizer) == (sft.weights, sft.optimizer)
    assert dpo.total - sft.total == pytest.approx(sft.activations + sft.logits, abs=4)


def test_gated_layer_count_matches_what_autograd_saves():
    """The per-token count for a Llama-style layer against the tensors autograd really keeps:
    a 3-layer and a 2-layer random Llama (GQA: 4 heads, 2 key/value heads) on one packed row;
    the difference is one layer's saved tensors."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    def saved_bytes(layers: int, n: int) -> int:
        torch.manual_seed(0)
        cfg = LlamaConfig(hidden_size=64, intermediate_size=176, num_attention_heads=4, num_key_value_heads=2,
                          num_hidden_layers=layers, vocab_size=128, attn_implementation="sdpa")
        model = LlamaForCausalLM(cfg).train()
        params = {p.untyped_storage().data_ptr() for p in model.parameters()}
        seen: dict[int, int] = {}

        def pack(t):
            st = t.untyped_storage()
            if st.data_ptr() not in params:
                seen[st.data_ptr()] = st.nbytes()
            return t

        ids = torch.randint(0, 128, (1, n))
        pos = torch.cat([torch.arange(n // 2)] * 2)[None]  # two packed rows, padding-free
        with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
            model(input_ids=ids, position_ids=pos, labels=ids)
        return sum(seen.values())

    n = 96
    one_layer = saved_bytes(3, n) - saved_bytes(2, n)
    counted = n * layer_bytes_per_token(64, 4, n, mlp_width=176, head_dim=16, act_bytes=4)
    assert counted == pytest.approx(one_layer, rel=0.05), (counted, one_layer)
    # the GPT/BERT formula would miss the gated MLP's four wide tensors
    assert n * layer_bytes_per_token(64, 4, n, act_bytes=4) != pytest.approx(one_layer, rel=0.05)


def test_freezing_keeps_activations_only_for_the_trainable_layers():
    full = estimate_memory(RunConfig().replace(adapter={"method": "full"}), 10**8, 10**8, 768, 12, 12, 128, hw=HW)
    two = estimate_memory(RunConfig().replace(adapter={"method": "freeze", "trainable_layers": 2}),
                          10**8, 2 * 10**7, 768, 12, 12, 128, hw=HW)
    assert abs(two.activations * 6 - full.activations) <= 6  # 2 of 12 layers (int rounding)
    head_only = estimate_memory(RunConfig().replace(adapter={"method": "freeze", "trainable_layers": 0}),
                                10**8, 10**4, 768, 12, 12, 128, hw=HW)
    assert head_only.activations == 0


def test_dpo_estimate_reads_pair_lengths_and_pads_to_the_longest_pair(tmp_path, smollm2_tokenizer):
    """A DPO run's lengths are its pairs' longer sides (the CLI estimate used to tokenize them
    as SFT rows and fail), and its batch is 2 x batch rows of the longest pair's length."""
    import json

    from core.data.prepare import prepare
    from core.train.estimate import example_lengths

    rows = [{"prompt": f"Tell me about {t}.", "chosen": f"I love {t}, and here is why: " + "so much " * k,
             "rejected": f"No {t}."} for k, t in enumerate(["cats", "tea", "rain", "maps", "jazz", "bread"])]
    path = tmp_path / "pairs.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    cfg = RunConfig().replace(model={"task": "causal-lm"}, data={"path": str(path), "test_size": 0.25},
                              train={"objective": "dpo", "per_device_train_batch_size": 2})
    prepared = prepare(cfg, smollm2_tokenizer)
    lengths = example_lengths(cfg, smollm2_tokenizer, prepared)
    # the chosen side is the longer one, by "so much " x k: lengths follow k, and hold the prompt,
    # the answer and the chat template around them
    ks = [next(k for k, r in enumerate(rows) if r["prompt"] == row["prompt"][0]["content"]) for row in prepared.train]
    order = sorted(range(len(ks)), key=ks.__getitem__)
    assert [lengths[i] for i in order] == sorted(lengths) and len(set(lengths)) == len(lengths)
    for i, row in enumerate(prepared.train):
        answer = row["chosen"][0]["content"]
        assert lengths[i] > len(smollm2_tokenizer(row["prompt"][0]["content"] + answer)["input_ids"])
    assert batch_shape(cfg, lengths) == (4, max(lengths))
