"""The Train tab's background chart drawer (ui/live_chart.py): a poll never draws, it gets
the newest finished PNG; stale requests are ignored; old PNGs are pruned."""

import time

from ui.live_chart import KEEP, LiveCharts


def events(n):
    return [{"type": "train", "step": i, "loss": 1.0 / i} for i in range(1, n + 1)]


def wait_for(charts, name, n, timeout=30.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        got = charts.latest(name)
        if got and got[0] >= n:
            return got
        time.sleep(0.02)
    raise AssertionError(f"no chart with {n} events after {timeout}s: {charts.latest(name)}")


def test_request_draws_in_the_background_and_latest_returns_it(tmp_path):
    charts = LiveCharts(tmp_path)
    assert charts.latest("run") is None
    charts.request("run", events(3), None)  # returns at once
    n, path = wait_for(charts, "run", 3)
    assert n == 3 and open(path, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    charts.request("run", events(2), None)  # older than what is drawn: nothing to do
    time.sleep(0.2)
    assert charts.latest("run") == (3, path)


def test_draw_now_waits_and_old_pngs_are_pruned(tmp_path):
    charts = LiveCharts(tmp_path)
    paths = [charts.draw_now("run", events(n), "eval_accuracy")[1] for n in range(1, 7)]
    assert charts.latest("run") == (6, paths[-1])
    assert sorted(p.name for p in tmp_path.glob("run-*.png")) == sorted(p.split("/")[-1] for p in paths[-KEEP:])
    assert charts.draw_now("run", events(6), None) == (6, paths[-1])  # already drawn: no new file
    charts.draw_now("other", events(1), None)
    assert charts.latest("run")[0] == 6 and charts.latest("other")[0] == 1  # runs kept apart
