"""The forgetting check: is the fine-tuned model still as fluent on general text?

Fine-tuning can make a model good at the task and worse at everything else ("catastrophic
forgetting", the PyTorch primer's last pitfall: "good at task, bad at everything else";
fix: a lower learning rate and fewer epochs). The check measures perplexity, base and
fine-tuned, on a small sample of general text bundled with the studio
(``assets/data/general.txt``, one paragraph per line, written for the studio, CC0) and says
in plain words what the change means, next to the task scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..paths import BUNDLED_DATA
from . import scores

GENERAL_TEXT = BUNDLED_DATA / "general.txt"
# Paragraphs scored. 16 paragraphs cut at the run's max_length (128 tokens by default) are
# ~2,000 tokens per model; base and fine-tuned read the same ones, so the comparison is paired
# and small samples already separate a 5 % change. Cost for SmolLM2-135M: 16 CPU-seconds for
# both models (about 8 s on a quiet 2-core machine).
GENERAL_SAMPLE_ROWS = 16

# Relative rise of general-text perplexity (fine-tuned / base - 1) that the verdict tolerates.
# Up to 5 %: within what sampling noise and a LoRA's small nudge give; the model "stayed as
# fluent". Above 25 %: the model's next-token guesses on everyday text got a quarter worse,
# which shows in its answers outside the task; called forgetting. Both are judgment calls
# for a teaching tool, named here so they can be tuned in one place.
FLUENT_TOLERANCE = 0.05
FORGETTING_SEVERE = 0.25

ADVICE = "lower the learning rate or the epochs (fine-tuning should nudge the model, not overhaul it)"


class ForgettingError(ValueError):
    """The general-text sample can't be read; the message says why."""


def read_general_texts(path: str | Path | None = None, limit: int = GENERAL_SAMPLE_ROWS) -> list[str]:
    """The first ``limit`` non-empty paragraphs (one per line) of a general-text file
    (default: the bundled :data:`GENERAL_TEXT`)."""
    path = Path(path) if path is not None else GENERAL_TEXT
    if not path.is_file():
        raise ForgettingError(f"the general-text sample {path.name} is missing (expected at {path}); "
                              "the forgetting check needs one paragraph of everyday text per line")
    try:
        lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
    except (OSError, UnicodeDecodeError) as exc:
        raise ForgettingError(f"could not read {path.name}: {exc}") from None
    texts = [ln for ln in lines if ln]
    if not texts:
        raise ForgettingError(f"{path.name} holds no text")
    return texts[:limit] if limit else texts


def general_perplexity(model: Any, tokenizer: Any, texts: Sequence[str], max_length: int) -> float | None:
    """Perplexity of ``model`` over the texts (every token weighted equally)."""
    from .generations import text_token_losses

    return scores.perplexities(text_token_losses(model, tokenizer, texts, max_length))[1]


def verdict(ppl_base: float | None, ppl_final: float | None, task_better: bool | None = None) -> dict[str, Any]:
    """{"ppl_base", "ppl_final", "change", "level", "verdict"}: ``change`` is the relative rise
    (0.12 = 12 % higher perplexity, worse); ``level`` is "fluent", "some" or "forgot";
    ``task_better`` (did the task scores improve?) shapes the sentence."""
    change = scores.relative_change(ppl_base, ppl_final)
    out: dict[str, Any] = {"ppl_base": ppl_base, "ppl_final": ppl_final, "change": change}
    if change is None:
        out.update(level="unknown", verdict="The forgetting check could not be computed.")
        return out
    pct = f"{abs(change):.0%}" if abs(change) >= 0.01 else f"{abs(change):.1%}"
    numbers = f"perplexity on general text {ppl_base:.1f} → {ppl_final:.1f}"
    if change <= FLUENT_TOLERANCE:
        out["level"] = "fluent"
        if task_better is False:
            text = (f"It stayed as fluent on general text ({numbers}), but the task scores did not improve: "
                    "train for longer or with a higher learning rate.")
        elif change < -FLUENT_TOLERANCE:
            text = (f"The model got better at your task and even {pct} better on general text ({numbers}).")
        else:
            text = (f"The model got better at your task and stayed as fluent on general text ({numbers})."
                    if task_better else f"It stayed as fluent on general text ({numbers}).")
    elif change <= FORGETTING_SEVERE:
        out["level"] = "some"
        text = f"It lost {pct} on general text ({numbers}): some forgetting. To keep more, {ADVICE}."
    else:
        out["level"] = "forgot"
        text = (f"It lost {pct} on general text ({numbers}): catastrophic forgetting, good at the task and worse "
                f"at everything else. {ADVICE[0].upper() + ADVICE[1:]}.")
    out["verdict"] = text
    return out
