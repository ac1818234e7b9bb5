"""Helpers for tests that drive a real `python app.py` through gradio_client (imported by name,
like browser_helpers)."""

from __future__ import annotations

import time

from gradio_client import Client


def by_label(c: Client, api_name: str, **kwargs) -> dict:
    """Call an endpoint and return its outputs keyed by component label (layout blocks, which an
    endpoint may also update, are not among the API's outputs); a restored widget comes back as an
    update ({"__type__": "update", "value": ...}): its value is kept."""
    returns = c.view_api(return_format="dict", print_info=False)["named_endpoints"][api_name]["returns"]
    values = c.predict(api_name=api_name, **kwargs)
    values = values if isinstance(values, tuple) else (values,)
    return {r["label"]: v["value"] if isinstance(v, dict) and v.get("__type__") == "update" and "value" in v else v
            for r, v in zip(returns, values)}


def wait_for(c: Client, done, timeout: float, every: float = 2.0) -> dict:
    deadline = time.time() + timeout
    status = {}
    while time.time() < deadline:
        status = c.predict(api_name="/training_status")
        if done(status):
            return status
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f}s; last status {status}")


def train(c: Client, timeout: float = 420, **values) -> dict:
    """Start a run with these widget values and wait for it to finish."""
    c.predict(**values, api_name="/start_training")
    status = wait_for(c, lambda st: st["status"] in ("finished", "failed", "stopped"), timeout, every=1.5)
    assert status.get("status") == "finished", status
    return status
