"""Data tab: choose a source (bundled set, upload, Hub), preview it, check the column
roles, see the label balance or (causal LM) the training text a template makes, and set
how the rows are split.

layout.py builds the components, handlers.py answers the events (thin calls into core/),
wiring.py connects the two.
"""

from .layout import TITLE, DataParts, layout
from .wiring import wire

__all__ = ["TITLE", "DataParts", "layout", "wire"]
