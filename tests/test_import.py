"""Importing the decided Word mandates must give data that renders them again, word for word.

The seeds in ``tests/seeds`` are the text exports of the two real documents.  They are imported
directly, and also as .docx files built here from the seeds the way Word lays documents out
(English and Swedish style ids, the head block in a table, a text box or the page header).  Each
import is rendered with the document's own date and numbers and compared with the seed as
``tests/test_fidelity.py`` does: the head block as a multiset, everything after it line by line.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from lxml import etree

from generator.exceptions import DataError, UsageError
from generator.importer import (
    MARKER,
    find_unfilled,
    import_document,
    new_council,
    read_docx,
    read_text,
    suggest_council_id,
    to_council,
    write_council,
    write_new_file,
)
from generator.loader import load_yaml
from generator.mandate import build_mandate, load_mandate
from generator.model import Settings
from generator.render import Stamp, render_docx
from generator.schema import COUNCIL_SCHEMA
from generator.template import CompiledTemplate
from generator.validation import validate
from generator.workspace import Library, Workspace
from tests.docx_text import docx_hyperlinks, docx_lines, normalise_lines, normalise_seed, seed_links

REPO = Path(__file__).resolve().parents[1]
SEEDS = Path(__file__).parent / "seeds"
HEAD_END = "Uppdragstagare:"
COUNCILS = ["onkologi", "primarvard"]
FIELD_LABELS = (
    "Datum",
    "Diarienummer",
    "Ansvarsområde",
    "Uppdragsgivare",
    "Uppdragstagare",
    "Ordförande",
    "Deltagare",
    "Adjungerande deltagare",
    "Mötesfrekvens",
    "Undergrupper",
    "Datum för beslut",
)


@pytest.fixture(scope="module")
def workspace() -> Workspace:
    return Workspace(REPO)


@pytest.fixture(scope="module")
def settings(workspace: Workspace) -> Settings:
    return workspace.load_settings()


@pytest.fixture(scope="module")
def library(workspace: Workspace) -> Library:
    return workspace.load_library()


@pytest.fixture(scope="module")
def template(workspace: Workspace) -> CompiledTemplate:
    return CompiledTemplate.load(workspace.template_path)


# -- rendering and comparing ---------------------------------------------------------------------


def _render(
    path: Path,
    stamp: Stamp,
    library: Library,
    settings: Settings,
    template: CompiledTemplate,
    out: Path,
) -> Path:
    mandate = load_mandate(path, library, settings)
    out.write_bytes(render_docx(template, mandate, settings, stamp))
    return out


def _split_head(lines: list[str]) -> tuple[list[str], list[str]]:
    for i, line in enumerate(lines):
        if line.startswith(HEAD_END):
            return lines[: i + 1], lines[i + 1 :]
    return [], lines


def _assert_same_as_seed(docx: Path, council: str) -> None:
    seed_text = (SEEDS / f"{council}.txt").read_text(encoding="utf-8")
    expected_head, expected_body = _split_head(normalise_seed(seed_text))
    actual_head, actual_body = _split_head(normalise_lines(docx_lines(docx)))
    assert sorted(actual_head) == sorted(expected_head), "\n".join(
        difflib.unified_diff(
            sorted(expected_head), sorted(actual_head), "seed", "docx", lineterm=""
        )
    )
    assert actual_body == expected_body, "\n".join(
        difflib.unified_diff(expected_body, actual_body, "seed", "docx", lineterm="", n=2)
    )
    links = [(" ".join(t.split()), url) for t, url in docx_hyperlinks(docx)]
    assert links == seed_links(seed_text)


def _clause_ids(node: Any) -> set[str]:
    """Every ``klausul: id`` in a council file, and the ids of its own clause versions."""
    found: set[str] = set()
    if isinstance(node, dict):
        if isinstance(node.get("klausul"), str):
            found.add(node["klausul"])
        for k, v in node.items():
            if k == "klausuler" and isinstance(v, dict):
                found.update(v)
            found |= _clause_ids(v)
    elif isinstance(node, list):
        for v in node:
            found |= _clause_ids(v)
    return found


def _import_and_render(
    source_path: Path,
    tmp_path: Path,
    library: Library,
    settings: Settings,
    template: CompiledTemplate,
) -> tuple[dict[str, Any], Path]:
    data, report, source = import_document(source_path, library, settings)
    target = tmp_path / "data" / "councils" / f"{source_path.stem}.yaml"
    write_council(data, target, source)
    stamp = Stamp(source.date, source.dnr, source.decided)
    assert report.date == source.date and report.dnr == source.dnr
    docx = _render(target, stamp, library, settings, template, tmp_path / "rendered.docx")
    return data, docx


def _seed_stamp(council: str) -> tuple[dt.date, str, dt.date | None]:
    if council == "onkologi":
        return dt.date(2024, 5, 21), "RS 2024-00784", None
    return dt.date(2025, 9, 29), "RS 2025-03200", dt.date(2025, 10, 6)


# -- from the seed text ------------------------------------------------------------------------


@pytest.mark.parametrize("council", COUNCILS)
def test_seed_text_round_trips(
    council: str, tmp_path: Path, library: Library, settings: Settings, template: CompiledTemplate
) -> None:
    source = read_text(SEEDS / f"{council}.txt", settings=settings, library=library)
    assert (source.date, source.dnr, source.decided) == _seed_stamp(council)
    data, docx = _import_and_render(SEEDS / f"{council}.txt", tmp_path, library, settings, template)
    _assert_same_as_seed(docx, council)
    hand_written = load_yaml(REPO / "data" / "councils" / f"{council}.yaml").data
    missing = _clause_ids(hand_written) - _clause_ids(data)
    assert not missing, f"clauses of the hand-written file not recognised: {sorted(missing)}"


def test_seed_import_matches_the_hand_written_structure(
    library: Library, settings: Settings
) -> None:
    source = read_text(SEEDS / "onkologi.txt", settings=settings, library=library)
    data, report = to_council(source, library, settings)
    hand_written = load_yaml(REPO / "data" / "councils" / "onkologi.yaml").data
    assert list(data["avsnitt"]) == list(hand_written["avsnitt"])
    assert list(data["avsnitt"]["beslutsordning"]["underavsnitt"]) == [
        "rapportering",
        "beslutsfattande",
    ]
    # Two bullet lists stay two lists; the fields are fields; the link's own address is kept.
    blocks = data["avsnitt"]["uppdragsbeskrivning"]
    assert [len(b["punkter"]) for b in blocks if isinstance(b, dict) and "punkter" in b] == [3, 5]
    assert blocks[0]["stycke"][-1] == {"klausul": "uppdragsbeskrivning.beakta-konsekvenser"}
    fields = [
        b["fält"]
        for b in data["avsnitt"]["arbetsorganisation"]
        if isinstance(b, dict) and "fält" in b
    ]
    assert fields == [
        "Ordförande",
        "Deltagare",
        "Adjungerande deltagare",
        "Mötesfrekvens",
        "Undergrupper",
    ]
    assert "http://vregion.se" in data["klausuler"]["kommunikation.rutin"]
    assert report.overridden == ["kommunikation.rutin"]
    assert "uppdragsgivare" not in data  # the settings' signatory
    assert "samband.standard" in report.clauses
    assert any("4 – 8 ggr/år" in text for text in report.own)
    assert report.lines()


def test_written_file_is_in_the_hand_written_style(
    tmp_path: Path, library: Library, settings: Settings
) -> None:
    data, _report, source = import_document(SEEDS / "primarvard.txt", library, settings)
    target = write_council(data, tmp_path / "primarvard.yaml", source)
    text = target.read_text(encoding="utf-8")
    assert text.startswith(
        "# Samordningsråd primärvård, importerad från primarvard.txt "
        "(RS 2025-03200, 2025-09-29, beslutad\n# 2025-10-06)."
    )
    assert ">-\n" in text and "rader:\n" in text
    assert max(len(line) for line in text.splitlines()) <= 100
    assert "\n\navsnitt:\n  syfte:\n" in text and "\n\n  samband:\n" in text
    assert load_yaml(target).data == data


# -- from .docx files built like Word's -----------------------------------------------------------


def _runs(paragraph: Any, text: str) -> None:
    """Text with markdown links as real hyperlinks and line breaks as ``w:br``."""
    pos = 0
    for m in re.finditer(r"\[((?:[^\]\\]|\\.)*)\]\(([^)\s]*)\)", text):
        _plain_runs(paragraph, text[pos : m.start()])
        rid = paragraph.part.relate_to(m.group(2), RT.HYPERLINK, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), rid)
        run = OxmlElement("w:r")
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = re.sub(r"\\(.)", r"\1", m.group(1))
        run.append(t)
        link.append(run)
        paragraph._p.append(link)
        pos = m.end()
    _plain_runs(paragraph, text[pos:])


def _plain_runs(paragraph: Any, text: str) -> None:
    for i, line in enumerate(text.split("\n")):
        if i:
            paragraph.add_run().add_break()
        if line:
            paragraph.add_run(line)


def _fill(paragraph: Any, text: str) -> None:
    """A ``Label: text`` paragraph gets its label as a bold run of its own, as Word users do."""
    for label in sorted(FIELD_LABELS, key=len, reverse=True):
        if text.startswith(label + ": "):
            paragraph.add_run(label + ":").bold = True
            _runs(paragraph, " " + text[len(label) + 2 :])
            return
    _runs(paragraph, text)


def _seed_blocks(council: str, library: Library) -> list[tuple[str, str, int]]:
    """The seed as (kind, text, list number): title, head, heading1/2, bullet, plain.

    This reads the seed on its own terms (not with the importer), so that the test does not share
    the importer's mistakes.
    """
    titles = set(library.titles.values()) | {"Uppdraget skickas till"}
    blocks: list[tuple[str, str, int]] = []
    text = (SEEDS / f"{council}.txt").read_text(encoding="utf-8")
    in_head = True
    lists = 0
    for group in re.split(r"\n\s*\n", text.strip()):
        lines = group.split("\n")
        if lines[0].startswith("- "):
            lists += 1
            blocks.extend(("bullet", line[2:], lists) for line in lines)
        elif group.startswith("**"):
            blocks.append(("title", group.replace("**", ""), 0))
        elif in_head:
            blocks.append(("head", group, 0))
            in_head = not group.startswith(HEAD_END)
        elif group in titles:
            level = 2 if group in ("Rapportering", "Beslutsfattande") else 1
            blocks.append((f"heading{level}", group, 0))
        else:
            blocks.append(("plain", group, 0))
    return blocks


def _new_list(doc: Any, number: int) -> str:
    """A numbering instance of its own for the n-th list, as Word gives each new list."""
    numbering = doc.part.numbering_part.element
    abstract = doc.styles["List Bullet"].element.pPr.numPr.numId.val
    first = next(n for n in numbering.findall(qn("w:num")) if n.get(qn("w:numId")) == str(abstract))
    num_id = str(100 + number)
    num = parse_xml(
        f'<w:num xmlns:w="{qn("w:num").split("}")[0][1:]}" w:numId="{num_id}">'
        f'<w:abstractNumId w:val="{first.find(qn("w:abstractNumId")).get(qn("w:val"))}"/>'
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
    )
    numbering.append(num)
    return num_id


def _bullet(doc: Any, container: Any, text: str, list_number: int, direct_numbering: bool) -> None:
    paragraph = container.add_paragraph(style="List Bullet")
    if direct_numbering:
        ppr = paragraph._p.get_or_add_pPr()
        num_pr = OxmlElement("w:numPr")
        ilvl = OxmlElement("w:ilvl")
        ilvl.set(qn("w:val"), "0")
        num_id = OxmlElement("w:numId")
        num_id.set(qn("w:val"), _list_ids(doc).setdefault(list_number, _new_list(doc, list_number)))
        num_pr.append(ilvl)
        num_pr.append(num_id)
        ppr.append(num_pr)
    _runs(paragraph, text)


def _list_ids(doc: Any) -> dict[int, str]:
    if not hasattr(doc, "_test_lists"):
        doc._test_lists = {}
    return doc._test_lists


def _head_in_body(doc: Any, head: list[tuple[str, str, int]]) -> None:
    for kind, text, _n in head:
        if kind == "title":
            _runs(doc.add_paragraph(style="Title"), text)
        else:
            _fill(doc.add_paragraph(), text)


def _head_in_table(doc: Any, head: list[tuple[str, str, int]]) -> None:
    """Title above; the head lines in a two-column table, label and value in separate cells."""
    rows = [(kind, text) for kind, text, _n in head if kind != "title"]
    for kind, text, _n in head:
        if kind == "title":
            _runs(doc.add_paragraph(style="Title"), text)
    table = doc.add_table(rows=len(rows), cols=2)
    for row, (_kind, text) in zip(table.rows, rows, strict=True):
        label, sep, value = text.partition(": ")
        if sep:
            row.cells[0].paragraphs[0].add_run(label + ":").bold = True
            _runs(row.cells[1].paragraphs[0], value)
        else:
            _runs(row.cells[0].paragraphs[0], text)


def _head_in_header(doc: Any, head: list[tuple[str, str, int]]) -> None:
    header = doc.sections[0].header
    header.paragraphs[0].text = ""
    for kind, text, _n in head:
        paragraph = header.add_paragraph(style="Title" if kind == "title" else None)
        _fill(paragraph, text)
    header.add_paragraph("Sida 1 av 3")


MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
V = "urn:schemas-microsoft-com:vml"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _head_in_text_box(doc: Any, head: list[tuple[str, str, int]]) -> None:
    """The head block in a text box, as Word saves it: a DrawingML shape and a VML fallback copy."""
    scratch = Document()
    _head_in_body(scratch, head)
    paragraphs = [copy.deepcopy(p._p) for p in scratch.paragraphs if p.text.strip()]
    anchor = doc.add_paragraph()
    xml = (
        f'<w:r xmlns:w="{W}" xmlns:mc="{MC}" xmlns:wps="{WPS}" xmlns:wp="{WP}" xmlns:a="{A}" '
        f'xmlns:v="{V}"><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor>'
        f'<a:graphic><a:graphicData uri="{WPS}"><wps:wsp><wps:txbx><w:txbxContent/></wps:txbx>'
        "</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        "<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent/></v:textbox></v:shape></w:pict>"
        "</mc:Fallback></mc:AlternateContent></w:r>"
    )
    run = etree.fromstring(xml)
    for box in run.iter(f"{{{W}}}txbxContent"):
        for p in paragraphs:
            box.append(copy.deepcopy(p))
    anchor._p.append(run)


HEADS: dict[str, Callable[[Any, list[tuple[str, str, int]]], None]] = {
    "body": _head_in_body,
    "table": _head_in_table,
    "header": _head_in_header,
    "textbox": _head_in_text_box,
}


def _build_docx(
    council: str, library: Library, target: Path, *, head: str = "body", swedish: bool = False
) -> Path:
    """A .docx of the seed, laid out as Word writes one."""
    doc = Document()
    blocks = _seed_blocks(council, library)
    head_blocks = [b for b in blocks if b[0] in ("title", "head")]
    HEADS[head](doc, head_blocks)
    for kind, text, list_number in blocks:
        if kind in ("title", "head"):
            continue
        if kind.startswith("heading"):
            doc.add_paragraph(text, style=f"Heading {kind[-1]}")
        elif kind == "bullet":
            _bullet(doc, doc, text, list_number, direct_numbering=not swedish)
        else:
            _fill(doc.add_paragraph(), text)
    doc.save(target)
    if swedish:
        _swedish_style_ids(target)
    return target


SWEDISH_IDS = {
    "Heading1": "Rubrik1",
    "Heading2": "Rubrik2",
    "ListBullet": "Punktlista",
    "Title": "Rubrik",
}


def _swedish_style_ids(path: Path) -> None:
    """Style ids as Swedish Word saves them; the names stay "heading 1", "List Bullet"."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    for name in ("word/styles.xml", "word/document.xml", "word/header1.xml", "word/header2.xml"):
        if name not in parts:
            continue
        root = etree.fromstring(parts[name])
        for el in root.iter():
            for attr in ("styleId", "val"):
                value = el.get(qn(f"w:{attr}"))
                if value in SWEDISH_IDS and el.tag in (
                    qn("w:style"),
                    qn("w:pStyle"),
                    qn("w:basedOn"),
                    qn("w:next"),
                    qn("w:link"),
                ):
                    el.set(qn(f"w:{attr}"), SWEDISH_IDS[value])
        parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    assert b'w:styleId="Rubrik1"' in parts["word/styles.xml"]
    assert b"Heading1" not in parts["word/document.xml"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, blob in parts.items():
            archive.writestr(name, blob)


DOCX_CASES = [
    pytest.param(council, head, swedish, id=f"{council}-{head}-{'sv' if swedish else 'en'}")
    for council in COUNCILS
    for head, swedish in (("body", False), ("table", True), ("header", False), ("textbox", True))
]


@pytest.mark.parametrize(("council", "head", "swedish"), DOCX_CASES)
def test_docx_round_trips(
    council: str,
    head: str,
    swedish: bool,
    tmp_path: Path,
    library: Library,
    settings: Settings,
    template: CompiledTemplate,
) -> None:
    built = _build_docx(council, library, tmp_path / f"{council}.docx", head=head, swedish=swedish)
    source = read_docx(built, settings=settings, library=library)
    assert (source.date, source.dnr, source.decided) == _seed_stamp(council)
    data, docx = _import_and_render(built, tmp_path, library, settings, template)
    _assert_same_as_seed(docx, council)
    hand_written = load_yaml(REPO / "data" / "councils" / f"{council}.yaml").data
    assert not _clause_ids(hand_written) - _clause_ids(data)


def test_docx_styles_are_recognised_by_name(
    tmp_path: Path, library: Library, settings: Settings
) -> None:
    built = _build_docx("onkologi", library, tmp_path / "onkologi.docx", head="table", swedish=True)
    source = read_docx(built, settings=settings)  # no library: headings by style alone
    headings = [(p.level, p.text) for p in source.paragraphs if p.kind == "heading"]
    assert (1, "Beslutsordning") in headings and (2, "Rapportering") in headings
    assert sum(p.kind == "bullet" for p in source.paragraphs) == 8 + 2 + 3
    assert source.council == "Samordningsråd onkologi"
    assert source.organisation == "Västra Götalandsregionen"
    assert source.signature == ["Karin Looström Muth", "Hälso- och sjukvårdsutvecklingsdirektör"]


def test_docx_text_box_is_read_once(tmp_path: Path, library: Library, settings: Settings) -> None:
    built = _build_docx("primarvard", library, tmp_path / "p.docx", head="textbox")
    source = read_docx(built, settings=settings, library=library)
    in_box = [p.text for p in source.paragraphs if p.where == "textbox"]
    assert len(in_box) == len(set(in_box)) == 8  # not the fallback copy as well


def test_docx_separate_lists_stay_separate(
    tmp_path: Path, library: Library, settings: Settings
) -> None:
    built = _build_docx("onkologi", library, tmp_path / "o.docx")
    data, _report, _source = import_document(built, library, settings)
    lists = [
        len(b["punkter"])
        for b in data["avsnitt"]["uppdragsbeskrivning"]
        if isinstance(b, dict) and "punkter" in b
    ]
    assert lists == [3, 5]


# -- what is not understood ----------------------------------------------------------------------


def _seed_variant(tmp_path: Path, council: str, edit: Callable[[str], str]) -> Path:
    path = tmp_path / f"{council}.txt"
    path.write_text(edit((SEEDS / f"{council}.txt").read_text(encoding="utf-8")), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        pytest.param(
            lambda t: t.replace(
                "Samordningsråd onkologi\n\nAnsvars",
                "Samordningsråd onkologi\n\nEn rad till\n\nAnsvars",
            ),
            "head block",
            id="extra-head-line",
        ),
        pytest.param(
            lambda t: t.replace(
                "Hälso- och sjukvårdsutvecklingsdirektör\n",
                "Hälso- och sjukvårdsutvecklingsdirektör\nVGR\n",
            ),
            "signature",
            id="signature-three-lines",
        ),
        pytest.param(lambda t: t + "\n\nBilagor\n\n- Bilaga 1\n", None, id="after-distribution"),
        pytest.param(
            lambda t: t.replace("Uppdragstagare: Ordförande, samordningsråd onkologi\n", ""),
            "Uppdragstagare",
            id="no-recipient",
        ),
    ],
)
def test_content_not_understood_is_an_error_and_nothing_is_written(
    edit: Callable[[str], str],
    message: str | None,
    tmp_path: Path,
    library: Library,
    settings: Settings,
) -> None:
    path = _seed_variant(tmp_path, "onkologi", edit)
    if message is None:  # an own heading after the distribution list
        path.write_text(
            path.read_text(encoding="utf-8").replace("Bilagor", "# Bilagor"), encoding="utf-8"
        )
    target = tmp_path / "out.yaml"
    with pytest.raises(DataError) as caught:
        data, _report, source = import_document(path, library, settings)
        write_council(data, target, source)
    assert not target.exists()
    problems = caught.value.problems
    assert problems and all(p.file.endswith("onkologi.txt") for p in problems)
    text = str(caught.value)
    if message:
        assert message in text
    assert any(p.field.startswith("paragraph") for p in problems) or message == "Uppdragstagare"


