"""GGUF export for llama.cpp and Ollama: a Llama-architecture causal LM as one f16 or f32
``.gguf`` file, with an Ollama ``Modelfile`` beside it.

Scope: dense Llama models (SmolLM2, TinyLlama, Llama 2/3 without rope scaling) with a
byte-level BPE tokenizer (the "gpt2" kind SmolLM2, Llama 3 and Qwen use). Only the ``gguf``
package's ``GGUFWriter`` is used; the layout is the one llama.cpp's ``convert_hf_to_gguf.py``
writes for its LLAMA architecture, so llama.cpp and Ollama read the file, and transformers
reads it back with ``from_pretrained(folder, gguf_file="model.gguf")`` (the round-trip test).

What goes into the file, and why:
  * every weight under its llama.cpp name; matrices in the chosen type, 1-D tensors (norms)
    always f32, as llama.cpp keeps them (tiny, and sensitive to rounding);
  * the query and key rows regrouped from Hugging Face's rotary layout (each head rotates
    its two halves) to llama.cpp's (adjacent pairs rotate): transformers undoes exactly this
    regrouping when it reads a GGUF;
  * no ``output.weight`` when the output layer shares the embedding matrix (SmolLM2 ties
    them): readers reuse ``token_embd.weight`` when it is absent;
  * the model's shape, the rope base and the norm epsilon;
  * the tokenizer (tokens padded to the embedding's rows, token types, merges), the bos,
    eos, pad and end-of-turn ids and the chat template, so a runtime formats a chat the way
    the model was trained and stops at the end of its turn.

Keep the ``.gguf`` in a folder of its own (``<export>/gguf/``): transformers' GGUF tokenizer
loader, given a folder that also holds tokenizer.json, returns a tokenizer without its bos,
eos and chat template.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..model.turns import end_of_turn_id, stop_token_ids
from .export import ExportError

GGUF_DTYPES = ("f16", "f32")
GGUF_MODEL_TYPES = ("llama",)  # what this writer maps; others raise GGUFExportError
GGUF_FILE = "model.gguf"
MODELFILE = "Modelfile"


class GGUFExportError(ExportError):
    """This model or tokenizer can't be written as GGUF; the message says why and what to
    use instead. The other export formats are unaffected."""


# --------------------------------------------------------------------------- weights
def permute_rotary(weight: Any, n_heads: int) -> Any:
    """Regroup the rows of q_proj (``n_heads`` = query heads) or k_proj (key/value heads)
    from Hugging Face's rotary layout to llama.cpp's: per head, rows (2, d/2) become
    (d/2, 2), so the halves [x0..x31 | x32..x63] become the pairs (x0, x32), (x1, x33)..."""
    rows = weight.shape[0]
    return (weight.reshape(n_heads, 2, rows // n_heads // 2, *weight.shape[1:])
            .swapaxes(1, 2)
            .reshape(weight.shape))


def _check_model(model: Any) -> None:
    if hasattr(model, "peft_config"):
        raise GGUFExportError("this model still has its LoRA adapter attached; merge it first "
                              "(merge_and_unload) so the GGUF holds the fine-tuned weights")
    cfg = model.config
    if cfg.model_type not in GGUF_MODEL_TYPES:
        raise GGUFExportError(f"GGUF export supports Llama-architecture models (SmolLM2, TinyLlama, Llama); this "
                              f"model is {cfg.model_type!r}. The merged safetensors export works for every model, and "
                              "llama.cpp's convert_hf_to_gguf.py converts many more architectures")
    act = getattr(cfg, "hidden_act", "silu")
    if act != "silu":
        raise GGUFExportError(f"llama.cpp's Llama graph uses SiLU; this model's hidden_act is {act!r}")


def _rope_base(config: Any) -> float:
    # transformers 5 keeps the rope base and any scaling together in rope_parameters
    params = getattr(config, "rope_parameters", None) or getattr(config, "rope_scaling", None) or {}
    kind = params.get("rope_type", params.get("type", "default"))
    if kind != "default":
        raise GGUFExportError(f"this model uses scaled rotary embeddings (rope type {kind!r}), which this GGUF writer "
                              "does not write; use the merged safetensors export, or llama.cpp's convert_hf_to_gguf.py")
    theta = params.get("rope_theta", getattr(config, "rope_theta", None))
    return float(theta if theta is not None else 10000.0)


def _shares_embedding(model: Any) -> bool:
    """Whether the output layer is the input embedding (same storage, or the same values)."""
    import torch

    out_emb, in_emb = model.get_output_embeddings(), model.get_input_embeddings()
    if out_emb is None or out_emb.weight.data_ptr() == in_emb.weight.data_ptr():
        return True
    return out_emb.weight.shape == in_emb.weight.shape and bool(torch.equal(out_emb.weight, in_emb.weight))


def gguf_tensors(model: Any, dtype: str) -> list[tuple[str, Any]]:
    """(llama.cpp name, numpy array) for every weight, permuted and typed for the file."""
    import gguf
    import numpy as np
    import torch

    cfg = model.config
    names = gguf.get_tensor_name_map(gguf.MODEL_ARCH.LLAMA, cfg.num_hidden_layers)
    n_head = cfg.num_attention_heads
    n_kv = cfg.num_key_value_heads or n_head
    tied = _shares_embedding(model)
    out: list[tuple[str, Any]] = []
    seen: set[str] = set()
    for hf_name, tensor in model.state_dict().items():
        if hf_name.endswith("rotary_emb.inv_freq") or (hf_name == "lm_head.weight" and tied):
            continue  # recomputed from the rope base / reused from token_embd by every reader
        stem, _, suffix = hf_name.rpartition(".")
        mapped = names.get_name(stem)
        if mapped is None:
            raise GGUFExportError(f"weight {hf_name!r} has no llama.cpp name; this model is not a plain Llama")
        name = f"{mapped}.{suffix}"
        if name in seen:
            continue
        seen.add(name)
        arr = tensor.detach().to(torch.float32).cpu().numpy()
        if ".attn_q." in name:
            arr = permute_rotary(arr, n_head)
        elif ".attn_k." in name:
            arr = permute_rotary(arr, n_kv)
        arr = arr.astype(np.float16 if dtype == "f16" and arr.ndim > 1 else np.float32)
        out.append((name, np.ascontiguousarray(arr)))
    return out


# --------------------------------------------------------------------------- tokenizer
def _tokenizer_json(tokenizer: Any) -> dict[str, Any]:
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None:
        raise GGUFExportError("GGUF export needs a fast tokenizer (one with a tokenizer.json)")
    return json.loads(backend.to_str())


def _merges(tok_json: dict[str, Any]) -> list[str]:
    # tokenizers >= 0.20 stores a merge as ["a", "b"]; GGUF stores "a b"
    return [m if isinstance(m, str) else " ".join(m) for m in tok_json.get("model", {}).get("merges") or []]


def pre_tokenizer_name(tok_json: dict[str, Any], model_name: str = "") -> str:
    """The name llama.cpp picks its pre-tokenizer split by (``tokenizer.ggml.pre``).

    llama.cpp's converter finds it by hashing a test tokenisation; without llama.cpp the
    tokenizer.json's pre-tokenizer shape decides: Digits + ByteLevel is SmolLM's, a lone
    ByteLevel GPT-2's, a Split with 1-3 digit groups Llama 3's. A model named SmolLM is
    "smollm" whatever the file says (a copy rebuilt from a GGUF loses its Digits step)."""
    pre = tok_json.get("pre_tokenizer") or {}
    kinds = [p.get("type") for p in pre.get("pretokenizers", [pre])]
    if "smollm" in model_name.lower() or ("Digits" in kinds and "ByteLevel" in kinds):
        return "smollm"
    if kinds == ["ByteLevel"]:
        return "gpt-2"
    if "Split" in kinds and "\\p{N}{1,3}" in json.dumps(pre):
        return "llama-bpe"
    return "default"


def _adds_bos(tokenizer: Any) -> bool:
    bos = tokenizer.bos_token_id
    ids = tokenizer("a", add_special_tokens=True)["input_ids"]
    return bos is not None and bool(ids) and ids[0] == bos


def _vocabulary(tokenizer: Any, n_rows: int, model_name: str) -> dict[str, Any]:
    import gguf

    tok_json = _tokenizer_json(tokenizer)
    kind = tok_json.get("model", {}).get("type")
    merges = _merges(tok_json)
    if kind != "BPE" or not merges:
        raise GGUFExportError(f"GGUF export writes byte-level BPE tokenizers; this one is {kind!r}")
    vocab = tokenizer.get_vocab()
    if max(vocab.values()) >= n_rows:
        raise GGUFExportError(f"the tokenizer has ids up to {max(vocab.values())} but the model's embedding has "
                              f"{n_rows} rows; resize the embeddings before exporting")
    added = {t.content: t for t in tokenizer.added_tokens_decoder.values()}
    by_id = {i: t for t, i in vocab.items()}
    tokens, types = [], []
    for i in range(n_rows):
        tok = by_id.get(i)
        if tok is None:  # embedding rows beyond the tokenizer: llama.cpp wants a name for each
            tokens.append(f"[PAD{i}]")
            types.append(gguf.TokenType.UNUSED)
        else:
            tokens.append(tok)
            if tok in added:
                types.append(gguf.TokenType.CONTROL if added[tok].special else gguf.TokenType.USER_DEFINED)
            else:
                types.append(gguf.TokenType.NORMAL)
    return {"tokens": tokens, "types": types, "merges": merges, "pre": pre_tokenizer_name(tok_json, model_name)}


# --------------------------------------------------------------------------- the file
def write_gguf(model: Any, tokenizer: Any, path: str | Path, dtype: str = "f16", *, name: str = "") -> dict[str, Any]:
    """Write ``model`` (a merged, in-memory LlamaForCausalLM) and its tokenizer to ``path``.

    ``name``: the base model's id (e.g. "HuggingFaceTB/SmolLM2-135M-Instruct"); it names the
    model in the file and picks llama.cpp's pre-tokenizer. Generation stops at the first id
    of :func:`stop_token_ids` (the end-of-turn token for chat models). The file is written
    under ``.part`` and renamed, so a failure never leaves half a file. Returns a summary."""
    import gguf

    if dtype not in GGUF_DTYPES:
        raise GGUFExportError(f"GGUF type must be one of {', '.join(GGUF_DTYPES)}, got {dtype!r}")
    _check_model(model)
    cfg = model.config
    rope_base = _rope_base(cfg)
    name = name or Path(str(getattr(cfg, "_name_or_path", "") or "model")).name or "model"
    n_rows = model.get_input_embeddings().weight.shape[0]
    n_head = cfg.num_attention_heads
    n_kv = cfg.num_key_value_heads or n_head
    head_dim = getattr(cfg, "head_dim", None) or cfg.hidden_size // n_head
    vocab = _vocabulary(tokenizer, n_rows, f"{name} {getattr(cfg, '_name_or_path', '')}")
    stops = stop_token_ids(tokenizer, getattr(model, "generation_config", None))
    eos = stops[0] if stops else None
    eot = end_of_turn_id(tokenizer)
    tensors = gguf_tensors(model, dtype)

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    writer = gguf.GGUFWriter(part, gguf.MODEL_ARCH_NAMES[gguf.MODEL_ARCH.LLAMA])
    try:
        writer.add_name(name)
        writer.add_context_length(int(cfg.max_position_embeddings))
        writer.add_embedding_length(int(cfg.hidden_size))
        writer.add_block_count(int(cfg.num_hidden_layers))
        writer.add_feed_forward_length(int(cfg.intermediate_size))
        writer.add_head_count(int(n_head))
        writer.add_head_count_kv(int(n_kv))
        writer.add_rope_dimension_count(int(head_dim))
        if head_dim != cfg.hidden_size // n_head:  # llama.cpp assumes hidden / heads unless told
            writer.add_key_length(int(head_dim))
            writer.add_value_length(int(head_dim))
        writer.add_rope_freq_base(rope_base)
        writer.add_layer_norm_rms_eps(float(cfg.rms_norm_eps))
        writer.add_vocab_size(int(n_rows))
        writer.add_file_type(gguf.LlamaFileType.MOSTLY_F16 if dtype == "f16" else gguf.LlamaFileType.ALL_F32)
        writer.add_tokenizer_model("gpt2")
        writer.add_tokenizer_pre(vocab["pre"])
        writer.add_token_list(vocab["tokens"])
        writer.add_token_types(vocab["types"])
        writer.add_token_merges(vocab["merges"])
        for add, tid in ((writer.add_bos_token_id, tokenizer.bos_token_id), (writer.add_eos_token_id, eos),
                         (writer.add_pad_token_id, tokenizer.pad_token_id),
                         (writer.add_unk_token_id, tokenizer.unk_token_id), (writer.add_eot_token_id, eot)):
            if tid is not None:
                add(int(tid))
        writer.add_add_bos_token(_adds_bos(tokenizer))
        writer.add_add_space_prefix(False)
        if getattr(tokenizer, "chat_template", None):
            writer.add_chat_template(tokenizer.chat_template)
        for tname, arr in tensors:
            writer.add_tensor(tname, arr)
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
    except Exception:
        writer.close()
        part.unlink(missing_ok=True)
        raise
    writer.close()
    part.replace(path)
    return {"path": str(path), "dtype": dtype, "bytes": path.stat().st_size, "tensors": len(tensors),
            "tied_embeddings": all(n != "output.weight" for n, _ in tensors), "pre_tokenizer": vocab["pre"],
            "eos_token_id": eos, "eot_token_id": eot}


def read_gguf_metadata(path: str | Path) -> dict[str, Any]:
    """Every metadata key's value (arrays as lists) and, under "__tensors__", each tensor's
    (shape, type) — what a test or a curious user checks a file with."""
    import gguf

    reader = gguf.GGUFReader(str(path))
    meta: dict[str, Any] = {k: f.contents() for k, f in reader.fields.items()}
    meta["__tensors__"] = {t.name: (list(t.shape), t.tensor_type.name) for t in reader.tensors}
    return meta


# --------------------------------------------------------------------------- Ollama
# Ollama's prompt template (Go text/template) for ChatML, checked byte for byte against
# apply_chat_template(add_generation_prompt=True) for one turn, several turns and a custom
# system prompt. The prompt ends with the assistant's header: the model's turn.
CHATML_OLLAMA_TEMPLATE = (
    '{{ if .System }}<|im_start|>system\n{{ .System }}<|im_end|>\n{{ end }}'
    '{{ range .Messages }}{{ if eq .Role "user" }}<|im_start|>user\n{{ .Content }}<|im_end|>\n'
    '<|im_start|>assistant\n{{ else if eq .Role "assistant" }}{{ .Content }}<|im_end|>\n{{ end }}{{ end }}'
)


def default_system_prompt(tokenizer: Any) -> str | None:
    """The system text a ChatML template inserts when a chat has none (SmolLM2's does)."""
    try:
        text = tokenizer.apply_chat_template([{"role": "user", "content": "\x00"}], tokenize=False)
    except Exception:  # no template, or one that refuses this chat
        return None
    m = re.match(r"<\|im_start\|>system\n(.*?)<\|im_end\|>", text, re.S)
    return m.group(1) if m else None


def modelfile_text(tokenizer: Any, gguf_name: str = GGUF_FILE, system: str | None = None,
                   parameters: dict[str, Any] | None = None) -> str:
    """An Ollama Modelfile for a ChatML model stored beside it as ``gguf_name``. ``system``
    defaults to the template's own default system prompt, so Ollama and transformers build
    the same prompt; ``parameters`` become extra ``PARAMETER`` lines (temperature, num_ctx)."""
    template = getattr(tokenizer, "chat_template", None) or ""
    if "<|im_start|>" not in str(template):
        raise GGUFExportError("the Ollama Modelfile is written for ChatML chat templates (<|im_start|>…); this "
                              "tokenizer has another template or none. The .gguf itself works with llama.cpp")
    system = default_system_prompt(tokenizer) if system is None else system
    lines = [f"# Ollama Modelfile written by Fine-Tune Studio. Run: ollama create my-model -f {MODELFILE}",
             f"FROM ./{gguf_name}", "", f'TEMPLATE """{CHATML_OLLAMA_TEMPLATE}"""', ""]
    if system:
        if '"""' in system:
            raise GGUFExportError('the system prompt may not contain three double quotes (""")')
        lines += [f'SYSTEM """{system}"""', ""]
    lines += ['PARAMETER stop "<|im_end|>"', 'PARAMETER stop "<|im_start|>"']
    lines += [f"PARAMETER {key} {value}" for key, value in (parameters or {}).items()]
    return "\n".join(lines) + "\n"


def export_gguf(model: Any, tokenizer: Any, folder: str | Path, dtype: str = "f16", *, name: str = "",
                system: str | None = None, parameters: dict[str, Any] | None = None) -> dict[str, Any]:
    """``model.gguf`` and a ``Modelfile`` in ``folder`` (a folder of their own). Returns
    :func:`write_gguf`'s summary plus ``modelfile`` (its path) or ``modelfile_note`` (why
    none was written: the GGUF still works with llama.cpp)."""
    folder = Path(folder)
    info = write_gguf(model, tokenizer, folder / GGUF_FILE, dtype=dtype, name=name)
    try:
        text = modelfile_text(tokenizer, GGUF_FILE, system, parameters)
    except GGUFExportError as exc:
        info["modelfile_note"] = str(exc)
    else:
        (folder / MODELFILE).write_text(text, encoding="utf-8")
        info["modelfile"] = str(folder / MODELFILE)
    return info
