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

import builtins
import contextlib
import getpass
import hashlib
import json
import os
import re
import socket
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from generator.dnr import DiaryNumber
from generator.exceptions import RegisterError, UsageError
from generator.i18n import _

STATUSES = ("pending", "utkast", "beslutad", "ersatt", "makulerad")
FILE_KINDS = ("utkast", "beslutad")
FILE_STATES = ("pending", "written")

#: Bumped whenever the schema changes; stored in ``PRAGMA user_version``.
SCHEMA_VERSION = 1

#: A pending row older than this is considered abandoned even if its pid seems alive (the pid may
#: have been reused, or the row comes from another host whose processes we cannot see).
STALE_AFTER = timedelta(hours=1)

BUSY_TIMEOUT_MS = 30_000

_SCHEMA = (
    """
    CREATE TABLE series (
        prefix      TEXT    NOT NULL,
        year        INTEGER NOT NULL,
        next_serial INTEGER NOT NULL CHECK (next_serial >= 1),
        PRIMARY KEY (prefix, year)
    )
    """,
    f"""
    CREATE TABLE issues (
        id               INTEGER PRIMARY KEY,
        dnr              TEXT    NOT NULL UNIQUE,
        prefix           TEXT    NOT NULL,
        year             INTEGER NOT NULL,
        serial           INTEGER NOT NULL CHECK (serial BETWEEN 1 AND 99999),
        council          TEXT    NOT NULL,
        subject          TEXT    NOT NULL,
        date             TEXT    NOT NULL,
        decided          TEXT,
        status           TEXT    NOT NULL CHECK (status IN {STATUSES!r}),
        external         INTEGER NOT NULL DEFAULT 0,
        supersedes       TEXT,
        supersede_reason TEXT,
        superseded_by    TEXT REFERENCES issues (dnr),
        reason           TEXT,
        batch            TEXT,
        created          TEXT    NOT NULL,
        UNIQUE (prefix, year, serial)
    )
    """,
    "CREATE INDEX issues_council ON issues (council)",
    "CREATE INDEX issues_batch ON issues (batch)",
    f"""
    CREATE TABLE files (
        id       INTEGER PRIMARY KEY,
        dnr      TEXT NOT NULL REFERENCES issues (dnr),
        kind     TEXT NOT NULL CHECK (kind IN {FILE_KINDS!r}),
        path     TEXT NOT NULL,
        path_key TEXT NOT NULL UNIQUE,
        sha256   TEXT,
        date     TEXT NOT NULL,
        decided  TEXT,
        state    TEXT NOT NULL CHECK (state IN {FILE_STATES!r}),
        pid      INTEGER,
        hostname TEXT,
        started  TEXT NOT NULL,
        written  TEXT,
        CHECK (state = 'pending' OR sha256 IS NOT NULL)
    )
    """,
    "CREATE INDEX files_dnr ON files (dnr)",
    """
    CREATE TABLE events (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        dnr       TEXT NOT NULL,
        timestamp TEXT NOT NULL,
        event     TEXT NOT NULL,
        detail    TEXT NOT NULL DEFAULT '{}',
        actor     TEXT NOT NULL
    )
    """,
    "CREATE INDEX events_dnr ON events (dnr)",
    """
    CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END
    """,
    """
    CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END
    """,
    """
    CREATE TRIGGER issues_no_delete BEFORE DELETE ON issues
    BEGIN SELECT RAISE(ABORT, 'diary numbers are never deleted'); END
    """,
    """
    CREATE TRIGGER issues_number_fixed BEFORE UPDATE OF dnr, prefix, year, serial ON issues
    BEGIN SELECT RAISE(ABORT, 'a diary number never changes'); END
    """,
    """
    CREATE TRIGGER written_files_kept BEFORE DELETE ON files WHEN OLD.state = 'written'
    BEGIN SELECT RAISE(ABORT, 'written files are never forgotten'); END
    """,
)


@dataclass
class IssuedFile:
    """One file of a diary number: the draft, or the decided version written later."""

    dnr: str
    kind: str
    path: str
    sha256: str | None
    date: str
    decided: str | None
    state: str


