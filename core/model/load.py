"""Load the tokenizer and model for a task from a source (Hub id, local folder, offline
starter), and describe what was loaded (:class:`ModelInfo`), including which weights are
newly initialised and why, in plain words. Heavy libraries are imported inside functions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # heavy imports stay lazy
    pass

from ..config import RunConfig
from ..paths import confine

HEAD_NAMES = ("classifier", "score", "pre_classifier", "lm_head", "qa_outputs")


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


def resolve_source(name_or_path: str) -> str:
    """A path or Hub id that transformers can load."""
    from .registry import STARTERS

    name = name_or_path.strip()
    if name in STARTERS:
        return str(STARTERS[name].folder())
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
    from ..data.sources import hub_error_message

    if "trust_remote_code" in str(exc):  # transformers' text names its own argument, not ours
        return (f"{name!r} ships its own Python code, which has to run to load it; the studio runs it only "
                "when model.trust_remote_code is on. Switch it on only if you trust the model's authors")
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
    from transformers import (
        AutoConfig,
        AutoModelForCausalLM,
        AutoModelForSequenceClassification,
    )

    from .methods import apply_method, bnb_config, default_targets

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
    from .registry import STARTERS

    starter = STARTERS.get(cfg.model.name_or_path.strip())
    from_scratch = starter is not None and not starter.pretrained
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



def load_base_model(cfg: RunConfig, label_names: list[str] | None = None, tokenizer: Any = None,
                    max_length_check: bool = True) -> tuple[Any, ModelInfo]:
    """The base model exactly as a run of ``cfg`` starts from, with no method applied (the
    Compare tab's "before", the merge step of an export, the estimator's and the Model
    tab's view). The seed is set first so a new classification head starts as the run's did."""
    from transformers import set_seed

    set_seed(cfg.train.seed)
    # no method applied; the objective too goes back to sft, as dpo refuses a config without an adapter
    base_cfg = cfg.replace(adapter={"method": "full"}, train={"objective": "sft"})
    if not max_length_check:  # previews load any model; the max_length check is about training
        base_cfg = base_cfg.replace(data={"max_length": 8})
    return load_model(base_cfg, label_names, tokenizer, apply=False)


def load_finetuned(cfg: RunConfig, final: Path, label_names: list[str] | None, tokenizer: Any) -> tuple[Any, bool]:
    """(model, is_adapter) of a run's ``final/`` folder: a LoRA adapter on top of the base
    model, or a full model of its own."""
    if (Path(final) / "adapter_config.json").is_file():
        from peft import PeftModel

        base, _ = load_base_model(cfg, label_names, tokenizer)
        return PeftModel.from_pretrained(base, final), True
    from transformers import AutoModelForCausalLM, AutoModelForSequenceClassification

    auto = AutoModelForSequenceClassification if cfg.model.task == "sequence-classification" else AutoModelForCausalLM
    return auto.from_pretrained(final), False

def _max_positions(hf_config: Any) -> int | None:
    for name in ("max_position_embeddings", "n_positions", "max_seq_len", "seq_length"):
        v = getattr(hf_config, name, None)
        if isinstance(v, int) and v > 0:
            return v
    return None


def explain_new_weights(new: list[str], cfg: RunConfig, from_scratch: bool) -> str:
    if from_scratch:
        return ("Random weights, not pretrained: this tiny GPT-2 was built from a config, so it "
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


def looks_local(name: str) -> bool:
    p = Path(name).expanduser()
    return not name.startswith("starter:") and (p.is_absolute() or name.startswith((".", "~")) or p.exists())


def check_model_source(name: str) -> None:
    """A local model folder must lie inside the folders the studio may read."""
    if looks_local(name.strip()):
        confine(Path(name.strip()).expanduser(), what="model folder")


def model_facts(info: Any) -> list[tuple[str, str]]:
    """(label, value) rows describing a loaded model (ModelInfo)."""
    from .load import human_count

    facts = [("Architecture", info.architecture), ("Model type", info.model_type),
             ("Parameters", f"{human_count(info.total_params)} ({info.total_params:,})"),
             ("Weights dtype", info.dtype),
             ("Max positions", f"{info.max_positions:,} tokens" if info.max_positions else "not fixed"),
             ("Starting point", "random weights, not pretrained (from scratch)" if info.from_scratch
              else "pretrained weights")]
    return facts
