"""Editing a council file as the web editor does: plain functions, the file read back as text."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.clauses import load_mandate
from generator.editing import Edit, load_for_editing, on_save, save_council
from generator.editing import document as doc
from generator.editing import save as save_module
from generator.editing.edits import action_from_form, dumps, loads
from generator.editing.form import build_form
from generator.editing.library import search
from generator.editing.preview import mandate_html
from generator.editing.submit import open_form, submit
from generator.exceptions import UsageError
from generator.workspace import Workspace


@pytest.fixture
def ws(workspace: Path) -> Workspace:
    return Workspace(workspace)


def onkologi(ws: Workspace) -> Path:
    return ws.councils_dir / "onkologi.yaml"


def test_every_council_file_round_trips_byte_for_byte(ws: Workspace) -> None:
    for path in ws.council_files() + [ws.library_path]:
        text = path.read_text(encoding="utf-8")
        assert doc.dump(doc.parse(text)) == text, path


def test_a_changed_name_changes_that_line_only(ws: Workspace) -> None:
    path = onkologi(ws)
    before = path.read_text(encoding="utf-8").splitlines(keepends=True)
    _d, _t, version = load_for_editing(path)
    result = save_council(path, [Edit("text", "namn", "Samordningsråd cancer")], version, "karin")
    assert result.status == "saved"
    after = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(after) == len(before)
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert changed == [2]
    assert after[2] == "namn: Samordningsråd cancer\n"
    # The comments, folded texts and quotes of the untouched parts are as they were.
    assert after[:2] == before[:2] and after[3:] == before[3:]
    assert result.version == doc.version_of(path.read_bytes())
    mandate = load_mandate(path, ws.load_library(), ws.load_settings())
    assert mandate.name == "Samordningsråd cancer"


def test_an_invalid_save_writes_nothing_and_names_the_field(ws: Workspace) -> None:
    path = onkologi(ws)
    original = path.read_bytes()
    _d, _t, version = load_for_editing(path)
    result = save_council(
        path,
        [Edit("text", "namn", "  "), Edit("text", "avsnitt/arbetsorganisation/0/fält", "")],
        version,
        "karin",
    )
    assert result.status == "invalid"
    assert path.read_bytes() == original
    messages = {(p.field, p.message) for p in result.problems}
    assert ("namn", "must not be empty") in messages
    assert ("avsnitt.arbetsorganisation[1].fält", "must not be empty") in messages


def test_problems_are_placed_at_their_fields(ws: Workspace) -> None:
    path = onkologi(ws)
    _d, _t, version = load_for_editing(path)
    result = save_council(path, [Edit("text", "namn", "")], version, "k")
    from generator.loader import display_path

    form = build_form(
        result.document, ws.load_library(), result.problems, display=display_path(path)
    )
    name = form.head[0]
    assert name.errors == ["must not be empty"]
    assert form.summary == [{"message": "namn: must not be empty", "target": "f-namn"}]


def test_an_unknown_clause_is_the_clis_message_at_the_clause(ws: Workspace) -> None:
    path = onkologi(ws)
    text = path.read_text(encoding="utf-8").replace(
        "- klausul: syfte.samverka", "- klausul: syfte.samverkaa"
    )
    document = doc.parse(text)
    version = doc.version_of(text.encode())
    path.write_text(text, encoding="utf-8")
    result = save_council(path, [], version, "k")
    assert result.status == "invalid"
    [problem] = result.problems
    assert problem.message == "unknown clause 'syfte.samverkaa' – did you mean 'syfte.samverka'?"
    form = build_form(document, ws.load_library(), result.problems, display=problem.file)
    syfte = form.sections[0].content.elements[0]
    assert syfte.errors == [problem.message]


def test_a_save_on_top_of_a_changed_file_is_refused_with_both_versions(ws: Workspace) -> None:
    path = onkologi(ws)
    _d, base, version = load_for_editing(path)
    hand_edit = base.replace("4 – 8 ggr/år", "6 ggr/år")
    path.write_text(hand_edit, encoding="utf-8")
    result = save_council(path, [Edit("text", "namn", "Mitt namn")], version, "karin", base=base)
    assert result.status == "conflict"
    assert path.read_text(encoding="utf-8") == hand_edit  # the hand edit is kept
    assert result.current == hand_edit
    assert "namn: Mitt namn" in result.text and "4 – 8 ggr/år" in result.text  # mine, on my base


def test_listeners_hear_of_every_save(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    heard = []
    monkeypatch.setattr(save_module, "_listeners", [])
    on_save(heard.append)
    path = onkologi(ws)
    _d, _t, version = load_for_editing(path)
    save_council(path, [Edit("text", "namn", "")], version, "karin")  # invalid: not written
    result = save_council(path, [Edit("text", "namn", "Nytt")], version, "karin")
    assert [r.author for r in heard] == ["karin"]
    assert heard[0] is result and heard[0].old_text != heard[0].text


def test_move_remove_add_and_own_wording(ws: Workspace) -> None:
    path = onkologi(ws)
    library = ws.load_library()
    _d, _t, version = load_for_editing(path)
    edits = [
        Edit("down", "avsnitt/uppdragsbeskrivning/1"),  # the two bullet lists change places
        Edit("own", "avsnitt/syfte/0"),
        Edit("add", "avsnitt/syfte", "fält"),
        Edit("text", "avsnitt/syfte/1/fält", "Budget"),
        Edit("text", "avsnitt/syfte/1/text", "Egen budget."),
        Edit("remove", "sändlista/2"),
        Edit("clause", "avsnitt/kommunikation", "samband.standard"),
    ]
    result = save_council(path, edits, version, "k")
    assert result.status == "saved", [str(p) for p in result.problems]
    mandate = load_mandate(path, library, ws.load_settings())
    texts = [item.plain() for item in mandate.body]
    syfte = texts.index("Syfte med uppdraget")
    assert texts[syfte + 1] == library.clauses["syfte.samverka"].strip()
    assert texts[syfte + 2] == "Budget: Egen budget."
    assert "klausul: syfte.samverka\n" not in path.read_text(encoding="utf-8")
    assert len(mandate.distribution) == 2
    bullets = [i for i in mandate.body if i.kind == "bullet"]
    assert bullets[0].text.startswith("Leda de regionala processteamerna")
    kommunikation = texts.index("Kommunikation")
    assert texts[kommunikation + 2] == library.clauses["samband.standard"][0].strip()


def test_a_long_own_text_is_written_folded(ws: Workspace) -> None:
    path = onkologi(ws)
    _d, _t, version = load_for_editing(path)
    long = "Rådet ska " + "arbeta tillsammans med alla berörda förvaltningar " * 4 + "i regionen."
    save_council(path, [Edit("text", "avsnitt/arbetsorganisation/3", long)], version, "k")
    text = path.read_text(encoding="utf-8")
    assert "    - >-\n      Rådet ska arbeta" in text
    mine = [line for line in text.splitlines() if "förvaltningar" in line]
    assert len(mine) >= 2 and max(len(line) for line in mine) <= 100
    mandate = load_mandate(path, ws.load_library(), ws.load_settings())
    assert long in [item.text for item in mandate.body]


def test_a_form_that_does_not_fit_the_file_is_refused(ws: Workspace) -> None:
    path = onkologi(ws)
    _d, _t, version = load_for_editing(path)
    for where in ("avsnitt/finns-inte/0", "avsnitt/syfte/99", "namn/0"):
        with pytest.raises(UsageError):
            save_council(path, [Edit("remove", where)], version, "k")
    with pytest.raises(UsageError):
        loads('[{"action": "drop", "where": "namn"}]')
    with pytest.raises(UsageError):
        action_from_form({"action": "explode|namn"})


def test_pending_changes_are_carried_and_saved_together(ws: Workspace) -> None:
    path = onkologi(ws)
    state = open_form(ws, path)
    posted = {"base": state.base, "version": state.version, "pending": ""}
    posted.update({"action": "add|inledning", "kind|inledning": "stycke"})
    pending = submit(ws, path, posted, "k")
    assert pending.status == "pending"
    assert path.read_text(encoding="utf-8") == state.base  # nothing written yet
    new_field = pending.form.intro.elements[-1].text
    assert new_field.value == "" and new_field.name == "t|inledning/2"
    posted = {
        "base": pending.base,
        "version": pending.version,
        "pending": pending.pending,
        new_field.name: "Ett nytt stycke.",
        "action": "save",
    }
    saved = submit(ws, path, posted, "k")
    assert saved.status == "saved"
    mandate = load_mandate(path, ws.load_library(), ws.load_settings())
    assert "Ett nytt stycke." in [i.text for i in mandate.body]
    assert loads(dumps([])) == []


def test_search_finds_clauses_by_their_words(ws: Workspace) -> None:
    hits = search(ws.load_library(), "ekonomi CHEFER")
    assert hits and all("ekonomi" in h.text.lower() for h in hits)
    assert search(ws.load_library(), "   ") == []


def test_preview_html_reads_like_the_document(ws: Workspace) -> None:
    settings = ws.load_settings()
    mandate = load_mandate(onkologi(ws), ws.load_library(), settings)
    html = str(mandate_html(mandate, settings))
    assert '<h2 class="doc-name">Samordningsråd onkologi</h2>' in html
    assert "<h3>Syfte med uppdraget</h3>" in html
    assert "<strong>Mötesfrekvens:</strong> 4 – 8 ggr/år" in html
    assert '<a href="http://vregion.se" rel="noopener noreferrer">' in html
    assert html.count("<ul>") == 1 + 2 + 1  # the lists of the body and the distribution


def test_preview_escapes_what_it_shows() -> None:
    from generator.editing.preview import inline_html

    assert str(inline_html("<b>&\n[x](javascript:alert(1))")) == (
        "&lt;b&gt;&amp;<br>[x](javascript:alert(1))"
    )


def test_saving_again_and_again_keeps_the_file_valid_and_exact(ws: Workspace) -> None:
    """Each save starts from a copy of the parsed file; the written text always reads back."""
    path = onkologi(ws)
    original = path.read_text(encoding="utf-8")
    for value in ("0 ggr", "1 ggr", "4 – 8 ggr/år"):
        _d, _t, version = load_for_editing(path)
        result = save_council(
            path, [Edit("text", "avsnitt/arbetsorganisation/5/text", value)], version, "k"
        )
        assert result.status == "saved"
        mandate = load_mandate(path, ws.load_library(), ws.load_settings())
        assert f"Mötesfrekvens: {value}" in [i.plain() for i in mandate.body]
    assert path.read_text(encoding="utf-8") == original


def test_a_forged_base_text_is_read_as_safely_as_a_file(ws: Workspace) -> None:
    path = onkologi(ws)
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"
    posted = {"base": bomb, "version": doc.version_of(bomb.encode()), "action": "remove|c/0"}
    with pytest.raises(UsageError):
        submit(ws, path, posted, "k")
