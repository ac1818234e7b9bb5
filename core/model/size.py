"""A model's size without its weights: what Start needs to know before a run folder exists.

The model is built from its config on PyTorch's ``meta`` device (``with torch.device(
"meta")``, which holds for the calling thread only): every parameter has a shape and no storage, so counting a 7B model
costs a fraction of a second and no memory. That gives the parameter count the shared
mode's ``max_params`` limit checks, the trainable count the method would give, and the
shape facts the memory estimate needs. A model name that does not resolve (a folder that
is not there, a Hub id while offline, a starter that does not exist) fails here, with the
message loading it would give.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from ..config import RunConfig


@dataclass(frozen=True)
class ModelSize:
    total_params: int      # the base model's
    trainable_params: int  # under the config's method (LoRA: adapters + head)
    method_params: int     # total once the method is applied (LoRA adds its adapters)
    model: Any             # the meta-device model (no weights): shapes for the estimate


def model_size(cfg: RunConfig, num_labels: int = 2) -> ModelSize:
    """Parameter counts for ``cfg``'s model and method, from a weightless instance."""
    from .load import ModelInfo, linear_module_names
    from .methods import preview_trainable

    m = cfg.model
    model, model_type = _meta_model(m.name_or_path.strip(), m.task, max(num_labels, 1), m.revision,
                                    m.trust_remote_code, m.dtype)
    total = sum(p.numel() for p in model.parameters())
    info = ModelInfo(source=m.name_or_path, architecture=type(model).__name__, model_type=model_type, task=m.task,
                     total_params=total, trainable_params=0, dtype="", max_positions=None,
                     linear_modules=linear_module_names(model), method=cfg.adapter.method)
    trainable, total_with_adapters = preview_trainable(cfg, info, model)
    return ModelSize(total_params=total, trainable_params=trainable, method_params=total_with_adapters,
                     model=model)


@functools.lru_cache(maxsize=16)
def _meta_model(name: str, task: str, num_labels: int, revision: str, trust_remote_code: bool,
                dtype: str) -> tuple[Any, str]:
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForSequenceClassification

    from .load import ModelError, _load_error, resolve_source

    source = resolve_source(name)
    try:
        hf_config = AutoConfig.from_pretrained(source, trust_remote_code=trust_remote_code,
                                               revision=revision or None)
    except Exception as exc:
        raise ModelError(_load_error("config", name, exc)) from None
    is_cls = task == "sequence-classification"
    if is_cls:
        hf_config.num_labels = num_labels
    auto = AutoModelForSequenceClassification if is_cls else AutoModelForCausalLM
    width = {"float16": torch.float16, "bfloat16": torch.bfloat16, "float32": torch.float32}.get(
        dtype if dtype != "auto" else str(getattr(hf_config, "dtype", None) or "float32").replace("torch.", ""),
        torch.float32)
    try:
        # torch.device("meta") is a per-thread mode; accelerate's init_empty_weights() patches
        # nn.Module for the whole process, so a run loading its weights in another thread
        # would get meta tensors ("Cannot copy out of meta tensor").
        with torch.device("meta"):
            model = auto.from_config(hf_config, trust_remote_code=trust_remote_code, dtype=width)
    except (ValueError, KeyError) as exc:
        if "Unrecognized configuration class" in str(exc) or "does not support" in str(exc):
            raise ModelError(f"{name!r} ({hf_config.model_type}) can't be used for {task}; pick a model made "
                             "for that task") from None
        raise ModelError(_load_error("model", name, exc)) from None
    return model, hf_config.model_type
