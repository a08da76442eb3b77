"""The connection to one register file: opening, schema, transactions, the event log, rows.

Every other part of the register is a mixin over :class:`Connection`, so that each concern lives
in one module and all share one SQLite connection.
"""

from __future__ import annotations

import builtins
import contextlib
import json
import os
import re
import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Self

from generator.exceptions import RegisterError
from generator.i18n import _
from generator.register.integrity import cell, damaged, quick_check, refuse_lost, unwritable
from generator.register.records import (
    Issue,
    IssuedFile,
    _actor,
    _now,
)
from generator.register.tables import (
    _SCHEMA,
    BUSY_TIMEOUT_MS,
    FILE_KINDS,
    FILE_STATES,
    MIGRATIONS,
    SCHEMA_VERSION,
    STATUSES,
)
from generator.writer import link_on_the_way

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TEXT = re.compile(r".+", re.S)
_DNR = re.compile(r"[A-ZÅÄÖ]{1,6} \d{4}-\d{5}")
_ISSUE_CELLS = {
    "dnr": (False, _DNR),
    "council": (False, _TEXT),
    "subject": (False, _TEXT),
    "date": (False, _DATE),
    "decided": (True, _DATE),
    "status": (False, re.compile("|".join(STATUSES))),
    "supersedes": (True, _DNR),
    "superseded_by": (True, _DNR),
    "reason": (True, re.compile(r".*", re.S)),
}
_FILE_CELLS = {
    "dnr": (False, _DNR),
    "kind": (False, re.compile("|".join(FILE_KINDS))),
    "path": (False, _TEXT),
    "sha256": (True, re.compile(r"[0-9a-f]{64}")),
    "date": (False, _DATE),
    "decided": (True, _DATE),
    "state": (False, re.compile("|".join(FILE_STATES))),
}


