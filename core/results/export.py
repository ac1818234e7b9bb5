"""Export a finished run: adapter, merged model, tokenizer, model card, zip, Hub push.

    <target>/adapter/   the LoRA adapter in PEFT format (adapter runs only)
    <target>/model/     a standalone model: merge_and_unload() for adapters, or the fully
                        fine-tuned model; safetensors + tokenizer
    <target>/README.md  the model card (YAML metadata + training details + curve)

The Hub token is used for the upload call only: it is never written to disk, logs,
configs or the run folder, and it is scrubbed from any error message.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from .runs import Status, load_run_config, read_summary

EXPORT_FORMATS = ("adapter", "merged")


class ExportError(ValueError):
    """The export can't be done as asked; the message says why."""


def default_target(run_dir: Path) -> Path:
    return run_dir / "export"


def export_run(run_dir: str | Path, target: str | Path | None = None, formats: tuple[str, ...] = EXPORT_FORMATS) -> dict[str, Any]:
    """Write the chosen formats and the model card; returns the paths written."""
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
    target.mkdir(parents=True, exist_ok=True)
    cfg = load_run_config(run_dir)
    is_adapter = (final / "adapter_config.json").is_file()
    written: dict[str, Any] = {"target": str(target)}
    if is_adapter and "adapter" in formats:
        dst = target / "adapter"
        shutil.rmtree(dst, ignore_errors=True)
        shutil.copytree(final, dst)
        written["adapter"] = str(dst)
    if "merged" in formats or not is_adapter:
        dst = target / "model"
        shutil.rmtree(dst, ignore_errors=True)
        _write_merged(cfg, run_dir, final, dst, is_adapter, summary)
        written["model"] = str(dst)
    if (run_dir / "loss_curve.png").is_file():
        shutil.copy2(run_dir / "loss_curve.png", target / "loss_curve.png")
    (target / "README.md").write_text(model_card(cfg, summary, is_adapter, written), encoding="utf-8")
    written["card"] = str(target / "README.md")
    return written


def _write_merged(cfg: Any, run_dir: Path, final: Path, dst: Path, is_adapter: bool, summary: dict) -> None:
    from transformers import AutoTokenizer

    from ..model.load import load_finetuned

    tok = AutoTokenizer.from_pretrained(final)
    model, adapter = load_finetuned(cfg, final, summary.get("labels"), tok)
    if adapter:
        model = model.merge_and_unload()  # fold the LoRA update into the base weights
    model.save_pretrained(dst, safe_serialization=True)
    tok.save_pretrained(dst)


def model_card(cfg: Any, summary: dict[str, Any], is_adapter: bool, written: dict[str, Any]) -> str:
    import yaml

    from ..model.registry import STARTERS
    from ..train.arguments import hyperparameters

    base = cfg.model.name_or_path
    starter = STARTERS.get(base)
    base_id = (starter.hub_id or base) if starter else base
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
                        if isinstance(v, (int, float))]}]}]
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
    if "loss_curve.png" in str(list(Path(written["target"]).glob("*.png"))):
        parts += ["## Training curve", "", "![loss curve](loss_curve.png)", ""]
    usage_dir = "model"
    if cfg.model.task == "sequence-classification":
        usage = (f'from transformers import pipeline\nclf = pipeline("text-classification", model="{usage_dir}")\n'
                 'print(clf("this product is sick"))')
    else:
        usage = (f'from transformers import pipeline\ngen = pipeline("text-generation", model="{usage_dir}")\n'
                 'print(gen("Quote by", max_new_tokens=30)[0]["generated_text"])')
    parts += ["## Use it", "", "```python", usage, "```", ""]
    if is_adapter:
        parts += ["The `adapter/` folder holds the LoRA adapter alone (load it on the base model with "
                  "`peft.PeftModel.from_pretrained`); `model/` is the adapter merged into the base weights.", ""]
    return "\n".join(parts)


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