@dataclass
class Issue:
    """One diary number and its current state, with all its files (oldest first).

    ``path``/``sha256`` are those of the newest *written* file (the decided version once there is
    one), or of the pending file while nothing is written yet.
    """

    dnr: str
    council: str
    date: str
    decided: str | None
    status: str
    path: str | None
    sha256: str | None
    supersedes: str | None
    superseded_by: str | None
    reason: str | None
    subject: str
    files: list[IssuedFile] = field(default_factory=list)


@dataclass
class Request:
    """What a caller wants registered; ``dnr`` only for a number assigned outside this tool."""

    council: str
    date: str
    decided: str | None
    subject: str
    supersedes: str | None = None
    dnr: str | None = None
    reason: str | None = None
    batch: str | None = None  # a re-issue batch, so that running it again skips what is done


def sha256_file(path: str | os.PathLike[str]) -> str:
    """Hex SHA-256 of a file, read in chunks so that large files do not fill memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _path_key(path: str) -> str:
    """How paths are compared: absolute, normalised, case-folded where the OS is."""
    return os.path.normcase(os.path.abspath(path))


def pid_alive(pid: int | None) -> bool:
    """Whether a process with this id runs on this host (without disturbing it)."""
    if pid is None or pid <= 0:
        return False
    if os.name == "nt":  # pragma: no cover - os.kill(pid, 0) would terminate the process there
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        try:
            code = ctypes.c_ulong()
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, belongs to another user
    except OSError:
        return False
    return True


def _actor() -> str:
    """Who made a change, for the event log: user@host:pid."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # pragma: no cover - no user name in some containers
        user = "?"
    return f"{user}@{socket.gethostname()}:{os.getpid()}"


def _normalise_dnr(text: str) -> str:
    return str(DiaryNumber.parse(text))


_ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _check_date(value: str | None, what: str) -> None:
    """Refuse anything but a real ``YYYY-MM-DD`` date: the register's dates are legal data."""
    valid = isinstance(value, str) and _ISO_DATE_RE.fullmatch(value) is not None
    if valid:
        try:
            date.fromisoformat(value)  # type: ignore[arg-type]
        except ValueError:
            valid = False
    if not valid:
        raise UsageError(
            _("Invalid {what} “{value}”: expected an ISO date such as 2024-05-21.").format(
                what=what, value=value
            )
        )


