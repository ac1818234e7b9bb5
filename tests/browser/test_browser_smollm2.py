"""A finished SmolLM2 chat run in a real browser (headless Debian chromium via playwright): the
shared `trained_smollm2_run` (a short LoRA run of the real SmolLM2-135M-Instruct on a chat set,
with its end-of-run report) copied into the server's workspace, walked through Compare (a chat
turn answered by both models, the validation table, the forgetting check) and Export (merged
model + GGUF with its Modelfile). Screenshots land in tests/output/screenshots/."""

from __future__ import annotations

import re
import shutil

import pytest
from browser_helpers import assert_clean, needs_chromium, new_page, open_tab, pick_option, shot, text_of, wait_text

pytestmark = [needs_chromium, pytest.mark.browser]


def test_a_smollm2_chat_run_through_compare_and_export(app_server, browser, trained_smollm2_run):
    name = trained_smollm2_run.run_dir.name
    shutil.copytree(trained_smollm2_run.run_dir, app_server.workspace / "runs" / name, dirs_exist_ok=True)
    context, page = new_page(browser, 1400, 950)
    page.goto(app_server.url)

    open_tab(page, "compare")
    wait_text(page, "#compare-status", re.escape(name))
    wait_text(page, "#compare-chat-note", "One copy of the base weights")
    page.locator("#compare-chat-message textarea").fill("What is the capital of France?")
    page.locator("#compare-chat-send").click()
    wait_text(page, "#compare-chat-note", "Fine-tuned: \\d+ tokens", timeout=180_000)
    for side in ("#compare-chat-base", "#compare-chat-tuned"):
        text = text_of(page, side)
        assert "capital of France" in text and "<|im_end|>" not in text and "<|im_start|>" not in text, text
    assert "Paris" in text_of(page, "#compare-chat-base")  # the pretrained model knows it
    page.locator("#compare-chat-base").scroll_into_view_if_needed()
    shot(page, "16-smollm2-chat")

    wait_text(page, "#compare-answers-summary", "Forgetting check")
    assert "general text" in text_of(page, "#compare-answers-summary")
    table = text_of(page, "#compare-answers")
    assert "Fine-tuned answer" in table and "<|im_start|>" not in table
    page.locator("#compare-answers").scroll_into_view_if_needed()
    shot(page, "17-smollm2-validation")

    open_tab(page, "export")
    wait_text(page, "#export-run", ".")
    pick_option(page, "export-run", name)
    page.locator("#export-formats").get_by_text("GGUF for llama.cpp", exact=False).click()
    page.locator("#export-run-btn").click()
    wait_text(page, "#export-status", "Exported", timeout=300_000)
    status = text_of(page, "#export-status")
    assert "model/" in status and "gguf" in status.lower(), status
    page.locator("#export-modelfile").wait_for(state="visible")
    assert "FROM" in text_of(page, "#export-modelfile")
    export = app_server.workspace / "runs" / name / "export"
    assert list((export / "gguf").glob("*.gguf")) and (export / "model" / "config.json").is_file()
    shot(page, "18-smollm2-export")
    assert_clean(page)
    context.close()
