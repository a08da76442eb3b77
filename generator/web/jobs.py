"""Long work in the background, one job at a time per workspace, its state kept on disk.

A re-issue of a thousand councils takes longer than a browser waits for a page.  So the view
starts a job: the work runs in a thread of the server, and its state (who started it, what, how
far it is, the result or the error) is a small JSON file under ``.uppdrag/jobs/``
(:mod:`generator.web.job_state`), which every page showing progress reads.  Only one job runs per
workspace, across processes (:mod:`generator.web.job_lock`); short work done inside a request
takes the same lock (:func:`exclusive`), so it never runs under a background job's feet.

The work functions are the product's plain functions; they report through the ``progress``
object they are given (:class:`generator.web.job_progress.JobProgress`), which writes the job
state.  This module runs them: starting, catching what goes wrong, giving the lock back, waiting.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from generator import acting, i18n
from generator.exceptions import DataError, UppdragError
from generator.i18n import _
from generator.web.job_lock import release, take_lock
from generator.web.job_progress import JobProgress
from generator.web.job_state import Job, jobs_dir, load, now, save

#: Finished jobs (and their summaries) are kept this long, then cleared when a new one starts.
KEEP_SECONDS = 30 * 24 * 3600

Work = Callable[[JobProgress], dict[str, Any]]

#: Set when a job of this process has written its final state: :func:`wait` wakes at once
#: instead of polling the file (a quick job is then answered in the request that started it).
_finished: dict[str, threading.Event] = {}


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
    """Start ``work`` in a background thread as a new job; :class:`~.job_lock.JobBusy` if one
    runs.

    ``work`` gets the job's progress object and returns the result to keep (JSON-serialisable).
    A product error becomes the job's error message; any other exception a short note, with the
    traceback in a report file, as on the command line.
    """
    job = Job(
        id=job_id or new_id(),
        kind=kind,
        title=title,
        user=user,
        started=now(),
        pid=os.getpid(),
        host=socket.gethostname(),
        next_url=next_url,
    )
    take_lock(state, job.id)
    try:
        _clear_old(state)
        save(state, job)
    except BaseException:
        release(state, job.id)
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
    it and a background job (a re-issue) never run at once: :class:`~.job_lock.JobBusy`, naming
    who runs what, for whichever comes second."""
    job = Job(
        id=new_id(),
        kind=kind,
        title=title,
        user=user,
        started=now(),
        pid=os.getpid(),
        host=socket.gethostname(),
    )
    take_lock(state, job.id)
    try:
        save(state, job)
        yield job
        job.status = "done"
    except BaseException:
        job.status = "failed"
        raise
    finally:
        job.finished = now()
        try:
            save(state, job)
        finally:
            release(state, job.id)


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
        job.finished = now()
        try:
            save(state, job)
        finally:
            release(state, job.id)
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
