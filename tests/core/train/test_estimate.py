"""Memory estimate arithmetic (the check against measured peak memory lives in bench/)."""

from core.config import RunConfig
from core.train.estimate import MemoryEstimate, estimate_memory, padded_length

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


def test_padded_length_follows_the_strategy():
    lengths = list(range(1, 101))
    assert padded_length(RunConfig().replace(data={"padding": "max_length"}), lengths) == 128
    assert padded_length(RunConfig(), lengths) == 100  # the batch holding the longest example
    assert padded_length(RunConfig(), list(range(1, 300))) == 128  # capped at max_length


def test_qlora_quantizes_only_the_body_and_on_cpu_reads_the_full_checkpoint():
    cfg = RunConfig().replace(adapter={"method": "qlora"})
    # 100M base params of which 70M are body linears; the other 30M (embeddings, norms) stay fp32
    q = estimate_memory(cfg, 10**8 + 10**6, 10**6, 768, 12, 12, 128, hw=HW, quantizable_params=7 * 10**7)
    assert q.weights == int(7 * 10**7 * 0.5 * 1.03 + 3 * 10**7 * 4 + 10**6 * 4)
    assert q.checkpoint_read == 4 * 10**8 and "checkpoint read" in q.lines()[0]
    gpu = estimate_memory(cfg, 10**8 + 10**6, 10**6, 768, 12, 12, 128, quantizable_params=7 * 10**7,
                          hw={**HW, "cuda": True, "name": "GPU"})
    assert gpu.checkpoint_read == 0 and gpu.total < q.total


def test_causal_lm_counts_only_the_fused_heads_tiles_not_full_logits():
    from core.train.estimate import FUSED_HEAD_BUFFERS, FUSED_HEAD_TOKENS, FUSED_HEAD_VOCAB

    cls = estimate_memory(RunConfig(), 10**8, 10**6, 768, 12, 12, 128, hw=HW, vocab=50_000)
    lm = estimate_memory(RunConfig().replace(model={"task": "causal-lm"}), 10**8, 10**6, 768, 12, 12, 128,
                         hw=HW, vocab=50_000)
    tokens = RunConfig().train.per_device_train_batch_size * 128  # 2,048 tokens: one tile of them
    tile = tokens * FUSED_HEAD_VOCAB * 4 * FUSED_HEAD_BUFFERS
    assert lm.activations - cls.activations == tile < tokens * 50_000 * 4 * 6  # the plain loss holds ~6 copies
    big = estimate_memory(RunConfig().replace(model={"task": "causal-lm"}, train={"per_device_train_batch_size": 64}),
                          10**8, 10**6, 768, 12, 12, 128, hw=HW, vocab=50_000)
    small = estimate_memory(RunConfig().replace(train={"per_device_train_batch_size": 64}), 10**8, 10**6, 768, 12,
                            12, 128, hw=HW, vocab=50_000)
    assert big.activations - small.activations == FUSED_HEAD_TOKENS * FUSED_HEAD_VOCAB * 4 * FUSED_HEAD_BUFFERS


def test_freezing_keeps_activations_only_for_the_trainable_layers():
    full = estimate_memory(RunConfig().replace(adapter={"method": "full"}), 10**8, 10**8, 768, 12, 12, 128, hw=HW)
    two = estimate_memory(RunConfig().replace(adapter={"method": "freeze", "trainable_layers": 2}),
                          10**8, 2 * 10**7, 768, 12, 12, 128, hw=HW)
    assert abs(two.activations * 6 - full.activations) <= 6  # 2 of 12 layers (int rounding)
    head_only = estimate_memory(RunConfig().replace(adapter={"method": "freeze", "trainable_layers": 0}),
                                10**8, 10**4, 768, 12, 12, 128, hw=HW)
    assert head_only.activations == 0
