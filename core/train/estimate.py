"""Memory and time estimates before training.

Peak memory = weights + gradients + optimizer state + activations + LM-head logit tiles +
runtime overhead:

* weights: every parameter at its storage width (fp32 4 bytes, fp16/bf16 2, 8-bit 1,
  4-bit 0.5 plus ~3 % for quantization constants). QLoRA quantizes only the linear layers
  of the body: embeddings, norms and the head keep the checkpoint's width. On CPU the
  checkpoint is read through a memory map that stays resident while QLoRA quantizes it,
  so the full-width checkpoint counts as well (measured: without it the estimate was
  0.55x the peak);
* gradients: one fp32 value per *trainable* parameter;
* optimizer (AdamW): two fp32 moments per trainable parameter (8 bytes);
* activations: what autograd keeps for the backward pass, per layer and token of the
  largest training batch (:func:`batch_shape`), x 1.3 for what the backward pass and the
  allocator hold on top (BACKWARD_SLACK, measured). A Llama-style layer (gated MLP:
  SmolLM2, Qwen, Mistral) keeps, counted tensor by tensor with autograd's saved-tensor
  hooks on SmolLM2: 5 hidden-wide tensors (the layer's input, both norms' outputs, the
  attention output and the residual between), q and the repeated k and v at full head
  width (3 x heads x head_dim), 4 MLP-wide ones (gate, up, SiLU(gate), their product) and
  one row of the attention mask (the row length) -> (5h + 3 heads x head_dim + 4i + row)
  values per token. Other layers (GPT-2, BERT) use Korthikanti et al. (2022):
  tokens x hidden x (34 + 5 x heads x row / hidden) x bytes/2. With gradient checkpointing
  only each layer's input is kept (2 x tokens x hidden x bytes) plus one layer's full
  activations; with layer freezing only the trainable layers count. Not counted: LoRA
  dropout's copy of each adapted input (lora_dropout > 0; the chat presets use 0);
* logits: a causal LM trains through TRL's fused LM head (trl.kernels.chunked_logprob),
  which never holds the full (tokens x vocabulary) logits: it projects tiles of at most
  4,096 tokens x 32,768 vocabulary entries. With Triton (CUDA) one tile buffer is folded in
  place forward and backward (2 tiles). Without it (CPU) the tile is folded with torch ops
  in fp32 that hold several tile-sized temporaries at once, counted in the code and
  measured alone (N = 256..2,048 tokens, vocabulary 49,152): the forward 4.25 tiles
  (tile, logits, logits - max, exp), the backward 8.25 (tile, scaled, logits, log p, p,
  gradient, one-hot, its difference with p, and the product). The largest of the backward
  for a training batch and the forward for an evaluation batch (per_device_eval_batch_size
  rows; on CPU it runs in the heap the training's activations left) counts. Full fine-tuning
  adds the head's fp32 weight gradient the backward accumulates (vocabulary x hidden x 4).
  TRL's logged entropy and token accuracy are folded into the same tiles (about a quarter
  tile in the forward);
* DPO (train.objective dpo): the chosen and the rejected answer of every pair go through
  the model as one batch of 2 x batch rows, padded to the longest (TRL's preference
  collator), so activations and logits double. The reference pass (the adapter switched
  off) runs without gradients: it stores nothing, and its head tiles (a forward) are fewer
  than the backward's;
* overhead: the CUDA context (~500 MB) on GPU, the Python/PyTorch runtime (~600 MB RSS) on CPU.

Example: MiniLM (22.7M params, fp32) with LoRA (74k trainable): weights 91 MB, gradients and
optimizer 0.9 MB, activations for 16 x 64 tokens ~ 6 layers x 1024 x 384 x (34 + 5 x 12 x 64 / 384)
x 2 bytes x 1.3 ~ 270 MB, plus the runtime. SmolLM2-135M (h 576, i 1,536, 9 heads of 64, 30
layers) on a packed batch of 537 tokens: (2,880 + 1,728 + 6,144 + 537) x 4 bytes x 30 layers
x 537 x 1.3 ~ 945 MB of activations, and 8.25 x 537 x 32,768 x 4 bytes ~ 570 MB of logit tiles.

Time per epoch comes from a few timed steps of the real job (:func:`time_per_epoch`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ..config import RunConfig
from ..model.methods import HEAD_NAMES

CPU_RUNTIME_BYTES = 600 * 2**20


GPU_CONTEXT_BYTES = 500 * 2**20


# TRL's fused, chunked LM head (trl.kernels.chunked_logprob): tiles of at most TOKEN_CHUNK_SIZE
# tokens x the vocabulary chunk trl.trainer.utils passes (32,768).
FUSED_HEAD_TOKENS = 4096
FUSED_HEAD_VOCAB = 32768
# Tile-sized buffers alive at once. Triton (CUDA): the kernels fold one buffer in place, one in
# the forward pass and one in the backward. CPU: _forward_tile / _backward_tile in torch, fp32
# (see the module docstring for the tensors counted; measured alone 4.3 and 8.27).
FUSED_HEAD_BUFFERS = 2
CPU_HEAD_FORWARD_TILES = 4.25
CPU_HEAD_BACKWARD_TILES = 8.25


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
    logits: int = 0           # causal LM: the fused LM head's logit tiles at their largest

    @property
    def total(self) -> int:
        return (self.weights + self.gradients + self.optimizer + self.activations + self.logits + self.overhead
                + self.checkpoint_read)

    @property
    def fits(self) -> bool:
        return self.total <= 0.9 * self.device_bytes

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "total": self.total, "fits": self.fits}

    def lines(self) -> list[str]:
        mb = lambda b: f"{b / 2**20:,.0f} MB"  # noqa: E731
        verdict = "fits" if self.fits else "does NOT fit"
        head = f" · LM-head logit tiles {mb(self.logits)}" if self.logits else ""
        read = f" · checkpoint read for quantizing {mb(self.checkpoint_read)}" if self.checkpoint_read else ""
        return [f"weights {mb(self.weights)} · gradients {mb(self.gradients)} · optimizer {mb(self.optimizer)} · "
                f"activations {mb(self.activations)}{head} · runtime {mb(self.overhead)}{read}",
                f"estimated peak {mb(self.total)} of {mb(self.device_bytes)} on {self.device_name}: {verdict}"]


def _bytes_per_param(cfg: RunConfig, checkpoint_dtype: str) -> float:
    dtype = cfg.model.dtype if cfg.model.dtype != "auto" else checkpoint_dtype
    return 2.0 if dtype in ("float16", "bfloat16") else 4.0


def is_dpo(cfg: RunConfig) -> bool:
    return cfg.model.task == "causal-lm" and cfg.train.objective == "dpo"


def train_rows(cfg: RunConfig) -> int:
    """Rows per training batch: DPO feeds every pair's chosen and rejected answer (2 x batch)."""
    return cfg.train.per_device_train_batch_size * (2 if is_dpo(cfg) else 1)


