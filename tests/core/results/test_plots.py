"""How the figures and widgets look, checked where it can be measured: the loss chart's
legend sits outside the plotted area, a flat loss is not zoomed into wild swings, model
names wrap only between their words, and every error toast says what failed."""

from __future__ import annotations

import pytest

FLAT = ([{"type": "eval", "step": 0, "baseline": True, "eval_loss": 0.697, "eval_accuracy": 0.40}]
        + [{"type": "train", "step": s, "loss": 0.694 + 0.004 * ((s * 7) % 5) / 4} for s in range(1, 41)]
        + [{"type": "eval", "step": 40, "eval_loss": 0.695, "eval_accuracy": 0.93}])


def test_the_legend_sits_above_the_plot_not_on_its_last_points():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from core.results.plots import loss_figure

    fig = loss_figure([("run", FLAT)], "eval_accuracy")
    FigureCanvasAgg(fig).draw()  # lay it out as the PNG the page shows
    ax = fig.axes[0]
    legend = ax.get_legend()
    renderer = fig.canvas.get_renderer()
    box, plot = legend.get_window_extent(renderer), ax.get_window_extent(renderer)
    assert box.y0 >= plot.y1 - 1, (box, plot)  # entirely above the plotted area
    assert [t.get_text() for t in legend.get_texts()] == ["train loss", "eval loss", "accuracy"]
    # the last accuracy point (step 40, 0.93) is drawn where no legend is
    ax2 = fig.axes[1]
    x, y = ax2.transData.transform((40, 0.93))
    assert not box.contains(x, y)


def test_a_flat_loss_keeps_a_sensible_span_and_a_moving_one_its_own():
    from core.results.plots import MIN_LOSS_SPAN, loss_figure

    lo, hi = loss_figure([("run", FLAT)]).axes[0].get_ylim()
    assert hi - lo >= MIN_LOSS_SPAN - 1e-9 and lo <= 0.694 and hi >= 0.698
    moving = [{"type": "train", "step": s, "loss": 2.0 - 0.04 * s} for s in range(1, 41)]
    lo, hi = loss_figure([("run", moving)]).axes[0].get_ylim()
    assert lo < 0.45 and hi > 1.95 and hi - lo < 2.0  # auto-zoom is kept when the loss moves
    big = [{"type": "train", "step": s, "loss": 5.0 + 0.01 * (s % 2)} for s in range(1, 41)]
    lo, hi = loss_figure([("run", big)]).axes[0].get_ylim()
    assert hi - lo >= 0.15 * 5.0 - 1e-6  # the minimum grows with the loss
    assert loss_figure([("run", [])]).axes[0].get_ylim()[0] >= 0  # empty: nothing to widen


def test_steps_are_labelled_as_whole_numbers():
    from core.results.plots import loss_figure

    short = [{"type": "train", "step": s, "loss": 0.7 - 0.01 * s} for s in range(1, 4)]
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = loss_figure([("run", short)])
    FigureCanvasAgg(fig).draw()
    ticks = [t for t in fig.axes[0].get_xticks() if 1 <= t <= 3]
    assert ticks and all(float(t).is_integer() for t in ticks)


def test_model_names_wrap_between_their_words():
    from ui.model import breakable

    assert breakable("BertForSequenceClassification") == "Bert<wbr>For<wbr>Sequence<wbr>Classification"
    assert breakable("starter:all-MiniLM-L6-v2") == "starter:all-<wbr>Mini<wbr>LM-<wbr>L6-<wbr>v2"
    assert breakable("a<b & c>") == "a&lt;b &amp; c&gt;"  # escaped first


@pytest.mark.parametrize("error", ["known", "unexpected"])
def test_every_error_toast_says_what_failed(error):
    """Gradio 6's toast heads every error with "Error" and shows no title: the action
    leads the message."""
    import gradio as gr

    from core.config import ConfigError
    from ui.common import handler

    @handler("start training", light=True)
    def fails():
        raise ConfigError("train.learning_rate must be > 0, got 0") if error == "known" else KeyError("x")

    with pytest.raises(gr.Error) as e:
        fails()
    assert e.value.message.startswith("Can't start training: ")


# --------------------------------------------------------------------------- in the browser
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
