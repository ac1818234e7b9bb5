"""A causal run in a real browser (headless Debian chromium via playwright): Data (a small
chat file uploaded, row 1 rendered by SmolLM2's own chat template) → Tokenize & pad (the
trained/masked picture: green answer chips, masked system/user, outlined special tokens, the
counts and alarms) → Train on SmolLM2 with LoRA, 2 steps at max_length 64, until it
finishes. Screenshots land in tests/output/screenshots/ (gitignored)."""

from __future__ import annotations

import re

import pytest
from browser_helpers import (
    assert_clean,
    needs_chromium,
    new_page,
    open_causal_lm,
    open_tab,
    pick_radio,
    set_number,
    shot,
    text_of,
    wait_text,
)

from core.paths import PROJECT_ROOT
from core.results.runs import load_run_config

pytestmark = [needs_chromium, pytest.mark.browser, pytest.mark.slow]

CHAT_SMALL = str(PROJECT_ROOT / "tests" / "data" / "chat-small.jsonl")


def test_data_tokenize_train_on_smollm2(app_server, browser, smollm2_dir):
    context, page = new_page(browser, 1400, 950)
    open_causal_lm(page, app_server.url)  # 0. Model: the causal task (SmolLM2 is its default model)

    # 1. Data: upload a chat file; row 1 as the model sees it, special tokens included
    open_tab(page, "data")
    pick_radio(page, "data-source", "Upload a file")
    page.locator("#data-upload input[type=file]").set_input_files(CHAT_SMALL)
    wait_text(page, "#data-summary", "28 rows")
    wait_text(page, "#data-table", "user: ")  # conversations read as turns, not [object Object]
    assert "object Object" not in text_of(page, "#data-table")
    page.wait_for_function("document.querySelector('#data-rendered textarea')?.value.includes('<|im_start|>assistant')",
                           timeout=240_000)
    rendered = page.locator("#data-rendered textarea").input_value()
    assert "<|im_end|>" in rendered and "messages format" in text_of(page, "#data-rendered")
    page.locator("#data-rendered").scroll_into_view_if_needed()
    shot(page, "train-view-1-data")

    # 2. Tokenize & pad: trained vs masked, token by token
    open_tab(page, "tokenizing")
    set_number(page, "#tok-max-length input[type=number]", "64")
    page.locator("#tok-refresh").click()
    wait_text(page, "#tok-meta", "max_length 64")
    page.locator("#tok-chips .fts-tchip.fts-trained").first.wait_for()
    chips = page.locator("#tok-chips .fts-tchip[data-trained]")
    roles = chips.evaluate_all("els => els.map(e => [e.dataset.role, e.dataset.trained])")
    assert {r for r, t in roles if t == "1"} == {"answer"}
    assert all(t == "0" for r, t in roles if r in ("system", "user"))
    assert page.locator("#tok-chips .fts-tspecial").count() >= 3
    assert "trained tokens in all" in text_of(page, "#tok-chips")
    assert page.locator("#tok-chips .fts-alarm").count() >= 1  # a card, or the all-clear one
    box = page.locator("#tok-chips .fts-tchips").bounding_box()
    page_width = page.evaluate("document.documentElement.clientWidth")
    assert box["x"] + box["width"] <= page_width + 1, "the chips stay inside the page"
    page.wait_for_function("document.querySelector('#tok-comparison')?.innerText.includes('packing')")
    page.locator("#tok-chips").scroll_into_view_if_needed()
    shot(page, "train-view-2-tokenize")
    assert_clean(page)

    # 3. Train: LoRA on SmolLM2, 2 steps, to the end
    open_tab(page, "train")
    set_number(page, "#train-max-steps input", "2")
    set_number(page, "#train-batch-size input[type=number]", "4")
    page.get_by_text("More options").click()
    set_number(page, "#fld-generate-eval-samples input", "1")  # the end-of-run report on one prompt, not 8
    page.locator("#train-alarms .fts-alarm, #train-plan li").first.wait_for()
    page.locator("#train-start").click()
    page.wait_for_function("/Finished|Failed|Stopped/.test(document.querySelector('#train-status')?.innerText || '')",
                           timeout=540_000)
    status = text_of(page, "#train-status")
    assert "Finished" in status, status
    assert re.search(r"step 2 / 2", text_of(page, "#train-progress"))
    (run_dir,) = [p for p in (app_server.workspace / "runs").iterdir() if p.is_dir()]  # this module's one run
    assert load_run_config(run_dir).generate.eval_samples == 1  # the More options field reached the run
    shot(page, "train-view-3-train")
    assert_clean(page)
    context.close()
