"""Editing a council file as the web editor does: plain functions, the file read back as text."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.editing import Edit, load_for_editing, on_save, save_council
from generator.editing import document as doc
from generator.editing import save as save_module
from generator.editing.edits import action_from_form, dumps, loads
from generator.editing.form import build_form
from generator.editing.library import search
from generator.editing.preview import mandate_html
from generator.editing.submit import open_form, submit
from generator.exceptions import UsageError
from generator.mandate import load_mandate
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
    from generator.loader.messages import display_path

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


INTRO = (
    "inledning:\n  - klausul: inledning.regiondirektorens-ansvar\n"
    "  - klausul: inledning.fordelat-ansvar\n\n"
)
DISTRIBUTION = (
    "sändlista:\n  - klausul: sandlista.ordforande\n  - klausul: sandlista.koordinator\n"
    "  - klausul: sandlista.forteckning\n\n"
)
ISSUER = "uppdragsgivare: Karin Looström Muth\n"


def without_optional_parts(path: Path) -> str:
    """The council file without its introduction, distribution list and uppdragsgivare."""
    text = path.read_text(encoding="utf-8")
    for part in (INTRO, DISTRIBUTION, ISSUER):
        assert part in text
        text = text.replace(part, "")
    path.write_text(text, encoding="utf-8")
    return text


def test_missing_optional_parts_are_added_where_the_format_puts_them(ws: Workspace) -> None:
    path = onkologi(ws)
    before = without_optional_parts(path)
    form = build_form(doc.parse(before), ws.load_library())
    assert form.missing == ["uppdragsgivare", "inledning", "sändlista"]
    _d, _t, version = load_for_editing(path)
    parts = [Edit("part", "", name) for name in ("inledning", "sändlista", "uppdragsgivare")]
    # Left empty, the new head field is refused with the schema's message and nothing is written.
    result = save_council(path, parts, version, "k")
    assert result.status == "invalid"
    assert [(p.field, p.message) for p in result.problems] == [
        ("uppdragsgivare", "must not be empty")
    ]
    assert path.read_text(encoding="utf-8") == before
    texts = [
        Edit("text", "uppdragsgivare", "Anna Andersson"),
        Edit("text", "inledning/0", "Rådet inleder."),
        Edit("text", "sändlista/0", "Alla chefer"),
    ]
    result = save_council(path, parts + texts, version, "k")
    assert result.status == "saved", [str(p) for p in result.problems]
    after = path.read_text(encoding="utf-8")
    # The new parts, each in its place with the file's blank lines; the rest byte for byte.
    expected = before.replace(
        "uppdragstagare: Ordförande, samordningsråd onkologi\n\navsnitt:\n",
        "uppdragsgivare: Anna Andersson\nuppdragstagare: Ordförande, samordningsråd onkologi\n\n"
        "inledning:\n  - Rådet inleder.\n\navsnitt:\n",
    ).replace("\n\nklausuler:\n", "\n\nsändlista:\n  - Alla chefer\n\nklausuler:\n")
    assert after == expected
    mandate = load_mandate(path, ws.load_library(), ws.load_settings())
    assert mandate.issuer == "Anna Andersson"
    assert mandate.distribution == ["Alla chefer"]
    assert [i.plain() for i in mandate.body][0] == "Rådet inleder."


def test_an_own_section_and_a_subsection_are_added(ws: Workspace) -> None:
    path = onkologi(ws)
    before = path.read_text(encoding="utf-8")
    _d, _t, version = load_for_editing(path)
    edits = [
        Edit("section", "avsnitt", "own:Budget och uppföljning"),
        Edit("text", "avsnitt/budget-och-uppföljning/innehåll/0", "Rådet har en egen budget."),
        Edit("section", "avsnitt/syfte", "own:Mål"),  # syfte is a list: it becomes a table
        Edit("text", "avsnitt/syfte/underavsnitt/mål/innehåll/0", "Kortare väntetider."),
    ]
    result = save_council(path, edits, version, "k")
    assert result.status == "saved", [str(p) for p in result.problems]
    after = path.read_text(encoding="utf-8")
    assert after == before.replace(
        "  syfte:\n    - klausul: syfte.samverka\n\n",
        "  syfte:\n    innehåll:\n      - klausul: syfte.samverka\n    underavsnitt:\n"
        "      mål:\n        rubrik: Mål\n        innehåll:\n          - Kortare väntetider.\n\n",
    ).replace(
        "        - klausul: beslutsfattande.eskalering\n\nsändlista:",
        "        - klausul: beslutsfattande.eskalering\n\n  budget-och-uppföljning:\n"
        "    rubrik: Budget och uppföljning\n    innehåll:\n"
        "      - Rådet har en egen budget.\n\nsändlista:",
    )
    mandate = load_mandate(path, ws.load_library(), ws.load_settings())
    headings = [(i.level, i.plain()) for i in mandate.body if i.kind == "heading"]
    assert headings[:2] == [(1, "Syfte med uppdraget"), (2, "Mål")]
    assert headings[-1] == (1, "Budget och uppföljning")


def test_a_new_section_is_checked_like_any_other(ws: Workspace) -> None:
    path = onkologi(ws)
    original = path.read_bytes()
    _d, _t, version = load_for_editing(path)
    result = save_council(path, [Edit("section", "avsnitt", "own:")], version, "k")
    assert result.status == "invalid"
    assert [(p.field, p.message) for p in result.problems] == [
        ("avsnitt.eget-avsnitt.rubrik", "must not be empty")
    ]
    assert path.read_bytes() == original
    library = ws.load_library()
    for bad in (
        Edit("section", "avsnitt", "std:okänt"),
        Edit("section", "avsnitt/beslutsordning/underavsnitt/rapportering", "own:Djup"),
        Edit("part", "", "avsnitt"),
        Edit("part", "avsnitt", "inledning"),
    ):
        with pytest.raises(UsageError):
            save_council(path, [bad], version, "k", workspace=ws)
    assert path.read_bytes() == original
    form = build_form(doc.parse(original.decode("utf-8")), library)
    assert form.new_sections == list(library.titles.items())
    places = dict(form.section_places)
    assert places["avsnitt"] == "as a section of its own"
    assert places["avsnitt/beslutsordning"] == "as a subsection of Beslutsordning"
    # A standard section that is there already comes again as an own section of that heading.
    result = save_council(path, [Edit("section", "avsnitt", "std:syfte")], version, "k")
    assert result.status == "saved", [str(p) for p in result.problems]
    assert (
        "        - klausul: beslutsfattande.eskalering\n\n  syfte-2:\n"
        "    rubrik: Syfte med uppdraget\n    innehåll:\n      - ''\n\nsändlista:\n"
    ) in path.read_text(encoding="utf-8")


def test_sections_are_moved_and_removed_with_their_blank_lines(ws: Workspace) -> None:
    path = onkologi(ws)
    before = path.read_text(encoding="utf-8")
    _d, _t, version = load_for_editing(path)
    edits = [Edit("down", "avsnitt/kommunikation"), Edit("remove", "avsnitt/samband")]
    result = save_council(path, edits, version, "k")
    assert result.status == "saved", [str(p) for p in result.problems]
    after = path.read_text(encoding="utf-8")
    start = before.index("  samband:\n")
    tail = before[start:]
    beslut = tail.index("  beslutsordning:\n")
    sandlista = tail.index("sändlista:")
    moved = (
        tail[beslut:sandlista].rstrip("\n")
        + "\n\n  kommunikation:\n    - klausul: kommunikation.rutin\n\n"
    )
    assert after == before[:start] + moved + tail[sandlista:]
    mandate = load_mandate(path, ws.load_library(), ws.load_settings())
    headings = [i.plain() for i in mandate.body if i.kind == "heading" and i.level == 1]
    assert headings[-2:] == ["Beslutsordning", "Kommunikation"]
    assert "Samband och gränsdragning till andra uppdrag/koncernövergripande grupper" not in (
        headings
    )


OWN_LIST = (
    "  samband.standard:\n    - Vår egen inledning.\n    - punkter:\n        - Första punkten\n"
)


def test_an_own_version_that_is_a_list_of_blocks_is_edited_like_own_text(ws: Workspace) -> None:
    path = onkologi(ws)
    text = path.read_text(encoding="utf-8") + OWN_LIST
    path.write_text(text, encoding="utf-8")
    form = build_form(doc.parse(text), ws.load_library())
    [(clause_id, node)] = form.own_lists
    assert clause_id == "samband.standard"
    assert [e.kind for e in node.elements] == ["text", "punkter"]
    assert node.elements[0].text is not None and node.elements[0].text.value == (
        "Vår egen inledning."
    )
    _d, _t, version = load_for_editing(path)
    edits = [
        Edit("text", "klausuler/samband.standard/0", "Vår nya inledning."),
        Edit("add", "klausuler/samband.standard/1/punkter", "punkt"),
        Edit("text", "klausuler/samband.standard/1/punkter/1", "Andra punkten"),
        Edit("add", "klausuler/samband.standard", "fält"),
        Edit("text", "klausuler/samband.standard/2/fält", "Kontakt"),
        Edit("text", "klausuler/samband.standard/2/text", "Koordinatorn"),
        Edit("up", "klausuler/samband.standard/2"),
    ]
    result = save_council(path, edits, version, "k")
    assert result.status == "saved", [str(p) for p in result.problems]
    assert path.read_text(encoding="utf-8").endswith(
        "  samband.standard:\n    - Vår nya inledning.\n"
        "    - fält: Kontakt\n      text: Koordinatorn\n"
        "    - punkter:\n        - Första punkten\n        - Andra punkten\n"
    )
    mandate = load_mandate(path, ws.load_library(), ws.load_settings())
    texts = [i.plain() for i in mandate.body]
    at = texts.index("Vår nya inledning.")
    assert texts[at + 1 : at + 4] == ["Kontakt: Koordinatorn", "Första punkten", "Andra punkten"]
    # An empty field label in the own version is the schema's message at that field.
    _d, _t, version = load_for_editing(path)
    result = save_council(
        path, [Edit("text", "klausuler/samband.standard/1/fält", "")], version, "k"
    )
    assert result.status == "invalid"
    from generator.loader.messages import display_path

    form = build_form(
        result.document, ws.load_library(), result.problems, display=display_path(path)
    )
    label = form.own_lists[0][1].elements[1].label
    assert label is not None and label.errors == ["must not be empty"]


def test_a_section_of_subsections_only_gets_a_paragraph_under_its_heading(ws: Workspace) -> None:
    path = onkologi(ws)
    before = path.read_text(encoding="utf-8")
    form = build_form(doc.parse(before), ws.load_library())
    [beslut] = [s for s in form.sections if s.key == "beslutsordning"]
    assert beslut.content is None and beslut.may_add_content
    _d, _t, version = load_for_editing(path)
    edits = [
        Edit("content", "avsnitt/beslutsordning"),
        Edit("text", "avsnitt/beslutsordning/innehåll/0", "Rådet beslutar så här."),
    ]
    result = save_council(path, edits, version, "k")
    assert result.status == "saved", [str(p) for p in result.problems]
    assert path.read_text(encoding="utf-8") == before.replace(
        "  beslutsordning:\n    underavsnitt:\n",
        "  beslutsordning:\n    innehåll:\n      - Rådet beslutar så här.\n    underavsnitt:\n",
    )
    texts = [i.plain() for i in load_mandate(path, ws.load_library(), ws.load_settings()).body]
    assert texts[texts.index("Beslutsordning") + 1] == "Rådet beslutar så här."
    with pytest.raises(UsageError):  # only a section has content of its own
        save_council(path, [Edit("content", "sändlista/0")], result.version, "k")
