"""The diary register (diarium): which diary number went to which document, in one SQLite file.

Diary numbers are legal records.  Two documents must never share a number, and a number that was
handed out must never disappear without a trace, even when a process crashes between taking a
number and writing the file, or when many secretaries run ``uppdrag`` at the same time.  Hence:

* every write is one ``BEGIN IMMEDIATE`` transaction, which takes the database's write lock
  *before* the counter is read, so two processes can never read the same "next serial";
* a number is first registered as ``pending`` together with the path it will be written to and the
  process (pid, host, start time) that will write it; only after the file has been renamed into
  place does :meth:`Register.complete` mark it written.  :meth:`Register.recover` later finds
  numbers whose process is gone and either completes them (the file is there) or voids them with a
  reason (it is not): the number is never silently reused or dropped;
* every change is appended to the ``events`` table, which triggers keep append-only, so
  :meth:`Register.history` can show the whole life of a number;
* rows of ``issues`` can never be deleted, nor can written file rows.

Life of a number: ``pending`` → ``utkast`` (draft written) → ``beslutad`` (decided) → ``ersatt``
(superseded by a later number); or ``makulerad`` (voided) from any state.
"""

from __future__ import annotations

from generator.register.allocation import AllocationMixin
from generator.register.export import (
    DIARIUM_COLUMNS,
    ISSUE_COLUMNS,
    diarium_csv_rows,
    issues_as_dicts,
)
from generator.register.lifecycle import LifecycleMixin
from generator.register.originals import KeptOriginal, OriginalsMixin
from generator.register.queries import QueriesMixin
from generator.register.records import Issue, IssuedFile, Request, pid_alive, sha256_file
from generator.register.recovery import RecoveryMixin
from generator.register.tables import (
    BUSY_TIMEOUT_MS,
    FILE_KINDS,
    FILE_STATES,
    SCHEMA_VERSION,
    STALE_AFTER,
    STATUSES,
)


class Register(RecoveryMixin, OriginalsMixin, LifecycleMixin, AllocationMixin, QueriesMixin):
    """The diary register in one SQLite file, safe to use from many processes at once.

    Composed of one mixin per concern (see the modules of this package); all share the single
    connection that :class:`~generator.register.connection.Connection` opens.
    """


__all__ = [
    "BUSY_TIMEOUT_MS",
    "DIARIUM_COLUMNS",
    "FILE_KINDS",
    "FILE_STATES",
    "ISSUE_COLUMNS",
    "SCHEMA_VERSION",
    "STALE_AFTER",
    "STATUSES",
    "Issue",
    "IssuedFile",
    "KeptOriginal",
    "Register",
    "Request",
    "diarium_csv_rows",
    "issues_as_dicts",
    "pid_alive",
    "sha256_file",
]
