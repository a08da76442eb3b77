"""The template's versions listed and restored through generator.template_edit: a restore passes
the same check and trial render as an upload and makes a new version; a template replaced after
the page was opened is refused, naming who replaced it and when, and nothing is replaced."""

from __future__ import annotations

import getpass
import sqlite3
from pathlib import Path

import pytest

from generator import history, template_edit
from generator.dates import local_time
from generator.exceptions import DataError, TemplateChanged, UsageError
from generator.workspace import Workspace
from tests.test_settings_edit import broken_template, copy_workspace


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return copy_workspace(tmp_path / "arbetsyta")


def _rows(ws: Workspace) -> list[tuple]:
    conn = sqlite3.connect(ws.root / "output" / "diarium.sqlite")
    try:
        return conn.execute("SELECT * FROM data_versions ORDER BY id").fetchall()
    finally:
        conn.close()


def _two_uploads(ws: Workspace, tmp_path: Path) -> list[bytes]:
    """The template as shipped, then two uploads by Frida and Greta: the three versions' bytes."""
    shipped = tmp_path / "shipped.docx"
    shipped.write_bytes(ws.template_path.read_bytes())
    contents = [shipped.read_bytes()]
    for who, label in (("Frida", "Diarienr:"), ("Greta", "Dnr:")):
        upload = broken_template(shipped, tmp_path / f"{who}.docx", "Diarienummer:", label)
        template_edit.replace_template(
            ws,
            upload,
            f"{who}.docx",
            base=history.current_digest(ws.template_path),
            author=who,
            reason=f"rubrik av {who}",
        )
        contents.append(upload.read_bytes())
    return contents


def test_versions_are_listed_and_an_old_one_restored_as_a_new_version(
    ws: Workspace, tmp_path: Path
) -> None:
    contents = _two_uploads(ws, tmp_path)
    found = template_edit.template_versions(ws)
    assert [(v.number, v.origin, v.content) for v in found] == [
        (1, "found", contents[0]),
        (2, "saved", contents[1]),
        (3, "saved", contents[2]),
    ]
    assert [(v.author, v.reason) for v in found[1:]] == [
        ("Frida", "rubrik av Frida"),
        ("Greta", "rubrik av Greta"),
    ]
    assert found[1].sha256 == history.digest(contents[1])
    before = _rows(ws)
    restored = template_edit.restore_template(
        ws,
        1,
        base=history.digest(contents[2]),
        author="Frida",
        reason="tillbaka till originalet",
    )
    assert ws.template_path.read_bytes() == contents[0]
    assert (restored.number, restored.origin, restored.restored_from) == (
        4,
        "restored",
        found[0].id,
    )
    assert (restored.author, restored.reason) == ("Frida", "tillbaka till originalet")
    after = _rows(ws)
    assert after[: len(before)] == before  # history is never rewritten, only added to
    assert template_edit.template_version(ws, 4).content == contents[0]


def test_a_restore_on_a_template_replaced_meanwhile_is_refused_naming_who(
    ws: Workspace, tmp_path: Path
) -> None:
    contents = _two_uploads(ws, tmp_path)
    seen = history.digest(contents[1])  # the page was opened before Greta's upload
    before = _rows(ws)
    with pytest.raises(TemplateChanged) as caught:
        template_edit.restore_template(ws, 1, base=seen, author="Frida", reason="x")
    message = str(caught.value)
    assert "Greta" in message and "nothing was replaced" in message
    greta = template_edit.template_version(ws, 3)
    assert f"by Greta at {local_time(greta.timestamp)}" in message  # when, in Swedish time
    assert ws.template_path.read_bytes() == contents[2]
    assert _rows(ws) == before


def test_an_upload_on_a_template_replaced_by_hand_is_refused_naming_the_owner(
    ws: Workspace, tmp_path: Path
) -> None:
    old = ws.template_path.read_bytes()
    template_edit.template_versions(ws)  # the page is opened: the template is version 1
    by_hand = broken_template(ws.template_path, tmp_path / "hand.docx", "Diarienummer:", "Nr:")
    ws.template_path.write_bytes(by_hand.read_bytes())
    upload = broken_template(by_hand, tmp_path / "ny.docx", "Nr:", "Diarienr:")
    with pytest.raises(TemplateChanged, match=getpass.getuser()):
        template_edit.replace_template(ws, upload, "ny.docx", base=history.digest(old))
    assert ws.template_path.read_bytes() == by_hand.read_bytes()
    found = template_edit.template_versions(ws)
    assert [(v.origin, v.author) for v in found] == [
        ("found", getpass.getuser()),
        ("hand_edit", getpass.getuser()),
    ]


def test_a_version_that_fails_the_check_now_is_not_restored(ws: Workspace, tmp_path: Path) -> None:
    broken = broken_template(
        ws.template_path, tmp_path / "trasig.docx", "{{ date_text }}", "{{ x }}"
    )
    good = ws.template_path.read_bytes()
    ws.template_path.write_bytes(broken.read_bytes())  # a broken template put there by hand
    template_edit.template_versions(ws)  # noticed as version 1
    ws.template_path.write_bytes(good)  # and mended by hand: version 2
    found = template_edit.template_versions(ws)
    assert [v.content for v in found] == [broken.read_bytes(), good]
    before = _rows(ws)
    with pytest.raises(DataError) as caught:
        template_edit.restore_template(ws, 1, base=history.digest(good), author="Frida")
    text = "\n".join(str(p) for p in caught.value.problems)
    assert "version 1" in text and "x" in text
    assert ws.template_path.read_bytes() == good
    assert _rows(ws) == before


def test_restoring_the_template_now_or_a_missing_version_is_refused(
    ws: Workspace, tmp_path: Path
) -> None:
    contents = _two_uploads(ws, tmp_path)
    with pytest.raises(UsageError, match="nothing to restore"):
        template_edit.restore_template(ws, 3, base=history.digest(contents[2]))
    with pytest.raises(UsageError, match="no version 9"):
        template_edit.restore_template(ws, 9, base=history.digest(contents[2]))
    assert len(template_edit.template_versions(ws)) == 3
