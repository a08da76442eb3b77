"""The diary register (diarium): which diary number went to which document, in one SQLite file.

Diary numbers are legal records.  Two documents must never share a number, and a number that was
handed out must never disappear without a trace, even when a process crashes between taking a
number and writing the file, or when many secretaries run ``uppdrag`` at the same time.  Hence:

* every write is one ``BEGIN IMMEDIATE`` transaction, which takes the database's write lock
  *before* the counter is read, so two processes can never read the same "next serial";
* a number is first registered as ``pending`` together with the path it will be written to and the
  process (pid, host, start time) that will write it, and, before the file is linked into place,
  the SHA-256 it will have; only after the file is in place does :meth:`Register.complete` mark
  it written.  :meth:`Register.recover` later finds numbers whose process is gone and completes
  them only if the file there is provably this program's (that SHA-256, a regular file, no link
  on the way), else voids them with a reason naming what it found: the number is never silently
  reused or dropped, and no foreign file is ever adopted;
* a register that is missing, empty or damaged next to issued documents refuses to give numbers
  (:mod:`generator.register.integrity`); paths inside the workspace are recorded relative to it;
* every change is appended to the ``events`` table, which triggers keep append-only, so
  :meth:`Register.history` can show the whole life of a number;
* rows of ``issues`` can never be deleted, nor can written file rows.

Life of a number: ``pending`` → ``utkast`` (draft written) → ``beslutad`` (decided) → ``ersatt``
(a later number that replaces it is decided); or ``makulerad`` (voided) from any state, which
gives what it had superseded back its former status (:mod:`generator.register.supersession`).
"""

from __future__ import annotations

from generator.register.allocation import AllocationMixin
from generator.register.archive import ArchiveCopy, ArchiveMixin
from generator.register.export import (
    DIARIUM_COLUMNS,
    ISSUE_COLUMNS,
    ISSUE_CSV_HEADERS,
    diarium_csv_rows,
    issues_as_csv_rows,
    issues_as_dicts,
)
from generator.register.integrity import is_issued_name, issued_documents, refuse_lost
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


class Register(
    RecoveryMixin, OriginalsMixin, LifecycleMixin, AllocationMixin, QueriesMixin, ArchiveMixin
):
    """The diary register in one SQLite file, safe to use from many processes at once.

    Composed of one mixin per concern (see the modules of this package); all share the single
    connection that :class:`~generator.register.connection.Connection` opens.
    """


__all__ = [
    "ArchiveCopy",
    "BUSY_TIMEOUT_MS",
    "DIARIUM_COLUMNS",
    "FILE_KINDS",
    "FILE_STATES",
    "ISSUE_COLUMNS",
    "ISSUE_CSV_HEADERS",
    "SCHEMA_VERSION",
    "STALE_AFTER",
    "STATUSES",
    "Issue",
    "IssuedFile",
    "KeptOriginal",
    "Register",
    "Request",
    "diarium_csv_rows",
    "issues_as_csv_rows",
    "is_issued_name",
    "issued_documents",
    "issues_as_dicts",
    "pid_alive",
    "refuse_lost",
    "sha256_file",
]
