"""The bad-input corpus through the app (gradio_client): every case gets a clear message in
the page's error, no traceback, and the app keeps serving afterwards."""

from __future__ import annotations

import html

import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError

FILES = [
    ("empty.csv", b"", "empty"),
    ("header.csv", b"text,label\n", "no data rows"),
    ("binary.csv", b"\x00\x01\x02PK\x03\x04" * 40, "binary"),
    ("latin1.csv", "text,label\n\xe9t\xe9,a\nb,c\n".encode("latin-1"), "UTF-8"),
    ("ragged.csv", b"text,label\na,b\nc,d,e,f\n", "ragged rows"),
    # one field too many on the first row: pandas alone would shift every column silently
    ("ragged_first.csv", b"text,label\nthis was good,pos,extra\nbad one,neg\nfine,pos\n", "line 2 has 3 fields"),
    ("scalar.json", b'"just a string"', "list of records"),
    ("broken.jsonl", b'{"text": "a", "label": "x"}\n{oops\n', "line 2"),
    ("corrupt.parquet", b"PAR1\x00garbage", "parquet"),
    ("slides.pptx", b"PK\x03\x04", "file type"),
]

# Messages speak the widget's language ("Learning rate"), with the config key in small print.
SETTINGS = [
    ({"learning_rate": -1}, "Learning rate must be > 0"),
    ({"learning_rate": 0}, "Learning rate must be > 0"),
    ({"num_train_epochs": 0, "max_steps": -1}, "Epochs must be > 0"),
    # widget bounds: the config names the field and its range (not Gradio's "Value 0 is less
    # than minimum value 1.")
    ({"per_device_train_batch_size": 0}, "Batch size must be between 1 and 4096, got 0"),
    ({"per_device_train_batch_size": 100000}, "Batch size must be between 1 and 4096, got 100000"),
    ({"max_length": 0}, "max_length (tokens per example) must be between 8 and 131072, got 0"),
    ({"max_length": 10**7}, "must be between 8 and 131072, got 10000000"),
    ({"precision": "bf16"}, "bf16"),
    ({"precision": "fp16"}, "fp16"),
    ({"target_modules": ["q_proj", "v_proj"], "max_steps": 2}, "q_proj"),
    ({"template": "By {writer}: {quote}", "task": "causal-lm"}, "template"),
]


@pytest.fixture(scope="module")
def c(app_server):
    return Client(app_server.url, verbose=False)


def _clear(message: str) -> None:
    assert message and "Traceback" not in message and 'File "' not in message, message
    assert "Value " not in message or "minimum value" not in message, message  # not Gradio's own


@pytest.mark.parametrize("name,content,expected", FILES, ids=[f[0] for f in FILES])
def test_bad_files_through_the_app(c, tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(AppError) as err:
        c.predict(file=handle_file(str(path)), api_name="/upload_data")
    _clear(str(err.value))
    assert expected in html.unescape(str(err.value))


@pytest.mark.parametrize("values,expected", SETTINGS, ids=[str(s[0]) for s in SETTINGS])
def test_bad_settings_through_the_app(c, values, expected):
    c.predict(data_source="bundled", bundled_dataset="sentiment", api_name="/load_data")
    try:
        c.predict(api_name="/start_training", **{"max_rows": 80, "max_length": 32, **values})
    except AppError as err:
        _clear(str(err))
        assert expected in html.unescape(str(err)), str(err)
    else:  # accepted at the door: then the run itself must fail with the message
        import time

        deadline = time.time() + 120
        status = {}
        while time.time() < deadline:
            status = c.predict(api_name="/training_status")
            if status.get("status") in ("failed", "finished"):
                break
            time.sleep(1)
        assert status.get("status") == "failed" and expected in str(status), status


@pytest.mark.parametrize("model,expected", [
    ("/nonexistent/model", "outside the folders"),
    ("bert-base-uncased", "could not reach the Hugging Face Hub"),
    ("starter:nope", "unknown starter"),
])
def test_bad_models_through_the_app(c, model, expected):
    with pytest.raises(AppError) as err:
        c.predict(name_or_path=model, task="sequence-classification", api_name="/load_model")
    _clear(str(err.value))
    assert expected in str(err.value)


def test_the_app_still_serves_after_the_corpus(c):
    summary = c.predict(data_source="bundled", bundled_dataset="sentiment", api_name="/load_data")[0]
    assert "420 rows" in summary


def test_no_traceback_is_logged_for_the_corpus(app_server, c):
    """Every case above is a user's mistake: the server log holds no traceback for any of them
    (Gradio's own bounds check used to log one for a batch size of 0)."""
    c.predict(api_name="/training_status")
    log = app_server.log.read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]
