"""The accessibility check: real renders pass, and each hand-broken document gives its finding.

The broken documents are made from a real render by editing its XML, one rule at a time, so
that each case shows exactly one finding and nothing else.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from generator import a11y
from generator.a11y import Finding, check_docx
from generator.exceptions import UsageError
from generator.mandate import load_mandate
from generator.render import Stamp, render_docx
from generator.template import CompiledTemplate
from generator.workspace import Workspace

REPO = Path(__file__).resolve().parents[1]
COUNCILS = ("onkologi", "primarvard")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
DC = "http://purl.org/dc/elements/1.1/"
NS = {"w": W, "r": R, "wp": WP, "dc": DC}
DOCUMENT, STYLES, CORE = "word/document.xml", "word/styles.xml", "docProps/core.xml"

Edit = Callable[[etree._Element], None]


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    workspace = Workspace(REPO)
    settings = workspace.load_settings()
    library = workspace.load_library()
    template = CompiledTemplate.load(workspace.template_path)
    folder = tmp_path_factory.mktemp("a11y")
    paths = {}
    for name in COUNCILS:
        mandate = load_mandate(workspace.councils_dir / f"{name}.yaml", library, settings)
        stamp = Stamp(dt.date(2024, 5, 21), "RS 2024-00784")
        paths[name] = folder / f"{name}.docx"
        paths[name].write_bytes(render_docx(template, mandate, settings, stamp))
    return paths


def broken(src: Path, dst: Path, edits: dict[str, Edit]) -> Path:
    """A copy of ``src`` with the XML of some parts edited."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename in edits:
                root = etree.fromstring(data)
                edits[info.filename](root)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            zout.writestr(info, data)
    return dst


def rules(findings: list[Finding]) -> list[str]:
    return [f.rule for f in findings]


def headings(root: etree._Element, style: str = "Heading1") -> list[etree._Element]:
    return root.xpath(f"//w:p[w:pPr/w:pStyle/@w:val='{style}']", namespaces=NS)


def set_style(paragraph: etree._Element, style: str) -> None:
    paragraph.find(f"{w('pPr')}/{w('pStyle')}").set(w("val"), style)


def append_paragraph(root: etree._Element, xml: str) -> None:
    body = root.find(w("body"))
    paragraph = etree.fromstring(f'<w:p xmlns:w="{W}">{xml}</w:p>')
    body.find(w("sectPr")).addprevious(paragraph)


def first_link(root: etree._Element) -> etree._Element:
    return root.find(f".//{w('hyperlink')}")


def set_link_text(root: etree._Element, text: str) -> None:
    link = first_link(root)
    runs = link.findall(f".//{w('t')}")
    runs[0].text = text
    for extra in runs[1:]:
        extra.text = ""


def add_style(root: etree._Element, xml: str) -> None:
    root.append(etree.fromstring(f'<w:style xmlns:w="{W}" w:type="paragraph" {xml}</w:style>'))


# -- the real renders pass -----------------------------------------------------------------------


@pytest.mark.parametrize("name", COUNCILS)
def test_every_rendered_council_passes(name: str, rendered: dict[str, Path]) -> None:
    assert check_docx(rendered[name]) == []


def test_the_template_passes() -> None:
    assert check_docx(REPO / "templates" / "uppdragshandling.docx") == []


# -- headings --------------------------------------------------------------------------------------


def test_a_skipped_heading_level(rendered: dict[str, Path], tmp_path: Path) -> None:
    def skip(root: etree._Element) -> None:
        set_style(headings(root)[1], "Heading3")  # level 1, then 3

    findings = check_docx(broken(rendered["onkologi"], tmp_path / "x.docx", {DOCUMENT: skip}))
    assert rules(findings) == [a11y.HEADING_ORDER]
    assert "Uppdragsbeskrivning" in findings[0].where
    assert findings[0].message and str(findings[0]).startswith(findings[0].where)


def test_a_document_that_starts_below_level_1(rendered: dict[str, Path], tmp_path: Path) -> None:
    def start_at_2(root: etree._Element) -> None:
        set_style(headings(root)[0], "Heading2")

    findings = check_docx(broken(rendered["onkologi"], tmp_path / "x.docx", {DOCUMENT: start_at_2}))
    assert rules(findings) == [a11y.HEADING_START]


