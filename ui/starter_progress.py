"""While an offline starter is converted on first use (SmolLM2: a minute or two on two cores),
a handler shows how far it has got instead of a frozen spinner: :func:`wait_for_starter` runs
the conversion in a worker thread and yields a one-line status (stage and elapsed seconds,
from core.model.smollm2.conversion_status) about once a second until the folder is ready."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from core.config import STARTER_SMOLLM2


def status_line(started: float) -> str:
    from core.model.smollm2 import conversion_status

    st = conversion_status()
    elapsed = time.time() - started
    if st is None:  # another process converts it, or this one is between stages
        return f"Preparing SmolLM2-135M-Instruct (first use: converting the bundled 4-bit file) · {elapsed:.0f} s"
    return (f"Converting SmolLM2-135M-Instruct from the bundled 4-bit gguf (once): {st['stage']} "
            f"({st['fraction']:.0%}) · {st['elapsed_s']:.0f} s")


def wait_for_starter(cfg: Any, view: Callable[[str], Any], every: float = 1.0) -> Iterator[Any]:
    """Yield ``view(status line)`` while ``cfg``'s starter is being converted; afterwards (or at
    once when there is nothing to convert) return. A failed conversion raises its error."""
    if cfg.model.name_or_path.strip() != STARTER_SMOLLM2:
        return
    from core.model.smollm2 import materialize, needs_conversion

    if not needs_conversion():
        return
    errors: list[BaseException] = []

    def work() -> None:
        try:
            materialize()
        except BaseException as exc:  # raised again in the handler's thread, as a typed error
            errors.append(exc)

    started = time.time()
    worker = threading.Thread(target=work, name="convert-smollm2", daemon=True)
    worker.start()
    while worker.is_alive():
        yield view(status_line(started))
        worker.join(every)
    if errors:
        raise errors[0]
