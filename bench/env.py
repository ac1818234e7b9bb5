"""The harness's environment and the small helpers every measure shares.

:func:`setup` must run before torch, transformers or core/ are imported: it makes one
temporary folder per bench run and points the workspace (``FTS_WORKSPACE``), the Hugging
Face cache (``HF_HOME``) and matplotlib's config (``MPLCONFIGDIR``) into it, and forces the
Hub offline. Nothing the bench does touches ``~/.cache`` or the network.

:class:`Context` is what a measure receives: quick or full mode, the temp folder, a
``log`` function (progress goes to stderr; the table goes to stdout).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SENTIMENT = "assets/data/sentiment.csv"
QUOTES = "assets/data/quotes.csv"
QUOTES_TEMPLATE = "Quote by {author}: {quote}"


def setup(root: str | None = None) -> Path:
    """Create the bench's temp folder and set the environment for this process and every
    subprocess it starts. Returns the folder."""
    base = Path(root) if root else Path(tempfile.mkdtemp(prefix="fts-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    env = {
        "FTS_WORKSPACE": str(base / "workspace"),
        "HF_HOME": str(base / "hf"),
        "HF_DATASETS_CACHE": str(base / "hf" / "datasets"),
        "MPLCONFIGDIR": str(base / "mpl"),
        "GRADIO_TEMP_DIR": str(base / "gradio"),
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "TOKENIZERS_PARALLELISM": "false",
        "TRANSFORMERS_VERBOSITY": "error",
        "HF_DATASETS_DISABLE_PROGRESS_BARS": "1",
        "TQDM_DISABLE": "1",
        "PYTHONWARNINGS": "ignore",
    }
    os.environ.update(env)
    # As app.py and `python -m core` do, before torch starts: idle OpenMP threads sleep, not spin.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    for key in ("FTS_WORKSPACE", "HF_HOME", "MPLCONFIGDIR", "GRADIO_TEMP_DIR"):
        Path(env[key]).mkdir(parents=True, exist_ok=True)
    warnings.filterwarnings("ignore")
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    return base


def quiet_libraries() -> None:
    """Silence the libraries' progress bars and load reports (after they are importable)."""
    with contextlib.suppress(Exception):
        import transformers

        transformers.logging.set_verbosity_error()
        transformers.logging.disable_progress_bar()
    with contextlib.suppress(Exception):
        import datasets

        datasets.disable_progress_bars()
        datasets.logging.set_verbosity_error()


@dataclass
class Context:
    """What a measure is given."""

    quick: bool
    tmp: Path
    verbose: bool = False
    notes: list[str] = field(default_factory=list)

    def log(self, msg: str) -> None:
        print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    def folder(self, name: str) -> Path:
        d = self.tmp / name
        d.mkdir(parents=True, exist_ok=True)
        return d

    def pick(self, quick: Any, full: Any) -> Any:
        return quick if self.quick else full


# --------------------------------------------------------------------------- numbers
def median(xs: list[float]) -> float:
    return float(statistics.median(xs))


def percentile(xs: list[float], q: float) -> float:
    """Linear-interpolated percentile (numpy's default), q in [0, 100]."""
    s = sorted(xs)
    if not s:
        return float("nan")
    k = (len(s) - 1) * q / 100.0
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return float(s[lo] + (s[hi] - s[lo]) * (k - lo))


def rnd(x: Any, n: int = 4) -> Any:
    return round(float(x), n) if isinstance(x, (int, float)) else x


def load_avg() -> list[float] | None:
    """The 1/5/15-minute load average: how busy the machine was (other processes count)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:  # pragma: no cover
        return None


def ab_order(n_pairs: int) -> list[str]:
    """A,B then B,A then A,B ...: alternating the order inside each pair cancels linear drift
    (a machine warming up or another process starting) instead of always favouring one arm."""
    out: list[str] = []
    for i in range(n_pairs):
        out += ["A", "B"] if i % 2 == 0 else ["B", "A"]
    return out


@contextlib.contextmanager
def silenced() -> Iterator[None]:
    """Swallow stdout/stderr chatter of a library call (both arms of a comparison get it).
    The redirect is process-wide, so only the main thread may install it (a worker thread
    restoring the streams out of order would silence the main thread for good)."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        yield


# --------------------------------------------------------------------------- processes
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http_200(url: str, proc: subprocess.Popen | None, timeout: float, interval: float = 0.05) -> float | None:
    """Seconds until ``url`` answers 200 (None on timeout or when ``proc`` exits first)."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        if proc is not None and proc.poll() is not None:
            return None
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return time.perf_counter() - t0
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(interval)
    return None


def stop_process(proc: subprocess.Popen, grace: float = 5.0) -> None:
    """Terminate one process we started (by its own handle), then kill it if it lingers."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(grace)


def python_cmd(*args: str) -> list[str]:
    return [sys.executable, *args]


def run_json_subprocess(args: list[str], timeout: float, log_path: Path) -> dict[str, Any]:
    """Run a worker that prints one JSON object on its last stdout line; return it
    (or {"error": ...} with the tail of its log)."""
    with open(log_path, "w", encoding="utf-8") as log:
        try:
            cp = subprocess.run(args, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=log, text=True,
                                timeout=timeout, env=os.environ.copy())
        except subprocess.TimeoutExpired:
            return {"error": f"timed out after {timeout:.0f} s"}
    lines = [ln for ln in cp.stdout.splitlines() if ln.strip().startswith("{")]
    if cp.returncode != 0 or not lines:
        tail = log_path.read_text(encoding="utf-8", errors="replace")[-1500:]
        return {"error": f"worker exited with {cp.returncode}", "log_tail": tail}
    return json.loads(lines[-1])
