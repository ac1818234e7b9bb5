"""The Compare tab's chat panel and validation table through the API (gradio_client) of a
real `python app.py`, on a finished tiny ChatML LoRA run (the `tiny_chat_run` fixture,
copied into the server's workspace): both sides answer, streamed, and continue their own
conversation; the decoding settings are the form's; the validation table and forgetting
check are the ones the run wrote when it finished."""

from __future__ import annotations

import json
import shutil

import pytest

gradio_client = pytest.importorskip("gradio_client")
from gradio_client import Client  # noqa: E402
from gradio_client.exceptions import AppError  # noqa: E402

RUN = "tiny-chat-shared"  # the fixture's run name (summary.json names it)


@pytest.fixture(scope="module")
def client(app_server, tiny_chat_run):
    assert tiny_chat_run.run_dir.name == RUN
    shutil.copytree(tiny_chat_run.run_dir, app_server.workspace / "runs" / RUN)
    return Client(app_server.url, verbose=False)


def labelled(c: Client, api_name: str, job_values) -> dict:
    returns = c.view_api(return_format="dict", print_info=False)["named_endpoints"][api_name]["returns"]
    values = job_values if isinstance(job_values, tuple) else (job_values,)
    return {r["label"]: v for r, v in zip(returns, values)}


def value_of(output):
    return output.get("value") if isinstance(output, dict) and output.get("__type__") == "update" else output


def test_chat_streams_both_sides_and_continues(client, app_server):
    c = client
    loaded = labelled(c, "/compare_load", c.predict(run=RUN, api_name="/compare_load"))
    assert "one copy of the base weights" in loaded["Status"]
    assert "One copy of the base weights" in loaded["Chat settings"] and "<|im_end|>" in loaded["Chat settings"]

    job = c.submit(run=RUN, message="Give me a tip for a rainy day.", system="", max_new_tokens=8,
                   api_name="/compare_chat")
    out = labelled(c, "/compare_chat", job.result())
    assert len(job.outputs()) > 4, "the answers arrive token by token"
    base, tuned = out["Base model (before training)"], out["Fine-tuned model"]
    assert [m["role"] for m in base] == [m["role"] for m in tuned] == ["user", "assistant"]
    assert base[1]["content"] != tuned[1]["content"]  # training changed the answer
    for m in (base[1], tuned[1]):
        assert "<|im_end|>" not in str(m["content"]) and "<|im_start|>" not in str(m["content"])
    note = out["Chat settings"]
    assert "greedy decoding" in note and "at most 8 new tokens" in note and "Fine-tuned:" in note
    assert out["Message"] == ""

    # a second turn: both conversations go on, the first answers kept
    again = labelled(c, "/compare_chat", c.predict(run=RUN, message="And another one?", system="Be brief.",
                                                   max_new_tokens=8, api_name="/compare_chat"))
    b2, t2 = again["Base model (before training)"], again["Fine-tuned model"]
    assert len(b2) == len(t2) == 4 and b2[:2] == base and t2[:2] == tuned

    cleared = c.predict(api_name="/compare_chat_reset")
    assert value_of(cleared[0]) == [] and value_of(cleared[1]) == []
    with pytest.raises(AppError, match="type a message first"):
        c.predict(run=RUN, message="  ", system="", api_name="/compare_chat")


def test_the_validation_table_is_the_runs_own(client, app_server):
    c = client
    c.predict(run=RUN, api_name="/compare_load")
    out = labelled(c, "/compare_answers", c.predict(run=RUN, api_name="/compare_answers"))
    summary = out["Scores and forgetting check"]
    assert "answered when the run finished" in summary and "| ROUGE-L (0-1) |" in summary
    assert "Forgetting check" in summary and "general text" in summary
    table = value_of(out["Held-out prompts, the rows where the two answers differ most first"])
    rows = [json.loads(line) for line in (app_server.workspace / "runs" / RUN / "generations.jsonl").read_text()
            .splitlines() if line]
    assert len(table["data"]) == len(rows) == 4
    by_base = {r["base"] for r in rows}
    assert {row[2] for row in table["data"]} <= by_base  # the stored answers, not new ones
    assert all("<|im_start|>" not in row[0] for row in table["data"])  # the user's message, not the markup
