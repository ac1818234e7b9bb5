"""The app driven through its API (gradio_client) against a real `python app.py`: bad uploads
give clear messages and the app keeps serving; the bundled sentiment set + MiniLM starter +
LoRA trains from the API through every tab before Train and beats its baseline; a second client
is told the trainer is busy; shared mode queues a second browser; workshop mode keeps runs within
its limits. One file for the tabs it walks: they share the module's server. (In-process checks of
the shell, start-up and the error decorator: test_shell.py, test_app.py, test_common.py.)"""

from __future__ import annotations

import json
import re

import pytest

gradio_client = pytest.importorskip("gradio_client")
from api_helpers import by_label, wait_for  # noqa: E402
from gradio_client import Client, handle_file  # noqa: E402
from gradio_client.exceptions import AppError  # noqa: E402

# Small and quick on a 2-core CPU, and reliably learns: 240 rows, short examples, a constant
# learning rate high enough for LoRA (30 steps x 16 = 480 examples = 2.5 epochs of 192 rows).
FAST = dict(max_rows=240, max_length=48, max_steps=30, learning_rate=3e-3, lr_scheduler_type="constant", r=16,
            per_device_train_batch_size=16, eval_strategy="steps", eval_steps=10, save_strategy="no",
            logging_steps=5)


def client(server) -> Client:
    return Client(server.url, verbose=False)


def test_bad_uploads_give_clear_messages_and_the_app_keeps_serving(app_server, tmp_path):
    c = client(app_server)
    cases = {"empty.csv": (b"", "empty"),
             "header_only.csv": (b"text,label\n", "no data rows"),
             "ragged.csv": (b"text,label\na,b\nc,d,e,f\ng,h\n", "ragged rows"),
             "notes.docx": (b"PK\x03\x04 not a table", "file type")}
    for name, (content, expected) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(AppError) as e:
            c.predict(file=handle_file(str(path)), api_name="/upload_data")
        message = str(e.value)
        assert expected in message, message
        assert "Traceback" not in message and "File \"" not in message
    # ... and the app still answers, with the bundled data
    summary = c.predict(data_source="bundled", bundled_dataset="sentiment", api_name="/load_data")[0]
    assert "420 rows" in summary
    # a good upload lands in this session's upload folder inside the workspace
    good = tmp_path / "tiny.csv"
    good.write_text("text,label\ngreat,pos\nawful,neg\nnice,pos\nbad,neg\n")
    out = c.predict(file=handle_file(str(good)), api_name="/upload_data")
    assert out[0] == "upload" and "4 rows" in out[1]
    assert list((app_server.workspace / "uploads").glob("*/tiny.csv"))


def test_switching_the_task_offers_that_tasks_models(app_server):
    c = client(app_server)
    name, _card, _weights, padding = c.predict(task="causal-lm", api_name="/set_task")
    assert name["value"] == "starter:SmolLM2-135M-Instruct" and name["choices"][0][1] == "starter:SmolLM2-135M-Instruct"
    assert "packing" in [v for _, v in padding["choices"]]
    name, *_ , padding = c.predict(task="sequence-classification", padding="packing", api_name="/set_task")
    assert name["value"] == "starter:all-MiniLM-L6-v2"
    assert padding["value"] == "auto" and "packing" not in [v for _, v in padding["choices"]]


def test_shared_mode_queues_a_second_browser(app_factory):
    server = app_factory("--mode", "shared")
    a, b = Client(server.url, verbose=False), Client(server.url, verbose=False)
    a.predict(max_rows=240, max_steps=5, api_name="/start_training")
    waiting = by_label(b, "/start_training", max_rows=240, max_steps=5)
    assert "Waiting for the trainer" in waiting["Status"] and "in line" in waiting["Status"]
    status = b.predict(api_name="/training_status")
    assert status["status"] == "queued" and status["queue_position"] == 1
    assert a.predict(api_name="/training_status")["run"] != status["run"]  # each sees only its own run
    stopped = by_label(b, "/stop_training")
    assert "Stopped" in stopped["Status"] and "cancelled while waiting" in stopped["Status"]
    a.predict(api_name="/stop_training")