def _swedish_ids(root: etree._Element) -> None:
    """As Word saved in Swedish: ids Rubrik1…, names still "heading 1"…"""
    for el in root.iter(w("style"), w("basedOn"), w("next")):
        for attr in (w("styleId"), w("val")):
            value = el.get(attr)
            if value and value.startswith("Heading"):
                el.set(attr, value.replace("Heading", "Rubrik"))


def _swedish_document(root: etree._Element) -> None:
    for style in root.iter(w("pStyle")):
        style.set(w("val"), style.get(w("val")).replace("Heading", "Rubrik"))
    set_style(headings(root, "Rubrik1")[1], "Rubrik3")


def _named_rubrik_3(root: etree._Element) -> None:
    """A style recognised only by its Swedish name: no outline level, based on Normal."""
    add_style(root, 'w:styleId="X7"><w:name w:val="Rubrik 3"/><w:basedOn w:val="Normal"/>')


def _based_on_heading_3(root: etree._Element) -> None:
    """A style with a name of its own, a heading through the style it is based on."""
    add_style(
        root, 'w:styleId="Mellan"><w:name w:val="Mellanrubrik"/><w:basedOn w:val="Heading3"/>'
    )


def _use_style(style_id: str) -> Edit:
    def edit(root: etree._Element) -> None:
        set_style(headings(root)[1], style_id)

    return edit


@pytest.mark.parametrize(
    ("styles_edit", "document_edit"),
    [
        pytest.param(_swedish_ids, _swedish_document, id="swedish-style-ids"),
        pytest.param(_named_rubrik_3, _use_style("X7"), id="named-rubrik-3"),
        pytest.param(_based_on_heading_3, _use_style("Mellan"), id="based-on-heading-3"),
    ],
)
def test_headings_are_known_by_name_and_outline_level(
    rendered: dict[str, Path], tmp_path: Path, styles_edit: Edit, document_edit: Edit
) -> None:
    edits = {STYLES: styles_edit, DOCUMENT: document_edit}
    findings = check_docx(broken(rendered["onkologi"], tmp_path / "x.docx", edits))
    assert rules(findings) == [a11y.HEADING_ORDER]


def test_a_paragraph_with_its_own_outline_level_is_a_heading(
    rendered: dict[str, Path], tmp_path: Path
) -> None:
    def outline(root: etree._Element) -> None:
        append_paragraph(root, '<w:pPr><w:outlineLvl w:val="3"/></w:pPr><w:r><w:t>Fyra</w:t></w:r>')

    findings = check_docx(broken(rendered["onkologi"], tmp_path / "x.docx", {DOCUMENT: outline}))
    assert rules(findings) == [a11y.HEADING_ORDER]


# -- lists -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("marker", ["- ", "• ", "* ", "– ", "1. ", "\t- "])
def test_a_list_typed_by_hand(rendered: dict[str, Path], tmp_path: Path, marker: str) -> None:
    def fake(root: etree._Element) -> None:
        append_paragraph(root, f'<w:r><w:t xml:space="preserve">{marker}Egen punkt</w:t></w:r>')

    findings = check_docx(broken(rendered["onkologi"], tmp_path / "x.docx", {DOCUMENT: fake}))
    assert rules(findings) == [a11y.FAKE_LIST]
    assert "Egen punkt" in findings[0].where


@pytest.mark.parametrize(
    "text", ["-5 grader", "1.5 miljoner", "2024. Beslut", "*Obs*", "Mötesfrekvens: 4 – 8 ggr/år"]
)
def test_text_that_only_looks_like_a_list_passes(
    rendered: dict[str, Path], tmp_path: Path, text: str
) -> None:
    def add(root: etree._Element) -> None:
        append_paragraph(root, f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>')

    assert check_docx(broken(rendered["onkologi"], tmp_path / "x.docx", {DOCUMENT: add})) == []


def test_a_list_through_its_style_is_a_real_list(rendered: dict[str, Path], tmp_path: Path) -> None:
    def styled(root: etree._Element) -> None:
        append_paragraph(
            root, '<w:pPr><w:pStyle w:val="ListBullet"/></w:pPr><w:r><w:t>- Punkt</w:t></w:r>'
        )

    assert check_docx(broken(rendered["onkologi"], tmp_path / "x.docx", {DOCUMENT: styled})) == []


# -- language and title ----------------------------------------------------------------------------


def _drop_language(root: etree._Element) -> None:
    lang = root.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}/{w('lang')}")
    lang.getparent().remove(lang)


def _empty_language(root: etree._Element) -> None:
    root.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}/{w('lang')}").set(w("val"), "")


