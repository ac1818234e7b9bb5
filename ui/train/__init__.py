"""Train tab: hyperparameters, Start / Stop / Resume, and a live view of the run (loss
chart, progress bar with ETA and tokens/s, status line, log).

The run belongs to the process-wide job queue (core.train.queue.default_queue), tagged with this
browser's client id: it keeps going when the page closes, and a reload reattaches to it and
redraws the whole curve. A gr.Timer polls while a run is live.

layout.py builds the components, handlers.py answers the events (thin calls into core/),
wiring.py connects the two.
"""

from .layout import TITLE, TrainParts, layout
from .wiring import wire

__all__ = ["TITLE", "TrainParts", "layout", "wire"]
