"""core/train/coach_dpo.py: the coach's hints for a DPO run, from crafted reward curves."""


def _stream(margins, accuracies, chosen, rejected):
    return [{"type": "train", "step": i + 1, "loss": 0.69, "rewards/margins": m, "rewards/accuracies": a,
             "rewards/chosen": c, "rewards/rejected": r}
            for i, (m, a, c, r) in enumerate(zip(margins, accuracies, chosen, rejected))]


def test_dpo_coach_hints():
    from core.train.coach_dpo import dpo_hints

    kinds = lambda events, **kw: sorted(h.kind for h in dpo_hints(events, **kw))  # noqa: E731
    # healthy (the prototype's SmolLM2 curve): the margin grows, chosen up, rejected down; accuracy
    # climbs through the first logs
    grow = [0, .07, .11, .15, .27, .36, .35, .46, .51, .70]
    healthy = _stream(grow, [0, .5, .75, 1, 1, 1, 1, 1, 1, 1], [m * .7 for m in grow], [-m * .3 for m in grow])
    assert kinds(healthy, max_steps=30) == []
    flat = _stream([0, .01, .0, .02, .01, .0, .01, .02, .01, .0], [0, .5] * 5, [0] * 10, [0] * 10)
    assert kinds(flat[:5], max_steps=30) == []  # too early to tell
    assert kinds(flat, max_steps=30) == ["margin_flat"]
    easy = _stream(grow, [0, 1, 1, 1, 1, 1, 1, 1, 1, 1], [m * .7 for m in grow], [-m * .3 for m in grow])
    assert kinds(easy, max_steps=30) == ["too_easy"]
    both = _stream(grow, [0, .5, .75, 1, 1, 1, 1, 1, 1, 1], [-m for m in grow], [-2 * m for m in grow])
    assert kinds(both, max_steps=30) == ["unlearning_both"]
    assert dpo_hints([{"type": "train", "step": 1, "loss": 0.7}]) == []  # an SFT run: nothing to say
