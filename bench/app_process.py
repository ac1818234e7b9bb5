"""Start and stop a Gradio app in a subprocess (the studio's app.py or the hello-world) with
the bench's environment, and time how long until its page answers HTTP 200."""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from .env import PROJECT_ROOT, free_port, python_cmd, stop_process, wait_http_200

APP = PROJECT_ROOT / "app.py"
HELLO = Path(__file__).resolve().parent / "hello_app.py"


class AppStartError(RuntimeError):
    """The app did not come up; the message carries the tail of its log."""


@dataclass
class AppProcess:
    proc: subprocess.Popen
    url: str
    startup_s: float
    log_path: Path

    def stop(self) -> None:
        stop_process(self.proc)

    def log_tail(self, n: int = 1500) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-n:]
        except OSError:
            return ""


def start(script: Path, log_path: Path, timeout: float = 120.0, workspace: Path | None = None) -> AppProcess:
    """``python <script> --port <free port>`` until ``/`` answers 200 (the clock starts just
    before Popen, so interpreter start and imports count)."""
    if not script.is_file():
        raise AppStartError(f"{script} does not exist")
    port = free_port()
    env = os.environ.copy()
    if workspace is not None:
        env["FTS_WORKSPACE"] = str(workspace)
    log = open(log_path, "w", encoding="utf-8")
    url = f"http://127.0.0.1:{port}/"
    t0 = time.perf_counter()
    proc = subprocess.Popen(python_cmd(str(script), "--port", str(port)), cwd=PROJECT_ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    waited = wait_http_200(url, proc, timeout)
    startup = time.perf_counter() - t0
    log.close()
    app = AppProcess(proc, url, startup, log_path)
    if waited is None:
        code = proc.poll()
        app.stop()
        why = f"exited with code {code}" if code is not None else f"did not answer 200 within {timeout:.0f} s"
        raise AppStartError(f"{script.name} {why}; log tail: {app.log_tail(800)}")
    return app
