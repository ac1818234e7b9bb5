"""The tabs after training (Compare, Export, History, Code) driven through their API
(gradio_client) against a real `python app.py`. One client trains two short LoRA runs on the
bundled sentiment set (conftest's results_app, shared with the browser's walk of the same
tabs); then: base and fine-tuned give different probabilities and the fine-tuned model
scores higher on the validation split, the export writes the merged model and its card and zips them, a Hub push with a fake token fails with a
clear message that never shows the token, History lists both runs and overlays their curves,
the Code tab writes a standalone script, and a few steps of the tiny GPT-2 stream base and
fine-tuned generations side by side. One file for four tabs: they share one server
and its two runs (training them again per tab would cost minutes). In-process: shared mode's
run lists, test_results_common.py; workshop mode and the Hub push, tests/ui/export/."""

from __future__ import annotations

import re
import zipfile

import pytest

gradio_client = pytest.importorskip("gradio_client")
from api_helpers import by_label, train  # noqa: E402
from gradio_client.exceptions import AppError  # noqa: E402

FAKE_TOKEN = "hf_FakeTokenForTests0123456789abcdef"
# A few steps of the tiny GPT-2 on the bundled quotes: enough to stream two different texts.
CAUSAL = dict(data_source="bundled", bundled_dataset="quotes", task="causal-lm", name_or_path="starter:tiny-gpt2",
              method="full", max_rows=80, max_length=64, max_steps=4, learning_rate=2e-3, eval_strategy="no",
              save_strategy="no", max_new_tokens=12)


@pytest.fixture(scope="module")
def runs(results_app):
    """The client that trained results-a and results-b (tests/conftest.py)."""
    return results_app.client


@pytest.fixture(scope="module")
def app_server(results_app):
    return results_app.server


def value_of(output):
    """An output that came back as an update (value + visibility) -> its value."""
    return output.get("value") if isinstance(output, dict) and output.get("__type__") == "update" else output


def accuracies(summary: str) -> tuple[float, float]:
    m = re.search(r"\| accuracy \| ([\d.]+) \| \*\*([\d.]+)\*\* \|", summary)
    assert m, summary
    return float(m.group(1)), float(m.group(2))


def test_compare_classify_and_validation(runs):
    c = runs
    # No run named: the run this session finished last.
    status = c.predict(run="", api_name="/compare_load")[1]
    assert "results-b" in status and "one copy of the base weights" in status
    status = c.predict(run="results-a", api_name="/compare_load")[1]
    assert "results-a" in status and "classification" in status

    base, tuned, verdict = c.predict(run="results-a", text="this product is sick, best purchase all year",
                                     text_pair="", api_name="/compare_classify")
    probs = lambda label: {x["label"]: x["confidence"] for x in label["confidences"]}  # noqa: E731
    assert set(probs(base)) == set(probs(tuned)) == {"negative", "positive"}
    assert probs(base) != probs(tuned)
    assert "Base:" in verdict and "fine-tuned:" in verdict

    summary, table, plot = (value_of(v) for v in c.predict(run="results-a", api_name="/compare_validation"))
    before, after = accuracies(summary)
    assert after > before, summary
    assert plot and plot.get("plot")  # the before/after bar chart
    assert table["headers"][:2] == ["Text", "True label"] and table["data"], table

    # A classifier can't generate: a clear message (raised half-way through a streaming handler).
    with pytest.raises(AppError, match="this run is a classifier"):
        c.predict(run="results-a", prompts="Quote by", api_name="/compare_generate")
    with pytest.raises(AppError, match="no run named 'nope'"):
        c.predict(run="nope", text="x", text_pair="", api_name="/compare_classify")


def test_export_zip_and_push(runs, app_server):
    c = runs
    status, card, curve, *_ = c.predict(run="results-a", formats=["adapter", "merged"], folder="",
                                       api_name="/export_run")
    export = app_server.workspace / "runs" / "results-a" / "export"
    assert (export / "model" / "model.safetensors").is_file()
    assert (export / "adapter" / "adapter_model.safetensors").is_file()
    assert (export / "README.md").is_file()
    assert "runs/results-a/export/" in status and "model/" in status and "README.md" in status
    assert "results-a" in card and "Training hyperparameters" in card

    archive = c.predict(run="results-a", folder="", api_name="/export_zip")
    assert zipfile.is_zipfile(archive)
    names = set(zipfile.ZipFile(archive).namelist())
    assert {"README.md", "model/model.safetensors", "adapter/adapter_model.safetensors"} <= names

    for bad, expected in (("../escape", "plain folder name"), ("/tmp/x", "plain folder name"),
                          ("final", "taken by the run itself")):
        with pytest.raises(AppError, match=expected):
            c.predict(run="results-a", formats=["merged"], folder=bad, api_name="/export_run")

    out = c.predict(run="results-a", folder="", repo_id="someone/sentiment-lora", token=FAKE_TOKEN, private=True,
                    api_name="/export_push")
    message = out[0]
    assert "Not pushed" in message and "Hugging Face Hub" in message, message
    assert FAKE_TOKEN not in message and FAKE_TOKEN[3:12] not in message
    assert FAKE_TOKEN not in app_server.log.read_text(errors="replace")
    assert not any(FAKE_TOKEN in p.read_text(errors="ignore") for p in export.rglob("*") if p.suffix in
                   (".md", ".json", ".yaml", ".txt"))


