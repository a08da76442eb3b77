"""The PDF/A archive copies of issued files: which PDF was made from which file, with checksums.

An archive copy is recorded beside the file it was made from (its path and SHA-256, and those of
the PDF), so that ``uppdrag verify`` covers the PDF as it covers the Word file, and so that
``uppdrag pdf --all-missing`` knows which issued files still need one.  A row is never changed
or deleted (triggers), like the other records of an issued document.
"""

from __future__ import annotations

import builtins
import os
import sqlite3
from dataclasses import dataclass

from generator.exceptions import RegisterError
from generator.i18n import _
from generator.register.connection import Connection
from generator.register.records import IssuedFile, _now


@dataclass(frozen=True)
class ArchiveCopy:
    """The PDF/A copy of one issued file."""

    dnr: str
    source: str  # the issued .docx
    source_sha256: str
    path: str  # the PDF
    sha256: str
    pages: int


class ArchiveMixin(Connection):
    """Recording and finding archive copies."""

    def issued_file(self, path: str) -> IssuedFile | None:
        """The register's row of an issued file (any state), by its path; None if unknown."""
        with self._read():
            row = self._conn.execute(
                "SELECT * FROM files WHERE path_key = ?", (self._key(os.fspath(path)),)
            ).fetchone()
        return None if row is None else self._file(row)

    def archive_copy(self, source: str) -> ArchiveCopy | None:
        """The archive copy recorded for an issued file, or None."""
        with self._read():
            row = self._conn.execute(
                "SELECT * FROM archive_copies WHERE source_key = ?", (self._key(source),)
            ).fetchone()
        return None if row is None else self._copy(row)

    def archive_copies(self) -> builtins.list[ArchiveCopy]:
        """Every archive copy, in register order."""
        with self._read():
            rows = self._conn.execute(
                "SELECT archive_copies.* FROM archive_copies JOIN issues USING (dnr)"
                " ORDER BY issues.prefix, issues.year, issues.serial, archive_copies.id"
            ).fetchall()
        return [self._copy(row) for row in rows]

    def without_archive_copy(self, dnr: str | None = None) -> builtins.list[IssuedFile]:
        """Written files (of ``dnr``, or of every number not voided) that have no archive copy."""
        query = (
            "SELECT files.* FROM files JOIN issues USING (dnr)"
            " WHERE files.state = 'written' AND issues.status != 'makulerad'"
            " AND files.path_key NOT IN (SELECT source_key FROM archive_copies)"
        )
        params: tuple[str, ...] = ()
        if dnr is not None:
            query += " AND files.dnr = ?"
            params = (dnr,)
        with self._read():
            rows = self._conn.execute(
                query + " ORDER BY issues.prefix, issues.year, issues.serial, files.id", params
            ).fetchall()
        return [self._file(row) for row in rows]

    def record_archive_copies(self, copies: builtins.list[ArchiveCopy]) -> None:
        """Record archive copies that are in place, in one transaction, each with an event."""
        if not copies:
            return
        with self._write():
            for copy in copies:
                row = self._conn.execute(
                    "SELECT * FROM files WHERE path_key = ? AND state = 'written'",
                    (self._key(copy.source),),
                ).fetchone()
                if row is None or row["dnr"] != copy.dnr or row["sha256"] != copy.source_sha256:
                    raise RegisterError(
                        _("{path} is not the issued file of {dnr} as registered").format(
                            path=copy.source, dnr=copy.dnr
                        )
                    )
                self._conn.execute(
                    "INSERT INTO archive_copies (dnr, source, source_key, source_sha256, path,"
                    " path_key, sha256, pages, made) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        copy.dnr,
                        self._stored(copy.source),
                        self._key(copy.source),
                        copy.source_sha256,
                        self._stored(copy.path),
                        self._key(copy.path),
                        copy.sha256,
                        copy.pages,
                        _now(),
                    ),
                )
                self._event(
                    copy.dnr,
                    "archive_copy",
                    source=copy.source,
                    path=copy.path,
                    sha256=copy.sha256,
                    pages=copy.pages,
                )

    def _copy(self, row: sqlite3.Row) -> ArchiveCopy:
        """A row as an archive copy, its paths where the workspace is now."""
        return ArchiveCopy(
            row["dnr"],
            self._absolute(row["source"]),
            row["source_sha256"],
            self._absolute(row["path"]),
            row["sha256"],
            row["pages"],
        )
