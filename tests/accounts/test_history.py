"""The history of data files: every save keeps the version before it, hand edits are noticed,
a save on top of a newer version is refused with both texts, restoring makes a new version."""

from __future__ import annotations

import os
import random
import threading
import time
from pathlib import Path

import pytest

from generator import history
from generator.exceptions import EditConflict
from generator.register.workspace_db import WorkspaceDB
from generator.workspace import Workspace


def _db(ws: Workspace, actor: str) -> WorkspaceDB:
    return WorkspaceDB(ws.root / "output" / "diarium.sqlite", actor=actor)


def _council(ws: Workspace) -> Path:
    return ws.councils_dir / "onkologi.yaml"


def _edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def test_three_saves_then_restore_the_first(ws: Workspace) -> None:
    path = _council(ws)
    original = path.read_text(encoding="utf-8")
    with _db(ws, "Anna Berg") as db:
        texts = [original]
        for n, word in enumerate(("första", "andra", "tredje"), start=1):
            new = texts[-1] + f"# ändring {word}\n"
            version = history.save(
                db, ws, path, new, base=history.digest(texts[-1].encode()), reason=f"steg {n}"
            )
            texts.append(new)
            assert version.number == n + 1 and version.author == "Anna Berg"
        found = history.versions(db, ws, path)
        assert [v.origin for v in found] == ["found", "saved", "saved", "saved"]
        assert [v.reason for v in found][1:] == ["steg 1", "steg 2", "steg 3"]
        assert [v.text for v in found] == texts
        restored = history.restore(db, ws, path, 1, base=history.current_digest(path))
        assert restored.number == 5 and restored.origin == "restored"
        assert restored.restored_from == found[0].id
        assert path.read_text(encoding="utf-8") == original
        lines = history.diff_versions(found[3], restored)
        removed = [line.text for line in lines if line.kind == "removed"]
        assert removed == ["# ändring första", "# ändring andra", "# ändring tredje"]
        assert not [line for line in lines if line.kind == "added"]
        assert "+# ändring andra" in history.unified(found[0], found[2])
        # any two, either order
        back = history.diff_versions(found[2], found[1])
        assert [line.text for line in back if line.kind == "removed"] == ["# ändring andra"]


def test_second_save_on_the_same_version_is_refused_with_both(ws: Workspace) -> None:
    path = _council(ws)
    loaded = path.read_text(encoding="utf-8")
    base = history.digest(loaded.encode())
    anna = _edit(loaded, "onkologi", "onkologi (Anna)")
    bo = _edit(loaded, "onkologi", "onkologi (Bo)")
    with _db(ws, "Anna") as db_anna, _db(ws, "Bo") as db_bo:
        history.save(db_anna, ws, path, anna, base=base, reason="Annas ändring")
        with pytest.raises(EditConflict) as caught:
            history.save(db_bo, ws, path, bo, base=base)
        err = caught.value
        assert err.mine == bo and err.theirs == anna
        assert err.current is not None and err.current.author == "Anna"
        assert "Anna" in str(err)
        assert path.read_text(encoding="utf-8") == anna  # nothing of Anna's lost
        assert [v.author for v in history.versions(db_bo, ws, path)][1:] == ["Anna"]
        # Bo merges and saves on top of Anna's version
        merged = _edit(anna, "(Anna)", "(Anna och Bo)")
        history.save(db_bo, ws, path, merged, base=history.digest(anna.encode()))
        assert path.read_text(encoding="utf-8") == merged


def test_a_hand_edit_between_load_and_save_is_caught_and_kept(ws: Workspace) -> None:
    path = _council(ws)
    loaded = path.read_text(encoding="utf-8")
    base = history.digest(loaded.encode())
    with _db(ws, "Anna") as db:
        history.notice(db, ws, path)  # the form loaded this version
        by_hand = loaded + "# ändrat i filen\n"
        path.write_text(by_hand, encoding="utf-8")
        with pytest.raises(EditConflict) as caught:
            history.save(db, ws, path, loaded + "# från formuläret\n", base=base)
        assert caught.value.theirs == by_hand
        assert caught.value.current is not None and caught.value.current.origin == "hand_edit"
        assert path.read_text(encoding="utf-8") == by_hand
        found = history.versions(db, ws, path)
        assert [v.origin for v in found] == ["found", "hand_edit"]
        assert [v.text for v in found] == [loaded, by_hand]


