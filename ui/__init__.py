"""Fine-Tune Studio's Gradio UI: a small shell (shell.py) and one module per tab.

Handlers are thin calls into core/; no engine logic lives here. Importing this package
must stay cheap: torch, transformers, datasets and peft are only imported by core/
functions when a handler runs.
"""

from .common import AppSettings
from .shell import TABS, build_app, launch_options

__all__ = ["AppSettings", "TABS", "build_app", "launch_options"]
