"""ui/method.py, in-process: the precision choices say what this machine can't do, and the live
'trainable' line is escaped with a bar that stays visible and inside its track."""

import re

from core.config import PRECISIONS
from ui.method import live_html, precision_choices


def test_precision_choices_name_auto_and_mark_what_this_machine_lacks():
    choices = precision_choices({"bf16": "no bf16 on this CPU", "fp16": ""}, "fp32")
    assert [value for _, value in choices] == list(PRECISIONS)  # every setting stays choosable
    labels = dict((value, label) for label, value in choices)
    assert labels["auto"] == "auto (fp32 here)"
    assert labels["bf16"] == "bf16 (not on this machine)" and labels["fp16"] == "fp16"


def test_the_live_line_is_escaped_and_its_bar_clamped():
    def width(markup):
        return float(re.search(r"width:([\d.]+)%", markup).group(1))

    shown = live_html("trainable: <b>1,234</b> of 22.7M", 0.25)
    assert "&lt;b&gt;1,234&lt;/b&gt;" in shown and "<b>" not in shown and width(shown) == 25.0
    assert width(live_html("x", 1.7)) == 100.0
    assert width(live_html("x", 0.0)) == width(live_html("x", None)) == 0.6  # a sliver, never an empty track
    error = live_html("ignored", 0.5, error="LoRA needs <target_modules>")
    assert "fts-live-error" in error and "&lt;target_modules&gt;" in error and "ignored" not in error
