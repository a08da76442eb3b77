"""Every version of every data file, kept in the workspace's database: nothing saved is lost.

A save goes through :func:`save`: inside the database's write lock it reads the file as it is on
disk, keeps it as a version if nobody recorded it yet (a hand edit, or a file seen for the first
time), refuses when it is not the version the editor started from (:class:`EditConflict`, with
both texts), and otherwise writes the new text atomically and records it with author, time and
reason.  Restoring an old version is a save of its text, so it makes a new version too.  The lock
serialises saves across threads and processes; a hand edit made while a save holds it is noticed
at the next look, and so is a file deleted on disk (:mod:`generator.history.deletions`).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from generator.exceptions import EditConflict, UsageError
from generator.history import deletions
from generator.i18n import _
from generator.register.workspace_db import WorkspaceDB
from generator.workspace import Workspace

ORIGINS = ("found", "saved", "hand_edit", "restored")


@dataclass(frozen=True)
class Version:
    """One version of a data file: its number (1, 2 … per file), content and how it came."""

    id: int
    number: int
    path: str
    sha256: str
    author: str
    timestamp: str
    reason: str
    origin: str
    restored_from: int | None
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def key(workspace: Workspace, path: Path) -> str:
    """How a file is named in the history: its path inside the workspace, with ``/``."""
    root = workspace.root.resolve()
    full = (workspace.root / path).resolve() if not path.is_absolute() else path.resolve()
    try:
        return full.relative_to(root).as_posix()
    except ValueError:
        raise UsageError(
            _("{path} is not inside the workspace {root}; its history is not kept.").format(
                path=path, root=root
            )
        ) from None


def read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def current_digest(path: Path) -> str | None:
    """The SHA-256 of the file as it is now (None: it does not exist): what a form remembers."""
    data = read_bytes(path)
    return None if data is None else digest(data)


def _version(row: sqlite3.Row, number: int) -> Version:
    return Version(
        id=row["id"],
        number=number,
        path=row["path"],
        sha256=row["sha256"],
        author=row["author"],
        timestamp=row["timestamp"],
        reason=row["reason"],
        origin=row["origin"],
        restored_from=row["restored_from"],
        content=bytes(row["content"]),
    )


def _latest(conn: sqlite3.Connection, name: str) -> Version | None:
    row = conn.execute(
        "SELECT *, (SELECT COUNT(*) FROM data_versions v WHERE v.path = d.path AND v.id <= d.id)"
        " AS number FROM data_versions d WHERE path = ? ORDER BY id DESC LIMIT 1",
        (name,),
    ).fetchone()
    return None if row is None else _version(row, row["number"])


def _insert(
    conn: sqlite3.Connection,
    name: str,
    data: bytes,
    author: str,
    reason: str,
    origin: str,
    timestamp: str | None = None,
    restored_from: int | None = None,
) -> Version:
    conn.execute(
        "INSERT INTO data_versions (path, sha256, content, author, timestamp, reason, origin,"
        " restored_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            name,
            digest(data),
            data,
            author,
            timestamp or datetime.now(UTC).isoformat(timespec="seconds"),
            reason,
            origin,
            restored_from,
        ),
    )
    latest = _latest(conn, name)
    assert latest is not None
    return latest


def _owner(path: Path) -> str:
    """Who owns a file edited by hand: the best name there is for its author."""
    try:
        import pwd

        return pwd.getpwuid(path.stat().st_uid).pw_name
    except (ImportError, KeyError, OSError):  # pragma: no cover - Windows, or no such uid
        return "?"


def noticer(db: WorkspaceDB) -> str:
    """Who is using uppdrag now, for what they notice: the person logged in on the web (the
    web's database connection is opened before it knows who), else the connection's actor."""
    from generator.acting import named

    return named() or db.actor


def notice_in(conn: sqlite3.Connection, name: str, path: Path, actor: str) -> Version | None:
    """Keep the file on disk as a version if it is not the last one recorded; a file with
    versions that is gone from its folder is recorded as deleted (``actor`` noticed it)."""
    data = read_bytes(path)
    latest = _latest(conn, name)
    if data is None:
        if latest is not None and path.parent.is_dir():  # not a whole workspace moved away
            deletions.record(conn, name, latest.id, actor)
        return None
    if (
        latest is not None
        and latest.sha256 == digest(data)
        and not deletions.is_deleted(conn, name, latest.id)  # deleted, then put back as it was
    ):
        return None
    changed = datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds")
    return _insert(
        conn,
        name,
        data,
        _owner(path),
        "",
        "hand_edit" if latest is not None else "found",
        timestamp=changed,
    )


def notice(db: WorkspaceDB, workspace: Workspace, path: Path) -> Version | None:
    """Record the file as it is on disk when it differs from its last version (a hand edit, or
    a file never saved through uppdrag; a deletion, see :func:`notice_in`); the new version, or
    None when nothing changed."""
    name = key(workspace, path)
    with db.write() as conn:
        return notice_in(conn, name, workspace.root / name, noticer(db))


def _write_file(path: Path, data: bytes) -> None:
    """Replace ``path`` atomically and durably: a reader sees the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.chmod(tmp, path.stat().st_mode & 0o777)  # keep the file's permissions
        except FileNotFoundError:
            pass
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def save(
    db: WorkspaceDB,
    workspace: Workspace,
    path: Path,
    data: bytes | str,
    *,
    base: str | None,
    reason: str = "",
    author: str | None = None,
    origin: str = "saved",
    restored_from: int | None = None,
) -> Version:
    """Write ``data`` to the data file ``path``, keeping the version before it.

    ``base`` is the SHA-256 of the file as the editor loaded it (:func:`current_digest`; None for
    a new file that must not exist yet).  When the file on disk is no longer that version,
    nothing is written and :class:`EditConflict` carries both texts.  Saving the same text again
    makes no new version.
    """
    content = data.encode("utf-8") if isinstance(data, str) else data
    name = key(workspace, path)
    target = workspace.root / name
    author = author or db.actor
    conflict: tuple[bytes | None, Version | None] | None = None
    with db.write() as conn:
        notice_in(conn, name, target, noticer(db))
        on_disk = read_bytes(target)
        latest = _latest(conn, name)
        if (None if on_disk is None else digest(on_disk)) != base:
            conflict = (on_disk, latest if on_disk is not None else None)
        elif on_disk == content and latest is not None:
            return latest
        else:
            _write_file(target, content)
            return _insert(conn, name, content, author, reason, origin, None, restored_from)
    theirs, current = conflict
    raise _conflict(name, content, theirs, current)


def _conflict(
    name: str, mine: bytes, theirs: bytes | None, current: Version | None
) -> EditConflict:
    if current is None:
        message = _(
            "{path} was changed since you opened it; your changes were not saved. "
            "Compare the two versions below and save again."
        ).format(path=name)
    else:
        message = _(
            "{path} was changed by {author} at {time} since you opened it; your changes were "
            "not saved. Compare the two versions below and save again."
        ).format(path=name, author=current.author, time=current.timestamp)
    return EditConflict(
        message,
        path=name,
        mine=mine.decode("utf-8", errors="replace"),
        theirs=None if theirs is None else theirs.decode("utf-8", errors="replace"),
        current=current,
    )


def versions(db: WorkspaceDB, workspace: Workspace, path: Path) -> list[Version]:
    """Every version of the file, oldest first (a hand edit on disk, or its deletion, is
    noticed first)."""
    name = key(workspace, path)
    with db.write() as conn:
        notice_in(conn, name, workspace.root / name, noticer(db))
        rows = conn.execute(
            "SELECT * FROM data_versions WHERE path = ? ORDER BY id", (name,)
        ).fetchall()
    return [_version(row, number) for number, row in enumerate(rows, start=1)]


def version(db: WorkspaceDB, workspace: Workspace, path: Path, number: int) -> Version:
    """Version ``number`` (1 is the oldest) of the file."""
    found = versions(db, workspace, path)
    if not 1 <= number <= len(found):
        raise UsageError(
            _("{path} has no version {number}.").format(path=key(workspace, path), number=number)
        )
    return found[number - 1]


def restore(
    db: WorkspaceDB,
    workspace: Workspace,
    path: Path,
    number: int,
    *,
    base: str | None,
    reason: str = "",
    author: str | None = None,
) -> Version:
    """Make version ``number`` the file's content again, as a new version."""
    old = version(db, workspace, path, number)
    why = reason.strip() or _("restored version {number}").format(number=number)
    return save(
        db,
        workspace,
        path,
        old.content,
        base=base,
        reason=why,
        author=author,
        origin="restored",
        restored_from=old.id,
    )


def save_file(
    workspace: Workspace,
    path: Path,
    data: bytes | str,
    *,
    base: str | None,
    author: str | None = None,
    reason: str = "",
    register: Path | str | None = None,
    origin: str = "saved",
    restored_from: int | None = None,
) -> Version:
    """:func:`save` with the workspace's database opened here (``register``: as ``--register``),
    for the plain functions that save a data file (the council editor, the clause library)."""
    with open_db(workspace, register, author) as db:
        return save(
            db,
            workspace,
            path,
            data,
            base=base,
            reason=reason,
            author=author or None,
            origin=origin,
            restored_from=restored_from,
        )


def open_db(
    workspace: Workspace, register: Path | str | None = None, author: str | None = None
) -> WorkspaceDB:
    """The workspace's database (``register``: as ``--register``), acting as ``author``."""
    from generator.register_access import register_path

    return WorkspaceDB(register_path(workspace, register and str(register)), actor=author)


def record_written(
    workspace: Workspace,
    path: Path,
    *,
    author: str | None,
    reason: str = "",
    register: Path | str | None = None,
) -> Version | None:
    """Keep a data file that another function just wrote (a new council, an import) as a
    version saved by ``author``; None when its content is already the last version."""
    name = key(workspace, path)
    with open_db(workspace, register, author) as db:
        with db.write() as conn:
            data = read_bytes(workspace.root / name)
            latest = _latest(conn, name)
            if data is None or (
                latest is not None
                and latest.sha256 == digest(data)
                and not deletions.is_deleted(conn, name, latest.id)
            ):
                return None
            return _insert(conn, name, data, author or db.actor, reason, "saved")
