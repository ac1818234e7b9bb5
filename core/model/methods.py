"""Training methods: full fine-tuning, LoRA, QLoRA (bitsandbytes 4/8-bit base + LoRA) and
layer freezing, and the trainable-parameter count each would give."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # heavy imports stay lazy
    pass

from ..config import RunConfig
from .hardware import bitsandbytes_status
from .load import HEAD_NAMES, ModelError, ModelInfo, linear_module_names

# Per-architecture LoRA defaults: the attention projections the LoRA paper adapts.
DEFAULT_TARGETS = {
    "bert": ["query", "value"], "distilbert": ["q_lin", "v_lin"], "roberta": ["query", "value"],
    "deberta-v2": ["query_proj", "value_proj"], "gpt2": ["c_attn"], "llama": ["q_proj", "v_proj"],
    "qwen2": ["q_proj", "v_proj"], "qwen3": ["q_proj", "v_proj"], "mistral": ["q_proj", "v_proj"],
    "phi3": ["qkv_proj"], "gemma": ["q_proj", "v_proj"], "smollm3": ["q_proj", "v_proj"],
}


def default_targets(model_type: str, available: list[str]) -> list[str]:
    wanted = DEFAULT_TARGETS.get(model_type)
    if wanted and all(w in available for w in wanted):
        return list(wanted)
    attn = [n for n in available if re.search(r"q_?proj|query|v_?proj|value|c_attn|qkv", n)]
    return attn or available[:2]


def bnb_config(cfg: RunConfig, is_cls: bool) -> Any:
    why = bitsandbytes_status()
    if why:
        raise ModelError(f"adapter.method qlora is not available: {why}. Use lora instead")
    import torch
    from transformers import BitsAndBytesConfig

    # Newly initialised heads must stay in full precision: they are trained, and a
    # quantized random head cannot learn.
    skip = ["classifier", "score", "pre_classifier", "pooler"] if is_cls else ["lm_head"]
    compute = getattr(torch, cfg.quant.bnb_4bit_compute_dtype)
    if cfg.quant.bits == 4:
        return BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type=cfg.quant.bnb_4bit_quant_type,
                                  bnb_4bit_compute_dtype=compute,
                                  bnb_4bit_use_double_quant=cfg.quant.bnb_4bit_use_double_quant,
                                  llm_int8_skip_modules=skip)
    return BitsAndBytesConfig(load_in_8bit=True, llm_int8_skip_modules=skip)


def apply_method(model: Any, cfg: RunConfig, info: ModelInfo | None = None) -> Any:
    method = cfg.adapter.method
    if method == "full":
        for p in model.parameters():
            p.requires_grad = True
        return model
    if method == "freeze":
        return freeze_all_but_last(model, cfg.adapter.trainable_layers)
    return add_lora(model, cfg, info)


def lora_targets(cfg: RunConfig, available: list[str], model_type: str) -> list[str]:
    targets = list(cfg.adapter.target_modules) or default_targets(model_type, available)
    missing = [t for t in targets if t not in available]
    if missing:
        raise ModelError(f"adapter.target_modules {missing} are not in this model; its linear layers are: "
                         f"{', '.join(available)}")
    if not targets:
        raise ModelError("no linear layers found for LoRA to wrap; use full or freeze")
    return targets


# Modules between the encoder and a classifier's last layer that LoRA trains in full beside
# its adapters (PEFT's SEQ_CLS task adds only "classifier"/"score"). BERT's pooler (dense +
# tanh on [CLS]) feeds the head; in all-MiniLM-L6-v2, trained with mean pooling, its output
# is about 4x smaller than the hidden states and barely depends on the input, so with it
# frozen the head starves and the default run sat at ln 2 for 1.5 of its 3 epochs (and
# ended with "this product is sick" at 50/50). DistilBERT's pre_classifier is new, random
# weights: frozen, it would scramble what the head sees. Both are cheap (148k for MiniLM).
CLS_EXTRA_TRAINED = ("pre_classifier", "pooler")


def lora_extra_trained(model: Any) -> list[str] | None:
    """The modules of CLS_EXTRA_TRAINED this classifier has (trained in full under LoRA)."""
    found = sorted({name.split(".")[-1] for name, _ in model.named_modules()} & set(CLS_EXTRA_TRAINED))
    return found or None


def add_lora(model: Any, cfg: RunConfig, info: ModelInfo | None = None) -> Any:
    from peft import LoraConfig, TaskType, get_peft_model

    available = info.linear_modules if info else linear_module_names(model)
    model_type = info.model_type if info else model.config.model_type
    targets = lora_targets(cfg, available, model_type)
    is_cls = cfg.model.task == "sequence-classification"
    if cfg.adapter.method == "qlora":
        _prepare_kbit(model, cfg)
    lcfg = LoraConfig(
        r=cfg.adapter.r, lora_alpha=cfg.adapter.lora_alpha, lora_dropout=cfg.adapter.lora_dropout,
        bias=cfg.adapter.bias, target_modules=targets,
        modules_to_save=lora_extra_trained(model) if is_cls else None,  # PEFT adds classifier/score
        task_type=TaskType.SEQ_CLS if is_cls else TaskType.CAUSAL_LM,
        fan_in_fan_out=model.config.model_type == "gpt2",  # GPT-2 stores weights as Conv1D (in, out)
    )
    return get_peft_model(model, lcfg)


def _prepare_kbit(model: Any, cfg: RunConfig) -> None:
    from peft import prepare_model_for_kbit_training

    prepare_model_for_kbit_training(model, use_gradient_checkpointing=cfg.train.gradient_checkpointing)
    # On CPU, a Linear4bit repacks its weights for a faster bf16 kernel after an
    # inference forward (eval); the repacked layout breaks the next training step.
    for mod in model.modules():
        if hasattr(mod, "support_avx512bf16_for_cpu"):
            mod.support_avx512bf16_for_cpu = False


def transformer_layers(model: Any) -> Any:
    """The model's stack of transformer blocks (the longest ModuleList)."""
    import torch

    best = None
    for _, mod in model.named_modules():
        if isinstance(mod, torch.nn.ModuleList) and (best is None or len(mod) > len(best)):
            best = mod
    return best