class Register:
    """The diary register in one SQLite file, safe to use from many processes at once."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        parent = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(parent, exist_ok=True)
        self._host = socket.gethostname()
        self._actor = _actor()
        try:
            self._conn = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
            )
        except sqlite3.Error as err:
            raise RegisterError(
                _("Cannot open the register {path}: {error}").format(path=self.path, error=err)
            ) from err
        self._conn.row_factory = sqlite3.Row
        try:
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = FULL")
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._create_schema()
        except sqlite3.DatabaseError as err:
            self._conn.close()
            raise RegisterError(
                _("Cannot open the register {path}: {error}").format(path=self.path, error=err)
            ) from err
        except BaseException:
            self._conn.close()
            raise

    def _create_schema(self) -> None:
        """Create the tables on first open; checked inside the write lock so two openers agree."""
        with self._write():
            version = self._conn.execute("PRAGMA user_version").fetchone()[0]
            if version == SCHEMA_VERSION:
                return
            if version > SCHEMA_VERSION:
                raise RegisterError(
                    _(
                        "The register {path} was written by a newer version of uppdrag "
                        "(schema {found}, this version knows {known}); update uppdrag."
                    ).format(path=self.path, found=version, known=SCHEMA_VERSION)
                )
            for statement in _SCHEMA:
                self._conn.execute(statement)
            self._conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # -- connection and transactions -------------------------------------------------------

    def close(self) -> None:
        """Close the connection; safe to call twice."""
        conn = getattr(self, "_conn", None)
        if conn is not None:
            conn.close()
            self._conn = None  # type: ignore[assignment]

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, holding the write lock from the first read on."""
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            raise RegisterError(
                _("The register {path} is busy or locked ({error}); try again.").format(
                    path=self.path, error=err
                )
            ) from err
        try:
            yield self._conn
        except BaseException:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise
        else:
            self._conn.execute("COMMIT")

    @contextlib.contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """One read transaction, so that an issue and its files come from the same snapshot."""
        self._conn.execute("BEGIN")
        try:
            yield self._conn
        finally:
            if self._conn.in_transaction:
                self._conn.execute("COMMIT")

    def _event(self, dnr: str, event: str, **detail: Any) -> None:
        self._conn.execute(
            "INSERT INTO events (dnr, timestamp, event, detail, actor) VALUES (?, ?, ?, ?, ?)",
            (
                dnr,
                _now(),
                event,
                json.dumps(detail, ensure_ascii=False, sort_keys=True),
                self._actor,
            ),
        )

    # -- loading ---------------------------------------------------------------------------

    @staticmethod
    def _file(row: sqlite3.Row) -> IssuedFile:
        return IssuedFile(
            dnr=row["dnr"],
            kind=row["kind"],
            path=row["path"],
            sha256=row["sha256"],
            date=row["date"],
            decided=row["decided"],
            state=row["state"],
        )

    @staticmethod
    def _issue(row: sqlite3.Row, files: builtins.list[IssuedFile]) -> Issue:
        written = [f for f in files if f.state == "written"]
        newest = written[-1] if written else (files[-1] if files else None)
        return Issue(
            dnr=row["dnr"],
            council=row["council"],
            date=row["date"],
            decided=row["decided"],
            status=row["status"],
            path=newest.path if newest else None,
            sha256=newest.sha256 if newest else None,
            supersedes=row["supersedes"],
            superseded_by=row["superseded_by"],
            reason=row["reason"],
            subject=row["subject"],
            files=files,
        )

    def _load(self, dnr: str) -> Issue | None:
        row = self._conn.execute("SELECT * FROM issues WHERE dnr = ?", (dnr,)).fetchone()
        if row is None:
            return None
        files = [
            self._file(f)
            for f in self._conn.execute("SELECT * FROM files WHERE dnr = ? ORDER BY id", (dnr,))
        ]
        return self._issue(row, files)

    def _require(self, dnr: str) -> sqlite3.Row:
        row = self._conn.execute("SELECT * FROM issues WHERE dnr = ?", (dnr,)).fetchone()
        if row is None:
            raise RegisterError(
                _("Diary number {dnr} is not in the register {path}.").format(
                    dnr=dnr, path=self.path
                )
            )
        return row

    def _check_path_free(self, path: str, key: str) -> None:
        row = self._conn.execute("SELECT dnr FROM files WHERE path_key = ?", (key,)).fetchone()
        if row is not None:
            raise RegisterError(
                _(
                    "The file {path} is already recorded in the register for {dnr}; an issued "
                    "document is never overwritten. Write to another folder, or use "
                    "'uppdrag reissue' to supersede {dnr}."
                ).format(path=path, dnr=row["dnr"])
            )

    # -- allocation ------------------------------------------------------------------------

    def _next_serial(self, prefix: str, year: int) -> int:
        row = self._conn.execute(
            "SELECT next_serial FROM series WHERE prefix = ? AND year = ?", (prefix, year)
        ).fetchone()
        return 1 if row is None else int(row["next_serial"])

    def _set_series(self, prefix: str, year: int, next_serial: int) -> None:
        self._conn.execute(
            "INSERT INTO series (prefix, year, next_serial) VALUES (?, ?, ?) "
            "ON CONFLICT (prefix, year) DO UPDATE SET next_serial = excluded.next_serial",
            (prefix, year, next_serial),
        )

    def _allocate(self, prefix: str, year: int) -> DiaryNumber:
        serial = self._next_serial(prefix, year)
        if serial > 99999:
            raise RegisterError(
                _("The series {prefix} {year} is full: no serial is left after 99999.").format(
                    prefix=prefix, year=year
                )
            )
        number = DiaryNumber(prefix, year, serial)
        taken = self._conn.execute(
            "SELECT 1 FROM issues WHERE prefix = ? AND year = ? AND serial = ?",
            (prefix, year, serial),
        ).fetchone()
        if taken is not None:  # only possible if someone edited the database by hand
            raise RegisterError(
                _(
                    "The register {path} is inconsistent: the next serial {dnr} is already "
                    "taken. Use 'uppdrag register set-next' past the highest number."
                ).format(path=self.path, dnr=number)
            )
        self._set_series(prefix, year, serial + 1)
        return number

    def _take_external(self, text: str) -> DiaryNumber:
        number = DiaryNumber.parse(text)
        row = self._conn.execute(
            "SELECT status FROM issues WHERE dnr = ?", (str(number),)
        ).fetchone()
        if row is not None:
            raise RegisterError(
                _(
                    "Diary number {dnr} is already in the register (status: {status}); a number "
                    "is never given to two documents. Use 'uppdrag reissue' to supersede it, or "
                    "leave out the number to be given a new one."
                ).format(dnr=number, status=row["status"])
            )
        if number.serial >= self._next_serial(number.prefix, number.year):
            # Never allocate this serial later: the series continues after it.
            self._set_series(number.prefix, number.year, number.serial + 1)
        return number

    def _check_supersedes(self, old: str, new: str, claimed: set[str]) -> None:
        if old == new:
            raise RegisterError(_("Diary number {dnr} cannot supersede itself.").format(dnr=new))
        if old in claimed:
            raise RegisterError(_("{dnr} is superseded twice in the same run.").format(dnr=old))
        row = self._conn.execute("SELECT * FROM issues WHERE dnr = ?", (old,)).fetchone()
        if row is None:
            return  # issued before this register existed: recorded as text only
        status = row["status"]
        if status == "ersatt":
            raise RegisterError(
                _("{dnr} is already superseded by {by}; supersede {by} instead.").format(
                    dnr=old, by=row["superseded_by"]
                )
            )
        if status not in ("utkast", "beslutad"):
            raise RegisterError(
                _("{dnr} cannot be superseded: its status is {status}.").format(
                    dnr=old, status=status
                )
            )
        other = self._conn.execute(
            "SELECT dnr FROM issues WHERE supersedes = ? AND status != 'makulerad'", (old,)
        ).fetchone()
        if other is not None:
            raise RegisterError(
                _("{dnr} is already being superseded by {by}.").format(dnr=old, by=other["dnr"])
            )

    def reserve(
        self,
        requests: builtins.list[Request],
        prefix: str,
        path_for: Callable[[Request, str], str],
    ) -> builtins.list[Issue]:
        """Give each request a number and record where its file will go, all or nothing.

        The whole batch is one transaction: if any request is refused (a number or path already
        recorded), nothing of the batch is registered and no serial is used up.  Numbers are
        ``pending`` until :meth:`complete` says the file is in place.
        """
        prefix = prefix.upper() if isinstance(prefix, str) else prefix
        DiaryNumber(prefix, 2000, 1)  # validates the prefix
        for request in requests:
            _check_date(request.date, _("date"))
            if request.decided is not None:
                _check_date(request.decided, _("decision date"))
            if not request.subject or not request.subject.strip():
                raise UsageError(
                    _("A subject (ärendemening) is required to register {council}.").format(
                        council=request.council
                    )
                )
            if not request.council or not request.council.strip():
                raise UsageError(_("A council is required to register a document."))
        pid, started = os.getpid(), _now()
        dnrs: builtins.list[str] = []
        with self._write():
            keys: set[str] = set()
            claimed: set[str] = set()
            for request in requests:
                if request.dnr is not None:
                    number = self._take_external(request.dnr)
                else:
                    number = self._allocate(prefix, int(request.date[:4]))
                dnr = str(number)
                supersedes = None
                if request.supersedes is not None:
                    supersedes = _normalise_dnr(request.supersedes)
                    self._check_supersedes(supersedes, dnr, claimed)
                    claimed.add(supersedes)
                path = os.path.abspath(os.fspath(path_for(request, dnr)))
                key = _path_key(path)
                if key in keys:
                    raise RegisterError(
                        _("The file {path} would be written twice in the same run.").format(
                            path=path
                        )
                    )
                self._check_path_free(path, key)
                keys.add(key)
                self._conn.execute(
                    "INSERT INTO issues (dnr, prefix, year, serial, council, subject, date,"
                    " decided, status, external, supersedes, supersede_reason, batch, created)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)",
                    (
                        dnr,
                        number.prefix,
                        number.year,
                        number.serial,
                        request.council,
                        request.subject,
                        request.date,
                        request.decided,
                        int(request.dnr is not None),
                        supersedes,
                        request.reason if supersedes else None,
                        request.batch,
                        _now(),
                    ),
                )
                kind = "beslutad" if request.decided else "utkast"
                self._conn.execute(
                    "INSERT INTO files (dnr, kind, path, path_key, date, decided, state, pid,"
                    " hostname, started) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
                    (dnr, kind, path, key, request.date, request.decided, pid, self._host, started),
                )
                self._event(
                    dnr,
                    "reserved",
                    council=request.council,
                    subject=request.subject,
                    date=request.date,
                    decided=request.decided,
                    supersedes=supersedes,
                    reason=request.reason if supersedes else None,
                    external=request.dnr is not None,
                    path=path,
                    kind=kind,
                )
                dnrs.append(dnr)
            issues = [self._load(dnr) for dnr in dnrs]
        return [issue for issue in issues if issue is not None]

    def set_next(self, dnr: str) -> None:
        """Continue a series at a given serial, e.g. to follow on from the official diarium."""
        number = DiaryNumber.parse(dnr)
        with self._write():
            highest = self._conn.execute(
                "SELECT MAX(serial) FROM issues WHERE prefix = ? AND year = ?",
                (number.prefix, number.year),
            ).fetchone()[0]
            if highest is not None and number.serial <= highest:
                raise RegisterError(
                    _(
                        "Cannot continue the series at {dnr}: {used} is already used. "
                        "Choose a number after it."
                    ).format(dnr=number, used=DiaryNumber(number.prefix, number.year, highest))
                )
            previous = self._next_serial(number.prefix, number.year)
            self._set_series(number.prefix, number.year, number.serial)
            self._event(str(number), "set_next", previous_next=previous, next=number.serial)

    # -- completion ------------------------------------------------------------------------

    def _complete_row(
        self, dnr: str, path: str, sha256: str, kind: str | None = None, recovered: bool = False
    ) -> None:
        number = _normalise_dnr(dnr)
        issue = self._require(number)
        row = self._conn.execute(
            "SELECT * FROM files WHERE dnr = ? AND path_key = ?", (number, _path_key(path))
        ).fetchone()
        if row is None and issue["status"] == "makulerad":
            raise RegisterError(
                _("{dnr} was voided while its file was being written: {reason}").format(
                    dnr=number, reason=issue["reason"]
                )
            )
        if row is None:
            raise RegisterError(
                _("No file {path} is recorded for {dnr}.").format(path=path, dnr=number)
            )
        if kind == "beslutad" and row["kind"] != kind:
            raise RegisterError(
                _("The file {path} is the draft of {dnr}, not its decided version.").format(
                    path=path, dnr=number
                )
            )
        if row["state"] == "written":
            if row["sha256"] == sha256:
                return  # already recorded with the same content: completing twice is harmless
            raise RegisterError(
                _("The file {path} of {dnr} is already recorded with other content.").format(
                    path=path, dnr=number
                )
            )
        if issue["status"] == "makulerad":
            raise RegisterError(
                _("{dnr} was voided while its file was being written: {reason}").format(
                    dnr=number, reason=issue["reason"]
                )
            )
        self._conn.execute(
            "UPDATE files SET state = 'written', sha256 = ?, written = ? WHERE id = ?",
            (sha256, _now(), row["id"]),
        )
        status = issue["status"]
        decided = issue["decided"]
        if status == "pending":
            status = "beslutad" if decided else "utkast"
        elif row["kind"] == "beslutad":
            decided = row["decided"]
            if status == "utkast":
                status = "beslutad"
        self._conn.execute(
            "UPDATE issues SET status = ?, decided = ? WHERE dnr = ?", (status, decided, number)
        )
        self._event(
            number,
            "written",
            kind=row["kind"],
            path=row["path"],
            sha256=sha256,
            status=status,
            recovered=recovered,
        )
        if issue["status"] == "pending" and issue["supersedes"]:
            self._supersede(issue["supersedes"], number, issue["supersede_reason"])

    def _supersede(self, old: str, new: str, reason: str | None) -> None:
        row = self._conn.execute("SELECT status FROM issues WHERE dnr = ?", (old,)).fetchone()
        if row is None:
            self._event(old, "superseded", by=new, reason=reason, in_register=False)
            return
        if row["status"] not in ("utkast", "beslutad"):
            # Voided or superseded meanwhile: leave it as it is, but say so.
            self._event(new, "supersede_skipped", supersedes=old, status=row["status"])
            return
        self._conn.execute(
            "UPDATE issues SET status = 'ersatt', superseded_by = ?, reason = ? WHERE dnr = ?",
            (new, reason, old),
        )
        self._event(old, "superseded", by=new, reason=reason)

    def complete(self, dnr: str, path: str, sha256: str) -> Issue:
        """Record that the file of ``dnr`` is in place; the number becomes utkast or beslutad."""
        with self._write():
            self._complete_row(dnr, path, sha256)
            issue = self._load(_normalise_dnr(dnr))
        assert issue is not None
        return issue

    def complete_many(self, items: builtins.list[tuple[str, str, str]]) -> None:
        """:meth:`complete` for a batch ``(dnr, path, sha256)``, in one transaction."""
        with self._write():
            for dnr, path, sha256 in items:
                self._complete_row(dnr, path, sha256)

    def add_decided(self, dnr: str, decided: str, path_for_decided: str) -> IssuedFile:
        """Register the decided version of a draft as a pending file (the draft file stays)."""
        number = _normalise_dnr(dnr)
        _check_date(decided, _("decision date"))
        path = os.path.abspath(os.fspath(path_for_decided))
        key = _path_key(path)
        with self._write():
            issue = self._require(number)
            if issue["status"] != "utkast":
                raise RegisterError(
                    _("Only a draft (utkast) can be decided; {dnr} has status {status}.").format(
                        dnr=number, status=issue["status"]
                    )
                )
            waiting = self._conn.execute(
                "SELECT path FROM files WHERE dnr = ? AND state = 'pending'", (number,)
            ).fetchone()
            if waiting is not None:
                raise RegisterError(
                    _("{dnr} already has a file waiting to be written: {path}.").format(
                        dnr=number, path=waiting["path"]
                    )
                )
            self._check_path_free(path, key)
            self._conn.execute(
                "INSERT INTO files (dnr, kind, path, path_key, date, decided, state, pid,"
                " hostname, started) VALUES (?, 'beslutad', ?, ?, ?, ?, 'pending', ?, ?, ?)",
                (number, path, key, issue["date"], decided, os.getpid(), self._host, _now()),
            )
            self._event(number, "decided_reserved", decided=decided, path=path)
        return IssuedFile(number, "beslutad", path, None, issue["date"], decided, "pending")

    def complete_decided(self, dnr: str, path: str, sha256: str) -> Issue:
        """Record that the decided file is in place; the number becomes beslutad."""
        with self._write():
            self._complete_row(dnr, path, sha256, kind="beslutad")
            issue = self._load(_normalise_dnr(dnr))
        assert issue is not None
        return issue

    def void(self, dnr: str, reason: str) -> Issue:
        """Void (makulera) a number: it stays in the register, with the reason, for ever."""
        number = _normalise_dnr(dnr)
        if not reason or not reason.strip():
            raise UsageError(_("A reason is required to void {dnr}.").format(dnr=number))
        with self._write():
            self._void(number, reason.strip())
            issue = self._load(number)
        assert issue is not None
        return issue

    def _void(self, number: str, reason: str) -> None:
        issue = self._require(number)
        if issue["status"] == "makulerad":
            raise RegisterError(
                _("{dnr} is already voided: {reason}").format(dnr=number, reason=issue["reason"])
            )
        self._drop_pending_files(number, why="voided")
        self._conn.execute(
            "UPDATE issues SET status = 'makulerad', reason = ? WHERE dnr = ?", (reason, number)
        )
        self._event(number, "voided", reason=reason, previous_status=issue["status"])

    def _drop_pending_files(self, number: str, why: str) -> None:
        for row in self._conn.execute(
            "SELECT id, kind, path FROM files WHERE dnr = ? AND state = 'pending'", (number,)
        ).fetchall():
            self._conn.execute("DELETE FROM files WHERE id = ?", (row["id"],))
            self._event(number, "pending_file_dropped", kind=row["kind"], path=row["path"], why=why)

    # -- queries ---------------------------------------------------------------------------

    def get(self, dnr: str) -> Issue | None:
        """The issue of ``dnr`` (any accepted spelling), or None if it is not registered."""
        number = _normalise_dnr(dnr)
        with self._read():
            return self._load(number)

    def list(self, council: str | None = None) -> builtins.list[Issue]:
        """All issues, or those of one council, in register order (prefix, year, serial)."""
        with self._read():
            if council is None:
                rows = self._conn.execute(
                    "SELECT * FROM issues ORDER BY prefix, year, serial"
                ).fetchall()
                file_rows = self._conn.execute("SELECT * FROM files ORDER BY id").fetchall()
            else:
                rows = self._conn.execute(
                    "SELECT * FROM issues WHERE council = ? ORDER BY prefix, year, serial",
                    (council,),
                ).fetchall()
                file_rows = self._conn.execute(
                    "SELECT files.* FROM files JOIN issues USING (dnr)"
                    " WHERE issues.council = ? ORDER BY files.id",
                    (council,),
                ).fetchall()
        files: dict[str, builtins.list[IssuedFile]] = {}
        for file_row in file_rows:
            files.setdefault(file_row["dnr"], []).append(self._file(file_row))
        return [self._issue(row, files.get(row["dnr"], [])) for row in rows]

    def latest_for(self, council: str) -> Issue | None:
        """The council's live issue: the newest that is neither superseded, voided nor pending."""
        with self._read():
            row = self._conn.execute(
                "SELECT dnr FROM issues WHERE council = ?"
                " AND status IN ('utkast', 'beslutad') ORDER BY date DESC, id DESC LIMIT 1",
                (council,),
            ).fetchone()
            return None if row is None else self._load(row["dnr"])

    def latest_for_many(self, councils: Iterable[str]) -> dict[str, Issue | None]:
        """:meth:`latest_for` of every council named, read in one transaction with two queries.

        A batch of a thousand councils asked one by one costs a thousand transactions; here the
        live issues are read once and the newest of each council is picked as
        :meth:`latest_for` picks it (date, then id, descending).
        """
        wanted = set(councils)
        newest: dict[str, sqlite3.Row] = {}
        with self._read():
            for row in self._conn.execute(
                "SELECT * FROM issues WHERE status IN ('utkast', 'beslutad')"
                " ORDER BY date DESC, id DESC"
            ):
                if row["council"] in wanted:
                    newest.setdefault(row["council"], row)
            files = self._files_by_dnr(
                "SELECT files.* FROM files JOIN issues USING (dnr)"
                " WHERE issues.status IN ('utkast', 'beslutad') ORDER BY files.id",
                (),
            )
        return {
            council: self._issue(newest[council], files.get(newest[council]["dnr"], []))
            if council in newest
            else None
            for council in wanted
        }

    def _files_by_dnr(
        self, query: str, params: tuple[Any, ...]
    ) -> dict[str, builtins.list[IssuedFile]]:
        """The file rows a query selects, grouped by number, oldest first (the query orders)."""
        files: dict[str, builtins.list[IssuedFile]] = {}
        for row in self._conn.execute(query, params):
            files.setdefault(row["dnr"], []).append(self._file(row))
        return files

    def batch_issues(self, batch: str) -> dict[str, Issue]:
        """The live (not voided) issues of a re-issue batch, by council: what is already done.

        Read with two queries, not two per issue: a batch may hold a thousand councils.
        """
        with self._read():
            rows = self._conn.execute(
                "SELECT * FROM issues WHERE batch = ? AND status != 'makulerad'", (batch,)
            ).fetchall()
            files = self._files_by_dnr(
                "SELECT files.* FROM files JOIN issues USING (dnr)"
                " WHERE issues.batch = ? AND issues.status != 'makulerad' ORDER BY files.id",
                (batch,),
            )
        return {row["council"]: self._issue(row, files.get(row["dnr"], [])) for row in rows}

    def history(self, dnr: str) -> builtins.list[dict[str, Any]]:
        """Every event of ``dnr``, oldest first: dnr, timestamp, event, detail (a dict), actor."""
        number = _normalise_dnr(dnr)
        with self._read():
            rows = self._conn.execute(
                "SELECT * FROM events WHERE dnr = ? ORDER BY id", (number,)
            ).fetchall()
        return [
            {
                "dnr": row["dnr"],
                "timestamp": row["timestamp"],
                "event": row["event"],
                "detail": json.loads(row["detail"]),
                "actor": row["actor"],
            }
            for row in rows
        ]

    def pending(self) -> builtins.list[IssuedFile]:
        """Files registered but not yet reported written, oldest first."""
        with self._read():
            rows = self._conn.execute(
                "SELECT * FROM files WHERE state = 'pending' ORDER BY id"
            ).fetchall()
        return [self._file(row) for row in rows]

    # -- recovery and verification ---------------------------------------------------------

    def _abandoned(self, row: sqlite3.Row, now: datetime, stale_after: timedelta) -> bool:
        try:
            started = datetime.fromisoformat(row["started"])
        except ValueError:
            return True
        if now - started > stale_after:
            return True
        return row["hostname"] == self._host and not pid_alive(row["pid"])

    def recover(
        self,
        exists: Callable[[str], bool] = os.path.exists,
        sha256_of: Callable[[str], str] = sha256_file,
        *,
        stale_after: timedelta = STALE_AFTER,
    ) -> builtins.list[tuple[str, str]]:
        """Settle pending files whose process is gone, so that no number stays in limbo.

        The file is there → it was renamed into place and only the bookkeeping was lost: complete
        it ("completed").  It is not there → the number is voided with a reason ("voided"), or, for
        a decided version of a draft, the pending decided file is dropped and the number stays a
        draft ("dropped").  Files of processes still running are left alone.
        """
        results: builtins.list[tuple[str, str]] = []
        now = datetime.now(UTC)
        with self._write():
            rows = self._conn.execute(
                "SELECT files.*, issues.status AS issue_status FROM files JOIN issues USING (dnr)"
                " WHERE files.state = 'pending' ORDER BY files.id"
            ).fetchall()
            for row in rows:
                if not self._abandoned(row, now, stale_after):
                    continue
                dnr, path = row["dnr"], row["path"]
                if exists(path):
                    self._complete_row(dnr, path, sha256_of(path), recovered=True)
                    results.append((dnr, "completed"))
                elif row["kind"] == "beslutad" and row["issue_status"] != "pending":
                    self._drop_pending_files(dnr, why="interrupted")
                    results.append((dnr, "dropped"))
                else:
                    self._void(dnr, _("interrupted before the file was written"))
                    results.append((dnr, "voided"))
        return results

    def verify(
        self,
        sha256_of: Callable[[str], str] = sha256_file,
        exists: Callable[[str], bool] = os.path.isfile,
    ) -> builtins.list[tuple[str, str, str]]:
        """Check every written file against its recorded checksum: "ok", "modified" or "missing"."""
        with self._read():
            rows = self._conn.execute(
                "SELECT files.dnr, files.path, files.sha256 FROM files JOIN issues USING (dnr)"
                " WHERE files.state = 'written'"
                " ORDER BY issues.prefix, issues.year, issues.serial, files.id"
            ).fetchall()
        results: builtins.list[tuple[str, str, str]] = []
        for row in rows:
            path = row["path"]
            if not exists(path):
                state = "missing"
            else:
                try:
                    state = "ok" if sha256_of(path) == row["sha256"] else "modified"
                except FileNotFoundError:
                    state = "missing"
            results.append((row["dnr"], path, state))
        return results


