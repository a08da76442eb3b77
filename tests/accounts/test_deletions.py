"""A data file deleted on disk is a step of its history: recorded when the history is next read,
once, never changed; the last version is kept and restoring it brings the file back as a new
version."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from generator import history
from generator.exceptions import EditConflict
from generator.register.workspace_db import WorkspaceDB
from generator.workspace import Workspace


def _db(ws: Workspace, actor: str = "Anna Berg") -> WorkspaceDB:
    return WorkspaceDB(ws.root / "output" / "diarium.sqlite", actor=actor)


def _rows(ws: Workspace) -> list[tuple[str, int, str]]:
    conn = sqlite3.connect(ws.root / "output" / "diarium.sqlite")
    try:
        return conn.execute(
            "SELECT path, last_version, noticed_by FROM data_deletions ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def test_a_deleted_council_is_recorded_once_and_restored_from_its_last_version(
    ws: Workspace,
) -> None:
    path = ws.councils_dir / "onkologi.yaml"
    original = path.read_bytes()
    with _db(ws) as db:
        history.notice_all(db, ws)
        saved = history.save(db, ws, path, original + b"# sparad\n", base=history.digest(original))
        path.unlink()
        assert history.notice_all(db, ws) == []  # no version: the content stays in the last one
        history.notice_all(db, ws)  # a second look records nothing more
        history.versions(db, ws, path)
        assert _rows(ws) == [("data/councils/onkologi.yaml", saved.id, "Anna Berg")]
        [deletion] = history.deletions_of(db, ws, path)
        assert deletion.last_version == saved.id and deletion.timestamp >= saved.timestamp
        assert list(history.deleted_data_files(db, ws)) == ["data/councils/onkologi.yaml"]
        assert history.has_history(db, ws, path)
        restored = history.restore(db, ws, path, saved.number, base=None, reason="tillbaka")
        assert path.read_bytes() == original + b"# sparad\n"
        assert (restored.number, restored.origin, restored.restored_from) == (
            3,
            "restored",
            saved.id,
        )
        assert history.deleted_data_files(db, ws) == {}
        found = history.versions(db, ws, path)
    assert [v.origin for v in found] == ["found", "saved", "restored"]
    assert len(_rows(ws)) == 1


def test_a_file_put_back_as_it_was_is_a_new_version(ws: Workspace) -> None:
    path = ws.councils_dir / "onkologi.yaml"
    text = path.read_bytes()
    with _db(ws) as db:
        history.notice_all(db, ws)
        path.unlink()
        history.notice_all(db, ws)
        path.write_bytes(text)  # the same bytes, by hand: the deletion is not forgotten
        [back] = history.notice_all(db, ws)
        assert (back.number, back.origin, back.content) == (2, "hand_edit", text)
        path.unlink()
        history.notice_all(db, ws)
        assert [d.last_version for d in history.deletions_of(db, ws, path)] == [
            v.id for v in history.versions(db, ws, path)
        ]


def test_a_save_on_a_deleted_file_is_refused_and_the_deletion_kept(ws: Workspace) -> None:
    path = ws.councils_dir / "onkologi.yaml"
    loaded = path.read_text(encoding="utf-8")
    with _db(ws) as db:
        history.notice(db, ws, path)
        path.unlink()
        with pytest.raises(EditConflict) as caught:
            history.save(db, ws, path, loaded + "# min\n", base=history.digest(loaded.encode()))
        assert caught.value.theirs is None
    assert not path.exists()
    assert [row[0] for row in _rows(ws)] == ["data/councils/onkologi.yaml"]


def test_no_deletion_is_recorded_when_the_whole_folder_is_gone(ws: Workspace) -> None:
    with _db(ws) as db:
        history.notice_all(db, ws)
        shutil.rmtree(ws.councils_dir)  # a workspace moved or a folder unmounted, not deletions
        history.notice_all(db, ws)
    assert _rows(ws) == []


def test_deletions_are_append_only(ws: Workspace) -> None:
    path = ws.councils_dir / "onkologi.yaml"
    with _db(ws) as db:
        history.notice(db, ws, path)
        path.unlink()
        history.notice_all(db, ws)
    conn = sqlite3.connect(ws.root / "output" / "diarium.sqlite")
    try:
        for statement in (
            "UPDATE data_deletions SET noticed_by = 'x'",
            "DELETE FROM data_deletions",
        ):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                conn.execute(statement)
    finally:
        conn.close()


def test_a_register_of_version_5_gets_the_table(ws: Workspace) -> None:
    register = ws.root / "output" / "diarium.sqlite"
    with _db(ws):
        pass
    conn = sqlite3.connect(register)
    conn.execute("DROP TABLE data_deletions")
    conn.execute("PRAGMA user_version = 5")
    conn.commit()
    conn.close()
    path = ws.councils_dir / "onkologi.yaml"
    with _db(ws) as db:
        history.notice(db, ws, path)
        path.unlink()
        history.notice_all(db, ws)
    assert len(_rows(ws)) == 1
