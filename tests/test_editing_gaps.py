"""The editor's gaps closed: emptied optional lists leave the file, own sections' ids follow their
heading until issued, the council's own version of a standard clause started from the form."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator import issuing, library_edit
from generator.editing import Edit, load_for_editing, save_council
from generator.editing import document as doc
from generator.editing.preview import council_preview
from generator.editing.submit import open_form, submit
from generator.mandate import load_mandate
from generator.workspace import Workspace
from tests.test_editing import DISTRIBUTION, INTRO


@pytest.fixture
def ws(workspace: Path) -> Workspace:
    return Workspace(workspace)


def _save(path: Path, edits: list[Edit], ws: Workspace, register: Path | None = None):  # type: ignore[no-untyped-def]
    _d, _t, version = load_for_editing(path)
    return save_council(path, edits, version, "k", workspace=ws, register=register)


# -- 1. an emptied introduction or distribution list ---------------------------------------------


@pytest.mark.parametrize(
    ("council", "part", "count", "gone"),
    [
        ("onkologi", "inledning", 2, INTRO),
        ("onkologi", "sändlista", 3, DISTRIBUTION),
        ("primarvard", "sändlista", 4, None),  # the last part of the file
    ],
)
def test_an_emptied_optional_list_leaves_the_file_as_if_never_there(
    ws: Workspace, council: str, part: str, count: int, gone: str | None
) -> None:
    path = ws.councils_dir / f"{council}.yaml"
    before = path.read_text(encoding="utf-8")
    result = _save(path, [Edit("remove", f"{part}/0") for _ in range(count)], ws)
    assert result.status == "saved", [str(p) for p in result.problems]
    after = path.read_text(encoding="utf-8")
    if gone is not None:
        assert after == before.replace(gone, "")
    else:
        start = before.index("\n\nsändlista:\n")
        assert after == before[:start] + "\n"
    assert f"{part}:" not in after
    mandate = load_mandate(path, ws.load_library(), ws.load_settings())
    if part == "sändlista":
        assert mandate.distribution == []
    form = open_form(ws, path).form
    assert form is not None and part in form.missing  # the form offers to add it again


def test_an_added_then_emptied_list_gives_the_file_back_byte_for_byte(ws: Workspace) -> None:
    path = ws.councils_dir / "onkologi.yaml"
    text = path.read_text(encoding="utf-8").replace(INTRO, "")
    path.write_text(text, encoding="utf-8")
    added = _save(
        path, [Edit("part", "", "inledning"), Edit("text", "inledning/0", "Rådet inleder.")], ws
    )
    assert added.status == "saved"
    assert path.read_text(encoding="utf-8") != text
    assert _save(path, [Edit("remove", "inledning/0")], ws).status == "saved"
    assert path.read_text(encoding="utf-8") == text


def test_comments_around_an_emptied_list_are_kept_and_it_goes_from_the_form_too(
    ws: Workspace,
) -> None:
    path = ws.councils_dir / "onkologi.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("\navsnitt:\n", "\n# Avsnitten i den ordning de står.\navsnitt:\n").replace(
        "uppdragstagare: Ordförande, samordningsråd onkologi\n",
        "uppdragstagare: Ordförande, samordningsråd onkologi  # ordförande\n",
    )
    path.write_text(text, encoding="utf-8")
    _d, base, version = load_for_editing(path)
    posted = {"base": base, "version": version, "action": "remove|inledning/0"}
    state = submit(ws, path, posted, "k")
    posted = {
        "base": base,
        "version": version,
        "pending": state.pending,
        "action": "remove|inledning/0",
    }
    state = submit(ws, path, posted, "k")
    assert state.form is not None and state.form.intro is None
    assert "inledning" in state.form.missing
    posted = {"base": base, "version": version, "pending": state.pending, "action": "save"}
    assert submit(ws, path, posted, "k").status == "saved"
    assert path.read_text(encoding="utf-8") == text.replace(INTRO, "")


def test_an_emptied_list_the_format_requires_is_refused_at_its_field(ws: Workspace) -> None:
    path = ws.councils_dir / "onkologi.yaml"
    original = path.read_bytes()
    data = doc.parse(original.decode("utf-8"))
    bullets = data["avsnitt"]["uppdragsbeskrivning"][1]["punkter"]
    edits = [Edit("remove", "avsnitt/uppdragsbeskrivning/1/punkter/0") for _ in bullets]
    _d, base, version = load_for_editing(path)
    from generator.editing.edits import dumps

    posted = {"base": base, "version": version, "pending": dumps(edits), "action": "save"}
    state = submit(ws, path, posted, "k")
    assert state.status == "invalid"
    assert path.read_bytes() == original
    element = state.form.sections[1].content.elements[1]  # type: ignore[union-attr]
    assert element.kind == "punkter"
    assert element.errors == ["must not be empty"]  # "får inte vara tomt" in Swedish
    assert any(s["target"] == element.id for s in state.form.summary)  # type: ignore[union-attr]


# -- 2. an own section's id ----------------------------------------------------------------------


def test_a_new_sections_id_follows_its_changed_heading(ws: Workspace) -> None:
    path = ws.councils_dir / "onkologi.yaml"
    edits = [
        Edit("section", "avsnitt", "own:Budget"),
        Edit("text", "avsnitt/budget/rubrik", "Ekonomi och uppföljning"),
        Edit("text", "avsnitt/budget/innehåll/0", "Rådet har en egen budget."),
    ]
    result = _save(path, edits, ws)
    assert result.status == "saved", [str(p) for p in result.problems]
    after = path.read_text(encoding="utf-8")
    assert "\n  ekonomi-och-uppföljning:\n    rubrik: Ekonomi och uppföljning\n" in after
    assert "budget:" not in after
    # Saved but never issued: it still follows, and the form says so.
    form = open_form(ws, path).form
    own = [s for s in form.sections if s.key == "ekonomi-och-uppföljning"]  # type: ignore[union-attr]
    assert own[0].id_note.startswith("Id: ekonomi-och-uppföljning. It follows the heading")
    result = _save(path, [Edit("text", "avsnitt/ekonomi-och-uppföljning/rubrik", "Ekonomi")], ws)
    assert result.status == "saved"
    assert "\n  ekonomi:\n    rubrik: Ekonomi\n" in path.read_text(encoding="utf-8")


def _issued_with_budget(ws: Workspace) -> tuple[Path, Path, Path]:
    """onkologi with an own section Budget, issued: its file, the register and the document."""
    path = ws.councils_dir / "onkologi.yaml"
    register = ws.root / "output" / "diarium.sqlite"
    edits = [
        Edit("section", "avsnitt", "own:Budget"),
        Edit("text", "avsnitt/budget/innehåll/0", "Rådet har en egen budget."),
    ]
    assert _save(path, edits, ws, register).status == "saved"
    [written] = issuing.render(ws, ["onkologi"], date=dt.date(2026, 3, 2), register=register)
    return path, register, written.path


def test_an_issued_sections_id_stays_and_the_form_says_why(ws: Workspace) -> None:
    path, register, _written = _issued_with_budget(ws)
    form = open_form(ws, path, register).form
    [budget] = [s for s in form.sections if s.key == "budget"]  # type: ignore[union-attr]
    assert budget.id_note == (
        "Id: budget. The section is in an issued mandate, so its id stays when the heading "
        "changes: later issues are compared by it."
    )
    result = _save(path, [Edit("text", "avsnitt/budget/rubrik", "Ekonomi")], ws, register)
    assert result.status == "saved"
    after = path.read_text(encoding="utf-8")
    assert "\n  budget:\n    rubrik: Ekonomi\n" in after
    # And the second time too (its saved heading is no longer in the issued document).
    assert _save(path, [Edit("text", "avsnitt/budget/rubrik", "Pengar")], ws, register).ok
    assert "\n  budget:\n    rubrik: Pengar\n" in path.read_text(encoding="utf-8")
    mandate = load_mandate(path, ws.load_library(), ws.load_settings())
    assert "Pengar" in [i.plain() for i in mandate.body if i.kind == "heading"]


def test_an_id_of_its_own_and_a_second_standard_heading_stay(ws: Workspace) -> None:
    path = ws.councils_dir / "onkologi.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "\nsändlista:\n",
        "\n  pengar:\n    rubrik: Budget\n    innehåll:\n      - Text.\n\nsändlista:\n",
    )
    path.write_text(text, encoding="utf-8")
    assert _save(path, [Edit("text", "avsnitt/pengar/rubrik", "Ekonomi")], ws).status == "saved"
    assert "\n  pengar:\n    rubrik: Ekonomi\n" in path.read_text(encoding="utf-8")
    form = open_form(ws, path).form
    [own] = [s for s in form.sections if s.key == "pengar"]  # type: ignore[union-attr]
    assert (
        own.id_note
        == "Id: pengar. The id was given in the file and stays when the heading changes."
    )
    # A standard section added again is an own one with the standard heading: unchanged, it
    # keeps the id it was given.
    assert _save(path, [Edit("section", "avsnitt", "std:syfte")], ws).status == "saved"
    assert "\n  syfte-2:\n    rubrik: Syfte med uppdraget\n" in path.read_text(encoding="utf-8")


def test_a_pending_heading_change_is_announced_before_the_save(ws: Workspace) -> None:
    path = ws.councils_dir / "onkologi.yaml"
    _d, base, version = load_for_editing(path)
    from generator.editing.edits import dumps

    pending = dumps([Edit("section", "avsnitt", "own:Budget")])
    posted = {
        "base": base,
        "version": version,
        "pending": pending,
        "t|avsnitt/budget/rubrik": "Ekonomi",
        "action": "add|avsnitt/budget/innehåll",
    }
    state = submit(ws, path, posted, "k")
    [own] = [s for s in state.form.sections if s.key == "budget"]  # type: ignore[union-attr]
    assert own.id_note.startswith("Id: budget, ekonomi when saved.")


# -- 3. the council's own version of a standard clause -------------------------------------------


def test_an_own_version_is_started_from_the_standard_text(ws: Workspace) -> None:
    path = ws.councils_dir / "primarvard.yaml"  # no klausuler part yet
    before = path.read_text(encoding="utf-8")
    library = ws.load_library()
    standard = library.clauses["syfte.samverka"]
    _d, base, version = load_for_editing(path)
    posted = {"base": base, "version": version, "action": "version|avsnitt/syfte/0"}
    state = submit(ws, path, posted, "k")
    assert state.focus == "f-klausuler.syfte.samverka"
    [field] = [f for f in state.form.own_clauses if f.label == "syfte.samverka"]  # type: ignore[union-attr]
    assert field.value == standard.strip()
    element = state.form.sections[0].content.elements[0]  # type: ignore[union-attr]
    assert element.own_version
    own_text = standard.strip().replace("Gruppen ska samverka", "Rådet ska samverka")
    posted = {
        "base": base,
        "version": version,
        "pending": state.pending,
        "t|klausuler/syfte.samverka": own_text,
        "action": "save",
    }
    assert submit(ws, path, posted, "k").status == "saved"
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before)  # the rest byte for byte; the part is added at the end
    assert after[len(before) :].startswith("\nklausuler:\n  syfte.samverka: >-\n    Rådet ska")
    mandate = load_mandate(path, library, ws.load_settings())
    assert own_text in [i.plain() for i in mandate.body]
    assert "Rådet ska samverka" in council_preview(ws, path)
    info = library_edit.clause_info(ws, "syfte.samverka")
    assert info is not None and "primarvard" in info.overridden_by


def test_an_own_version_of_a_list_clause_joins_the_existing_own_versions(ws: Workspace) -> None:
    path = ws.councils_dir / "onkologi.yaml"
    before = path.read_text(encoding="utf-8")
    assert isinstance(ws.load_library().clauses["samband.standard"], list)
    result = _save(path, [Edit("version", "avsnitt/samband/0")], ws)
    assert result.status == "saved", [str(p) for p in result.problems]
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before)  # after the own version there is, the rest byte for byte
    assert after[len(before) :].startswith("  samband.standard:\n    - ")
    form = open_form(ws, path).form
    assert [key for key, _node in form.own_lists] == ["samband.standard"]  # type: ignore[union-attr]
    info = library_edit.clause_info(ws, "samband.standard")
    assert info is not None and info.overridden_by == ["onkologi"]


def test_an_issued_document_that_cannot_be_read_keeps_the_ids(ws: Workspace) -> None:
    path, register, written = _issued_with_budget(ws)
    written.write_bytes(b"not a Word file any more")
    form = open_form(ws, path, register).form
    [budget] = [s for s in form.sections if s.key == "budget"]  # type: ignore[union-attr]
    assert budget.id_note.startswith("Id: budget. An issued mandate of the council could not")
    assert _save(path, [Edit("text", "avsnitt/budget/rubrik", "Ekonomi")], ws, register).ok
    assert "\n  budget:\n    rubrik: Ekonomi\n" in path.read_text(encoding="utf-8")