@pytest.mark.parametrize("edit", [_drop_language, _empty_language], ids=["removed", "empty"])
def test_no_document_language(rendered: dict[str, Path], tmp_path: Path, edit: Edit) -> None:
    findings = check_docx(broken(rendered["onkologi"], tmp_path / "x.docx", {STYLES: edit}))
    assert rules(findings) == [a11y.LANGUAGE]


def _empty_title(root: etree._Element) -> None:
    root.find(f"{{{DC}}}title").text = "  "


def _no_title(root: etree._Element) -> None:
    root.remove(root.find(f"{{{DC}}}title"))


@pytest.mark.parametrize("edit", [_empty_title, _no_title], ids=["empty", "removed"])
def test_no_title(rendered: dict[str, Path], tmp_path: Path, edit: Edit) -> None:
    findings = check_docx(broken(rendered["onkologi"], tmp_path / "x.docx", {CORE: edit}))
    assert rules(findings) == [a11y.TITLE]


# -- links -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "klicka här",
        "Klicka här.",
        "här",
        "länk",
        "click here",
        "",
        "http://vregion.se",
        "www.vgregion.se",
        "vregion.se",
    ],
)
def test_link_texts_that_say_nothing(rendered: dict[str, Path], tmp_path: Path, text: str) -> None:
    def edit(root: etree._Element) -> None:
        set_link_text(root, text)

    findings = check_docx(broken(rendered["onkologi"], tmp_path / "x.docx", {DOCUMENT: edit}))
    assert rules(findings) == [a11y.LINK_TEXT]


def test_a_link_without_its_relationship(rendered: dict[str, Path], tmp_path: Path) -> None:
    def edit(root: etree._Element) -> None:
        first_link(root).set(f"{{{R}}}id", "rIdMissing")

    findings = check_docx(broken(rendered["onkologi"], tmp_path / "x.docx", {DOCUMENT: edit}))
    assert rules(findings) == [a11y.LINK_TARGET]
    assert "rIdMissing" in findings[0].message


def test_a_link_to_a_missing_bookmark(rendered: dict[str, Path], tmp_path: Path) -> None:
    def edit(root: etree._Element) -> None:
        link = first_link(root)
        del link.attrib[f"{{{R}}}id"]
        link.set(w("anchor"), "Saknas")

    findings = check_docx(broken(rendered["onkologi"], tmp_path / "x.docx", {DOCUMENT: edit}))
    assert rules(findings) == [a11y.LINK_TARGET]


# -- images ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("doc_pr", "expected"),
    [
        pytest.param('<wp:docPr id="1" name="Bild 1"/>', [a11y.IMAGE_ALT], id="no-alt"),
        pytest.param('<wp:docPr id="1" name="Bild 1" descr=" "/>', [a11y.IMAGE_ALT], id="blank"),
        pytest.param('<wp:docPr id="1" name="Bild 1" descr="VGR:s logotyp"/>', [], id="alt"),
        pytest.param(
            '<wp:docPr id="1" name="Bild 1"><a:extLst xmlns:a="http://schemas.openxmlformats.org/'
            'drawingml/2006/main"><a:ext uri="{C183D7F6-B498-43B3-948B-1728B52AA6E4}"><adec:'
            'decorative xmlns:adec="http://schemas.microsoft.com/office/drawing/2017/decorative" '
            'val="1"/></a:ext></a:extLst></wp:docPr>',
            [],
            id="decorative",
        ),
    ],
)
def test_images_need_alt_text(
    rendered: dict[str, Path], tmp_path: Path, doc_pr: str, expected: list[str]
) -> None:
    def edit(root: etree._Element) -> None:
        append_paragraph(
            root,
            f'<w:r><w:drawing><wp:inline xmlns:wp="{WP}"><wp:extent cx="1" cy="1"/>{doc_pr}'
            "</wp:inline></w:drawing></w:r>",
        )

    findings = check_docx(broken(rendered["onkologi"], tmp_path / "x.docx", {DOCUMENT: edit}))
    assert rules(findings) == expected


# -- input -----------------------------------------------------------------------------------------


def test_a_file_that_is_no_word_document(tmp_path: Path) -> None:
    text = tmp_path / "x.docx"
    text.write_text("hej", encoding="utf-8")
    with pytest.raises(UsageError, match="not a Word document"):
        check_docx(text)
    with pytest.raises(UsageError, match="does not exist"):
        check_docx(tmp_path / "saknas.docx")
