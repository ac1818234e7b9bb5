"""How the page looks where it can be measured in the browser: model names wrap between their words,
dropdown text stays off the caret, and the training log shows whole lines, scrolled to the newest."""

from __future__ import annotations

import pytest

LINES_JS = """e => { const r = document.createRange(), lines = []; let top = null, cur = '', n;
  const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
  while ((n = walker.nextNode())) for (let i = 0; i < n.length; i++) {
    r.setStart(n, i); r.setEnd(n, i + 1); const y = r.getBoundingClientRect().top;
    if (top !== null && Math.abs(y - top) > 3) { lines.push(cur); cur = ''; }
    top = y; cur += n.data[i]; }
  lines.push(cur); return lines; }"""

@pytest.mark.skipif(not __import__("pathlib").Path("/usr/bin/chromium").exists(), reason="needs chromium")
def test_the_page_wraps_names_keeps_dropdown_text_off_the_caret_and_shows_whole_log_lines(app_server, browser):
    from browser_helpers import open_tab, set_number, shot

    page = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    page.set_default_timeout(120_000)
    page.goto(app_server.url)
    page.wait_for_function("document.querySelector('#data-summary')?.innerText.includes('rows')")

    open_tab(page, "model")
    page.locator("#model-load").click()
    page.wait_for_function("document.querySelector('#model-card')?.innerText.includes('BertFor')")
    value = page.locator("#model-card .fts-fact-v").first
    assert value.evaluate("e => getComputedStyle(e).wordBreak") == "normal"
    lines = value.evaluate(LINES_JS)
    assert "".join(lines) == "BertForSequenceClassification"
    assert all(line[:1].isupper() for line in lines), lines  # broken only where a word starts
    caret = page.locator("#model-name .icon-wrap").bounding_box()
    box = page.locator("#model-name input").evaluate(
        "e => ({right: e.getBoundingClientRect().right - parseFloat(getComputedStyle(e).paddingRight),"
        " overflow: getComputedStyle(e).textOverflow})")
    assert box["right"] <= caret["x"] + 1 and box["overflow"] == "ellipsis", (box, caret)
    shot(page, "looks-model")

    open_tab(page, "train")
    set_number(page, "#train-lr input", "0")
    page.locator("#train-start").click()
    page.locator(".toast-body").first.wait_for()
    assert "Can't start training: " in page.locator(".toast-body").first.inner_text()
    set_number(page, "#train-lr input", "0.002")
    set_number(page, "#train-max-steps input", "8")
    page.get_by_text("More options").click()
    set_number(page, "#fld-train-logging-steps input", "1")  # more log lines than the box holds
    open_tab(page, "data")
    set_number(page, "#fld-data-max-rows input", "120")
    open_tab(page, "train")
    page.locator("#train-start").click()
    page.wait_for_function("document.querySelector('#train-status')?.innerText.match(/Finished/)", timeout=600_000)
    page.wait_for_function("(t => t && t.scrollHeight > t.clientHeight)(document.querySelector('#train-log textarea'))")
    page.wait_for_timeout(500)
    log = page.locator("#train-log textarea").evaluate(
        "e => ({client: e.clientHeight, scroll: e.scrollHeight, top: e.scrollTop,"
        " lh: parseFloat(getComputedStyle(e).lineHeight), pad: parseFloat(getComputedStyle(e).paddingBottom)})")
    lines_shown = log["client"] / log["lh"]
    assert log["pad"] == 0 and abs(lines_shown - round(lines_shown)) < 0.05, log  # whole lines only
    assert log["top"] + log["client"] >= log["scroll"] - 1, log  # scrolled to the newest line
    shot(page, "looks-train-log")
