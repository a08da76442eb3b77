"""The workspace's data files looked at all at once: which they are, which are deleted now, and
the one pass that records every hand edit and deletion since the last look.

The per-file rules (what a version is, when a file counts as changed or deleted) are in
:mod:`generator.history.versions`; this module only applies them to every data file, in one read
and at most one write, so that the web can run it every few seconds.
"""

from __future__ import annotations

from pathlib import Path

from generator.history import deletions
from generator.history.versions import Version, digest, key, notice_in, noticer, read_bytes
from generator.register.workspace_db import WorkspaceDB
from generator.workspace import Workspace


def data_files(workspace: Workspace) -> list[Path]:
    """The files whose history is kept: settings, clause library, every council."""
    files = [workspace.settings_path, workspace.library_path]
    if workspace.councils_dir.is_dir():
        files += sorted(workspace.councils_dir.glob("*.yaml"))
    return [f for f in files if f.is_file()]


def is_data_name(workspace: Workspace, name: str) -> bool:
    """Whether ``name`` (a history key) is one of the data files: settings, library, a council."""
    councils = key(workspace, workspace.councils_dir)
    folder, _slash, file = name.rpartition("/")
    return name in (
        key(workspace, workspace.settings_path),
        key(workspace, workspace.library_path),
    ) or (folder == councils and file.endswith(".yaml") and not file.startswith("."))


def deleted_data_files(db: WorkspaceDB, workspace: Workspace) -> dict[str, deletions.Deletion]:
    """The data files that are deleted now, by history key, with their deletion."""
    with db.read() as conn:
        gone = deletions.deleted_names(conn)
    return {name: d for name, d in sorted(gone.items()) if is_data_name(workspace, name)}


def notice_all(db: WorkspaceDB, workspace: Workspace) -> list[Version]:
    """:func:`notice` for every data file: the files are hashed against the last recorded
    version of each (one read), and only the changed ones are recorded (one write, if any); a
    data file with versions that is gone from disk is recorded as deleted in the same write."""
    with db.read() as conn:
        known = dict(
            conn.execute(
                "SELECT path, sha256 FROM data_versions WHERE id IN"
                " (SELECT MAX(id) FROM data_versions GROUP BY path)"
            ).fetchall()
        )
        gone = deletions.deleted_names(conn)
    changed = []
    for path in data_files(workspace):
        data = read_bytes(path)
        name = key(workspace, path)
        if data is not None and (known.get(name) != digest(data) or name in gone):
            changed.append((name, path))
    changed += [
        (name, workspace.root / name)
        for name in sorted(known)
        if name not in gone
        and is_data_name(workspace, name)
        and not (workspace.root / name).exists()
    ]
    found = []
    if changed:
        with db.write() as conn:
            for name, path in changed:
                version = notice_in(conn, name, path, noticer(db))  # checked again inside the lock
                if version is not None:
                    found.append(version)
    return found


def has_history(db: WorkspaceDB, workspace: Workspace, path: Path) -> bool:
    """Whether the file has a recorded version (so a deleted one still has a history page)."""
    with db.read() as conn:
        row = conn.execute(
            "SELECT 1 FROM data_versions WHERE path = ? LIMIT 1", (key(workspace, path),)
        ).fetchone()
    return row is not None


def deletions_of(db: WorkspaceDB, workspace: Workspace, path: Path) -> list[deletions.Deletion]:
    """Every time the file was found deleted, oldest first."""
    with db.read() as conn:
        return deletions.of_file(conn, key(workspace, path))
