"""What the browser walks (tests/browser/) do to a page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parent / "output" / "screenshots"
TABS = {"data": "Data", "model": "Model", "tokenizing": "Tokenize & pad", "method": "Method & precision",
        "train": "Train", "compare": "Compare", "export": "Export", "history": "History", "code": "Code"}

needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")


# How long a browser step may wait for the app by default. The waits are for the app's own signals
# (a status line, a chart note), so a generous limit costs nothing when the app is quick; under two
# xdist workers plus training a single event can queue for over a minute.
WAIT_MS = 180_000


def new_page(browser, width: int = 1400, height: int = 950, **options):
    """A fresh context and page of this size that waits up to WAIT_MS for the app."""
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    return context, page


def open_tab(page, key: str) -> None:
    page.get_by_role("tab", name=TABS[key], exact=True).click()


def set_number(page, selector: str, value: str) -> None:
    box = page.locator(selector)
    box.fill(value)
    box.press("Tab")


def pick_radio(page, elem_id: str, label: str) -> None:
    page.locator(f"#{elem_id} label").filter(has_text=re.compile(f"^\\s*{re.escape(label)}\\s*$")).click()


def pick_option(page, elem_id: str, text: str) -> None:
    """Open a dropdown and click the option whose label contains ``text``."""
    page.locator(f"#{elem_id} input").first.click()
    page.get_by_role("option").filter(has_text=text).first.click()


def open_causal_lm(page, url: str) -> None:
    """Open the app and switch the Model tab to the causal task, whose default model is SmolLM2."""
    page.goto(url)
    page.wait_for_function("document.querySelector('#data-summary')?.innerText.includes('rows')")
    open_tab(page, "model")
    pick_radio(page, "model-task", "causal-lm")
    page.wait_for_function("document.querySelector('#model-name input')?.value.includes('SmolLM2')")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def text_of(page, selector: str) -> str:
    return page.locator(selector).inner_text()


def wait_text(page, selector: str, pattern: str, timeout: float | None = None) -> None:
    page.wait_for_function(f"/{pattern}/.test(document.querySelector({selector!r})?.innerText || '')",
                           timeout=timeout)


def assert_clean(page) -> None:
    """No tracebacks or Python reprs ever reach the page."""
    text = page.locator("body").inner_text()
    for bad in ("Traceback", "object at 0x", "<core.", "Error:", "NoneType"):
        assert bad not in text, f"{bad!r} on the page"