def test_colon_in_a_sentence_is_not_a_field(
    tmp_path: Path, library: Library, settings: Settings
) -> None:
    def edit(text: str) -> str:
        return text.replace(
            "Till stöd för samordningsråden tillhandahåller",
            "Gruppen ska särskilt beakta följande: kvalitet och tillgänglighet.\n\n"
            "Kontaktperson: Anna Andersson.\n\n"
            "Till stöd för samordningsråden tillhandahåller",
        )

    data, _report, _source = import_document(
        _seed_variant(tmp_path, "onkologi", edit), library, settings
    )
    blocks = data["avsnitt"]["arbetsorganisation"]
    assert "Gruppen ska särskilt beakta följande: kvalitet och tillgänglighet." in blocks
    assert "Kontaktperson: Anna Andersson." in blocks  # a label, but not one the library knows


def test_part_of_a_multi_paragraph_clause_is_own_text_with_a_note(
    tmp_path: Path, library: Library, settings: Settings
) -> None:
    def edit(text: str) -> str:
        return text.replace(
            "Klinisk ledning ska omhänderta frågor som rör förändrade arbetssätt och processer i "
            "flera verksamhetsområden och därför inte kan hanteras av ett enskilt "
            "samordningsråd.\n\n",
            "",
        )

    data, report, _source = import_document(
        _seed_variant(tmp_path, "onkologi", edit), library, settings
    )
    assert "samband.standard" not in report.clauses
    assert len(data["avsnitt"]["samband"]) == 3
    assert any("samband.standard" in note for note in report.notes)


