"""The data check and a sweep in a real browser (headless Debian chromium via playwright):
upload a file with planted problems, check it, fix one with its button; then a two-point
sweep from the Train tab's "Try several settings", its table and curves, the best point's
settings loaded into the form, and the point opened on the Compare tab. Screenshots land in
tests/output/screenshots/ (gitignored)."""

from __future__ import annotations

import re

import pandas as pd
from browser_helpers import (
    assert_clean,
    needs_chromium,
    new_page,
    open_tab,
    pick_radio,
    set_number,
    shot,
    text_of,
    wait_text,
)

from core.paths import PROJECT_ROOT

pytestmark = needs_chromium


def test_data_check_and_sweep_in_the_browser(app_server, browser, tmp_path):
    df = pd.read_csv(PROJECT_ROOT / "assets" / "data" / "sentiment.csv")
    flipped = df.iloc[:2].assign(label=lambda f: f["label"].map({"positive": "negative", "negative": "positive"}))
    near = df.iloc[2:5].assign(text=lambda f: f["text"].str.upper() + "!!")
    path = tmp_path / "reviews.csv"
    pd.concat([df, df.iloc[5:8], flipped, near]).to_csv(path, index=False)

    context, page = new_page(browser, 1400, 1000)
    try:
        walk(page, app_server.url, path)
    except Exception:
        shot(page, "check-sweep-failure")  # what the page showed when a wait gave up
        raise
    finally:
        context.close()


def walk(page, url, path) -> None:
    page.goto(url)
    page.wait_for_function("document.querySelector('#data-summary')?.innerText.includes('420 rows')")

    # 1. Data: upload the file, check it, fix the near-duplicates with one click
    pick_radio(page, "data-source", "Upload a file")
    page.locator("#data-upload input[type=file]").set_input_files(str(path))
    wait_text(page, "#data-summary", "428 rows")
    page.locator("#data-check").click()
    # the first check waits for the heavy imports the app started in the background
    wait_text(page, "#data-check-findings", "Near-duplicates", timeout=300_000)
    findings = text_of(page, "#data-check-findings")
    assert "The same text with different labels" in findings and "Exact duplicates" in findings
    assert page.locator("#data-fix-0").is_visible() and "Fix:" in text_of(page, "#data-fix-0")
    page.locator("#data-check").scroll_into_view_if_needed()
    shot(page, "check-1-findings")
    fix_label = text_of(page, "#data-fix-0")
    page.locator("#data-fix-0").click()
    wait_text(page, "#data-check-summary", "Applied: ")
    assert fix_label.removeprefix("Fix: ") in text_of(page, "#data-check-summary")
    assert page.locator("#fld-data-drop-near-duplicates input").is_checked() or \
        page.locator("#fld-data-drop-conflicts input").is_checked()
    shot(page, "check-2-fixed")
    assert_clean(page)
    set_number(page, "#fld-data-max-rows input", "80")  # a quick sweep below

    # 2. Tokenize: short examples keep the points quick
    open_tab(page, "tokenizing")
    set_number(page, "#tok-max-length input[type=number]", "32")

    # 3. Train › Try several settings: two points, one setting apart
    open_tab(page, "train")
    set_number(page, "#train-max-steps input", "3")
    pick_radio(page, "fld-train-eval-strategy", "no")
    pick_radio(page, "fld-train-save-strategy", "no")
    page.locator("#train-sweep").get_by_text("Try several settings").first.click()
    page.locator("#sweep-values-0 textarea").fill("1e-3, 3e-3")
    page.locator("#sweep-values-1 textarea").fill("")
    page.locator("#sweep-values-2 textarea").fill("")
    page.locator("#sweep-start").click()
    wait_text(page, "#sweep-status", "2 points over learning_rate")
    wait_text(page, "#sweep-table", "running", timeout=180_000)
    page.locator("#sweep-status").scroll_into_view_if_needed()
    shot(page, "sweep-1-running")
    wait_text(page, "#sweep-status", "Finished sweep", timeout=600_000)
    assert text_of(page, "#sweep-table").count("finished") == 2
    page.locator("#sweep-chart img").first.wait_for()
    best = re.search(r"Best so far: point (\d) \(learning_rate=([\d.]+)\)", text_of(page, "#sweep-best"))
    assert best, text_of(page, "#sweep-best")
    page.locator("#sweep-best").scroll_into_view_if_needed()
    shot(page, "sweep-2-finished")

    # 4. Load the best point's settings, then open it on the Compare tab
    set_number(page, "#train-lr input", "0.0123")
    page.locator("#sweep-load").click()
    wait_text(page, "#sweep-note", f"Loaded point {best.group(1)}")
    page.wait_for_function(f"Number(document.querySelector('#train-lr input')?.value) === {float(best.group(2))}")
    assert_clean(page)
    page.locator("#sweep-compare").click()
    wait_text(page, "#compare-status", r"-0" + best.group(1), timeout=180_000)
    page.locator("#compare-classify").wait_for()
    # every loading indicator gone (Gradio's status tracker draws an eta bar while an event runs)
    page.wait_for_function("document.querySelectorAll('#tab-compare .pending, .eta-bar').length === 0", timeout=180_000)
    shot(page, "sweep-3-compare")
    assert_clean(page)
