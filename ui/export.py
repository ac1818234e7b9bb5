"""Export tab: write a finished run as a LoRA adapter and/or a standalone merged model with
its model card, download it as a zip, and (outside workshop mode) push it to the Hugging
Face Hub with a token that is used for that one call and never kept."""

from __future__ import annotations

import functools
import html
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from core.config import ConfigError
from core.results.export import DEFAULT_FORMATS, EXPORT_FORMATS, ExportError

from .common import AppSettings, Session, explain, handler, note, section_title
from .results_common import (
    default_run,
    find_run,
    finished_runs,
    folder_bytes,
    run_choices,
    servable,
    size_text,
    workspace_relative,
)

TITLE = "Export"
DEFAULT_FOLDER = "export"
# What each format's folder holds, keyed by ExportFormat.folder (a test keeps it in step with EXPORT_FORMATS).
WRITTEN_LABELS = {"adapter": "the LoRA adapter (PEFT format)", "model": "the standalone model (safetensors + tokenizer)",
                  "gguf": "model.gguf + Ollama Modelfile (llama.cpp, Ollama)"}
# What a run folder already holds: an export folder must never land on top of these.
RUN_FOLDER_ITEMS = ("final", "checkpoints", "config.yaml", "summary.json", "metrics.jsonl", "loss_curve.png",
                    "error.log")

EXPLANATION = """
A LoRA run produces an **adapter**: a few small matrices that only work on top of the base model
they were trained with. You can share the adapter alone (a few MB) and load it onto the base
model with PEFT, or **merge** it into the base weights to get an ordinary standalone model that
`transformers` loads on its own (as large as the base model). A fully fine-tuned model is
always exported as a standalone model. **GGUF** is the file format of llama.cpp and Ollama,
which run a model on a laptop without Python: the export writes `gguf/model.gguf` (16-bit) and an
Ollama `Modelfile` that formats the chat and stops at the end of the model's turn (Llama-style
models such as SmolLM2 only).

Every export gets a **model card** (`README.md`): what the model was trained from and on, the
hyperparameters, and its scores before and after training, so whoever uses it later knows where
it came from. Files are written in safetensors format, which can't run code when loaded.
"""

HUB_NOTE = ("The token needs *write* access (huggingface.co/settings/tokens). It is used for this upload "
            "only: it is not saved, logged or written into the exported files.")


@dataclass
class ExportParts:
    run: gr.Dropdown
    formats: gr.CheckboxGroup
    folder: gr.Textbox
    export_btn: gr.Button
    download: gr.DownloadButton
    status: gr.Markdown
    card: gr.Markdown
    curve: gr.Image
    modelfile: gr.Code
    hub_box: gr.Column
    repo_id: gr.Textbox
    token: gr.Textbox
    private: gr.Checkbox
    push_btn: gr.Button
    push_result: gr.HTML


