"""Show the code: a standalone ``train.py`` that does exactly what a RunConfig does.

The script uses transformers, datasets, peft, pandas and, for causal LM, TRL (no import of
this project), and follows the engine step by step: the same data reading and cleaning, the
same split, the same format conversion and chat template, the same tokenization, model and
method, the same TrainingArguments keywords (core.train.arguments.training_kwargs) and a final
base-vs-tuned comparison, so with the same seed it logs the same losses as the app. Comments
say *why* each step is there. One module per objective: :mod:`.classification`
(transformers.Trainer) and :mod:`.sft` (TRL's SFTTrainer); :mod:`.common` holds what both
share (model source, method, arguments, data reader); :mod:`.dpo` is preference tuning
(TRL's DPOTrainer, ``train.objective: dpo``).
"""

from __future__ import annotations

from ...config import RunConfig


def render_script(cfg: RunConfig) -> str:
    """The exported train.py for ``cfg``."""
    if cfg.model.task == "sequence-classification":
        from .classification import render
    elif cfg.train.objective == "dpo":
        from .dpo import render
    else:
        from .sft import render
    return render(cfg)


__all__ = ["render_script"]
