"""A data file deleted on disk, as a step of its history: nothing anyone saved is lost by it.

Nobody deletes a data file through uppdrag, so a deletion is noticed like a hand edit: when the
history is next read or synced, a file that has versions but is gone from disk is recorded as
deleted after its last version (table ``data_deletions``, migration 6).  That version keeps the
content, so the file is restored from it by the ordinary restore, which makes a new version.
Who deleted it cannot be known; the record names who was using uppdrag when it was noticed.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class Deletion:
    """The file was found missing after version ``last_version`` (an id of data_versions)."""

    id: int
    path: str
    last_version: int
    timestamp: str
    noticed_by: str


def is_deleted(conn: sqlite3.Connection, name: str, latest_id: int) -> bool:
    """Whether the file was recorded deleted after its latest version (so it is deleted now)."""
    row = conn.execute(
        "SELECT 1 FROM data_deletions WHERE path = ? AND last_version = ?", (name, latest_id)
    ).fetchone()
    return row is not None


def record(conn: sqlite3.Connection, name: str, latest_id: int, noticed_by: str) -> None:
    """Record that the file is gone after version ``latest_id`` (once: a second look is a no-op)."""
    conn.execute(
        "INSERT OR IGNORE INTO data_deletions (path, last_version, timestamp, noticed_by)"
        " VALUES (?, ?, ?, ?)",
        (name, latest_id, datetime.now(UTC).isoformat(timespec="seconds"), noticed_by),
    )


def deleted_names(conn: sqlite3.Connection) -> dict[str, Deletion]:
    """Every file deleted now (recorded deleted after its latest version), by its name."""
    rows = conn.execute(
        "SELECT * FROM data_deletions d WHERE d.last_version ="
        " (SELECT MAX(id) FROM data_versions v WHERE v.path = d.path)"
    ).fetchall()
    return {row["path"]: _deletion(row) for row in rows}


def of_file(conn: sqlite3.Connection, name: str) -> list[Deletion]:
    """Every deletion of one file, oldest first."""
    rows = conn.execute(
        "SELECT * FROM data_deletions WHERE path = ? ORDER BY id", (name,)
    ).fetchall()
    return [_deletion(row) for row in rows]


def _deletion(row: sqlite3.Row) -> Deletion:
    return Deletion(**dict(row))  # the columns are the fields
