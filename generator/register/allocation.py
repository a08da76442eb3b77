"""Giving out diary numbers: series counters, external numbers, supersession checks, and the
all-or-nothing reservation of a batch.
"""

from __future__ import annotations

import builtins
import os
from collections.abc import Callable

from generator.dnr import DiaryNumber
from generator.exceptions import RegisterError, UsageError
from generator.i18n import _
from generator.register.connection import Connection
from generator.register.integrity import damaged
from generator.register.records import (
    Issue,
    Request,
    _check_date,
    _normalise_dnr,
    _now,
)


class AllocationMixin(Connection):
    """Numbers are taken inside one write transaction, never twice."""

    def _next_serial(self, prefix: str, year: int) -> int:
        row = self._conn.execute(
            "SELECT next_serial FROM series WHERE prefix = ? AND year = ?", (prefix, year)
        ).fetchone()
        if row is None:
            return 1
        value = row["next_serial"]
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise damaged(
                self.path,
                _(
                    "series {prefix} {year}, column next_serial: {value!r} is not a valid value"
                ).format(prefix=prefix, year=year, value=value),
            )
        return value

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
        previous = self._next_serial(number.prefix, number.year)
        if number.serial >= previous:
            # Never allocate this serial later: the series continues after it.  The numbers
            # skipped are the official diarium's, given outside this tool: recorded as such, so
            # that the gap is not an unrecorded one (and can be undone, see void).
            self._set_series(number.prefix, number.year, number.serial + 1)
            self._event(str(number), "series_moved", previous_next=previous, next=number.serial + 1)
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
                stored, key = self._stored(path), self._key(path)
                if key in keys:
                    raise RegisterError(
                        _("The file {path} would be written twice in the same run.").format(
                            path=path
                        )
                    )
                self._check_path_free(path, key)
                self._check_no_file(path)
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
                    (
                        dnr,
                        kind,
                        stored,
                        key,
                        request.date,
                        request.decided,
                        pid,
                        self._host,
                        started,
                    ),
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
