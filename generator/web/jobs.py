"""Long work in the background, one job at a time per workspace, its state kept on disk.

A re-issue of a thousand councils takes longer than a browser waits for a page.  So the view
starts a :class:`Job`: the work runs in a thread of the server, and its state (who started it,
what, how far it is, the result or the error) is a small JSON file under ``.uppdrag/jobs/``.
Every page that shows progress reads that file, so a reload, a second tab or a second server
process sees the same progress, and a finished job's summary stays readable afterwards.

One job at a time: the lock is a file made with ``O_EXCL`` in the same folder, holding the job's
id and the process that runs it, so it also holds across processes (two ``uppdrag serve`` on one
workspace).  A lock left by a process that is gone (killed server) is taken over, and its job is
marked failed, so nothing waits for ever.

The work functions are the product's plain functions; they report through the ``progress``
object they are given (start/advance/finish, see :class:`generator.progress.Progress`), and here
that object writes the job state.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from generator import acting, i18n
from generator.exceptions import DataError, UppdragError
from generator.i18n import _
from generator.register import pid_alive

#: How often (seconds) a running job writes its progress at most; the last step always.
WRITE_EVERY = 0.2
#: Finished jobs (and their summaries) are kept this long, then cleared when a new one starts.
KEEP_SECONDS = 30 * 24 * 3600

Work = Callable[["JobProgress"], dict[str, Any]]

#: Set when a job of this process has written its final state: :func:`wait` wakes at once
#: instead of polling the file (a quick job is then answered in the request that started it).
_finished: dict[str, threading.Event] = {}


class JobBusy(UppdragError):
    """Another job runs in this workspace: say who runs what, since when."""

    exit_code = 3


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


def _now() -> str:
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
        job.finished = _now()
        save(state, job)
    return job


def _orphaned(job: Job) -> bool:
    """Whether the process that ran a job is gone (only known on the same host)."""
    return job.host == socket.gethostname() and not pid_alive(job.pid)


# -- the lock ---------------------------------------------------------------------------------


def _lock_path(state: Path) -> Path:
    return jobs_dir(state) / "lock"


def _take_lock(state: Path, job_id: str) -> None:
    """Take the workspace's job lock for ``job_id``, or raise :class:`JobBusy`."""
    path = _lock_path(state)
    for _attempt in range(3):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            holder = current(state)
            if holder is not None:
                raise JobBusy(
                    _(
                        "{user} is running “{title}” (since {started}); wait until it is done."
                    ).format(user=holder.user, title=holder.title, started=holder.started)
                ) from None
            # The lock's job is over (or never got going): the lock is stale.
            _release(state, _lock_holder(state))
            continue
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(job_id)
        return
    raise JobBusy(_("Another job is just starting; try again."))


def _lock_holder(state: Path) -> str | None:
    try:
        return _lock_path(state).read_text(encoding="ascii").strip() or None
    except FileNotFoundError:
        return None


def _release(state: Path, job_id: str | None) -> None:
    """Give up the lock if ``job_id`` still holds it (never another job's lock)."""
    if _lock_holder(state) == job_id:
        _lock_path(state).unlink(missing_ok=True)


def current(state: Path) -> Job | None:
    """The job that runs now in this workspace, if any."""
    holder = _lock_holder(state)
    job = None if holder is None else load(state, holder)
    if job is None:
        # A lock just taken, whose state is not written yet, is young: count it as running.
        try:
            age = time.time() - _lock_path(state).stat().st_mtime
        except FileNotFoundError:
            return None
        if age < 5:
            return Job(holder or "0", "?", _("a job"), "?", _now())
        return None
    return job if job.running else None


# -- progress ---------------------------------------------------------------------------------


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


# -- running ----------------------------------------------------------------------------------


def new_id() -> str:
    """A fresh job id (for a caller that must name the job's pages before it starts)."""
    return secrets.token_hex(8)