def layout(ctx: Any) -> ExportParts:
    explain(ctx.settings, EXPLANATION)
    with gr.Row(equal_height=False):
        with gr.Column(scale=4, min_width=320):
            with gr.Column(elem_classes=["fts-panel"]):
                section_title("What to export")
                run = gr.Dropdown([], value=None, label="Finished run", allow_custom_value=True,
                                  elem_id="export-run")
                formats = gr.CheckboxGroup([(f.label, f.name) for f in EXPORT_FORMATS.values()],
                                           value=list(DEFAULT_FORMATS), label="Formats", elem_id="export-formats",
                                           info="A fully fine-tuned run is always exported as a standalone model.")
                folder = gr.Textbox(label="Folder name (inside the run's folder)", placeholder=DEFAULT_FOLDER,
                                    info="A plain name, e.g. v1; empty = export.", elem_id="export-folder")
                export_btn = gr.Button("Export", variant="primary", elem_id="export-run-btn")
                download = gr.DownloadButton("Download zip", visible=False, variant="secondary",
                                             elem_id="export-download")
            with gr.Column(visible=not ctx.settings.workshop, elem_classes=["fts-panel"]) as hub_box:
                section_title("Push to the Hugging Face Hub")
                repo_id = gr.Textbox(label="Repository id", placeholder="your-name/my-fine-tuned-model",
                                     elem_id="export-repo-id")
                token = gr.Textbox(label="Access token", type="password", placeholder="hf_…",
                                   elem_id="export-token", info=HUB_NOTE)
                private = gr.Checkbox(True, label="Private repository", elem_id="export-private")
                push_btn = gr.Button("Push the exported folder", elem_id="export-push")
                push_result = gr.HTML(padding=False, elem_id="export-push-result", label="Push result",
                                      show_label=False)
        with gr.Column(scale=8, min_width=420):
            status = gr.Markdown('<div class="fts-empty">Choose a finished run and press <b>Export</b>.</div>',
                                 elem_id="export-status", elem_classes=["fts-summary"], label="Files written",
                                 show_label=False)
            with gr.Column(elem_classes=["fts-panel"]):
                section_title("Model card (README.md)")
                card = gr.Markdown("The model card appears here after an export.", elem_id="export-card",
                                   label="Model card", show_label=False)
                curve = gr.Image(label="loss_curve.png", visible=False, interactive=False, height=280,
                                 buttons=[], elem_id="export-curve")
            modelfile = gr.Code(label="gguf/Modelfile (Ollama: ollama create my-model -f Modelfile)", visible=False,
                                interactive=False, elem_id="export-modelfile")
    return ExportParts(run=run, formats=formats, folder=folder, export_btn=export_btn, download=download,
                       status=status, card=card, curve=curve, modelfile=modelfile, hub_box=hub_box, repo_id=repo_id, token=token,
                       private=private, push_btn=push_btn, push_result=push_result)


# --------------------------------------------------------------------------- helpers
def export_folder(run_dir: Path, name: Any) -> Path:
    """``<run>/<name>`` for a plain folder name (default ``export``); never the run's own files."""
    from core.paths import safe_child

    name = str(name or "").strip() or DEFAULT_FOLDER
    target = safe_child(run_dir, name, "export folder")
    if name in RUN_FOLDER_ITEMS:
        raise ConfigError(f"export folder {name!r} is taken by the run itself; choose another name "
                          f"(not {', '.join(RUN_FOLDER_ITEMS)})")
    return target


def card_view(text: str) -> str:
    """The card as the page shows it: the YAML header as a code block, local images left out
    (the loss curve is shown beside it)."""
    meta = ""
    m = re.match(r"---\n(.*?)\n---\n", text, flags=re.S)
    if m:
        meta, text = m.group(1), text[m.end():]
    text = re.sub(r"!\[[^\]]*\]\((?!https?://)([^)]*)\)", r"*(\1: shown below the card)*", text)
    if not meta:
        return text.strip()
    return f"<details><summary>Metadata (YAML header)</summary>\n\n```yaml\n{meta}\n```\n</details>\n\n{text.strip()}"


def written_markdown(written: dict[str, Any]) -> str:
    what = {**WRITTEN_LABELS, "card": "the model card"}
    target = Path(written["target"])
    rows = [f"| `{Path(path).relative_to(target)}{'/' if Path(path).is_dir() else ''}` | {what[key]} | "
            f"{size_text(folder_bytes(Path(path)))} |" for key, path in written.items() if key in what]
    notes = "".join(f"\n\n*{html.escape(n)}*" for n in written.get("notes") or [])
    return (f"**Exported** to `{workspace_relative(target)}/` in the workspace:\n\n"
            "| in that folder | what | size |\n|---|---|---:|\n" + "\n".join(rows) + notes)


# --------------------------------------------------------------------------- handlers
@handler("list the finished runs")
def export_runs(settings: AppSettings, parts: ExportParts, session: Session, current: Any) -> dict:
    rows = finished_runs(settings, session)
    names = [r["name"] for r in rows]
    value = current if current in names else (default_run(session, rows) or None)
    out = {parts.run: gr.update(choices=run_choices(rows), value=value)}
    if not rows:
        out[parts.status] = ('<div class="fts-empty">No finished run yet: train one on the Train tab, then '
                             'export it here.</div>')
    return out