class Connection:
    """One SQLite connection to a register file, with its transactions."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        documents: str | os.PathLike[str] | None = None,
        root: str | os.PathLike[str] | None = None,
        actor: str | None = None,
    ) -> None:
        """Open the register at ``path``, creating it if it is new.

        ``documents`` is the output folder of the workspace: if it holds issued documents, a
        register that is missing, empty or damaged is refused before anything is created or
        written (see :mod:`generator.register.integrity`).

        ``root`` is the workspace: the paths of files inside it are recorded relative to it, so
        that a moved or restored workspace still verifies (paths recorded absolute by an older
        version are made relative on open).  Without it, paths are recorded absolute, and
        relative ones are read from the register's folder's parent (``output/..``).

        ``actor`` is the person recorded on its events (default: the person acting, see
        :mod:`generator.acting`).
        """
        self.path = os.fspath(path)
        self._root = Path(os.path.abspath(root)) if root is not None else None
        folder = Path(documents) if documents is not None else None
        self._documents = folder
        if not os.path.exists(self.path):
            refuse_lost(self.path, folder, _("is missing"))
        elif os.path.getsize(self.path) == 0:
            refuse_lost(self.path, folder, _("is empty (0 bytes)"))
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
            quick_check(self._conn, self.path)
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = FULL")
            self._conn.execute("PRAGMA foreign_keys = ON")
            if folder is not None and not self._has_issues():
                refuse_lost(self.path, folder, _("holds no diary number"))
            self._create_schema()
            self._relativise()
        except sqlite3.DatabaseError as err:
            self._conn.close()
            raise damaged(self.path, err) from err
        except BaseException:
            self._conn.close()
            raise

    def _stored(self, path: str | os.PathLike[str]) -> str:
        """How a path is recorded: relative to the workspace (with ``/``) if it lies inside it."""
        absolute = Path(os.path.abspath(path))
        if self._root is not None and absolute.is_relative_to(self._root):
            return absolute.relative_to(self._root).as_posix()
        return str(absolute)

    def _absolute(self, stored: str) -> str:
        """The path a recorded one stands for, where the workspace is now."""
        if os.path.isabs(stored):
            return stored
        base = self._root or Path(os.path.abspath(self.path)).parent.parent
        return str(base / stored)

    def _key(self, path: str | os.PathLike[str]) -> str:
        """How recorded paths are compared: as recorded, case-folded where the OS is."""
        return os.path.normcase(self._stored(path))

    def _relativise(self) -> None:
        """Record relative to the workspace the paths inside it that are recorded absolute (by a
        version before schema 2, or opened without a workspace)."""
        if self._root is None:
            return
        prefix = str(self._root) + os.sep
        rows = self._conn.execute(
            "SELECT id, path FROM files WHERE substr(path, 1, ?) = ?", (len(prefix), prefix)
        ).fetchall()
        if not rows:
            return
        with self._write():
            for row in rows:
                self._conn.execute(
                    "UPDATE files SET path = ?, path_key = ? WHERE id = ?",
                    (self._stored(row["path"]), self._key(row["path"]), row["id"]),
                )

    def _has_issues(self) -> bool:
        """Whether the register holds any number (a new or emptied one does not)."""
        tables = {row[0] for row in self._conn.execute("SELECT name FROM sqlite_master")}
        if "issues" not in tables:
            return False
        return self._conn.execute("SELECT 1 FROM issues LIMIT 1").fetchone() is not None

    def backup(self, target: str | os.PathLike[str]) -> None:
        """A consistent copy of the register at ``target`` (which must not exist), made with
        SQLite's online backup while other processes may go on using the register."""
        destination = os.fspath(target)
        if os.path.lexists(destination):
            raise RegisterError(
                _("{path} already exists; a backup never replaces a file.").format(path=destination)
            )
        copy = sqlite3.connect(destination)
        try:
            with self._read():
                pass  # a read first, so that a busy register waits as for any command
            self._conn.backup(copy)
            quick_check(copy, destination)
        finally:
            copy.close()

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
        except sqlite3.IntegrityError:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise
        except sqlite3.OperationalError as err:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise unwritable(self.path, err) from err
        except sqlite3.DatabaseError as err:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise damaged(self.path, err) from err
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
        except sqlite3.DatabaseError as err:
            raise damaged(self.path, err) from err
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

    def _file(self, row: sqlite3.Row) -> IssuedFile:
        self._check_cells("files", row, _FILE_CELLS)
        return IssuedFile(
            dnr=row["dnr"],
            kind=row["kind"],
            path=self._absolute(row["path"]),
            sha256=row["sha256"],
            date=row["date"],
            decided=row["decided"],
            state=row["state"],
        )

    def _issue(self, row: sqlite3.Row, files: builtins.list[IssuedFile]) -> Issue:
        self._check_cells("issues", row, _ISSUE_CELLS)
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

    def _check_cells(
        self, table: str, row: sqlite3.Row, rules: dict[str, tuple[bool, re.Pattern[str]]]
    ) -> None:
        """Refuse a row with a value this program never writes, as damage, not as a crash."""
        for column, (optional, pattern) in rules.items():
            value = row[column]
            if value is None and optional:
                continue
            if not isinstance(value, str) or not pattern.fullmatch(value):
                cell(self.path, table, row, column, value, _("is not a valid value"))

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
        """Refuse a path that the register already records (``key``: :meth:`_key`)."""
        row = self._conn.execute("SELECT dnr FROM files WHERE path_key = ?", (key,)).fetchone()
        if row is not None:
            raise RegisterError(
                _(
                    "The file {path} is already recorded in the register for {dnr}; an issued "
                    "document is never overwritten. Write to another folder, or use "
                    "'uppdrag reissue' to supersede {dnr}."
                ).format(path=path, dnr=row["dnr"])
            )

    def _check_no_file(self, path: str) -> None:
        """Refuse a place where something already lies (a file, a link), or that a link on the
        way would send elsewhere: this program did not write it for the number being taken, so
        the number is not spent on it."""
        link = link_on_the_way(Path(path), self._documents) if self._documents else None
        if link is not None:
            raise RegisterError(
                _(
                    "{link} is a symbolic link or not a folder; uppdrag writes only into real "
                    "folders inside {base}. Nothing was registered and no number was used."
                ).format(link=link, base=self._documents)
            )
        if os.path.lexists(path):
            raise RegisterError(
                _(
                    "{path} already exists, and it is not a file of this register; nothing was "
                    "registered and no number was used. Move it away (an issued document is "
                    "never overwritten), then run the command again."
                ).format(path=path)
            )
