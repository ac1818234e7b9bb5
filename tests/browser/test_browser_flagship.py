"""The README's promise, in a real browser (headless Debian chromium via playwright): after the
default run (the `default_runs` fixture: the default preset trained for real, shared with
tests/test_flagship.py and tests/core/train/test_coach.py, copied into the server's workspace), the
Compare tab classifies each of core.config.FLAGSHIP_EXAMPLES as promised, with clear
confidence, where the base model could not tell. Screenshots land in tests/output/screenshots/."""

from __future__ import annotations

import re
import shutil

import pytest
from browser_helpers import assert_clean, needs_chromium, new_page, open_tab, shot, text_of, wait_text

from core.config import FLAGSHIP_EXAMPLES

pytestmark = [needs_chromium, pytest.mark.browser]

CONFIDENCE = 0.75  # the bar tests/test_flagship.py holds the engine to


def test_the_flagship_example_comes_out_right_on_the_compare_tab(app_server, browser, default_runs):
    run = default_runs[42]
    name = run.run_dir.name
    shutil.copytree(run.run_dir, app_server.workspace / "runs" / name, dirs_exist_ok=True)
    context, page = new_page(browser, 1400, 950)
    page.goto(app_server.url)
    open_tab(page, "compare")
    wait_text(page, "#compare-status", re.escape(name))
    for text, want in FLAGSHIP_EXAMPLES:
        page.locator("#compare-text textarea").fill(text)
        page.locator("#compare-classify").click()
        wait_text(page, "#compare-verdict", "fine-tuned:")
        tuned = text_of(page, "#compare-tuned-label")
        # gr.Label shows the top class first, then each class with its percentage
        top = re.search(r"(positive|negative)", tuned)
        assert top and top.group(1) == want, (text, tuned)
        share = re.search(rf"{want}\s*(\d+)%", tuned)
        assert share and int(share.group(1)) >= CONFIDENCE * 100, (text, tuned)
    shot(page, "15-compare-flagship")
    assert_clean(page)
    context.close()
