"""A background job's state: one small JSON file per job under ``.uppdrag/jobs/``.

The state lives on disk rather than in the server's memory so that every page showing progress
(a reload, a second tab, a second server process on the same workspace) reads the same thing,
and a finished job's summary stays readable afterwards.  Files are written atomically, and a job
whose process is gone (a killed server) is marked failed when read, so nothing waits for ever.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from generator.i18n import _
from generator.register import pid_alive


@dataclass
class Job:
    """The state of one background job, as kept in ``.uppdrag/jobs/<id>.json``."""

    id: str
    kind: str
    title: str
    user: str
    started: str
    status: str = "running"  # running, done, failed
    step: str = ""
    count: int = 0
    total: int = 0
    step_started: float = 0.0
    finished: str | None = None
    result: dict[str, Any] = field(default_factory=dict)
    error: list[str] = field(default_factory=list)
    pid: int = 0
    host: str = ""
    next_url: str = ""  # where the finished job's result is shown

    @property
    def running(self) -> bool:
        return self.status == "running"

    def estimate(self, now: float | None = None) -> int | None:
        """Seconds left in the current step, from its pace so far (None: too early to say)."""
        if not self.running or self.count <= 0 or self.total <= self.count:
            return None
        elapsed = (now or time.time()) - self.step_started
        return max(0, round(elapsed / self.count * (self.total - self.count)))

    def percent(self) -> int:
        return round(100 * self.count / self.total) if self.total else 0

    def status_dict(self) -> dict[str, Any]:
        """What the JSON status endpoint answers (no result details, only where it stands)."""
        return {
            "id": self.id,
            "status": self.status,
            "title": self.title,
            "user": self.user,
            "step": self.step,
            "count": self.count,
            "total": self.total,
            "percent": self.percent(),
            "estimate": self.estimate(),
            "error": self.error,
        }


def jobs_dir(state: Path) -> Path:
    folder = state / "jobs"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def now() -> str:
    """The time stamp a job's ``started`` and ``finished`` are written with."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def _job_path(state: Path, job_id: str) -> Path:
    if not job_id.isalnum():  # ids are ours (hex); anything else is not a job
        raise FileNotFoundError(job_id)
    return jobs_dir(state) / f"{job_id}.json"


def save(state: Path, job: Job) -> None:
    """Write the job's state atomically: a reader never sees half a file."""
    path = _job_path(state, job.id)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(json.dumps(asdict(job), ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def load(state: Path, job_id: str) -> Job | None:
    """The job ``job_id``, or None if there is none; a job whose process died is failed."""
    try:
        data = json.loads(_job_path(state, job_id).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    job = Job(**data)
    if job.running and _orphaned(job):
        job.status = "failed"
        job.error = [_("The server stopped while the job ran; start it again.")]
        job.finished = now()
        save(state, job)
    return job


def _orphaned(job: Job) -> bool:
    """Whether the process that ran a job is gone (only known on the same host)."""
    return job.host == socket.gethostname() and not pid_alive(job.pid)
