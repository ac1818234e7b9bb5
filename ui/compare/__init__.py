"""Compare tab: the same input through the model before training (base) and after
(fine-tuned), side by side. Classification: class probabilities for a text you type, and a
check over the validation split (where the two disagree, accuracy and F1 before and after).
Causal LM: both models continue the same prompts with the same decoding settings, streamed.

The loaded :class:`core.results.compare.Comparison` lives in this browser's session (one run at a
time), so switching between inputs never reloads a model.

layout.py builds the components, handlers.py answers the events (thin calls into core/),
wiring.py connects the two.
"""

from .layout import TITLE, CompareParts, layout
from .wiring import wire

__all__ = ["TITLE", "CompareParts", "layout", "wire"]
