"""Likely mislabels: after a run, the validation rows the fine-tuned model gets wrong while
being sure of itself. A confident "mistake" on a row is as often a wrong label in the file
as a wrong model, so these rows are listed for a person to review (the data check's
``likely_mislabels`` finding); nothing is changed automatically.
"""

from __future__ import annotations

from typing import Any

from ..data.check import EXAMPLES, Finding
from .compare import CompareError

CONFIDENT = 0.8  # the model's probability for its (wrong) answer at which a row is listed


def likely_mislabels(comp: Any, threshold: float = CONFIDENT, limit: int = 2000, batch_size: int = 32,
                     examples: int = 4 * EXAMPLES, validation: Any = None) -> Finding:
    """The validation rows of a finished classification run (a core.results.compare.Comparison)
    that the fine-tuned model labels differently with probability >= ``threshold``, most
    confident first. ``validation`` (a Dataset with text and label ids) replaces the run's own
    validation split."""
    import torch

    from ..data.prepare import prepare

    if comp.task != "sequence-classification":
        raise CompareError("likely mislabels need a classification run; this one is a causal LM")
    val = prepare(comp.cfg).validation if validation is None else validation
    val = val.select(range(min(limit, len(val))))
    texts, labels = list(val["text"]), list(val["label"])
    pairs = list(val["text_pair"]) if "text_pair" in val.column_names else None
    names = comp.labels or []
    found: list[tuple[float, int, int]] = []
    for i in range(0, len(texts), batch_size):
        enc = comp.tokenizer(texts[i:i + batch_size], pairs[i:i + batch_size] if pairs else None, truncation=True,
                             max_length=comp.cfg.data.max_length, padding=True, return_tensors="pt")
        with comp.lock, torch.no_grad():
            probs = torch.softmax(comp.tuned(**enc).logits.float(), -1)
        conf, pred = probs.max(-1)
        for j, (p, c) in enumerate(zip(pred.tolist(), conf.tolist())):
            if p != labels[i + j] and c >= threshold:
                found.append((c, i + j, p))
    found.sort(reverse=True)
    rows = [{"text": texts[k] if not pairs else f"{texts[k]} || {pairs[k]}", "label": names[labels[k]],
             "model says": names[p], "confidence": f"{c:.0%}"} for c, k, p in found[:examples]]
    run = comp.run_dir.name
    if not found:
        return Finding("likely_mislabels", "info", 0, f"The model of run {run} gets none of the {len(texts)} "
                       f"validation rows wrong with {threshold:.0%} confidence or more: no label looks suspect.")
    return Finding("likely_mislabels", "warning", len(found),
                   f"The model of run {run} is at least {threshold:.0%} sure that {len(found)} of {len(texts)} "
                   "validation rows have another label than the file gives. Read them: a wrong label in the file "
                   "is as likely as a wrong model. Correct the file where the label is wrong.", rows)
