"""The connection to one register file: opening, schema, transactions, the event log, rows.

Every other part of the register is a mixin over :class:`Connection`, so that each concern lives
in one module and all share one SQLite connection.
"""

from __future__ import annotations

import builtins
import contextlib
import json
import os
import socket
import sqlite3
from collections.abc import Iterator
from typing import Any, Self

from generator.exceptions import RegisterError
from generator.i18n import _
from generator.register.records import (
    Issue,
    IssuedFile,
    _actor,
    _now,
)
from generator.register.tables import (
    _SCHEMA,
    BUSY_TIMEOUT_MS,
    MIGRATIONS,
    SCHEMA_VERSION,
)


class Connection:
    """One SQLite connection to a register file, with its transactions."""

    def __init__(self, path: str | os.PathLike[str], actor: str | None = None) -> None:
        """Open ``path``; ``actor`` is the person recorded on its events (default: the person
        acting, see :mod:`generator.acting`)."""
        self.path = os.fspath(path)
        parent = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(parent, exist_ok=True)
        self._host = socket.gethostname()
        self._actor = actor or _actor()
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
        """Create the tables on first open and migrate an older register; both inside the write
        lock, so that two processes opening the same file at once agree on its version."""
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
            if version == 0:
                for statement in _SCHEMA:
                    self._conn.execute(statement)
                version = 1
            for target, statements in sorted(MIGRATIONS):
                if target > version:
                    for statement in statements:
                        self._conn.execute(statement)
            self._conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        """Close the connection; safe to call twice."""
        conn = getattr(self, "_conn", None)
        if conn is not None:
            conn.close()
            self._conn = None  # type: ignore[assignment]

    def __enter__(self) -> Self:
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