def test_existing_target_is_refused(tmp_path: Path, library: Library, settings: Settings) -> None:
    data, _report, source = import_document(SEEDS / "onkologi.txt", library, settings)
    target = tmp_path / "onkologi.yaml"
    target.write_text("namn: hand-written\n", encoding="utf-8")
    with pytest.raises(UsageError, match="-o"):
        write_council(data, target, source)
    assert target.read_text(encoding="utf-8") == "namn: hand-written\n"


def test_not_a_word_file(tmp_path: Path, library: Library) -> None:
    path = tmp_path / "x.docx"
    path.write_text("not a zip", encoding="utf-8")
    with pytest.raises(DataError, match="docx"):
        read_docx(path)


# -- a new council ---------------------------------------------------------------------------------


def test_new_council_validates_renders_and_lists_what_to_fill_in(
    tmp_path: Path, library: Library, settings: Settings, template: CompiledTemplate
) -> None:
    text = new_council("kirurgi", "Samordningsråd kirurgi", library)
    path = tmp_path / "kirurgi.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = load_yaml(path)
    assert validate(loaded, COUNCIL_SCHEMA) == []
    mandate = build_mandate(loaded, library, settings)
    docx = tmp_path / "kirurgi.docx"
    docx.write_bytes(render_docx(template, mandate, settings, Stamp(dt.date(2026, 1, 5), None)))
    assert any("Syfte med uppdraget" == line for line in docx_lines(docx))
    unfilled = find_unfilled(loaded.data)
    fields = [f for f, _line in unfilled]
    assert "ansvarsområde" in fields and "uppdragstagare" in fields
    assert any(f.startswith("avsnitt.uppdragsbeskrivning") for f in fields)
    assert any(f.startswith("avsnitt.arbetsorganisation") for f in fields)
    lines = text.splitlines()
    for field_path, line in unfilled:
        assert line is not None and MARKER in lines[line - 1], field_path
    # The clauses both councils share are all referenced.
    shared = set.intersection(
        *(_clause_ids(load_yaml(REPO / "data" / "councils" / f"{c}.yaml").data) for c in COUNCILS)
    ) - {"kommunikation.rutin"}
    assert shared <= _clause_ids(loaded.data) | {"kommunikation.rutin"}
    assert mandate.name == "Samordningsråd kirurgi"


def test_imported_council_has_nothing_to_fill_in(library: Library, settings: Settings) -> None:
    data, _report, _source = import_document(SEEDS / "onkologi.txt", library, settings)
    assert find_unfilled(data) == []


def test_council_id_from_the_name() -> None:
    assert suggest_council_id("Samordningsråd primärvård") == "primarvard"
    assert suggest_council_id("Samordningsråd för Ögon och ÖNH") == "ogon-och-onh"


def test_new_council_file_is_never_overwritten(tmp_path: Path, library: Library) -> None:
    path = tmp_path / "kirurgi.yaml"
    write_new_file(path, new_council("kirurgi", "Samordningsråd kirurgi", library))
    with pytest.raises(UsageError):
        write_new_file(path, "namn: x\n")
    assert MARKER in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("bad", ["Onkologi", "../x", "", "a b"])
def test_new_council_refuses_a_bad_id(bad: str, library: Library) -> None:
    with pytest.raises(UsageError):
        new_council(bad, "Samordningsråd x", library)
