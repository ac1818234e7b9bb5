"""The tabs after training in a real browser (headless Debian chromium via Python
playwright), on conftest's results_app (two runs its API client trained, results-a and results-b):
train one more short run from the Train tab, then Compare shows the base and the
fine-tuned model's answers side by side (and the validation check), Export writes the files
and the zip downloads, History overlays two runs and loads the new run's settings back, and
the Code tab shows them. Screenshots land in tests/output/screenshots/ (gitignored)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from browser_helpers import (
    assert_clean,
    needs_chromium,
    new_page,
    open_tab,
    pick_option,
    pick_radio,
    set_number,
    shot,
    text_of,
    wait_text,
)

pytestmark = [needs_chromium, pytest.mark.browser]


def run_name(page) -> str:
    m = re.search(r"run (\S+?)\.?(?:\s|$)", text_of(page, "#train-status"))
    return m.group(1) if m else ""


def train(page, steps: str, lr: str) -> str:
    """Start a run from the Train tab and wait for it to finish; returns its name."""
    before = run_name(page)
    set_number(page, "#train-max-steps input", steps)
    set_number(page, "#train-lr input", lr)
    page.locator("#train-start").click()
    page.wait_for_function(f"(() => {{ const t = document.querySelector('#train-status')?.innerText || '';"
                           f" const b = {before!r}; return t.includes('Finished') && (!b || !t.includes(b)); }})()",
                           timeout=360_000)
    return run_name(page)


def test_compare_export_history_code_after_training(results_app, browser, tmp_path):
    app_server = results_app.server
    context, page = new_page(browser, 1400, 950, accept_downloads=True)
    page.goto(app_server.url)
    page.wait_for_function("document.querySelector('#data-summary')?.innerText.includes('420 rows')")
    set_number(page, "#fld-data-max-rows input", "240")  # quick runs for the test

    # One short run from the Train tab (no evaluation or checkpoints while training); the
    # 25-step results-a is the run to classify with.
    open_tab(page, "train")
    pick_radio(page, "fld-train-eval-strategy", "no")
    pick_radio(page, "fld-train-save-strategy", "no")
    first = "results-a"
    second = train(page, "6", "0.0005")
    assert second and second != first

    # Compare: the latest run is chosen; switch to the 25-step one and classify a text.
    open_tab(page, "compare")
    wait_text(page, "#compare-status", re.escape(second))
    assert "one copy of the base weights" in text_of(page, "#compare-status")
    pick_option(page, "compare-run", first)
    wait_text(page, "#compare-status", re.escape(first))
    page.locator("#compare-text textarea").fill("honestly the best headphones I have owned, worth every penny")
    page.locator("#compare-classify").click()
    wait_text(page, "#compare-verdict", "fine-tuned:")
    base_box = page.locator("#compare-base-label").bounding_box()
    tuned_box = page.locator("#compare-tuned-label").bounding_box()
    assert abs(base_box["y"] - tuned_box["y"]) < 5 and tuned_box["x"] > base_box["x"] + base_box["width"] - 5, \
        "the two answers sit side by side"
    for side in ("#compare-base-label", "#compare-tuned-label"):
        assert re.search(r"positive|negative", text_of(page, side)), text_of(page, side)
    page.locator("#compare-validate").click()
    wait_text(page, "#compare-validation-summary", "validation rows")
    page.locator("#compare-validation-plot img").first.wait_for()
    shot(page, "8-compare")
    assert_clean(page)

    # Export (the browser's own run): files written, the card rendered, the zip downloads.
    open_tab(page, "export")
    wait_text(page, "#export-run", ".")  # the run list has arrived
    pick_option(page, "export-run", second)
    page.locator("#export-run-btn").click()
    wait_text(page, "#export-status", "Exported", timeout=120_000)
    assert f"runs/{second}/export/" in text_of(page, "#export-status") and "model/" in text_of(page, "#export-status")
    wait_text(page, "#export-card", "Training hyperparameters")  # the card renders after the status
    page.locator("#export-download").wait_for(state="visible", timeout=120_000)
    with page.expect_download() as download:
        page.locator("#export-download").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".zip" and "model/model.safetensors" in zipfile.ZipFile(saved).namelist()
    assert (app_server.workspace / "runs" / second / "export" / "README.md").is_file()
    shot(page, "9-export")
    assert_clean(page)

    # History: both runs listed, overlaid on one chart; load the new run's settings back.
    open_tab(page, "history")
    wait_text(page, "#history-table", re.escape(second))
    assert first in text_of(page, "#history-table") and "accuracy" in text_of(page, "#history-table")
    pick_option(page, "history-overlay", first)
    pick_option(page, "history-overlay", second)
    page.locator("#history-overlay-btn").click()
    page.locator("#history-chart img").first.wait_for()
    wait_text(page, "#history-metrics", re.escape(second))
    pick_option(page, "history-pick", second)
    page.locator("#history-load").click()
    wait_text(page, "#history-note", "Loaded the settings")
    shot(page, "10-history")
    assert_clean(page)

    # Code: the script is written from the loaded run's settings (6 steps at 5e-4). The code
    # view draws only the lines in sight, so read the whole script from its download.
    open_tab(page, "code")
    wait_text(page, "#code-script", "TrainingArguments")
    with page.expect_download() as download:
        page.locator("#code-download-script").click()
    script = Path(download.value.path()).read_text()
    assert download.value.suggested_filename == "train.py"
    assert "max_steps=6," in script and "learning_rate=0.0005," in script and "from core" not in script
    shot(page, "11-code")
    assert_clean(page)

    # Train tab: the multi-GPU section writes the accelerate config and command for N GPUs
    open_tab(page, "train")
    page.locator("#train-multi-gpu").get_by_text("Train on several GPUs").click()
    wait_text(page, "#code-launch", "accelerate launch --config_file accelerate_config.yaml -m core train run.yaml")
    wait_text(page, "#code-accelerate-yaml", "num_processes: 2")
    page.locator("#code-strategy").get_by_text("DeepSpeed ZeRO-3").click()
    wait_text(page, "#code-accelerate-yaml", "zero_stage: 3")
    page.locator("#train-multi-gpu").scroll_into_view_if_needed()
    shot(page, "12-train-multi-gpu")
    assert_clean(page)
    context.close()
