"""The settings and the template changed through generator.settings_edit and
generator.template_edit: checked with the same schema and template check as every command,
comments kept, the version before kept in the history."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from generator import history, settings_edit, template_edit
from generator.exceptions import DataError, EditConflict
from generator.register.workspace_db import WorkspaceDB
from generator.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent


def copy_workspace(tmp_path: Path) -> Workspace:
    """The repository's data and template copied into ``tmp_path``, with an output folder."""
    for name in ("data", "templates"):
        shutil.copytree(REPO / name, tmp_path / name)
    (tmp_path / "output").mkdir()
    return Workspace(tmp_path)


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return copy_workspace(tmp_path)


def broken_template(source: Path, target: Path, old: str, new: str) -> Path:
    """A copy of the template with one text of word/document.xml changed."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                assert old in text
                data = text.replace(old, new, 1).encode("utf-8")
            out.writestr(item, data)
    return target


def test_save_keeps_comments_and_the_version_before(ws: Workspace) -> None:
    before = ws.settings_path.read_text(encoding="utf-8")
    values, base = settings_edit.current(ws)
    assert values["diarieserie"] == "RS" and values["undertecknare-namn"] == "Karin Looström Muth"
    values["organisation"] = "Region Exempel"
    values["datumformat"] = "lång"
    settings_edit.save_settings(ws, values, base, author="Frida", reason="ny region")
    after = ws.settings_path.read_text(encoding="utf-8")
    assert "organisation: Region Exempel\n" in after
    assert after.startswith("# Organisationens inställningar; se docs/dataformat.md.\n")
    assert "# prefix i diarienumret: RS 2024-00784" in after
    assert "datumformat: lång" in after and "# iso (2024-05-21) eller lång" in after
    settings = ws.load_settings()
    assert settings.organisation == "Region Exempel" and settings.date_style == "lång"
    assert settings.title == "Uppdragshandling för\nsamordningsråd"
    with WorkspaceDB(ws.root / "output" / "diarium.sqlite") as db:
        found = history.versions(db, ws, ws.settings_path)
    assert [v.text for v in found] == [before, after]
    assert (found[-1].author, found[-1].reason) == ("Frida", "ny region")


def test_wrong_values_are_refused_at_their_field_and_nothing_written(ws: Workspace) -> None:
    before = ws.settings_path.read_bytes()
    values, base = settings_edit.current(ws)
    values.update({"diarieserie": "rs", "undertecknare-namn": "", "datumformat": "kort"})
    with pytest.raises(DataError) as caught:
        settings_edit.save_settings(ws, values, base, author="Frida")
    fields = {settings_edit.field_of(p): str(p) for p in caught.value.problems}
    assert set(fields) == {"diarieserie", "undertecknare-namn", "datumformat"}
    assert "cannot be a diary series" in fields["diarieserie"]
    assert "installningar.yaml" in fields["diarieserie"]
    assert ws.settings_path.read_bytes() == before


def test_save_on_a_changed_file_is_a_conflict_with_both_versions(ws: Workspace) -> None:
    values, base = settings_edit.current(ws)
    hand = (
        ws.settings_path.read_text(encoding="utf-8")
        .replace("RS ", "KS ")
        .replace("diarieserie: RS", "diarieserie: KS")
    )
    ws.settings_path.write_text(hand, encoding="utf-8")
    values["organisation"] = "Region Exempel"
    with pytest.raises(EditConflict) as caught:
        settings_edit.save_settings(ws, values, base, author="Frida")
    assert "diarieserie: KS" in (caught.value.theirs or "")
    assert "organisation: Region Exempel" in caught.value.mine
    assert ws.settings_path.read_text(encoding="utf-8") == hand


def test_a_sound_template_replaces_the_old_one_which_is_kept(ws: Workspace, tmp_path: Path) -> None:
    old = ws.template_path.read_bytes()
    upload = broken_template(ws.template_path, tmp_path / "ny.docx", "Diarienummer:", "Diarienr:")
    template_edit.replace_template(ws, upload, "ny.docx", base=history.digest(old), author="Frida")
    assert ws.template_path.read_bytes() == upload.read_bytes()
    with WorkspaceDB(ws.root / "output" / "diarium.sqlite") as db:
        found = history.versions(db, ws, ws.template_path)
    assert [v.content for v in found] == [old, upload.read_bytes()]
    assert found[-1].author == "Frida" and "ny.docx" in found[-1].reason


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("{{ date_text }}", "{{ datum_text }}", "datum_text"),
        ("{%p if supersedes %}", "{%p if supersedes", "supersedes"),
    ],
)
def test_a_broken_template_is_refused_with_the_lint_messages(
    ws: Workspace, tmp_path: Path, old: str, new: str, expected: str
) -> None:
    before = ws.template_path.read_bytes()
    upload = broken_template(ws.template_path, tmp_path / "trasig.docx", old, new)
    with pytest.raises(DataError) as caught:
        template_edit.replace_template(
            ws, upload, "trasig.docx", base=history.digest(before), author="Frida"
        )
    text = "\n".join(str(p) for p in caught.value.problems)
    assert "trasig.docx" in text and expected in text
    assert ws.template_path.read_bytes() == before


def test_a_file_that_is_no_word_document_is_refused(ws: Workspace, tmp_path: Path) -> None:
    before = ws.template_path.read_bytes()
    upload = tmp_path / "inte.docx"
    upload.write_bytes(b"PK not really")
    with pytest.raises(DataError, match="Word"):
        template_edit.replace_template(ws, upload, "inte.docx", base=history.digest(before))
    assert ws.template_path.read_bytes() == before
