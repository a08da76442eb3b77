"""The life of a number after it is taken: written, decided, superseded, voided."""

from __future__ import annotations

import builtins
import json
import os
import sqlite3
from datetime import UTC, datetime, timedelta

from generator.exceptions import ConfirmationNeeded, RegisterError, UsageError
from generator.i18n import _
from generator.register.records import (
    Issue,
    IssuedFile,
    _check_date,
    _normalise_dnr,
    _now,
    pid_alive,
)
from generator.register.supersession import SupersessionMixin
from generator.register.tables import STALE_AFTER


class LifecycleMixin(SupersessionMixin):
    """Status changes, each recorded as an event."""

    def _complete_row(
        self, dnr: str, path: str, sha256: str, kind: str | None = None, recovered: bool = False
    ) -> None:
        number = _normalise_dnr(dnr)
        issue = self._require(number)
        row = self._conn.execute(
            "SELECT * FROM files WHERE dnr = ? AND path_key = ?", (number, self._key(path))
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
        if issue["supersedes"] and status == "beslutad" and issue["status"] != "beslutad":
            # Decided: now, and only now, the number it replaces is no longer in force.
            self._supersede(issue["supersedes"], number, issue["supersede_reason"])
        elif issue["status"] == "pending" and issue["supersedes"]:
            self._replacement_issued(issue["supersedes"], number, issue["supersede_reason"])

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

    def record_hashes(self, items: builtins.list[tuple[str, str, str]]) -> None:
        """Record the SHA-256 each pending file ``(dnr, path, sha256)`` will have, before it is
        written: what lets recovery tell the file this program wrote from one that someone else
        put at the same place (:meth:`recover`).  One transaction for the lot."""
        with self._write():
            for dnr, path, sha256 in items:
                updated = self._conn.execute(
                    "UPDATE files SET sha256 = ? WHERE dnr = ? AND path_key = ?"
                    " AND state = 'pending'",
                    (sha256, _normalise_dnr(dnr), self._key(path)),
                ).rowcount
                if not updated:
                    self._require(_normalise_dnr(dnr))
                    raise RegisterError(
                        _("No file {path} is waiting to be written for {dnr}.").format(
                            path=path, dnr=dnr
                        )
                    )

    def add_decided(
        self, dnr: str, decided: str, path_for_decided: str, sha256: str | None = None
    ) -> IssuedFile:
        """Register the decided version of a draft as a pending file (the draft file stays),
        with the SHA-256 it will have (see :meth:`record_hashes`)."""
        number = _normalise_dnr(dnr)
        _check_date(decided, _("decision date"))
        path = os.path.abspath(os.fspath(path_for_decided))
        key = self._key(path)
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
                        dnr=number, path=self._absolute(waiting["path"])
                    )
                )
            self._check_path_free(path, key)
            self._check_no_file(path)
            self._conn.execute(
                "INSERT INTO files (dnr, kind, path, path_key, sha256, date, decided, state, pid,"
                " hostname, started) VALUES (?, 'beslutad', ?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
                (
                    number,
                    self._stored(path),
                    key,
                    sha256,
                    issue["date"],
                    decided,
                    os.getpid(),
                    self._host,
                    _now(),
                ),
            )
            self._event(number, "decided_reserved", decided=decided, path=path)
        return IssuedFile(number, "beslutad", path, sha256, issue["date"], decided, "pending")

    def complete_decided(self, dnr: str, path: str, sha256: str) -> Issue:
        """Record that the decided file is in place; the number becomes beslutad."""
        with self._write():
            self._complete_row(dnr, path, sha256, kind="beslutad")
            issue = self._load(_normalise_dnr(dnr))
        assert issue is not None
        return issue

    def void(self, dnr: str, reason: str, *, decided_ok: bool = False) -> Issue:
        """Void (makulera) a number: it stays in the register, with the reason, for ever.

        A decided number is voided only with ``decided_ok`` (the registrar confirmed): it is a
        mandate in force.  What it superseded gets back its former status.
        """
        number = _normalise_dnr(dnr)
        if not reason or not reason.strip():
            raise UsageError(_("A reason is required to void {dnr}.").format(dnr=number))
        with self._write():
            self._refuse_if_being_written(number)
            row = self._require(number)
            if row["status"] == "beslutad" and not decided_ok:
                raise ConfirmationNeeded(
                    _(
                        "{dnr} is a decided mandate (beslutad {decided}); voiding it takes it out "
                        "of force. Confirm with --yes to void it."
                    ).format(dnr=number, decided=row["decided"])
                )
            self._void(number, reason.strip())
            issue = self._load(number)
        assert issue is not None
        return issue

    def _refuse_if_being_written(self, number: str) -> None:
        """A number whose file another running command is writing is not voided under it: that
        command would write a document the register no longer knows."""
        for row in self._conn.execute(
            "SELECT * FROM files WHERE dnr = ? AND state = 'pending'", (number,)
        ).fetchall():
            mine = row["hostname"] == self._host and row["pid"] == os.getpid()
            if not mine and not self._abandoned(row, datetime.now(UTC), STALE_AFTER):
                raise RegisterError(
                    _(
                        "{dnr} is being written by a command that is still running (process "
                        "{pid} on {host}, since {started}); it is not voided. Wait until that "
                        "command has finished, then void the number if it is still wrong."
                    ).format(
                        dnr=number, pid=row["pid"], host=row["hostname"], started=row["started"]
                    )
                )

    def _abandoned(self, row: sqlite3.Row, now: datetime, stale_after: timedelta) -> bool:
        """Whether the process that registered a pending file is gone (or too old to trust)."""
        try:
            started = datetime.fromisoformat(row["started"])
        except (TypeError, ValueError):
            return True
        if now - started > stale_after:
            return True
        return row["hostname"] == self._host and not pid_alive(row["pid"])

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
        self._undo_supersession(number)
        if issue["external"]:
            self._set_series_back(issue)

    def _set_series_back(self, issue: sqlite3.Row) -> None:
        """A voided external number that moved its series gives the series back, if nothing
        was numbered after it: a mistyped ``--dnr`` leaves no hole in the series."""
        moved = self._conn.execute(
            "SELECT detail FROM events WHERE dnr = ? AND event = 'series_moved'", (issue["dnr"],)
        ).fetchone()
        later = self._conn.execute(
            "SELECT 1 FROM issues WHERE prefix = ? AND year = ? AND serial > ?",
            (issue["prefix"], issue["year"], issue["serial"]),
        ).fetchone()
        current = self._conn.execute(
            "SELECT next_serial FROM series WHERE prefix = ? AND year = ?",
            (issue["prefix"], issue["year"]),
        ).fetchone()
        if moved is None or later is not None or current is None:
            return
        if current["next_serial"] != issue["serial"] + 1:
            return  # set by hand (set-next) since: leave it
        previous = json.loads(moved["detail"])["previous_next"]
        self._conn.execute(
            "UPDATE series SET next_serial = ? WHERE prefix = ? AND year = ?",
            (previous, issue["prefix"], issue["year"]),
        )
        self._event(issue["dnr"], "series_set_back", next=previous)

    def _drop_pending_files(self, number: str, why: str, reason: str | None = None) -> None:
        for row in self._conn.execute(
            "SELECT id, kind, path FROM files WHERE dnr = ? AND state = 'pending'", (number,)
        ).fetchall():
            self._conn.execute("DELETE FROM files WHERE id = ?", (row["id"],))
            detail = {"reason": reason} if reason else {}
            self._event(
                number,
                "pending_file_dropped",
                kind=row["kind"],
                path=row["path"],
                why=why,
                **detail,
            )
