"""What this machine can do: device, precisions, memory, and whether bitsandbytes works."""
from __future__ import annotations

from typing import Any

from .load import ModelError


def hardware() -> dict[str, Any]:
    """What this machine can do: device, precisions, memory."""
    import psutil
    import torch

    info: dict[str, Any] = {"device": "cpu", "name": "CPU", "fp16": False, "bf16": False,
                            "memory_bytes": psutil.virtual_memory().total, "cuda": False}
    if torch.cuda.is_available():
        props = torch.cuda.get_device_properties(0)
        info.update(device="cuda", name=props.name, cuda=True, fp16=True,
                    bf16=torch.cuda.is_bf16_supported(), memory_bytes=props.total_memory,
                    gpus=torch.cuda.device_count())
    return info


def resolve_precision(precision: str, hw: dict[str, Any] | None = None) -> str:
    """auto -> the best the hardware supports; an unsupported explicit choice raises."""
    hw = hw or hardware()
    if precision == "auto":
        return "bf16" if hw["bf16"] else "fp16" if hw["fp16"] else "fp32"
    if precision in ("fp16", "bf16") and not hw[precision]:
        raise ModelError(f"train.precision {precision} needs a GPU that supports it; this machine "
                         f"({hw['name']}) trains in fp32. Choose fp32 or auto")
    return precision


def precision_support(hw: dict[str, Any] | None = None) -> dict[str, str]:
    """For each precision, '' if usable here or the reason it is not."""
    hw = hw or hardware()
    why = {"fp32": "", "auto": ""}
    why["fp16"] = "" if hw["fp16"] else "fp16 mixed precision needs a CUDA GPU"
    why["bf16"] = "" if hw["bf16"] else ("bf16 needs an Ampere-or-newer GPU" if hw["cuda"]
                                         else "bf16 mixed precision needs a recent CUDA GPU")
    return why


def bitsandbytes_status() -> str:
    """'' if bitsandbytes quantization can run here, else why not."""
    try:
        import bitsandbytes  # noqa: F401
    except Exception as exc:  # ImportError, or a broken native library
        return f"bitsandbytes is not usable here ({type(exc).__name__}: {str(exc)[:120]})"
    return ""
