"""ui/common.py's handler decorator: every error becomes a one-line message that says what failed,
never a traceback, never a server path."""

from __future__ import annotations

import gradio as gr
import pytest

from core.data.sources import DataError
from core.paths import uploads_dir


def test_no_message_shows_a_server_path(tmp_path):
    from core.paths import PROJECT_ROOT, workspace
    from ui.common import handler

    upload = uploads_dir() / ("b" + "1" * 32) / "reviews.csv"

    @handler("read the data")
    def fail(text):
        raise DataError(text)

    for raw, shown in ((f"{upload} is not a readable parquet file", "reviews.csv is not"),
                       (f"data file not found: {PROJECT_ROOT}/assets/data/x.csv", "not found: assets/data/x.csv"),
                       (f"run folder {workspace()}/runs/r1 is busy", "workspace/runs/r1")):
        with pytest.raises(gr.Error) as err:
            fail(raw)
        assert shown in err.value.message and str(workspace()) not in err.value.message
        assert str(PROJECT_ROOT) not in err.value.message and "1" * 32 not in err.value.message


def test_handler_turns_every_error_into_a_one_line_message(caplog):
    import gradio as gr

    from core.data.sources import DataError
    from ui.common import handler

    @handler("do the thing")
    def known():
        raise DataError("x.csv is empty")

    @handler("do the thing")
    def unknown():
        return {}["missing"]

    with pytest.raises(gr.Error) as e:
        known()
    # the toast's head says only "Error": the action leads the message
    assert e.value.message == "Can't do the thing: x.csv is empty" and e.value.title == "Can't do the thing"
    with pytest.raises(gr.Error) as e:
        unknown()
    assert "KeyError" in e.value.message and "\n" not in e.value.message and "Traceback" not in e.value.message
    assert "Traceback" in caplog.text or any(r.exc_info for r in caplog.records)


@pytest.mark.parametrize("error", ["known", "unexpected"])
def test_every_error_toast_says_what_failed(error):
    """Gradio 6's toast heads every error with "Error" and shows no title: the action
    leads the message."""
    import gradio as gr

    from core.config import ConfigError
    from ui.common import handler

    @handler("start training", light=True)
    def fails():
        raise ConfigError("train.learning_rate must be > 0, got 0") if error == "known" else KeyError("x")

    with pytest.raises(gr.Error) as e:
        fails()
    assert e.value.message.startswith("Can't start training: ")