# -- export ------------------------------------------------------------------------------------


ISSUE_COLUMNS = (
    "dnr",
    "council",
    "date",
    "decided",
    "status",
    "subject",
    "path",
    "sha256",
    "supersedes",
    "superseded_by",
    "reason",
)


def issues_as_dicts(issues: list[Issue]) -> list[dict[str, Any]]:
    """Flat dictionaries for JSON and CSV output (files are summarised by the newest one)."""
    return [
        {
            "dnr": issue.dnr,
            "council": issue.council,
            "date": issue.date,
            "decided": issue.decided,
            "status": issue.status,
            "subject": issue.subject,
            "path": issue.path,
            "sha256": issue.sha256,
            "supersedes": issue.supersedes,
            "superseded_by": issue.superseded_by,
            "reason": issue.reason,
        }
        for issue in issues
    ]


DIARIUM_COLUMNS = (
    "Diarienummer",
    "Datum",
    "Ärendemening",
    "Dokumenttyp",
    "Avsändare",
    "Mottagare",
    "Status",
)


def diarium_csv_rows(
    issues: list[Issue],
    document_type: str,
    sender: str,
    recipient_of: Callable[[Issue], str],
) -> list[dict[str, str]]:
    """Rows for import into the official diarium, which by law records date, number, parties and
    subject; the caller chooses which issues to export (e.g. leaves out pending ones)."""
    return [
        {
            "Diarienummer": issue.dnr,
            "Datum": issue.date,
            "Ärendemening": issue.subject,
            "Dokumenttyp": document_type,
            "Avsändare": sender,
            "Mottagare": recipient_of(issue),
            "Status": issue.status,
        }
        for issue in issues
    ]
