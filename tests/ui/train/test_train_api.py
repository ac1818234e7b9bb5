"""The Train tab through its API (gradio_client) against a real `python app.py`: the coach speaks up
when the learning rate is far too high."""

from __future__ import annotations

import pytest

gradio_client = pytest.importorskip("gradio_client")
from api_helpers import by_label, wait_for  # noqa: E402
from gradio_client import Client  # noqa: E402

# Small and quick on a 2-core CPU, and reliably learns: 240 rows, short examples, a constant
# learning rate high enough for LoRA (30 steps x 16 = 480 examples = 2.5 epochs of 192 rows).
FAST = dict(max_rows=240, max_length=48, max_steps=30, learning_rate=3e-3, lr_scheduler_type="constant", r=16,
            per_device_train_batch_size=16, eval_strategy="steps", eval_steps=10, save_strategy="no",
            logging_steps=5)


def test_the_coach_speaks_up_when_the_learning_rate_is_far_too_high(app_factory):
    c = Client(app_factory().url, verbose=False)
    bad = dict(FAST, learning_rate=0.5, max_steps=24, logging_steps=2, eval_strategy="no")
    c.predict(method="lora", **bad, api_name="/start_training")
    status = wait_for(c, lambda s: s["status"] in ("finished", "failed", "stopped"), timeout=300)
    assert status["status"] == "finished", status
    metrics = by_label(c, "/poll_training")["Metrics"]
    assert "Coach: The loss jumps around" in metrics and "Lower the learning rate 3-10x" in metrics, metrics
    assert "hardly moved" not in metrics
