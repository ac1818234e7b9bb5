"""The job queue: one training job at a time per process, first in first out.

The queue is a process-wide resource (the machine has one trainer's worth of compute);
user state is not kept here, only jobs tagged with the ``owner`` (a browser session id or
"local") that submitted them. Rules:

* An owner with a queued or running job who submits again gets that same job back: a
  second click on Start never starts a second job.
* With ``allow_queue=False`` (local mode) a submit while another owner's job runs raises
  :class:`BusyError`; with ``allow_queue=True`` (shared mode) it waits its turn, and
  :meth:`JobQueue.position` says where it stands.
* Nothing here tells one owner about another's job beyond "busy" and a queue position.
* :meth:`JobQueue.exclusive` lends the trainer for a short piece of work outside a job (the
  time-per-epoch probe): only while nothing runs or waits, and no job starts until it ends.
* Finished jobs stay as light records (status, events, summary: never a model) so a page
  can show its last run; at most :data:`MAX_RECORDS` of them, the oldest forgotten first
  (their run folders keep everything, and the History tab reads those).
"""

from __future__ import annotations

import contextlib
import threading
from collections import deque
from collections.abc import Iterator
from pathlib import Path

from ..config import RunConfig
from ..results.runs import Status
from .job import Job

MAX_RECORDS = 200  # finished jobs remembered per process (a few kB each: events and summary)


class BusyError(RuntimeError):
    """Another session's job is using the trainer."""


class JobQueue:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: deque[Job] = deque()
        self._current: Job | None = None
        self._wake = threading.Condition(self._lock)
        self._worker: threading.Thread | None = None
        self._jobs: dict[str, Job] = {}
        self._claimed_by: str | None = None  # owner of an exclusive() block

    # ---- submitting --------------------------------------------------------------
    def submit(self, cfg: RunConfig, owner: str, allow_queue: bool = False, run_dir: Path | None = None,
               resume_dir: Path | None = None, tags: dict | None = None,
               predicted_train_s: float | None = None) -> Job:
        """Queue a run of ``cfg`` for ``owner`` (or resume ``resume_dir``); ``tags`` go into its
        summary.json (a sweep's id and point), as does ``predicted_train_s`` (core.train.timing)."""
        with self._lock:
            mine = self._active_for_locked(owner)
            if mine is not None:
                return mine
            if not allow_queue and self._claimed_by is not None:
                raise BusyError("the trainer is timing a few steps; try again in a few seconds")
            if not allow_queue and (self._running_locked() is not None or self._pending):
                raise BusyError("the trainer is busy with another run; try again when it finishes")
            job = Job.resume(resume_dir, owner=owner) if resume_dir else Job(
                cfg, run_dir=run_dir, owner=owner, tags=tags, predicted_train_s=predicted_train_s)
            self._jobs.pop(job.name, None)  # a resumed run: its record moves to the newest place
            self._jobs[job.name] = job
            self._forget_locked()
            self._pending.append(job)
            self._ensure_worker()
            self._wake.notify_all()
            return job

    def _ensure_worker(self) -> None:
        if self._worker is None or not self._worker.is_alive():
            self._worker = threading.Thread(target=self._loop, name="job-queue", daemon=True)
            self._worker.start()

    def _loop(self) -> None:
        while True:
            with self._lock:
                while not self._pending or self._claimed_by is not None:
                    if not self._wake.wait(timeout=30) and not self._pending:
                        self._worker = None
                        return
                job = self._pending.popleft()
                self._current = job
            try:
                job.run()
            finally:
                with self._lock:
                    self._current = None

    def _forget_locked(self) -> None:
        """Drop the oldest finished records beyond MAX_RECORDS (live jobs are always kept)."""
        extra = len(self._jobs) - MAX_RECORDS
        if extra <= 0:
            return
        live = {id(j) for j in self._pending} | ({id(self._current)} if self._current is not None else set())
        for name in [n for n, j in self._jobs.items() if j.done and id(j) not in live][:extra]:
            del self._jobs[name]

    def running_bytes(self) -> int:
        """Memory the running job is estimated to hold (its summary's estimate, less the
        runtime every process has): given back before a job submitted now starts."""
        from .estimate import CPU_RUNTIME_BYTES

        with self._lock:
            job = self._running_locked()
        if job is None:
            return 0
        mb = job.summary.get("estimated_peak_mb") or 0
        return max(0, int(mb * 2**20) - CPU_RUNTIME_BYTES) if mb else 0

    def records(self) -> int:
        with self._lock:
            return len(self._jobs)

    @contextlib.contextmanager
    def exclusive(self, owner: str) -> Iterator[None]:
        """Hold the trainer for a short task of ``owner``'s; BusyError if a job runs or waits.
        Jobs submitted meanwhile wait (shared mode) or are refused (local mode)."""
        with self._lock:
            if self._claimed_by is not None:
                raise BusyError("the trainer is already timing a few steps; try again in a few seconds")
            if self._running_locked() is not None or self._pending:
                raise BusyError("the trainer is busy with a run; time the steps when it has finished "
                                "(the Train tab shows the live ETA meanwhile)")
            self._claimed_by = owner
        try:
            yield
        finally:
            with self._lock:
                self._claimed_by = None
                self._wake.notify_all()

    # ---- queries -----------------------------------------------------------------
    def _running_locked(self) -> Job | None:
        """The job the worker runs, unless it has already ended: a finished job stays current
        for a moment while it frees its memory, and a click on Start in that moment is a new
        run (it waits those milliseconds in the queue), not a second click on the old one."""
        return self._current if self._current is not None and not self._current.done else None

    def _active_for_locked(self, owner: str) -> Job | None:
        current = self._running_locked()
        if current is not None and current.owner == owner:
            return current
        return next((j for j in self._pending if j.owner == owner), None)

    def active_for(self, owner: str) -> Job | None:
        with self._lock:
            return self._active_for_locked(owner)

    def latest_for(self, owner: str) -> Job | None:
        """The owner's running/queued job, else the most recent one it submitted."""
        with self._lock:
            active = self._active_for_locked(owner)
            if active is not None:
                return active
            mine = [j for j in self._jobs.values() if j.owner == owner]
            return mine[-1] if mine else None

    def get(self, name: str, owner: str | None = None) -> Job | None:
        job = self._jobs.get(name)
        if job is not None and owner is not None and job.owner != owner:
            return None
        return job

    def position(self, job: Job) -> int:
        """0 = running now, n = n-th in line, -1 = not in the queue."""
        with self._lock:
            if self._current is job:
                return 0
            for i, j in enumerate(self._pending, start=1):
                if j is job:
                    return i
            return -1

    def busy(self) -> bool:
        with self._lock:
            return self._running_locked() is not None or bool(self._pending) or self._claimed_by is not None

    def queue_length(self) -> int:
        with self._lock:
            return len(self._pending) + (1 if self._running_locked() is not None else 0)

    def live_names(self) -> set[str]:
        with self._lock:
            return {j.name for j in self._pending} | ({self._current.name} if self._current else set())

    def cancel(self, job: Job) -> None:
        """Stop a running job at the next step, or take a waiting one out of the line."""
        with self._lock:
            if job in self._pending:
                self._pending.remove(job)
                job._stop.set()
                job._finish(Status.STOPPED, "cancelled while waiting in the queue")
                return
        job.stop()


_DEFAULT: JobQueue | None = None
_DEFAULT_LOCK = threading.Lock()


def default_queue() -> JobQueue:
    """The process-wide queue (one trainer per process)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = JobQueue()
        return _DEFAULT