def test_lora_on_the_bundled_sentiment_set_learns_and_a_second_client_is_busy(app_server):
    c = client(app_server)
    summary = c.predict(data_source="bundled", bundled_dataset="sentiment", api_name="/load_data")[0]
    assert "420 rows" in summary
    card, new_weights = c.predict(name_or_path="starter:all-MiniLM-L6-v2", task="sequence-classification",
                                  api_name="/load_model")
    card = card.replace("<wbr>", "")  # line-break chances between the words of long names
    assert "BertForSequenceClassification" in card and "512 tokens" in card
    assert "classifier.weight" in new_weights and "expected" in new_weights
    chips = c.predict(example=3, **FAST, api_name="/tokenize_preview")
    assert "Example 4 of 192" in chips[0] and "[CLS]" in chips[1] and "attention_mask" in chips[1]
    table = c.predict(grid_strategy="max_length", **FAST, api_name="/padding_stats")[0]
    table = table.get("value", table)  # an update (value + label) comes back as a dict
    strategies = [row[0] for row in table["data"]]
    assert strategies[0].startswith("pad to max_length") and "✓ training" in strategies[2]
    method = c.predict(method="lora", **FAST, api_name="/method_summary")
    live = next(v for v in method if isinstance(v, str) and "trainable:" in v)
    # LoRA r=16 on query/value (147k) + the head and pooler trained in full (149k): 1.29 %
    assert re.search(r"trainable: [\d,]+ of 2\d\.\dM \(1\.\d+ %\)", live), live

    timing = c.predict(method="lora", **FAST, api_name="/time_steps")
    assert re.search(r"[\d.]+ s per step .* × 12 steps = about .* per epoch; the whole run \(30 steps, with 3 "
                     r"evaluations of about [^)]+\) ≈ .* of training", timing), timing
    plan, _ = c.predict(method="lora", **dict(FAST, learning_rate=1e-3), api_name="/plan_training")  # lr: same timing
    assert re.search(r"about .* of training \([\d.]+ s per step × 30 \+ 3 evaluations × [\d.]+ s, timed with "
                     r"these settings\)", plan), plan
    other_batch, _ = c.predict(method="lora", **dict(FAST, per_device_train_batch_size=8), api_name="/plan_training")
    assert "timed with these settings" not in other_batch

    started = by_label(c, "/start_training", method="lora", **FAST)
    assert "run `" in started["Status"]

    other = client(app_server)  # another browser: must not get this session's run
    with pytest.raises(AppError, match="trainer is busy"):
        other.predict(api_name="/start_training")
    with pytest.raises(AppError, match="busy with a run"):  # nor time steps beside it
        other.predict(api_name="/time_steps")
    assert other.predict(api_name="/training_status")["status"] == "idle"

    again = by_label(c, "/start_training", method="lora", **FAST)
    assert "Already training" in again["Status"]

    status = wait_for(c, lambda s: s["status"] in ("finished", "failed", "stopped"), timeout=420)
    assert status["status"] == "finished", status
    assert status["step"] == status["max_steps"] == 30
    base, final = status["baseline"]["eval_accuracy"], status["final"]["eval_accuracy"]
    assert final > base, (base, final)

    series = {row["series"] for row in status["curve"]}
    assert {"train loss", "eval loss", "eval accuracy"} <= series
    assert [r["step"] for r in status["curve"] if r["series"] == "eval accuracy"] == [0, 10, 20, 30]

    view = by_label(c, "/poll_training")
    assert view["Loss and accuracy"]  # the redrawn chart
    assert "Finished" in view["Status"] and "accuracy" in view["Metrics"]
    assert "step 30 / 30" in view["Progress"]
    assert "training / " in view["Log"] and "baseline (before training)" in view["Log"]
    # the app's process held the server and previews before the run: the run's own share is compared
    assert re.search(r"memory \(CPU\): the run added [\d,]+ MB at its peak · [\d,]+ MB estimated for it before "
                     r"training \(\d+\.\d\d×\) · process peak [\d,]+ MB, [\d,]+ MB of it in use before the run",
                     view["Log"]), view["Log"]
    # ... and the timing made before Start is checked against the run's real time
    assert re.search(r"time: training took .* · .* predicted by Time a few steps \(\d+\.\d\d×\)", view["Log"])
    (run,) = [p for p in (app_server.workspace / "runs").glob("*/summary.json")
              if json.loads(p.read_text()).get("name") == status["run"]]
    summary = json.loads(run.read_text())
    assert summary["predicted_train_s"] > 0 and summary["train_runtime_s"] > 0
    assert summary["run_memory_mb"] == pytest.approx(summary["peak_memory_mb"] - summary["memory_at_start_mb"], abs=0.2)


def test_workshop_mode_keeps_runs_within_safe_ranges(app_factory):
    from gradio_client.exceptions import AppError

    server = app_factory("--workshop")
    c = Client(server.url, verbose=False)
    with pytest.raises(AppError) as err:
        c.predict(max_rows=300, max_length=64, num_train_epochs=50, api_name="/start_training")
    assert "the limit here is 80 (workshop mode)" in str(err.value)
    with pytest.raises(AppError) as err:
        c.predict(max_length=512, api_name="/start_training")
    assert "max_length (tokens per example) must be &lt;= 128 here (workshop mode)" in str(err.value)
