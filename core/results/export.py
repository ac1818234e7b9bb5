"""Export a finished run: adapter, merged model, GGUF, tokenizer, model card, zip, Hub push.

    <target>/adapter/   the LoRA adapter in PEFT format (adapter runs only) + tokenizer
    <target>/model/     a standalone model: merge_and_unload() for adapters, or the fully
                        fine-tuned model; safetensors + tokenizer + generation_config.json
    <target>/gguf/      model.gguf (f16) + an Ollama Modelfile (Llama-architecture models)
    <target>/README.md  the model card (YAML metadata + training details + scores + curve)

Every folder is self-contained for other runtimes: the chat template is written into
tokenizer_config.json (where older transformers and other tools look for it, not only
chat_template.jinja), and generation_config.json stops generation at the template's
end-of-turn token (``<|im_end|>`` for ChatML) with the studio's decoding settings, so a plain
``model.generate`` elsewhere answers as the Compare tab did.

The Hub token is used for the upload call only: it is never written to disk, logs,
configs or the run folder, and it is scrubbed from any error message.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .runs import Status, load_run_config, read_summary


@dataclass(frozen=True)
class ExportFormat:
    name: str      # what export_run(formats=...) and the API take
    label: str     # one line for the Export tab's checkbox
    folder: str    # where it lands inside the export folder
    default: bool  # ticked unless the user chooses


# The one registry of export formats: export_run checks against it, the Export tab's
# choices are built from it (a test keeps the two in sync).
EXPORT_FORMATS: dict[str, ExportFormat] = {f.name: f for f in (
    ExportFormat("adapter", "LoRA adapter (small; needs the base model to load)", "adapter", True),
    ExportFormat("merged", "Merged model (standalone, loads with transformers alone)", "model", True),
    ExportFormat("gguf", "GGUF for llama.cpp / Ollama (f16 + Modelfile; Llama-architecture models)", "gguf", False),
)}
DEFAULT_FORMATS = tuple(f.name for f in EXPORT_FORMATS.values() if f.default)


class ExportError(ValueError):
    """The export can't be done as asked; the message says why."""


def default_target(run_dir: Path) -> Path:
    return run_dir / "export"


def export_run(run_dir: str | Path, target: str | Path | None = None, formats: tuple[str, ...] = DEFAULT_FORMATS,
               gguf_dtype: str = "f16") -> dict[str, Any]:
    """Write the chosen formats and the model card; returns the paths written (and, under
    ``notes``, what could not be written and why, e.g. GGUF for a GPT-2 model)."""
    from ..paths import confine, workspace

    run_dir = Path(run_dir)
    final = run_dir / "final"
    summary = read_summary(run_dir)
    if summary.get("status") != Status.FINISHED or not final.is_dir():
        raise ExportError(f"run {run_dir.name} is {summary.get('status', 'unknown')}; only finished runs "
                          "can be exported")
    bad = [f for f in formats if f not in EXPORT_FORMATS]
    if bad or not formats:
        raise ExportError(f"export formats must be among {', '.join(EXPORT_FORMATS)}, got {list(formats)}")
    target = Path(target) if target else default_target(run_dir)
    target = confine(target, [workspace()], what="export folder")
    for inner in ("final", "checkpoints"):
        protected = (run_dir / inner).resolve()
        if target == protected or protected in target.parents:
            raise ExportError(f"export folder {target.name!r} would write inside the run's {inner}/ folder; "
                              "choose another name")
    cfg = load_run_config(run_dir)
    if "gguf" in formats and cfg.model.task != "causal-lm":
        raise ExportError("GGUF is a format for text-generation models (llama.cpp, Ollama); this run is a classifier")
    target.mkdir(parents=True, exist_ok=True)
    is_adapter = (final / "adapter_config.json").is_file()
    written: dict[str, Any] = {"target": str(target), "notes": []}
    if is_adapter and "adapter" in formats:
        dst = target / EXPORT_FORMATS["adapter"].folder
        shutil.rmtree(dst, ignore_errors=True)
        shutil.copytree(final, dst)
        _resave_tokenizer(final, dst)
        written["adapter"] = str(dst)
    if "merged" in formats or "gguf" in formats or not is_adapter:
        model, tok = _merged_model(cfg, final, is_adapter, summary)
        if "merged" in formats or not is_adapter:
            dst = target / EXPORT_FORMATS["merged"].folder
            shutil.rmtree(dst, ignore_errors=True)
            write_merged(model, tok, dst, cfg.generate)
            written["model"] = str(dst)
        written["chat"] = bool(getattr(tok, "chat_template", None))
        if "gguf" in formats:
            _write_gguf(cfg, model, tok, target / EXPORT_FORMATS["gguf"].folder, gguf_dtype, written)
        del model
    if (run_dir / "loss_curve.png").is_file():
        shutil.copy2(run_dir / "loss_curve.png", target / "loss_curve.png")
    (target / "README.md").write_text(model_card(cfg, summary, is_adapter, written), encoding="utf-8")
    written["card"] = str(target / "README.md")
    return written


