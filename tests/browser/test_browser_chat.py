"""The Compare tab's chat panel and validation table in a real browser (headless Debian
chromium via playwright) on a finished tiny ChatML LoRA run (the `tiny_chat_run` fixture,
copied into the server's workspace): one chat turn shows both answers side by side, and the
validation table and forgetting check are on the page. Screenshots land in
tests/output/screenshots/ (gitignored)."""

from __future__ import annotations

import re
import shutil

import pytest
from browser_helpers import assert_clean, needs_chromium, new_page, open_tab, shot, text_of, wait_text

pytestmark = [needs_chromium, pytest.mark.browser]


def test_chat_one_turn_and_the_validation_table(app_server, browser, tiny_chat_run):
    name = tiny_chat_run.run_dir.name
    shutil.copytree(tiny_chat_run.run_dir, app_server.workspace / "runs" / name)
    context, page = new_page(browser, 1400, 950)
    page.goto(app_server.url)
    open_tab(page, "compare")
    wait_text(page, "#compare-status", re.escape(name))
    wait_text(page, "#compare-chat-note", "One copy of the base weights")
    assert "<|im_end|>" in text_of(page, "#compare-chat-note")
    box = page.locator("#compare-chat-message textarea")
    assert box.input_value().strip(), "the message starts as a held-out prompt"
    box.fill("Give me a tip for a rainy day.")
    page.locator("#compare-chat-send").click()
    wait_text(page, "#compare-chat-note", "Fine-tuned: \\d+ tokens")
    base_box = page.locator("#compare-chat-base").bounding_box()
    tuned_box = page.locator("#compare-chat-tuned").bounding_box()
    assert abs(base_box["y"] - tuned_box["y"]) < 5 and tuned_box["x"] > base_box["x"] + base_box["width"] - 5, \
        "the two answers sit side by side"
    for side in ("#compare-chat-base", "#compare-chat-tuned"):
        text = text_of(page, side)
        assert "rainy day" in text and "<|im_end|>" not in text, text
        assert len(page.locator(f"{side} .message-row, {side} [data-testid='bot']").all()) >= 1
    page.locator("#compare-chat-base").scroll_into_view_if_needed()
    shot(page, "13-compare-chat")

    wait_text(page, "#compare-answers-summary", "Forgetting check")
    assert "general text" in text_of(page, "#compare-answers-summary")
    table = text_of(page, "#compare-answers")
    assert "Fine-tuned answer" in table and "<|im_start|>" not in table
    page.locator("#compare-answers").scroll_into_view_if_needed()
    shot(page, "14-compare-validation")
    assert_clean(page)
    context.close()
