"""Memory and time estimates before training.

Peak memory = weights + gradients + optimizer state + activations + runtime overhead:

* weights: every parameter at its storage width (fp32 4 bytes, fp16/bf16 2, 8-bit 1,
  4-bit 0.5 plus ~3 % for quantization constants). QLoRA quantizes only the linear layers
  of the body: embeddings, norms and the head keep the checkpoint's width. On CPU the
  checkpoint is read through a memory map that stays resident while QLoRA quantizes it,
  so the full-width checkpoint counts as well (measured: without it the estimate was
  0.55x the peak);
* gradients: one fp32 value per *trainable* parameter;
* optimizer (AdamW): two fp32 moments per trainable parameter (8 bytes);
* activations per layer ~ tokens x hidden x (34 + 5 x heads x seq / hidden) x bytes/2
  (Korthikanti et al., 2022; the formula is for 16-bit, fp32 doubles it); with gradient
  checkpointing only each layer's input is kept (2 x tokens x hidden x bytes) plus one
  layer's full activations; with layer freezing only the trainable layers count; all x 1.3 for what the backward pass and the allocator hold on
  top (BACKWARD_SLACK, measured). Tokens = batch x the padded sequence length the chosen
  padding strategy produces for the peak batch: max_length when padding to max_length;
  with dynamic or grouped padding the longest example (capped at max_length), because the
  batch that holds it is padded to it (group_by_length even runs that batch first); with
  packing one row of batch x the mean length. A causal LM trains through TRL's fused LM head,
  which never holds the full (tokens x vocabulary) logits: it projects tiles of at most 4,096
  tokens x 32,768 vocabulary entries, one buffer forward and one backward (FUSED_HEAD_*);
* overhead: the CUDA context (~500 MB) on GPU, the Python/PyTorch runtime (~600 MB RSS) on CPU.

Example: MiniLM (22.7M params, fp32) with LoRA (74k trainable): weights 91 MB, gradients and
optimizer 0.9 MB, activations for 16 x 64 tokens ~ 6 layers x 1024 x 384 x (34 + 5 x 12 x 64 / 384)
x 2 bytes ~ 210 MB, plus the runtime.

Time per epoch comes from a few timed steps of the real job (:func:`time_per_epoch`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ..config import RunConfig
from ..model.methods import HEAD_NAMES

CPU_RUNTIME_BYTES = 600 * 2**20


GPU_CONTEXT_BYTES = 500 * 2**20


# TRL's fused, chunked LM head (trl.kernels.chunked_logprob): tiles of tokens x vocabulary,
# fp32, one buffer in the forward pass and one in the backward pass.
FUSED_HEAD_TOKENS = 4096
FUSED_HEAD_VOCAB = 32768
FUSED_HEAD_BUFFERS = 2


# The activation formula counts what must be stored for the backward pass; the backward pass
# itself holds a layer's activation gradients and the allocator keeps freed blocks. Measured
# peaks (bench memory on the GPT-2-shaped model; MiniLM presets by hand) sat ~30 % above it.
BACKWARD_SLACK = 1.3


@dataclass
class MemoryEstimate:
    weights: int
    gradients: int
    optimizer: int
    activations: int
    overhead: int
    device_bytes: int
    device_name: str
    checkpoint_read: int = 0  # QLoRA on CPU: the memory-mapped full-width checkpoint

    @property
    def total(self) -> int:
        return (self.weights + self.gradients + self.optimizer + self.activations + self.overhead
                + self.checkpoint_read)

    @property
    def fits(self) -> bool:
        return self.total <= 0.9 * self.device_bytes

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "total": self.total, "fits": self.fits}

    def lines(self) -> list[str]:
        mb = lambda b: f"{b / 2**20:,.0f} MB"  # noqa: E731
        verdict = "fits" if self.fits else "does NOT fit"
        read = f" · checkpoint read for quantizing {mb(self.checkpoint_read)}" if self.checkpoint_read else ""
        return [f"weights {mb(self.weights)} · gradients {mb(self.gradients)} · optimizer {mb(self.optimizer)} · "
                f"activations {mb(self.activations)} · runtime {mb(self.overhead)}{read}",
                f"estimated peak {mb(self.total)} of {mb(self.device_bytes)} on {self.device_name}: {verdict}"]


def _bytes_per_param(cfg: RunConfig, checkpoint_dtype: str) -> float:
    dtype = cfg.model.dtype if cfg.model.dtype != "auto" else checkpoint_dtype
    return 2.0 if dtype in ("float16", "bfloat16") else 4.0


def estimate_memory(cfg: RunConfig, total_params: int, trainable_params: int, hidden: int, layers: int,
                    heads: int, seq_len: int, checkpoint_dtype: str = "float32",
                    hw: dict[str, Any] | None = None, quantizable_params: int | None = None,
                    vocab: int = 0) -> MemoryEstimate:
    """Peak memory of a run. ``quantizable_params``: the body's linear weights QLoRA would
    quantize (default: every base parameter); ``vocab``: the LM head's width (causal LM)."""
    from ..model.hardware import hardware, resolve_precision

    hw = hw or hardware()
    adapters = cfg.adapter.method in ("lora", "qlora")
    base_params = total_params - trainable_params if adapters else total_params
    width = _bytes_per_param(cfg, checkpoint_dtype)
    checkpoint_read = 0
    if cfg.adapter.method == "qlora":
        quantized = min(base_params, base_params if quantizable_params is None else quantizable_params)
        qbytes = 0.5 * 1.03 if cfg.quant.bits == 4 else 1.0
        base_bytes = quantized * qbytes + (base_params - quantized) * width
        if not hw["cuda"]:
            checkpoint_read = int(base_params * width)
    else:
        base_bytes = base_params * width
    weights = int(base_bytes + (trainable_params * 4 if adapters else 0))
    gradients = trainable_params * 4
    optimizer = trainable_params * 8
    try:
        precision = resolve_precision(cfg.train.precision, hw)
    except ValueError:
        precision = "fp32"
    act_bytes = 2 if precision in ("fp16", "bf16") else 4
    tokens = cfg.train.per_device_train_batch_size * seq_len
    per_layer = (BACKWARD_SLACK * tokens * hidden * (34 + 5 * heads * seq_len / max(hidden, 1))
                 * act_bytes / 2)
    # Backward runs only down to the lowest trainable layer: with layer freezing the frozen
    # layers below keep no activations (full and LoRA train something in every layer).
    stored = min(layers, cfg.adapter.trainable_layers) if cfg.adapter.method == "freeze" else layers
    if stored == 0:
        activations = 0
    elif cfg.train.gradient_checkpointing:
        activations = int(stored * 2 * tokens * hidden * act_bytes + per_layer)
    else:
        activations = int(stored * per_layer)
    if cfg.model.task == "causal-lm" and vocab:
        activations += int(min(tokens, FUSED_HEAD_TOKENS) * min(vocab, FUSED_HEAD_VOCAB) * 4 * FUSED_HEAD_BUFFERS)
    overhead = GPU_CONTEXT_BYTES if hw["cuda"] else CPU_RUNTIME_BYTES
    return MemoryEstimate(weights, gradients, optimizer, activations, overhead, int(hw["memory_bytes"]), hw["name"],
                          checkpoint_read)


