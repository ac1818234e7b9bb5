"""Preference tuning in a real browser (headless Debian chromium via playwright): Data (the
bundled preference pairs, one pair side by side as SmolLM2's chat template lays it out, stepped
to the next) → Method (objective dpo) → Train (DPO on SmolLM2 with LoRA: 3 steps of 2 pairs at
max_length 64 on 30 rows, so the run takes about a minute; the reward curves and the "what's
happening and why" notes) → Compare (held-out preference accuracy before → after, the pairs'
table, and a chat turn answered by the base and the DPO-tuned model side by side). Screenshots
land in tests/output/screenshots/ (gitignored)."""

from __future__ import annotations

import re

import pytest
from browser_helpers import (
    assert_clean,
    needs_chromium,
    new_page,
    open_causal_lm,
    open_tab,
    pick_option,
    pick_radio,
    set_number,
    shot,
    text_of,
    wait_text,
)

pytestmark = [needs_chromium, pytest.mark.browser, pytest.mark.slow]


def test_data_method_train_compare_a_dpo_run(app_server, browser, smollm2_dir):
    context, page = new_page(browser, 1400, 950)
    open_causal_lm(page, app_server.url)  # 0. Model: the causal task (SmolLM2, already converted, is its default model)

    # 1. Data: the bundled pairs; one pair, prompt on top, chosen | rejected, as the model sees them
    open_tab(page, "data")
    pick_option(page, "data-bundled", "preferences")
    wait_text(page, "#data-summary", "150 rows")
    wait_text(page, "#data-pair", "<\\|im_start\\|>assistant", timeout=240_000)  # laid out by the template
    pair = text_of(page, "#data-pair")
    assert "Pair 1 of 150" in pair and "✓ Chosen" in pair and "✗ Rejected" in pair, pair
    assert "palindrome" in pair and "dpo on the Method tab" in pair  # the objective is still sft
    assert not page.locator("#data-rendered").is_visible()  # the pair view replaces the one-row render
    assert "Preference pairs: DPO learns to prefer" in text_of(page, "#data-roles-note")
    sides = page.locator("#data-pair .fts-pair-chosen, #data-pair .fts-pair-rejected")
    (left, right) = [sides.nth(i).bounding_box() for i in range(2)]
    assert abs(left["y"] - right["y"]) < 2 and left["x"] + left["width"] <= right["x"], "side by side"
    page.locator("#data-pair-next").click()
    wait_text(page, "#data-pair", "Pair 2 of 150")
    assert "dream" in text_of(page, "#data-pair")
    set_number(page, "#fld-data-max-rows input", "30")  # 24 pairs to train on, 6 held out: a quick run
    page.locator("#data-pairs").scroll_into_view_if_needed()
    shot(page, "dpo-1-data-pair")

    # 2. Method: preference tuning
    open_tab(page, "method")
    pick_radio(page, "method-objective", "dpo")
    page.locator("#method-dpo-note").wait_for(state="visible")
    assert "reference" in text_of(page, "#method-dpo-note")

    # 3. Train: 3 steps of 2 pairs, a reward log at every step
    open_tab(page, "tokenizing")
    set_number(page, "#tok-max-length input[type=number]", "64")
    open_tab(page, "train")
    set_number(page, "#train-max-steps input", "3")
    set_number(page, "#train-batch-size input[type=number]", "2")
    set_number(page, "#train-lr input", "0.001")
    set_number(page, "#fld-train-warmup-ratio input[type=number]", "0")  # 3 steps: every one moves
    pick_radio(page, "fld-train-eval-strategy", "no")
    pick_radio(page, "fld-train-save-strategy", "no")
    page.get_by_text("More options").click()
    set_number(page, "#fld-train-logging-steps input", "1")
    set_number(page, "#fld-train-per-device-eval-batch-size input", "6")
    set_number(page, "#fld-generate-eval-samples input", "1")  # the end-of-run answers: one prompt, not 8
    wait_text(page, "#train-plan", "3")
    page.locator("#train-start").click()
    page.wait_for_function("/Finished|Failed|Stopped/.test(document.querySelector('#train-status')?.innerText || '')",
                           timeout=540_000)
    status = text_of(page, "#train-status")
    assert "Finished" in status, status + "\n" + text_of(page, "#train-log")
    assert re.search(r"step 3 / 3", text_of(page, "#train-progress"))
    notes = page.locator("#train-dpo .fts-dpo-note")
    keys = notes.evaluate_all("els => els.map(e => e.dataset.key)")
    assert keys == ["loss", "rewards/accuracies", "rewards/margins", "rewards/chosen", "preference"], keys
    panel = text_of(page, "#train-dpo")
    assert "What's happening and why (step 3" in panel and "beta 0.1" in panel and "6 pairs" in panel, panel
    assert page.locator("#train-chart img").count() == 1
    page.locator("#train-chart").scroll_into_view_if_needed()
    shot(page, "dpo-2-train")
    assert_clean(page)

    # 4. Compare: held-out preference accuracy before -> after, and both models answering
    open_tab(page, "compare")
    wait_text(page, "#compare-status", "preference accuracy", timeout=240_000)  # loads SmolLM2 + the adapter
    wait_text(page, "#compare-pref-summary", "Preference accuracy on 6 held-out pairs: \\d\\.\\d\\d → \\d\\.\\d\\d")
    assert "base → DPO-tuned" in text_of(page, "#compare-pref-summary")
    table = text_of(page, "#compare-pref-table")
    assert "Chosen answer" in table and "→" in table and "<|im_start|>" not in table
    page.locator("#compare-pref-box").scroll_into_view_if_needed()
    shot(page, "dpo-3-compare-preference")
    message = page.locator("#compare-chat-message textarea")
    assert message.input_value().strip(), "the first held-out prompt is offered"
    set_number(page, "#fld-generate-max-new-tokens input[type=number]", "24")
    page.locator("#compare-chat-send").click()
    wait_text(page, "#compare-chat-note", "Fine-tuned: \\d+ tokens", timeout=240_000)
    for side in ("#compare-chat-base", "#compare-chat-tuned"):
        text = text_of(page, side)
        assert len(text.strip()) > 20 and "<|im_end|>" not in text, text
    page.locator("#compare-chat-base").scroll_into_view_if_needed()
    shot(page, "dpo-4-compare-chat")
    assert_clean(page)
    context.close()