def layer_bytes_per_token(hidden: int, heads: int, row: int, mlp_width: int = 0, head_dim: int = 0,
                           act_bytes: int = 4) -> float:
    """Bytes one layer keeps for the backward pass per token (see the module docstring).
    ``mlp_width`` > 0: a gated (Llama-style) MLP of that width, counted tensor by tensor;
    0: Korthikanti et al.'s formula for a GPT/BERT layer. ``row``: the attention row length
    (a packed batch is one row of all its tokens)."""
    if mlp_width:
        attn = 3 * heads * (head_dim or hidden // max(heads, 1))
        return (5 * hidden + attn + 4 * mlp_width + row) * act_bytes
    return hidden * (34 + 5 * heads * row / max(hidden, 1)) * act_bytes / 2


def logit_tiles(tokens: int, eval_tokens: int, vocab: int, cuda: bool, act_bytes: int) -> int:
    """The fused LM head's tile buffers at their largest: a training batch's backward pass or
    an evaluation batch's forward pass (module docstring)."""
    cols = min(vocab, FUSED_HEAD_VOCAB)
    tile = lambda n: min(n, FUSED_HEAD_TOKENS) * cols  # noqa: E731
    if cuda:  # Triton folds one buffer in place per pass, in the compute dtype
        return int(tile(tokens) * act_bytes * FUSED_HEAD_BUFFERS)
    return int(4 * max(CPU_HEAD_BACKWARD_TILES * tile(tokens), CPU_HEAD_FORWARD_TILES * tile(eval_tokens)))


def estimate_memory(cfg: RunConfig, total_params: int, trainable_params: int, hidden: int, layers: int,
                    heads: int, seq_len: int, checkpoint_dtype: str = "float32",
                    hw: dict[str, Any] | None = None, quantizable_params: int | None = None,
                    vocab: int = 0, rows: int | None = None, mlp_width: int = 0,
                    head_dim: int = 0) -> MemoryEstimate:
    """Peak memory of a run whose largest training batch is ``rows`` x ``seq_len`` tokens
    (default: :func:`train_rows` rows; a packed batch is 1 row). ``quantizable_params``: the
    body's linear weights QLoRA would quantize (default: every base parameter); ``vocab``: the
    LM head's width (causal LM); ``mlp_width``: a gated MLP's width (0: GPT/BERT layers)."""
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
    rows = train_rows(cfg) if rows is None else rows
    tokens = rows * seq_len
    per_layer = BACKWARD_SLACK * tokens * layer_bytes_per_token(hidden, heads, seq_len, mlp_width, head_dim,
                                                                 act_bytes)
    # Backward runs only down to the lowest trainable layer: with layer freezing the frozen
    # layers below keep no activations (full and LoRA train something in every layer).
    stored = min(layers, cfg.adapter.trainable_layers) if cfg.adapter.method == "freeze" else layers
    if stored == 0:
        activations = 0
    elif cfg.train.gradient_checkpointing:
        activations = int(stored * 2 * tokens * hidden * act_bytes + per_layer)
    else:
        activations = int(stored * per_layer)
    logits = 0
    if cfg.model.task == "causal-lm" and vocab:
        # An evaluation batch has per_device_eval_batch_size rows (x 2 for DPO) of the same length.
        eval_tokens = tokens * cfg.train.per_device_eval_batch_size // cfg.train.per_device_train_batch_size
        logits = logit_tiles(tokens, eval_tokens, vocab, hw["cuda"], act_bytes)
        if cfg.adapter.method == "full":
            logits += vocab * hidden * 4  # the head's weight gradient, accumulated in fp32 by the backward
    overhead = GPU_CONTEXT_BYTES if hw["cuda"] else CPU_RUNTIME_BYTES
    return MemoryEstimate(weights, gradients, optimizer, activations, overhead, int(hw["memory_bytes"]), hw["name"],
                          checkpoint_read, logits)


def batch_shape(cfg: RunConfig, lengths: list[int]) -> tuple[int, int]:
    """(rows, row length) of the largest training batch under the config's padding strategy:
    max_length pads every row to it; dynamic or grouped padding pads the batch holding the
    longest example to that example (group_by_length even runs it first); packing flattens a
    batch into one row, and the batch holding the longest example has it plus batch - 1 rows of
    the mean length. DPO pads its 2 x batch rows (chosen and rejected) to the longest pair."""
    from ..data.tokenize import effective_padding

    n = cfg.data.max_length
    rows = train_rows(cfg)
    if not lengths:
        return rows, n
    s = sorted(min(x, n) for x in lengths)
    if is_dpo(cfg):  # TRL's preference collator pads dynamically whatever data.padding says
        return rows, s[-1]
    strategy = effective_padding(cfg)
    if strategy == "max_length":
        return rows, n
    if strategy == "packing":
        b = min(rows, len(s))
        return 1, max(1, int(s[-1] + (b - 1) * sum(s) / len(s)))
    return rows, s[-1]


def estimate_for(cfg: RunConfig, model: Any, trainable: int, total: int, lengths: list[int]) -> MemoryEstimate:
    """Estimate from a loaded model (un-adapted, or already adapted/quantized by the job)
    and the training lengths."""
    c = model.config
    hidden = getattr(c, "hidden_size", None) or getattr(c, "n_embd", 768)
    layers = getattr(c, "num_hidden_layers", None) or getattr(c, "n_layer", 12)
    heads = getattr(c, "num_attention_heads", None) or getattr(c, "n_head", 12)
    dtype = str(next(model.parameters()).dtype).replace("torch.", "")
    vocab = getattr(c, "vocab_size", 0) or 0
    gated = any(name.endswith(("gate_proj", "gate_up_proj")) for name, _ in model.named_modules())
    mlp_width = (getattr(c, "intermediate_size", 0) or 0) if gated else 0
    rows, row = batch_shape(cfg, lengths)
    return estimate_memory(cfg, total, trainable, hidden, layers, heads, row, dtype,
                           quantizable_params=quantizable_params(model), vocab=vocab, rows=rows,
                           mlp_width=mlp_width, head_dim=getattr(c, "head_dim", 0) or 0)


def _linear_size(mod: Any) -> int | None:
    """Weights of a linear layer counted unpacked (a 4-bit layer stores two per byte)."""
    import torch

    if isinstance(mod, torch.nn.Linear):  # bitsandbytes' Linear4bit/8bitLt are nn.Linear too
        return mod.in_features * mod.out_features
    if type(mod).__name__ == "Conv1D":
        return mod.weight.numel()
    return None


def example_lengths(cfg: RunConfig, tokenizer: Any, prepared: Any) -> list[int]:
    """Untruncated token lengths of the training examples as the trainer batches them: a DPO
    pair's longer side (core.data.pairs.pair_lengths), else as core.data.tokenize.train_lengths
    counts them (which reads pairs the same way)."""
    from ..data.tokenize import train_lengths

    if is_dpo(cfg) and (prepared.detected is None or prepared.detected.format != "preference"):
        from ..data.sources import DataError

        raise DataError("train.objective dpo needs preference pairs (prompt, chosen, rejected)")

    return train_lengths(prepared, tokenizer, cfg)


def estimate_config(cfg: RunConfig) -> MemoryEstimate:
    """The estimate for a config on its own: loads the tokenizer, the data and the
    un-adapted model (what ``python -m core estimate`` prints)."""
    from ..data.prepare import prepare
    from ..model.load import load_base_model, load_tokenizer
    from ..model.methods import preview_trainable

    tok = load_tokenizer(cfg)
    prepared = prepare(cfg, tok)
    lengths = example_lengths(cfg, tok, prepared)
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
