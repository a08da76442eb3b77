"""The ``progress`` object a background job's work reports through, writing the job's file.

The work functions are the product's plain functions; they report through the ``progress``
object they are given (start/advance/finish, see :class:`generator.progress.Progress`).  Here
that object writes the job state (:mod:`generator.web.job_state`), throttled, since a thousand
councils are a thousand steps and each write is a file.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from generator.web.job_state import Job, save

#: How often (seconds) a running job writes its progress at most; the last step always.
WRITE_EVERY = 0.2


class JobProgress:
    """The ``progress`` object for the product's functions: writes each step to the job file.

    At most every :data:`WRITE_EVERY` seconds (a thousand councils are a thousand steps); a step
    not written at once is written by a short timer, so the page never lags behind for long.
    """

    def __init__(self, state: Path, job: Job) -> None:
        self.state = state
        self.job = job
        self._written = 0.0
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def _write(self, force: bool = False) -> None:
        with self._lock:
            now = time.monotonic()
            if force or now - self._written >= WRITE_EVERY:
                if self._timer is not None:
                    self._timer.cancel()
                    self._timer = None
                save(self.state, self.job)
                self._written = now
            elif self._timer is None:
                self._timer = threading.Timer(WRITE_EVERY, self._flush)
                self._timer.daemon = True
                self._timer.start()

    def _flush(self) -> None:
        with self._lock:
            self._timer = None
            if self.job.running:
                save(self.state, self.job)
                self._written = time.monotonic()

    def start(self, label: str, total: int) -> None:
        self.job.step, self.job.total, self.job.count = label, total, 0
        self.job.step_started = time.time()
        self._write(force=True)

    def advance(self, item: str) -> None:
        self.job.count += 1
        self._write(force=self.job.count >= self.job.total)

    def finish(self) -> None:
        self._write(force=True)

    def close(self) -> None:
        """Stop a pending write (the job's final state is written by the runner)."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