def start(
    state: Path,
    kind: str,
    title: str,
    user: str,
    work: Work,
    next_url: str = "",
    job_id: str | None = None,
) -> Job:
    """Start ``work`` in a background thread as a new job; :class:`JobBusy` if one runs.

    ``work`` gets the job's progress object and returns the result to keep (JSON-serialisable).
    A product error becomes the job's error message; any other exception a short note, with the
    traceback in a report file, as on the command line.
    """
    job = Job(
        id=job_id or new_id(),
        kind=kind,
        title=title,
        user=user,
        started=_now(),
        pid=os.getpid(),
        host=socket.gethostname(),
        next_url=next_url,
    )
    _take_lock(state, job.id)
    try:
        _clear_old(state)
        save(state, job)
    except BaseException:
        _release(state, job.id)
        raise
    language = i18n.ui_language()
    for done_id in [i for i, event in _finished.items() if event.is_set()]:
        _finished.pop(done_id, None)
    _finished[job.id] = threading.Event()
    thread = threading.Thread(
        target=_run, args=(state, job, work, language), name=f"uppdrag-job-{job.id}", daemon=True
    )
    thread.start()
    return job


def _clear_old(state: Path) -> None:
    """Remove the files of jobs that finished more than :data:`KEEP_SECONDS` ago."""
    limit = time.time() - KEEP_SECONDS
    for path in jobs_dir(state).glob("*"):
        if path.name == "lock":
            continue
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:
            pass


@contextlib.contextmanager
def exclusive(state: Path, kind: str, title: str, user: str) -> Iterator[Job]:
    """Hold the workspace's job lock for short work done inside the request (an import), so that
    it and a background job (a re-issue) never run at once: :class:`JobBusy`, naming who runs
    what, for whichever comes second."""
    job = Job(
        id=new_id(),
        kind=kind,
        title=title,
        user=user,
        started=_now(),
        pid=os.getpid(),
        host=socket.gethostname(),
    )
    _take_lock(state, job.id)
    try:
        save(state, job)
        yield job
        job.status = "done"
    except BaseException:
        job.status = "failed"
        raise
    finally:
        job.finished = _now()
        try:
            save(state, job)
        finally:
            _release(state, job.id)


def _run(state: Path, job: Job, work: Work, language: str) -> None:
    token = i18n.set_language(language)
    acting_token = acting.begin(job.user)  # the register records who started the job
    progress = JobProgress(state, job)
    try:
        job.result = work(progress)
        job.status = "done"
    except UppdragError as err:
        job.status = "failed"
        job.error = [str(p) for p in err.problems] if isinstance(err, DataError) else [str(err)]
    except Exception:  # noqa: BLE001 - the job's page says so; the report holds the traceback
        job.status = "failed"
        job.error = [
            _("Internal error in uppdrag (not a mistake in your data). Full report: {path}").format(
                path=_write_report(state, job)
            )
        ]
    finally:
        progress.close()
        job.finished = _now()
        try:
            save(state, job)
        finally:
            _release(state, job.id)
            i18n.reset_language(token)
            _finished.get(job.id, threading.Event()).set()
            acting.end(acting_token)


def _write_report(state: Path, job: Job) -> Path:
    path = jobs_dir(state) / f"{job.id}-fel.txt"
    path.write_text(f"{job.kind}: {job.title}\n\n{traceback.format_exc()}", encoding="utf-8")
    return path


def wait(state: Path, job_id: str, timeout: float = 60.0) -> Job | None:
    """The job once it is no longer running (for a view's quick job, tests and benchmarks), or
    as it is at timeout."""
    deadline = time.monotonic() + timeout
    event = _finished.get(job_id)
    if event is not None:  # a job of this process: woken when it is done, no polling
        event.wait(timeout)
        return load(state, job_id)
    while True:
        job = load(state, job_id)
        if job is None or not job.running or time.monotonic() > deadline:
            return job
        time.sleep(0.02)