def test_hand_edits_after_a_save_become_versions(ws: Workspace) -> None:
    path = ws.library_path
    text = path.read_text(encoding="utf-8")
    with _db(ws, "Anna") as db:
        history.save(db, ws, path, text + "# a\n", base=history.digest(text.encode()))
        path.write_text(text + "# a\n# b för hand\n", encoding="utf-8")
        noticed = history.notice_all(db, ws)
        assert [(v.path, v.origin) for v in noticed if v.path == "data/klausuler.yaml"] == [
            ("data/klausuler.yaml", "hand_edit")
        ]
        assert {v.path for v in noticed} >= {"data/installningar.yaml"}  # first seen
        assert history.notice_all(db, ws) == []  # nothing new the second time


def test_a_new_file_must_not_exist_yet(ws: Workspace) -> None:
    path = ws.councils_dir / "ny.yaml"
    with _db(ws, "Anna") as db:
        history.save(db, ws, path, "namn: Ny\n", base=None)
        with pytest.raises(EditConflict):
            history.save(db, ws, path, "namn: Annan\n", base=None)
        assert path.read_text(encoding="utf-8") == "namn: Ny\n"


def test_files_outside_the_workspace_are_refused(ws: Workspace, tmp_path: Path) -> None:
    from generator.exceptions import UsageError

    with _db(ws, "Anna") as db, pytest.raises(UsageError):
        history.save(db, ws, tmp_path / "annan.yaml", "x", base=None)


def test_versions_are_append_only(ws: Workspace) -> None:
    import sqlite3

    path = _council(ws)
    with _db(ws, "Anna") as db:
        history.notice(db, ws, path)
        for statement in ("UPDATE data_versions SET author = 'x'", "DELETE FROM data_versions"):
            with pytest.raises(sqlite3.IntegrityError), db.write() as conn:
                conn.execute(statement)


TRIALS = 100
EDITORS = 3


def _editor(
    path: Path, ws: Workspace, name: str, rng: random.Random, lost: list[str], conflicts: list[str]
) -> None:
    """Load, think, save; on a conflict load again and redo the edit (what a person does)."""
    with _db(ws, name) as db:
        while True:
            data = path.read_bytes()
            time.sleep(rng.random() * 0.002)
            mine = data.decode("utf-8") + f"# rad av {name}\n"
            try:
                history.save(db, ws, path, mine, base=history.digest(data))
                return
            except EditConflict as err:
                conflicts.append(name)
                if err.theirs is None or f"# rad av {name}\n" in err.theirs:
                    lost.append(f"{name}: refused, yet its line is on disk")
                    return


