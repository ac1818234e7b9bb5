"""cold_start: how long the studio takes to come up, relative to an empty Gradio app.

Compared, launched the same way (``python <file> --port P`` in a fresh subprocess with the
same environment, clock from just before Popen until GET / answers HTTP 200, polled every
50 ms):
  A  python app.py --port P       (the studio: every tab built, nothing heavy imported);
  B  python bench/hello_app.py    (gr.Blocks with one Textbox).
Runs are interleaved A,B,B,A,A,B; value = median(A) / median(B), 3 launches each.
"""

from __future__ import annotations

from .. import app_process
from ..env import Context, ab_order, load_avg, median, rnd
from ..result import Result, check

NAME = "cold_start"
GOAL = "<= 1.3"
UNIT = "x startup time (app / hello-world)"


def run(ctx: Context) -> Result:
    n = 3
    times: dict[str, list[float]] = {"A": [], "B": []}
    order = ab_order(n)
    for i, arm in enumerate(order):
        script = app_process.APP if arm == "A" else app_process.HELLO
        # A fresh, empty workspace per launch: what a first start sees.
        ws = ctx.folder(f"cold-{i}")
        ctx.log(f"{NAME}: launch {i + 1}/{len(order)} ({script.name})")
        try:
            app = app_process.start(script, ctx.folder("logs") / f"cold-{i}-{script.stem}.log", workspace=ws)
        except app_process.AppStartError as exc:
            return Result(NAME, None, GOAL, UNIT, False, {"error": str(exc), "order": order[:i + 1]})
        times[arm].append(app.startup_s)
        app.stop()
    a, b = median(times["A"]), median(times["B"])
    value = a / b
    detail = {"compared": "python app.py vs bare gr.Blocks hello-world, until GET / returns 200",
              "order": order, "app_s": [rnd(t, 3) for t in times["A"]], "hello_s": [rnd(t, 3) for t in times["B"]],
              "app_median_s": rnd(a, 3), "hello_median_s": rnd(b, 3), "load_avg_end": load_avg()}
    return Result(NAME, rnd(value, 3), GOAL, UNIT, check(value, GOAL), detail)
