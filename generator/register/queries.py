"""Reading the register: one number, a council's numbers, a batch, a history."""

from __future__ import annotations

import builtins
import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from generator.register.connection import Connection
from generator.register.records import (
    Issue,
    IssuedFile,
    _normalise_dnr,
)


def _chunks(values: builtins.list[str], size: int = 500) -> Iterable[tuple[str, ...]]:
    """``values`` in groups small enough for SQLite's limit on bound parameters."""
    for start in range(0, len(values), size):
        yield tuple(values[start : start + size])


class QueriesMixin(Connection):
    """Reads, each in one snapshot."""

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
        wanted = sorted(set(councils))
        newest: dict[str, sqlite3.Row] = {}
        files: dict[str, builtins.list[IssuedFile]] = {}
        with self._read():
            # Only the councils asked for (a page of a thousand), in chunks of bound parameters.
            for chunk in _chunks(wanted):
                marks = ",".join("?" * len(chunk))
                for row in self._conn.execute(
                    "SELECT * FROM issues WHERE status IN ('utkast', 'beslutad')"
                    f" AND council IN ({marks}) ORDER BY date DESC, id DESC",
                    chunk,
                ):
                    newest.setdefault(row["council"], row)
            for chunk in _chunks([row["dnr"] for row in newest.values()]):
                marks = ",".join("?" * len(chunk))
                found = self._files_by_dnr(
                    f"SELECT * FROM files WHERE dnr IN ({marks}) ORDER BY id", chunk
                )
                files.update(found)  # a number's files are all in its chunk
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
