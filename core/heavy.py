"""Import the heavy libraries once, in one thread, before anything uses them from several.

transformers resolves its public names lazily (``transformers.Trainer`` imports
``transformers.trainer`` on first access), and that first resolution is not thread-safe:
two threads touching ``transformers`` at the same time can get
``AttributeError: module 'transformers' has no attribute 'Trainer'`` (reproduced here with four
threads on transformers 5). The app serves several browsers from a thread pool and trains
in a worker thread, so every threaded entry point calls :func:`ensure_loaded` first: the
first caller imports everything the engine uses while the others wait on an event (holding
no import lock, so no deadlock); afterwards it is one ``Event.is_set()``.
"""

from __future__ import annotations

import logging
import threading

_loaded = threading.Event()
_lock = threading.Lock()

# Every lazily resolved name the engine and the exported paths use.
TRANSFORMERS_NAMES = (
    "AutoConfig", "AutoTokenizer", "AutoModelForSequenceClassification", "AutoModelForCausalLM",
    "BitsAndBytesConfig", "DataCollatorWithPadding", "DataCollatorWithFlattening", "EarlyStoppingCallback",
    "GPT2Config", "GPT2LMHeadModel", "PreTrainedTokenizerFast", "Trainer", "TrainerCallback",
    "TrainingArguments", "TextIteratorStreamer", "set_seed",
)


def ensure_loaded() -> None:
    """Import torch, transformers (with the names above), datasets and peft, once."""
    if _loaded.is_set():
        return
    with _lock:
        if _loaded.is_set():
            return
        # bitsandbytes (imported by peft) logs on CPUs with AVX512-BF16 that it could not fetch
        # an optional kernel from the Hub; its own fallback works, so the advice only misleads.
        logging.getLogger("bitsandbytes.backends.cpu.ops").setLevel(logging.ERROR)
        import datasets  # noqa: F401
        import torch  # noqa: F401
        import transformers

        for name in TRANSFORMERS_NAMES:
            getattr(transformers, name, None)
        import peft  # noqa: F401
        from transformers import trainer_callback  # noqa: F401

        _loaded.set()


def warm_in_background() -> threading.Thread:
    """Start the imports now, off the caller's thread (the app does this once it serves)."""
    t = threading.Thread(target=ensure_loaded, name="warm-imports", daemon=True)
    t.start()
    return t
