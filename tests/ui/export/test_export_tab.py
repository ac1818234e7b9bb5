"""ui/export.py, in-process: the export folder's name is checked and escaped, and workshop mode hides
and refuses the Hub push."""

from __future__ import annotations

import gradio as gr
import pytest

from core.config import ConfigError
from core.paths import PathError, runs_dir


def test_an_export_folder_named_like_html_is_escaped_and_a_dot_folder_refused_for_the_right_reason():
    from ui.common import handler
    from ui.export import export_folder

    @handler("export the run")
    def export(name):
        return export_folder(runs_dir() / "some-run", name)

    with pytest.raises(gr.Error) as err:
        export("<img src=x onerror=alert(5)>")
    assert "<img" not in err.value.message and "&lt;img" in err.value.message
    with pytest.raises(PathError, match="must not start with a dot"):
        export_folder(runs_dir() / "some-run", ".hidden")
    with pytest.raises(ConfigError, match="taken by the run itself"):
        export_folder(runs_dir() / "some-run", "final")


FAKE_TOKEN = "hf_FakeTokenForTests0123456789abcdef"


def test_workshop_mode_hides_and_refuses_the_hub_push():
    import gradio as gr

    from ui import export as export_tab
    from ui.common import AppSettings, Session
    from ui.shell import build

    _, ctx = build(AppSettings(workshop=True))
    assert ctx.parts_of(export_tab).hub_box.visible is False
    _, ctx = build(AppSettings())
    assert ctx.parts_of(export_tab).hub_box.visible is True
    with pytest.raises(gr.Error, match="switched off in workshop mode"):
        export_tab.export_push(AppSettings(workshop=True), ctx.parts_of(export_tab), Session(), "any", "", "a/b",
                               FAKE_TOKEN, True)