def padded_length(cfg: RunConfig, lengths: list[int]) -> int:
    """The sequence length the largest batch is padded to under the config's strategy."""
    from ..data.tokenize import effective_padding

    if effective_padding(cfg) == "max_length" or not lengths:
        return cfg.data.max_length
    s = sorted(min(x, cfg.data.max_length) for x in lengths)
    if effective_padding(cfg) == "packing":
        return max(1, int(sum(s) / len(s)))  # one packed row of batch x mean tokens
    return s[-1]


def estimate_for(cfg: RunConfig, model: Any, trainable: int, total: int, lengths: list[int]) -> MemoryEstimate:
    """Estimate from a loaded model (un-adapted, or already adapted/quantized by the job)
    and the training lengths."""
    c = model.config
    hidden = getattr(c, "hidden_size", None) or getattr(c, "n_embd", 768)
    layers = getattr(c, "num_hidden_layers", None) or getattr(c, "n_layer", 12)
    heads = getattr(c, "num_attention_heads", None) or getattr(c, "n_head", 12)
    dtype = str(next(model.parameters()).dtype).replace("torch.", "")
    vocab = getattr(c, "vocab_size", 0) or 0
    return estimate_memory(cfg, total, trainable, hidden, layers, heads, padded_length(cfg, lengths), dtype,
                           quantizable_params=quantizable_params(model), vocab=vocab)


def _linear_size(mod: Any) -> int | None:
    """Weights of a linear layer counted unpacked (a 4-bit layer stores two per byte)."""
    import torch

    if isinstance(mod, torch.nn.Linear):  # bitsandbytes' Linear4bit/8bitLt are nn.Linear too
        return mod.in_features * mod.out_features
    if type(mod).__name__ == "Conv1D":
        return mod.weight.numel()
    return None


def estimate_config(cfg: RunConfig) -> MemoryEstimate:
    """The estimate for a config on its own: loads the tokenizer, the data and the
    un-adapted model (what ``python -m core estimate`` prints)."""
    from ..data.prepare import prepare
    from ..data.tokenize import train_lengths
    from ..model.load import load_base_model, load_tokenizer
    from ..model.methods import preview_trainable

    tok = load_tokenizer(cfg)
    prepared = prepare(cfg, tok)
    lengths = train_lengths(prepared, tok, cfg)
    model, info = load_base_model(cfg, prepared.label_names, tok)
    trainable, total = preview_trainable(cfg, info, model)
    return estimate_for(cfg, model, trainable, total, lengths)


def quantizable_params(model: Any) -> int:
    """Weights of the linear layers bitsandbytes would quantize: every nn.Linear / GPT-2
    Conv1D outside the heads (core.bnb_config keeps those in full width) and outside
    LoRA's own adapter matrices."""

    n = 0
    for name, mod in model.named_modules():
        parts = name.split(".")
        if any(part in HEAD_NAMES or part == "pooler" or part.startswith("lora_") for part in parts):
            continue
        n += _linear_size(mod) or 0
    return n