def _merged_model(cfg: Any, final: Path, is_adapter: bool, summary: dict) -> tuple[Any, Any]:
    """The fine-tuned model as one plain transformers model (the LoRA folded in) + tokenizer."""
    from transformers import AutoTokenizer

    from ..model.load import load_finetuned

    tok = AutoTokenizer.from_pretrained(final)
    model, adapter = load_finetuned(cfg, final, summary.get("labels"), tok)
    if adapter:
        model = model.merge_and_unload()  # fold the LoRA update into the base weights
    return model.eval(), tok


def _resave_tokenizer(src: Path, dst: Path) -> None:
    """The tokenizer again, its chat template inside tokenizer_config.json (transformers 5
    otherwise writes only chat_template.jinja, which older tools never read)."""
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(src)
    (dst / "chat_template.jinja").unlink(missing_ok=True)
    tok.save_pretrained(dst, save_jinja_files=False)


def export_generation_config(model: Any, tokenizer: Any, gen: Any = None) -> Any:
    """The model's generation config for other runtimes: stop at the end of a turn (and at
    eos), pad with the tokenizer's pad id and, for causal LMs, decode with the studio's
    settings (``gen``: the run's GenerateConfig)."""
    from ..model.turns import stop_token_ids

    config = model.generation_config
    stops = stop_token_ids(tokenizer, config)
    if stops:
        config.eos_token_id = stops[0] if len(stops) == 1 else stops
    if tokenizer.pad_token_id is not None:
        config.pad_token_id = tokenizer.pad_token_id
    if gen is not None:
        config.max_new_tokens = gen.max_new_tokens
        config.do_sample = gen.do_sample
        config.repetition_penalty = gen.repetition_penalty
        if gen.do_sample:  # sampling settings only where they apply (transformers warns otherwise)
            config.temperature, config.top_p, config.top_k = gen.temperature, gen.top_p, gen.top_k
    return config


def write_merged(model: Any, tokenizer: Any, dst: Path, gen: Any = None) -> None:
    """A standalone model folder: safetensors, tokenizer (template inside tokenizer_config.json)
    and, for a text-generation model, generation_config.json with its stop ids."""
    if getattr(model, "generation_config", None) is not None and model.can_generate():
        export_generation_config(model, tokenizer, gen)
    model.save_pretrained(dst, safe_serialization=True)
    tokenizer.save_pretrained(dst, save_jinja_files=False)


def _write_gguf(cfg: Any, model: Any, tok: Any, dst: Path, dtype: str, written: dict[str, Any]) -> None:
    """GGUF + Modelfile, or a note saying why not (the other formats land either way)."""
    from .gguf import GGUFExportError, export_gguf

    shutil.rmtree(dst, ignore_errors=True)
    export_generation_config(model, tok, cfg.generate)  # its first stop id becomes the GGUF's eos
    try:
        info = export_gguf(model, tok, dst, dtype=dtype, name=base_model_id(cfg), parameters=ollama_parameters(cfg.generate))
    except GGUFExportError as exc:
        shutil.rmtree(dst, ignore_errors=True)
        written["notes"].append(f"No GGUF: {exc}.")
        return
    written["gguf"] = str(dst)
    written["gguf_file"] = info["path"]
    if "modelfile" in info:
        written["modelfile"] = info["modelfile"]
    else:
        written["notes"].append(f"No Ollama Modelfile: {info['modelfile_note']}.")


def ollama_parameters(gen: Any) -> dict[str, Any]:
    """The run's decoding settings as Ollama PARAMETERs (Ollama samples at temperature 0.8
    unless told; temperature 0 is greedy). llama.cpp's repeat_penalty looks back over the
    last 64 tokens, transformers' over all of them: close, not identical."""
    out: dict[str, Any] = {"num_predict": gen.max_new_tokens, "repeat_penalty": gen.repetition_penalty}
    if gen.do_sample:
        out.update(temperature=gen.temperature, top_p=gen.top_p, top_k=gen.top_k)
    else:
        out["temperature"] = 0
    return out


def base_model_id(cfg: Any) -> str:
    """The base model as others know it: a starter's Hub id, else what the config names."""
    from ..model.registry import STARTERS

    starter = STARTERS.get(cfg.model.name_or_path)
    return (starter.hub_id or cfg.model.name_or_path) if starter else cfg.model.name_or_path


