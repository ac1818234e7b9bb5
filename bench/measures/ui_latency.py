"""ui_latency: how quickly the app answers its poll endpoint while a run is training.

The studio is launched as a user would (``python app.py --port P``, fresh workspace); a
gradio_client Client (one session, so the poll finds this session's run) starts a training
run through the ``/start_training`` endpoint (defaults: MiniLM + LoRA on the sentiment set;
num_train_epochs raised to 10 so it is still training when the measurement ends), waits
until the Trainer has taken its first step, then calls ``/poll_training`` (what the Train
tab's 1-second timer calls: status, progress bar, chart, log) and ``/training_status`` (the
JSON status) alternately, 1 s apart (0.5 s in --quick), timing each call end to end from
the client (gradio_client's predict: submit + result stream).
value = p95 of /poll_training latency while training. The same calls with no run (idle) are
reported for comparison (detail.idle_*) and so is the ratio training / idle.
"""

from __future__ import annotations

import time
from typing import Any

from .. import app_process
from ..env import Context, load_avg, median, percentile, rnd
from ..result import Result, check

NAME = "ui_latency"
GOAL = "<= 250"
UNIT = "ms p95 (/poll_training while training)"
START, POLL, STATUS = "/start_training", "/poll_training", "/training_status"


def _timed(client: Any, api: str) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = client.predict(api_name=api)
    return (time.perf_counter() - t0) * 1000.0, out


def _stats(ms: list[float]) -> dict[str, Any]:
    if not ms:
        return {}
    return {"n": len(ms), "p50_ms": rnd(percentile(ms, 50), 1), "p95_ms": rnd(percentile(ms, 95), 1),
            "max_ms": rnd(max(ms), 1), "mean_ms": rnd(sum(ms) / len(ms), 1)}


def _status(client: Any) -> dict[str, Any]:
    out = client.predict(api_name=STATUS)
    return out if isinstance(out, dict) else {}


def run(ctx: Context) -> Result:
    n_calls = ctx.pick(30, 60)
    gap = ctx.pick(0.5, 1.0)
    try:
        app = app_process.start(app_process.APP, ctx.folder("logs") / "ui-latency-app.log",
                                workspace=ctx.folder("ui-workspace"))
    except app_process.AppStartError as exc:
        return Result(NAME, None, GOAL, UNIT, False, {"error": f"the app could not start: {exc}"})
    try:
        return _measure(ctx, app, n_calls, gap)
    finally:
        app.stop()


def _measure(ctx: Context, app: app_process.AppProcess, n_calls: int, gap: float) -> Result:
    from gradio_client import Client

    client = Client(app.url, verbose=False)
    api = client.view_api(return_format="dict", print_info=False) or {}
    named = set((api.get("named_endpoints") or {}).keys())
    missing = [e for e in (START, POLL, STATUS) if e not in named]
    if missing:
        return Result(NAME, None, GOAL, UNIT, False,
                      {"error": f"the app has no {', '.join(missing)} endpoint(s)", "endpoints": sorted(named)})

    idle: dict[str, list[float]] = {POLL: [], STATUS: []}
    for i in range(ctx.pick(10, 20)):
        for ep in (POLL, STATUS):
            idle[ep].append(_timed(client, ep)[0])
        time.sleep(0.1)

    ctx.log(f"{NAME}: starting a training run through {START}")
    start_ms, _ = _timed_start(client)
    t_wait = time.perf_counter()
    st: dict[str, Any] = {}
    while time.perf_counter() - t_wait < 180:
        st = _status(client)
        if st.get("status") in ("failed", "finished", "stopped"):
            return Result(NAME, None, GOAL, UNIT, False,
                          {"error": f"the run ended before the measurement: {st.get('status')} {st.get('message', '')}"})
        if (st.get("step") or 0) >= 1:
            break
        time.sleep(0.5)
    else:
        return Result(NAME, None, GOAL, UNIT, False, {"error": "no training step within 180 s", "status": st})
    wait_first_step = time.perf_counter() - t_wait
    step_before = st.get("step")

    ctx.log(f"{NAME}: {n_calls} calls of each endpoint while training")
    busy: dict[str, list[float]] = {POLL: [], STATUS: []}
    for i in range(n_calls):
        for ep in (POLL, STATUS) if i % 2 == 0 else (STATUS, POLL):
            busy[ep].append(_timed(client, ep)[0])
        time.sleep(gap)
    st = _status(client)
    still_training = st.get("status") == "running"
    try:
        client.predict(api_name="/stop_training")
    except Exception:  # the app is stopped next anyway
        pass

    p95 = percentile(busy[POLL], 95)
    detail = {
        "compared": "/poll_training latency while a run trains (value) vs the same call idle",
        "training": {POLL: _stats(busy[POLL]), STATUS: _stats(busy[STATUS])},
        "idle": {POLL: _stats(idle[POLL]), STATUS: _stats(idle[STATUS])},
        "p95_ratio_training_vs_idle": rnd(p95 / percentile(idle[POLL], 95), 3),
        "p50_ratio_training_vs_idle": rnd(median(busy[POLL]) / median(idle[POLL]), 3),
        "start_training_ms": rnd(start_ms, 1), "wait_for_first_step_s": rnd(wait_first_step, 1),
        "steps_during_measurement": [step_before, st.get("step")], "still_training_at_end": still_training,
        "calls_per_endpoint": n_calls, "gap_s": gap, "run": st.get("run"),
        "config": "app defaults (MiniLM starter + LoRA, sentiment) with num_train_epochs=10",
        "load_avg_end": load_avg(),
    }
    passed = check(p95, GOAL) and still_training
    if not still_training:
        detail["note"] = "the run was no longer training at the end of the measurement"
    return Result(NAME, rnd(p95, 1), GOAL, UNIT, passed, detail)


def _timed_start(client: Any) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = client.predict(api_name=START, num_train_epochs=10)
    return (time.perf_counter() - t0) * 1000.0, out
