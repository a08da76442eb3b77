"""Reading the register: one number, a council's numbers, a batch, a history."""

from __future__ import annotations

import builtins
import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from generator.i18n import _
from generator.register.connection import Connection
from generator.register.integrity import cell
from generator.register.records import (
    Issue,
    IssuedFile,
    _normalise_dnr,
)

#: An issue that a written, not voided draft or decision names as the one it replaces.
_NOT_REPLACED = (
    "dnr NOT IN (SELECT supersedes FROM issues AS later WHERE later.supersedes IS NOT NULL"
    " AND later.status IN ('utkast', 'beslutad'))"
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
        """The council's live issue: the newest that is neither superseded, voided nor pending,
        nor replaced by a draft not yet decided (the newest of the line is what comes next)."""
        with self._read():
            row = self._conn.execute(
                "SELECT dnr FROM issues WHERE council = ?"
                f" AND status IN ('utkast', 'beslutad') AND {_NOT_REPLACED}"
                " ORDER BY date DESC, id DESC LIMIT 1",
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
                    f" AND {_NOT_REPLACED} AND council IN ({marks})"
                    " ORDER BY date DESC, id DESC",
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

    def batch_issues_of(self, keys: dict[str, str]) -> dict[str, Issue]:
        """The live issues (pending, draft or decided) that carry each council's batch key
        ``{council: key}``: what an earlier run of the same batch already did.

        Read a few hundred keys per query, not one query per council: a batch may hold a
        thousand councils.
        """
        wanted = {(council, key) for council, key in keys.items()}
        found: dict[str, Issue] = {}
        values = sorted(set(keys.values()))
        with self._read():
            for start in range(0, len(values), 500):
                chunk = values[start : start + 500]
                marks = ", ".join("?" * len(chunk))
                live = "issues.status IN ('pending', 'utkast', 'beslutad')"
                rows = self._conn.execute(
                    f"SELECT * FROM issues WHERE batch IN ({marks}) AND {live}", chunk
                ).fetchall()
                files = self._files_by_dnr(
                    "SELECT files.* FROM files JOIN issues USING (dnr)"
                    f" WHERE issues.batch IN ({marks}) AND {live} ORDER BY files.id",
                    tuple(chunk),
                )
                for row in rows:
                    if (row["council"], row["batch"]) in wanted:
                        found[row["council"]] = self._issue(row, files.get(row["dnr"], []))
        return found

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
                "detail": self._detail(row),
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

    def _detail(self, row: sqlite3.Row) -> dict[str, Any]:
        try:
            detail = json.loads(row["detail"])
        except (TypeError, ValueError):
            detail = None
        if not isinstance(detail, dict):
            cell(self.path, "events", row, "detail", row["detail"], _("is not a valid value"))
        return detail