def freeze_all_but_last(model: Any, n: int) -> Any:
    layers = transformer_layers(model)
    if layers is None:
        raise ModelError("this model has no stack of layers to freeze; use full or lora")
    for p in model.parameters():
        p.requires_grad = False
    for layer in list(layers)[len(layers) - n:] if n else []:
        for p in layer.parameters():
            p.requires_grad = True
    for name, mod in model.named_modules():
        if name.split(".")[-1] in HEAD_NAMES or name in ("pooler", "bert.pooler", "transformer.ln_f"):
            for p in mod.parameters():
                p.requires_grad = True
    return model


def preview_trainable(cfg: RunConfig, info: ModelInfo, model: Any) -> tuple[int, int]:
    """Trainable/total parameters ``cfg``'s method would give, computed on the loaded
    (un-adapted) model without changing it: what the Method tab's live line shows."""
    import torch

    total = sum(p.numel() for p in model.parameters())
    method = cfg.adapter.method
    if method == "full":
        return total, total
    if method == "freeze":
        layers = transformer_layers(model)
        keep = list(layers)[len(layers) - cfg.adapter.trainable_layers:] if layers is not None and cfg.adapter.trainable_layers else []
        ids = {id(p) for layer in keep for p in layer.parameters()}
        for name, mod in model.named_modules():
            if name.split(".")[-1] in HEAD_NAMES or name in ("pooler", "bert.pooler", "transformer.ln_f"):
                ids |= {id(p) for p in mod.parameters()}
        trainable = sum(p.numel() for p in model.parameters() if id(p) in ids)
        return trainable, total
    targets = lora_targets(cfg, info.linear_modules, info.model_type)
    r = cfg.adapter.r
    trainable = 0
    for full, mod in model.named_modules():
        leaf = full.split(".")[-1]
        if leaf in targets and not full.startswith(HEAD_NAMES):
            if isinstance(mod, torch.nn.Linear):
                trainable += r * (mod.in_features + mod.out_features)
            elif type(mod).__name__ == "Conv1D":
                fin, fout = mod.weight.shape
                trainable += r * (fin + fout)
            if cfg.adapter.bias == "all" and getattr(mod, "bias", None) is not None:
                trainable += mod.bias.numel()
    if cfg.model.task == "sequence-classification":
        heads = ("classifier", "score", *(lora_extra_trained(model) or ()))
        for name, mod in model.named_modules():  # the first module of each name (PEFT copies each)
            leaf = name.split(".")[-1]
            if leaf in heads:
                trainable += sum(p.numel() for p in mod.parameters())
                heads = tuple(h for h in heads if h != leaf)
    return trainable, total + trainable