def test_history_lists_overlays_and_refuses_a_finished_resume(runs):
    c = runs
    table, summary, _, _ = c.predict(api_name="/history_list")
    rows = {r[0]: r for r in table["data"]}
    assert {"results-a", "results-b"} <= set(rows)
    assert rows["results-a"][1] == "finished" and rows["results-a"][5].startswith("accuracy ")
    assert f"{len(rows)} runs" in summary  # results-a, results-b and the browser's run, when it ran first

    plot, metrics = (value_of(v) for v in c.predict(names=["results-a", "results-b"], api_name="/history_overlay"))
    assert plot and plot.get("plot"), plot
    assert [r[0] for r in metrics["data"]] == ["results-a", "results-b"]
    assert "0.002" in str(metrics["data"][0]) and "0.0005" in str(metrics["data"][1])
    took = metrics["headers"].index("Training time")
    a, b = metrics["data"]
    assert re.fullmatch(r"\d+ s|\d+ min \d\d s", a[took]), a  # no prediction was made for results-a
    assert re.fullmatch(r"(\d+ s|\d+ min \d\d s) \(predicted (\d+ s|\d+ min \d\d s)\)", b[took]), b
    memory = metrics["headers"].index("Peak memory")
    assert all(re.fullmatch(r"[\d,]+ MB \(est\. [\d,]+\)", row[memory]) for row in metrics["data"]), metrics

    with pytest.raises(AppError, match="can't be resumed"):
        c.predict(run="results-a", api_name="/history_resume")

    loaded = [value_of(v) for v in c.predict(run="results-b", api_name="/history_load_settings")]
    assert 6 in loaded and 5e-4 in loaded  # max_steps and learning_rate are back in the widgets
    assert "Loaded the settings of results-b" in loaded[-1]


def test_code_tab_writes_a_standalone_script(runs):
    c = runs
    script = c.predict(api_name="/code_script")[0]
    assert "TrainingArguments" in script and "Trainer(" in script
    assert "from core" not in script and "import core" not in script
    compile(script, "train.py", "exec")
    config, command, _ = c.predict(num_gpus=4, strategy="fsdp", mixed_precision="bf16", api_name="/code_accelerate")
    assert "num_processes: 4" in config and "FSDP" in config
    assert command.startswith("accelerate launch --config_file accelerate_config.yaml -m core train run.yaml")
    with pytest.raises(AppError, match="GPUs must be a whole number between 1 and 64, got 0"):
        c.predict(num_gpus=0, strategy="ddp", mixed_precision="bf16", api_name="/code_accelerate")


def test_compare_generate_streams_both_models(runs):
    c = runs
    train(c, **CAUSAL, run_name="results-causal")
    loaded = by_label(c, "/compare_load", run="results-causal")
    status, prompts = loaded["Status"], value_of(loaded["One prompt per line"])
    assert "causal LM" in status and "base and fine-tuned models both in memory" in status
    assert len(prompts.splitlines()) == 3, prompts  # pre-filled from validation rows
    job = c.submit(run="results-causal", prompts="Quote by Ada:\nQuote by Linus:", max_new_tokens=12,
                   api_name="/compare_generate")
    final_html, note_text = job.result()
    streamed = job.outputs()
    assert len(streamed) > 4, "the outputs arrive token by token"
    assert "Base model (before training)" in final_html and "Fine-tuned model" in final_html
    assert final_html.count("Prompt ") == 2 and "waiting" not in final_html
    assert "greedy decoding" in note_text and "at most 12 new tokens" in note_text
    with pytest.raises(AppError, match="this run is a causal LM"):
        c.predict(run="results-causal", text="x", text_pair="", api_name="/compare_classify")