def model_card(cfg: Any, summary: dict[str, Any], is_adapter: bool, written: dict[str, Any]) -> str:
    import yaml

    from ..model.registry import STARTERS
    from ..train.arguments import hyperparameters

    base = cfg.model.name_or_path
    starter = STARTERS.get(base)
    base_id = base_model_id(cfg)
    meta: dict[str, Any] = {
        "library_name": "peft" if is_adapter else "transformers",
        "pipeline_tag": "text-classification" if cfg.model.task == "sequence-classification" else "text-generation",
        "tags": ["fine-tune-studio", cfg.adapter.method, cfg.model.task],
        "datasets": [cfg.data.hub_dataset or Path(cfg.data.path).name],
    }
    if starter is None or starter.hub_id:  # a from-scratch starter has no base on the Hub
        meta["base_model"] = base_id
    final, baseline = summary.get("final", {}), summary.get("baseline", {})
    if final:
        meta["model-index"] = [{"name": summary.get("name", "model"), "results": [{
            "task": {"type": meta["pipeline_tag"]},
            "dataset": {"name": meta["datasets"][0], "type": meta["datasets"][0]},
            "metrics": [{"type": k.replace("eval_", ""), "value": round(v, 4)} for k, v in final.items()
                        if isinstance(v, (int, float))]
            + [{"type": k, "value": round(v, 4)} for k, v in ((summary.get("generation") or {}).get("final") or {}).items()
               if k in ("rouge_l", "chrf", "bleu") and isinstance(v, (int, float))]}]}]
    hp = hyperparameters(cfg, summary.get("precision", ""))
    rows = "\n".join(f"| {k} | {baseline.get(k, float('nan')):.4f} | {v:.4f} |" for k, v in final.items()
                     if isinstance(v, (int, float)) and isinstance(baseline.get(k), (int, float)))
    parts = [
        "---", yaml.safe_dump(meta, sort_keys=False).strip(), "---", "",
        f"# {summary.get('name', 'Fine-tuned model')}", "",
        f"Fine-tuned with Fine-Tune Studio from **{base_id}** ({STARTERS[base].description if base in STARTERS else 'Hub or local model'}) "
        f"for **{cfg.model.task}** with **{cfg.adapter.method}**, on `{meta['datasets'][0]}` "
        f"({summary.get('n_train', '?')} training / {summary.get('n_validation', '?')} validation rows).", "",
        "## Results on the validation split", "",
        "| metric | before (base) | after (fine-tuned) |", "|---|---|---|", rows or "| (none) | | |", "",
        "## Training hyperparameters", "",
        "| name | value |", "|---|---|", *[f"| {k} | {v} |" for k, v in hp.items()], "",
        f"Steps: {summary.get('steps', '?')}; runtime: {summary.get('runtime_s', 0):.0f} s; "
        f"device: {summary.get('device', '?')}.", "",
    ]
    parts += causal_sections(summary)
    if "loss_curve.png" in str(list(Path(written["target"]).glob("*.png"))):
        parts += ["## Training curve", "", "![loss curve](loss_curve.png)", ""]
    usage_dir = "model"
    if cfg.model.task == "sequence-classification":
        usage = (f'from transformers import pipeline\nclf = pipeline("text-classification", model="{usage_dir}")\n'
                 'print(clf("this product is sick"))')
    elif written.get("chat"):
        usage = (f'from transformers import pipeline\nchat = pipeline("text-generation", model="{usage_dir}")\n'
                 'reply = chat([{"role": "user", "content": "Hello!"}])  # generation_config.json: stops at end of turn\n'
                 'print(reply[0]["generated_text"][-1]["content"])')
    else:
        usage = (f'from transformers import pipeline\ngen = pipeline("text-generation", model="{usage_dir}")\n'
                 'print(gen("Quote by", max_new_tokens=30)[0]["generated_text"])')
    parts += ["## Use it", "", "```python", usage, "```", ""]
    if is_adapter:
        parts += ["The `adapter/` folder holds the LoRA adapter alone: load the base model, then "
                  "`peft.PeftModel.from_pretrained(base, \"adapter\")`; `model/` is the adapter merged into the base "
                  "weights.", ""]
    if written.get("gguf"):
        parts += ["`gguf/model.gguf` runs in llama.cpp (`llama-cli -m gguf/model.gguf -cnv`)"
                  + (" and Ollama (`ollama create my-model -f gguf/Modelfile`, then `ollama run my-model`)"
                     if written.get("modelfile") else "") + ".", ""]
    for note in written.get("notes") or []:
        parts += [f"*{note}*", ""]
    return "\n".join(parts)