@handler("export the run")
def export_run(settings: AppSettings, parts: ExportParts, session: Session, run: Any, formats: Any,
               folder: Any = "") -> dict:
    """Write the chosen formats and the model card into a folder inside the run's folder."""
    from core.results.export import export_run as write_export

    row = find_run(settings, session, run, finished=True)
    run_dir = Path(row["path"])
    target = export_folder(run_dir, folder)
    chosen = tuple(f for f in EXPORT_FORMATS if f in (formats or []))
    unknown = [f for f in (formats or []) if f not in EXPORT_FORMATS]
    if unknown:
        raise ConfigError(f"unknown export format(s) {', '.join(map(str, unknown))}; choose among {', '.join(EXPORT_FORMATS)}")
    if not chosen:
        raise ConfigError("tick at least one format to export")
    written = write_export(run_dir, target, chosen)
    card = Path(written["card"]).read_text(encoding="utf-8")
    curve = target / "loss_curve.png"
    modelfile = Path(written["modelfile"]).read_text(encoding="utf-8") if written.get("modelfile") else None
    return {parts.status: written_markdown(written), parts.card: card_view(card),
            parts.curve: gr.update(value=servable(curve, session) if curve.is_file() else None,
                                   visible=curve.is_file()),
            parts.modelfile: gr.update(value=modelfile, visible=modelfile is not None),
            parts.download: gr.update(visible=False)}


@handler("make the zip")
def export_zip(settings: AppSettings, session: Session, run: Any, folder: Any = "") -> str:
    """A zip of the exported folder, ready to download."""
    from core.results.export import zip_export

    row = find_run(settings, session, run, finished=True)
    target = export_folder(Path(row["path"]), folder)
    return servable(zip_export(target), session)  # the file itself, so API clients download it too


@handler("show the download")
def zip_ready(path: Any) -> Any:
    """Show the download button, labelled with the zip's name and size."""
    if not path:
        return gr.update(visible=False)
    p = Path(path)
    return gr.update(visible=True, label=f"Download {p.name} ({size_text(p.stat().st_size)})")


@handler("push to the Hub")
def export_push(settings: AppSettings, parts: ExportParts, session: Session, run: Any, folder: Any = "",
                repo_id: str = "", token: str = "", private: bool = True) -> dict:
    """Upload the exported folder to a Hub repository; the token is used for this call only."""
    from core.results.export import push_to_hub

    if settings.workshop:
        raise ConfigError("pushing to the Hub is switched off in workshop mode")
    row = find_run(settings, session, run, finished=True)
    target = export_folder(Path(row["path"]), folder)
    secret = (token or "").strip()
    try:
        url = push_to_hub(target, (repo_id or "").strip(), secret, private=bool(private))
    except ExportError as exc:
        message = str(exc).replace(secret, "***") if secret else str(exc)
        gr.Warning(html.escape(message, quote=False), title="Not pushed")  # toasts render HTML
        return {parts.push_result: note(f"Not pushed: {message}", "warn")}
    gr.Info(f"Uploaded to {html.escape(url, quote=False)}")
    return {parts.push_result: f'<div class="fts-note fts-note-ok">Uploaded to <a href="{html.escape(url)}" '
                               f'target="_blank" rel="noopener">{html.escape(url)}</a>.</div>',
            parts.token: ""}  # the page forgets the token too


# --------------------------------------------------------------------------- wiring
def wire(ctx: Any, parts: ExportParts) -> None:
    session, settings = ctx.session, ctx.settings
    runs = dict(fn=functools.partial(export_runs, settings, parts), inputs=[session, parts.run],
                outputs=[parts.run, parts.status], show_progress="hidden", concurrency_limit=None,
                api_visibility="private")
    ctx.tab_items[sys.modules[__name__]].select(**runs)
    parts.export_btn.click(functools.partial(export_run, settings, parts),
                           inputs=[session, parts.run, parts.formats, parts.folder],
                           outputs=[parts.status, parts.card, parts.curve, parts.modelfile, parts.download],
                           api_name="export_run").success(
        functools.partial(export_zip, settings), inputs=[session, parts.run, parts.folder],
        outputs=[parts.download], api_name="export_zip").success(
        zip_ready, inputs=[parts.download], outputs=[parts.download], api_visibility="private",
        show_progress="hidden", queue=False)
    parts.push_btn.click(functools.partial(export_push, settings, parts),
                         inputs=[session, parts.run, parts.folder, parts.repo_id, parts.token, parts.private],
                         outputs=[parts.push_result, parts.token], api_name="export_push")
