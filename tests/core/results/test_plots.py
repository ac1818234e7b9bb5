"""How the figures and widgets look, checked where it can be measured: the loss chart's
legend sits outside the plotted area, a flat loss is not zoomed into wild swings, model
names wrap only between their words, and every error toast says what failed."""

from __future__ import annotations

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