GENERATION_ROWS = (("rouge_l", "ROUGE-L F (0-1)", 3), ("chrf", "chrF (0-100)", 1), ("bleu", "BLEU (0-100)", 1),
                   ("answer_perplexity", "answer perplexity (lower is better)", 2),
                   ("stopped", "answers that ended by themselves", 0))


def _fenced(text: str) -> list[str]:
    fence = "```"
    while fence in text:
        fence += "`"
    return [fence + "text", text, fence]


def causal_sections(summary: dict[str, Any]) -> list[str]:
    """Model-card sections from a causal run's report (core.results.causal_report): the
    generation scores, the forgetting check and a few samples; each only when present."""
    parts: list[str] = []
    gen = summary.get("generation") or {}
    if gen.get("base") and gen.get("final"):
        def cell(v: Any, digits: int, key: str) -> str:
            if not isinstance(v, (int, float)):
                return "–"
            return f"{v:.0%}" if key == "stopped" else f"{v:.{digits}f}"

        rows = [f"| {label} | {cell(gen['base'].get(k), d, k)} | {cell(gen['final'].get(k), d, k)} |"
                for k, label, d in GENERATION_ROWS if k in gen["base"] or k in gen["final"]]
        decoding = ", ".join(f"{k}={v}" for k, v in (gen.get("decoding") or {}).items())
        parts += ["## Answers before and after", "",
                  f"{gen.get('n', '?')} validation prompts answered by the base and the fine-tuned model "
                  f"({decoding}), scored against the reference answers.", "",
                  "| score | before (base) | after (fine-tuned) |", "|---|---|---|", *rows, ""]
    forgetting = summary.get("forgetting") or {}
    if forgetting.get("verdict"):
        parts += ["## Forgetting check", "",
                  f"Perplexity on {forgetting.get('n_texts', '?')} paragraphs of general text, not from the training "
                  f"data: {forgetting['verdict']}", ""]
    samples = summary.get("samples") or []
    if samples:
        parts += ["## Sample answers", "", "Validation prompts where the two answers differ most.", ""]
        for i, s in enumerate(samples[:3], 1):
            parts += [f"**{i}. Prompt**", "", *_fenced(str(s.get("prompt", ""))), "",
                      "Reference:", "", *_fenced(str(s.get("reference", ""))), "",
                      "Base model:", "", *_fenced(str(s.get("base", ""))), "",
                      "Fine-tuned:", "", *_fenced(str(s.get("tuned", ""))), ""]
    if summary.get("report_note"):
        parts += [f"*{summary['report_note']}*", ""]
    return parts


def zip_export(target: str | Path) -> Path:
    target = Path(target)
    if not target.is_dir():
        raise ExportError(f"nothing exported yet in {target.name!r}; press Export first")
    archive = shutil.make_archive(str(target.parent / f"{target.parent.name}-{target.name}"), "zip", root_dir=target)
    return Path(archive)


def push_to_hub(folder: str | Path, repo_id: str, token: str, private: bool = True) -> str:
    """Upload an exported folder; the token is used for this call only."""
    import re

    if not token or not token.strip():
        raise ExportError("pushing to the Hub needs a write token (huggingface.co/settings/tokens)")
    if not re.fullmatch(r"[\w.\-]+/[\w.\-]+", repo_id or ""):
        raise ExportError(f"repo id must look like 'username/model-name', got {repo_id!r}")
    folder = Path(folder)
    if not folder.is_dir():
        raise ExportError("export the run first, then push")
    try:
        from huggingface_hub import HfApi

        api = HfApi(token=token.strip())
        api.create_repo(repo_id, private=private, exist_ok=True)
        info = api.upload_folder(folder_path=str(folder), repo_id=repo_id, commit_message="Upload from Fine-Tune Studio")
    except Exception as exc:
        text = f"{type(exc).__name__}: {exc}".replace(token.strip(), "***")
        low = text.lower()
        if any(s in low for s in ("offline", "connection", "resolve", "network", "timed out", "max retries",
                                  "name or service", "temporary failure")):
            msg = (f"could not reach the Hugging Face Hub to upload {repo_id!r} (no internet here). The export "
                   "is saved locally; download the zip, or push from a machine with internet")
        elif any(s in low for s in ("401", "403", "unauthorized", "invalid token", "authentication")):
            msg = f"the Hub refused the token for {repo_id!r}: it needs write access to that namespace"
        else:
            msg = f"the upload to {repo_id!r} failed: {text.splitlines()[0][:200]}"
        raise ExportError(msg) from None
    return str(getattr(info, "commit_url", f"https://huggingface.co/{repo_id}"))
