"""core/results/plots.py: how the figures look, checked where it can be measured: the loss chart's
legend sits outside the plotted area, a flat loss is not zoomed into wild swings, steps are whole
numbers, a DPO run draws its reward curves, and a 2,000-class label plot draws quickly."""

from __future__ import annotations

import time

import pandas as pd

from core.config import RunConfig

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


def _stream(margins, accuracies, chosen, rejected):
    return [{"type": "train", "step": i + 1, "loss": 0.69, "rewards/margins": m, "rewards/accuracies": a,
             "rewards/chosen": c, "rewards/rejected": r}
            for i, (m, a, c, r) in enumerate(zip(margins, accuracies, chosen, rejected))]


def test_live_chart_draws_the_reward_curves():
    from core.results.plots import loss_figure

    events = _stream([0, .2, .5], [0, 1, 1], [0, .1, .3], [0, -.1, -.2])
    fig = loss_figure([("run", events)])
    labels = [t.get_text() for ax in fig.axes for leg in [ax.get_legend()] if leg for t in leg.get_texts()]
    assert labels == ["train DPO loss", "reward margin", "reward accuracy"]


def test_a_2000_class_file_previews_quickly():
    """The cause of a 26 s preview: 2,000 bars and tick labels in the label plot."""
    from core.data.table import table_preview
    from core.results.plots import LABEL_BARS, label_figure

    rows = pd.DataFrame({"text": [f"text {i}" for i in range(6000)], "label": [f"class {i % 2000}" for i in range(6000)]})
    t0 = time.perf_counter()
    preview = table_preview(RunConfig(), rows)
    fig = label_figure(preview.label_counts)
    fig.canvas.draw()
    assert time.perf_counter() - t0 < 30
    assert len(fig.axes[0].patches) == LABEL_BARS and "1,971 others" in [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert "2,000 distinct values (limit 200)" in preview.roles_error