def test_no_edit_is_lost_in_many_interleavings(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """≥100 trials of concurrent editors in threads; each trial's final file and history hold
    every edit, and each saved version builds on the one before it (no save on a stale base)."""
    monkeypatch.setattr(os, "fsync", lambda fd: None)  # durability is not what is tried here
    original = _council(ws).read_bytes()
    lost: list[str] = []
    conflicts: list[str] = []
    for trial in range(TRIALS):
        path = ws.councils_dir / f"forsok-{trial}.yaml"  # a file per trial: short histories
        path.write_bytes(original)
        names = [f"p{trial}-{n}" for n in range(EDITORS)]
        threads = [
            threading.Thread(
                target=_editor,
                args=(path, ws, name, random.Random(trial * 10 + n), lost, conflicts),
            )
            for n, name in enumerate(names)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        final = path.read_text(encoding="utf-8")
        lost += [f"trial {trial}: {n} missing" for n in names if f"# rad av {n}\n" not in final]
        with _db(ws, "check") as db:
            trial_versions = history.versions(db, ws, path)
        saved = [v for v in trial_versions if v.origin == "saved"]
        if len(saved) != EDITORS or trial_versions[0].origin != "found":
            lost.append(f"trial {trial}: {[v.origin for v in trial_versions]}")
        for before, after in zip(trial_versions, trial_versions[1:], strict=False):
            if not after.text.startswith(before.text):  # each builds on the one before
                lost.append(f"trial {trial}: version {after.number} dropped {before.number}")
    print(
        f"\nconcurrent-edit trials: {TRIALS} × {EDITORS} editors, "
        f"{len(conflicts)} saves refused and redone, lost edits: {len(lost)}"
    )
    assert lost == []
    assert conflicts, "no save ever met another: the trials did not interleave"


def test_save_file_opens_the_workspaces_database(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("UPPDRAG_REGISTER", raising=False)
    path = ws.settings_path
    text = path.read_text(encoding="utf-8")
    saved = history.save_file(
        ws, path, text + "# x\n", base=history.digest(text.encode()), author="Frida", reason="r"
    )
    assert (saved.number, saved.author, saved.reason) == (2, "Frida", "r")
    with _db(ws, "check") as db:  # output/diarium.sqlite, the default register
        assert [v.author for v in history.versions(db, ws, path)][-1] == "Frida"


def _interleavings(steps: dict[str, int]) -> list[list[str]]:
    """Every order of the actors' steps that keeps each actor's own steps in order."""
    if not any(steps.values()):
        return [[]]
    orders = []
    for actor, left in steps.items():
        if left:
            for rest in _interleavings({**steps, actor: left - 1}):
                orders.append([actor, *rest])
    return orders


def test_every_interleaving_of_editors_and_a_hand_edit(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exhaustively: editors A and B each load then save while someone edits the file by hand
    (30 orders), and editors A, B and C (90 orders).  A refused save is redone from a fresh load
    at the end (what the conflict page asks).  Every edit must end up in the file, and every text
    the file ever had must be in the history."""
    monkeypatch.setattr(os, "fsync", lambda fd: None)  # durability is not what is tried here
    original = _council(ws).read_bytes()
    orders = _interleavings({"A": 2, "B": 2, "H": 1}) + _interleavings({"A": 2, "B": 2, "C": 2})
    assert len(orders) == 120
    lost = []
    db = _db(ws, "x")
    db._conn.execute("PRAGMA synchronous = OFF")  # noqa: SLF001 - speed only, as above
    for n, order in enumerate(orders):
        path = ws.councils_dir / f"ordning-{n}.yaml"  # a file per order: short histories
        start = original + f"# ordning {n}\n".encode()
        path.write_bytes(start)
        seen = {history.digest(start)}
        loaded: dict[str, bytes] = {}
        refused = []
        if True:
            history.notice(db, ws, path)
            for actor in order:
                if actor == "H":
                    path.write_bytes(path.read_bytes() + b"# H\n")
                    seen.add(history.digest(path.read_bytes()))
                elif actor not in loaded:
                    loaded[actor] = path.read_bytes()
                else:
                    mine = loaded[actor] + f"# {actor}\n".encode()
                    try:
                        history.save(
                            db, ws, path, mine, base=history.digest(loaded[actor]), author=actor
                        )
                        seen.add(history.digest(mine))
                    except EditConflict:
                        refused.append(actor)
            for actor in refused:  # the person reloads and makes the change again
                mine = path.read_bytes() + f"# {actor}\n".encode()
                history.save(db, ws, path, mine, base=history.current_digest(path), author=actor)
                seen.add(history.digest(mine))
            kept = {v.sha256 for v in history.versions(db, ws, path)}
        final = path.read_text(encoding="utf-8")
        missing = [a for a in sorted(set(order)) if f"# {a}\n" not in final]
        if missing or not seen <= kept:
            lost.append((n, "".join(order), missing, len(seen - kept)))
    db.close()
    print(f"\nexhaustive interleavings: {len(orders)}, with a lost edit: {len(lost)}")
    assert lost == []
