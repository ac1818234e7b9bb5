"""Generation scores from kept libraries: ROUGE-L (``rouge-score``), chrF and BLEU
(``sacrebleu``), and perplexity from per-token losses. Pure functions: no model, no torch.

Scales follow each library, so a number here reads the same as in its documentation:
  * ROUGE-L F-measure in 0..1 (1.0 = same words in the same order). rouge-score lowercases
    and keeps only ASCII letters and digits, so text in other scripts scores 0; chrF is the
    score to read for those.
  * chrF and BLEU in 0..100 (100 = identical). chrF compares character n-grams and gives
    partial credit for near-misses ("colour" vs "color"); BLEU counts shared word n-grams up
    to 4 and is harsh on short answers, so sentence-level BLEU is smoothed (sacrebleu's
    default ``exp`` smoothing).
  * Perplexity = exp(mean loss per predicted token): 1 = certain of every token; a model
    guessing uniformly among V tokens scores V.

``evaluate.load("rouge")`` fetches its script from the Hub, so the libraries are used
directly (they are what ``evaluate`` wraps).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

# The text scores computed for every generated answer, in the order tables show them.
TEXT_SCORES = ("rouge_l", "chrf", "bleu")
# Perplexity is capped so one hopeless row can't overflow a float (exp(50) ~ 5e21).
MAX_LOG_PERPLEXITY = 50.0


@functools.lru_cache(maxsize=1)
def _scorer() -> Any:
    from rouge_score import rouge_scorer

    # no stemmer: an answer must use the reference's words, not just their stems
    return rouge_scorer.RougeScorer(["rougeL"], use_stemmer=False)


def rouge_l(prediction: str, reference: str) -> float:
    """ROUGE-L F-measure of one answer against its reference (0..1)."""
    return float(_scorer().score(reference, prediction)["rougeL"].fmeasure)


def chrf(prediction: str, reference: str) -> float:
    """chrF of one answer against its reference (0..100)."""
    import sacrebleu

    return float(sacrebleu.sentence_chrf(prediction, [reference]).score)


def bleu(prediction: str, reference: str) -> float:
    """Smoothed sentence BLEU of one answer against its reference (0..100)."""
    import sacrebleu

    return float(sacrebleu.sentence_bleu(prediction, [reference]).score)


def row_scores(prediction: str, reference: str) -> dict[str, float]:
    """Every text score of one answer: {"rouge_l", "chrf", "bleu"}."""
    return {"rouge_l": rouge_l(prediction, reference), "chrf": chrf(prediction, reference),
            "bleu": bleu(prediction, reference)}


def corpus_scores(predictions: Sequence[str], references: Sequence[str]) -> dict[str, float]:
    """Scores over all rows: ROUGE-L as the mean of the rows' F-measures (how rouge-score's
    aggregator reports it), chrF and BLEU at corpus level (n-gram counts pooled over all rows
    before the score is taken, as sacrebleu defines them)."""
    import sacrebleu

    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} answers but {len(references)} references")
    if not predictions:
        return {}
    scorer = _scorer()
    rouge = [scorer.score(r, p)["rougeL"].fmeasure for p, r in zip(predictions, references)]
    return {"rouge_l": float(sum(rouge) / len(rouge)),
            "chrf": float(sacrebleu.corpus_chrf(list(predictions), [list(references)]).score),
            "bleu": float(sacrebleu.corpus_bleu(list(predictions), [list(references)]).score)}


def perplexity_of(loss_sum: float, n_tokens: int) -> float | None:
    """exp(loss_sum / n_tokens), capped; None when there is no token to score."""
    if n_tokens <= 0 or not math.isfinite(loss_sum):
        return None
    return float(math.exp(min(loss_sum / n_tokens, MAX_LOG_PERPLEXITY)))


def perplexities(token_losses: Sequence[Sequence[float]]) -> tuple[list[float | None], float | None]:
    """(per-row perplexity, overall perplexity) from each row's per-token losses (nats).
    The overall value weighs every token equally (exp of the mean over all tokens), the way
    a Trainer's eval_loss is averaged, so long rows count for more than short ones."""
    rows = [perplexity_of(float(sum(losses)), len(losses)) for losses in token_losses]
    total = float(sum(sum(losses) for losses in token_losses))
    return rows, perplexity_of(total, sum(len(losses) for losses in token_losses))


def relative_change(before: float | None, after: float | None) -> float | None:
    """(after - before) / before, e.g. 0.12 for a 12 % rise; None when either is missing."""
    if before is None or after is None or before == 0:
        return None
    return float((after - before) / before)
