"""One job at a time per workspace, across processes: the lock file in ``.uppdrag/jobs/``.

The lock is a file made with ``O_EXCL``, holding the id of the job that has it, so it also holds
between two ``uppdrag serve`` on one workspace, where a lock in memory would not.  A lock whose
job is over or whose process is gone (see :func:`generator.web.job_state.load`) is stale and
taken over, so a killed server never blocks the workspace for good.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from generator.exceptions import UppdragError
from generator.i18n import _
from generator.web.job_state import Job, jobs_dir, load, now


class JobBusy(UppdragError):
    """Another job runs in this workspace: say who runs what, since when."""

    exit_code = 3


def _lock_path(state: Path) -> Path:
    return jobs_dir(state) / "lock"


def take_lock(state: Path, job_id: str) -> None:
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
            release(state, _lock_holder(state))
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


def release(state: Path, job_id: str | None) -> None:
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
            return Job(holder or "0", "?", _("a job"), "?", now())
        return None
    return job if job.running else None
