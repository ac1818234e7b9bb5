"""core/results/export.py: a finished run exported and reloaded gives the same logits, a Hub push
without network explains and never leaks the token, paths outside the workspace are refused; the
export formats' registry agrees with the Export tab."""

import os

import pytest

from core.results.compare import Comparison
from core.results.export import ExportError, export_run, push_to_hub, zip_export
from core.results.runs import load_run_config


@pytest.fixture(scope="module")
def lora_run(trained_lora_run):
    return trained_lora_run.run_dir  # conftest: 48 LoRA steps on 240 sentiment rows, max_length 64


def test_export_then_reload_gives_the_same_logits(lora_run):
    import torch
    from peft import PeftModel
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from core.model.load import load_model

    written = export_run(lora_run)
    model_dir, adapter_dir = written["model"], written["adapter"]
    assert os.path.isfile(os.path.join(model_dir, "model.safetensors"))
    assert os.path.isfile(os.path.join(adapter_dir, "adapter_model.safetensors"))
    card = open(written["card"]).read()
    assert card.startswith("---\n") and "base_model: sentence-transformers/all-MiniLM-L6-v2" in card
    assert "eval_accuracy" not in card or "accuracy" in card
    assert "| learning_rate | 0.002 |" in card and "![loss curve](loss_curve.png)" in card

    comp = Comparison(lora_run)
    texts = ["wicked fast shipping", "refund took three months"]
    tuned = comp.classify(texts)["tuned"]
    tok = AutoTokenizer.from_pretrained(model_dir)
    merged = AutoModelForSequenceClassification.from_pretrained(model_dir).eval()
    enc = tok(texts, padding=True, truncation=True, max_length=64, return_tensors="pt")
    with torch.no_grad():
        merged_p = torch.softmax(merged(**enc).logits, -1)
    assert torch.allclose(merged_p, torch.tensor(tuned), atol=1e-5)
    assert merged.config.id2label == {0: "negative", 1: "positive"}
    # plain peft on a plain base model
    base, _ = load_model(load_run_config(lora_run), ["negative", "positive"], tok, apply=False)
    peft_model = PeftModel.from_pretrained(base, adapter_dir).eval()
    with torch.no_grad():
        peft_p = torch.softmax(peft_model(**enc).logits, -1)
    assert torch.allclose(peft_p, torch.tensor(tuned), atol=1e-5)
    archive = zip_export(written["target"])
    import zipfile

    names = zipfile.ZipFile(archive).namelist()
    assert "README.md" in names and "model/model.safetensors" in names


def test_push_without_network_explains_and_never_leaks_the_token(lora_run):
    token = "hf_SECRETtoken1234567890abcdef"
    target = lora_run / "export"
    if not target.exists():
        export_run(lora_run)
    with pytest.raises(ExportError) as err:
        push_to_hub(target, "someone/model", token)
    assert token not in str(err.value) and "no internet" in str(err.value)
    with pytest.raises(ExportError, match="needs a write token"):
        push_to_hub(target, "someone/model", "")
    for path in lora_run.rglob("*"):
        if path.is_file():
            assert token.encode() not in path.read_bytes(), path


def test_export_refuses_paths_outside_the_workspace(lora_run):
    from core.paths import PathError

    with pytest.raises(PathError):
        export_run(lora_run, "/etc/fts-export")
    with pytest.raises(PathError):
        export_run(lora_run, lora_run / ".." / ".." / ".." / "escape")
    with pytest.raises(ExportError, match="inside the run's final/"):
        export_run(lora_run, lora_run / "final")


def test_export_formats_registry_and_the_export_tab_agree():
    from core.results.export import DEFAULT_FORMATS, EXPORT_FORMATS
    from ui.export import WRITTEN_LABELS

    assert list(EXPORT_FORMATS) == ["adapter", "merged", "gguf"]
    assert {f.folder for f in EXPORT_FORMATS.values()} == set(WRITTEN_LABELS)
    assert "gguf" not in DEFAULT_FORMATS and set(DEFAULT_FORMATS) == {"adapter", "merged"}
    assert all(f.name == key and f.label for key, f in EXPORT_FORMATS.items())
