"""Metrics that work offline (no ``evaluate.load``, which fetches scripts from the Hub).

Classification: accuracy, F1, precision and recall (binary for two classes with label 1
as the positive class, macro-averaged otherwise), computed with numpy. Causal LM: the
evaluation loss and its exponential, perplexity.
"""

from __future__ import annotations

import math
from typing import Any


def classification_metrics(preds: Any, labels: Any, num_labels: int) -> dict[str, float]:
    import numpy as np

    preds = np.asarray(preds).reshape(-1)
    labels = np.asarray(labels).reshape(-1)
    out = {"accuracy": float((preds == labels).mean()) if labels.size else 0.0}
    classes = [1] if num_labels == 2 else list(range(num_labels))
    ps, rs, fs = [], [], []
    for c in classes:
        tp = float(((preds == c) & (labels == c)).sum())
        fp = float(((preds == c) & (labels != c)).sum())
        fn = float(((preds != c) & (labels == c)).sum())
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        ps.append(p)
        rs.append(r)
        fs.append(2 * p * r / (p + r) if p + r else 0.0)
    out.update(f1=float(np.mean(fs)), precision=float(np.mean(ps)), recall=float(np.mean(rs)))
    return out


def make_compute_metrics(num_labels: int):
    """The ``compute_metrics`` function handed to the Trainer for classification."""

    def compute_metrics(eval_pred: Any) -> dict[str, float]:
        import numpy as np

        logits, labels = eval_pred.predictions, eval_pred.label_ids
        if isinstance(logits, tuple):
            logits = logits[0]
        return classification_metrics(np.argmax(logits, axis=-1), labels, num_labels)

    return compute_metrics


def perplexity(loss: float | None) -> float | None:
    if loss is None or not math.isfinite(loss):
        return None
    return float(math.exp(min(loss, 50.0)))


def headline_metric(task: str) -> str:
    """The metric a run is judged by in tables and charts."""
    return "eval_accuracy" if task == "sequence-classification" else "eval_loss"
