"""core/results/mislabels.py: after a real run, the validation rows the model confidently disagrees
with come back as likely mislabels."""

from __future__ import annotations

from core.data.prepare import prepare


def test_likely_mislabels_lists_confident_mistakes(trained_lora_run):
    from core.results.compare import Comparison
    from core.results.mislabels import likely_mislabels

    comp = Comparison(trained_lora_run.run_dir)
    val = prepare(comp.cfg).validation
    probs = comp.classify(list(val["text"]))["tuned"]
    predicted = [p.index(max(p)) for p in probs]
    wrong = sum(p != y for p, y in zip(predicted, val["label"]))
    assert likely_mislabels(comp, threshold=0.0).count == wrong  # threshold 0: every row the model gets wrong
    # Flip the labels of the rows the model is surest about: they must come back as likely mislabels.
    right = sorted((i for i in range(len(val)) if predicted[i] == val[i]["label"]), key=lambda i: -max(probs[i]))
    sure = right[:3]
    assert len(sure) == 3, "the shared run should get some validation rows right"
    threshold = min(max(probs[i]) for i in sure) - 1e-6
    flipped = val.map(lambda row, i: {"label": 1 - row["label"] if i in sure else row["label"]}, with_indices=True)
    found = likely_mislabels(comp, threshold=threshold, validation=flipped, examples=len(val))
    assert found.kind == "likely_mislabels" and found.severity == "warning" and found.count >= len(sure)
    assert {val[i]["text"] for i in sure} <= {e["text"] for e in found.examples}
    assert all(e["model says"] != e["label"] for e in found.examples)
