"""The rendered mandate is a well-made Word document, read back from its XML.

Real heading styles, real lists (each restarting), a real hyperlink, page numbers and the diary
number in header and footer, core properties, the document language, the head block, the decision
date, data text written literally, and byte-identical output for the same input.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from tests.conftest import REPO, describe
from tests.docx_text import docx_lines

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
HYPERLINK_TYPE = R_NS + "/hyperlink"
NS = {
    "w": W_NS,
    "r": R_NS,
    "rel": PKG_REL_NS,
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}

ONKOLOGI = ["--date", "2024-05-21", "--dnr", "RS 2024-00784"]
PRIMARVARD = ["--date", "2025-09-29", "--dnr", "RS 2025-03200", "--decided", "2025-10-06"]

HEADING_1 = [
    "Syfte med uppdraget",
    "Uppdragsbeskrivning",
    "Arbetsorganisation",
    "Samband och gränsdragning till andra uppdrag/koncernövergripande grupper",
    "Kommunikation",
    "Beslutsordning",
    "Uppdraget skickas till",
]
HEADING_2 = ["Rapportering", "Beslutsfattande"]
LINK_TEXT = "Rutin för koncernövergripande grupper (vregion.se)"
PLACEHOLDER = "(ifylls av beslutsfattaren vid godkännande)"


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def text_of(el: etree._Element) -> str:
    """The visible text of a paragraph or run (w:t only: field codes are not text)."""
    return "".join(t.text or "" for t in el.iter(w("t")))


@dataclass
class Docx:
    """A rendered .docx opened for inspection; XML parts parsed on first use."""

    path: Path
    raw: dict[str, bytes] = field(default_factory=dict)
    _parsed: dict[str, etree._Element] = field(default_factory=dict)

    def __post_init__(self) -> None:
        with zipfile.ZipFile(self.path) as archive:
            self.raw = {name: archive.read(name) for name in archive.namelist()}

    def xml(self, part: str) -> etree._Element:
        if part not in self._parsed:
            self._parsed[part] = etree.fromstring(self.raw[part])
        return self._parsed[part]

    @property
    def body(self) -> etree._Element:
        return self.xml("word/document.xml").find(w("body"))

    def paragraphs(self) -> list[etree._Element]:
        return list(self.body.iter(w("p")))

    def rels(self) -> dict[str, etree._Element]:
        root = self.xml("word/_rels/document.xml.rels")
        return {rel.get("Id"): rel for rel in root.findall("rel:Relationship", NS)}

    def style_name(self, style_id: str) -> str | None:
        for style in self.xml("word/styles.xml").findall("w:style", NS):
            if style.get(w("styleId")) == style_id:
                name = style.find("w:name", NS)
                return None if name is None else name.get(w("val"))
        return None

    def paragraph_style(self, p: etree._Element) -> str | None:
        ps = p.find("w:pPr/w:pStyle", NS)
        return None if ps is None else self.style_name(ps.get(w("val")))

    def referenced_part(self, kind: str) -> etree._Element:
        """The header or footer that the body's section properties point at."""
        refs = self.body.findall(f"w:sectPr/w:{kind}Reference", NS)
        assert refs, f"the section has no {kind}"
        default = [r for r in refs if r.get(w("type")) == "default"] or refs
        target = self.rels()[default[0].get(f"{{{R_NS}}}id")].get("Target")
        return self.xml("word/" + target)


def _render(root: Path, council: str, options: list[str], out: str, register: str) -> Path:
    from generator.cli import main

    target = root / out
    args = ["render", council, *options, "-o", str(target), "--register", str(root / register)]
    result = CliRunner().invoke(main, args, env={"LANGUAGE": "en"})
    assert result.exit_code == 0, describe(args, result)
    assert target.is_file(), describe(args, result)
    return target


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Docx]:
    """onkologi and primärvård rendered once through the CLI, for the read-only checks."""
    root = tmp_path_factory.mktemp("structure")
    for name in ("data", "templates"):
        shutil.copytree(REPO / name, root / name)
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        mp.delenv("UPPDRAG_REGISTER", raising=False)
        return {
            "onkologi": Docx(_render(root, "onkologi", ONKOLOGI, "onkologi.docx", "r.sqlite")),
            "primarvard": Docx(
                _render(root, "primarvard", PRIMARVARD, "primarvard.docx", "r.sqlite")
            ),
        }


COUNCILS = ["onkologi", "primarvard"]


def _sections(doc: Docx) -> dict[str, list[etree._Element]]:
    """Body paragraphs grouped under the level-1 heading they follow."""
    groups: dict[str, list[etree._Element]] = {"": []}
    current = ""
    for p in doc.paragraphs():
        if (doc.paragraph_style(p) or "").lower() == "heading 1":
            current = text_of(p)
            groups[current] = []
        else:
            groups[current].append(p)
    return groups


def _num_id(p: etree._Element) -> str | None:
    num = p.find("w:pPr/w:numPr/w:numId", NS)
    return None if num is None else num.get(w("val"))


def _lists(paragraphs: list[etree._Element]) -> list[tuple[str, int]]:
    """Runs of consecutive list paragraphs: (numId, number of items)."""
    runs: list[tuple[str, int]] = []
    previous = None
    for p in paragraphs:
        num = _num_id(p)
        if num is not None and previous is not None and num == runs[-1][0]:
            runs[-1] = (num, runs[-1][1] + 1)
        elif num is not None:
            runs.append((num, 1))
        previous = num
    return runs


# -- headings -----------------------------------------------------------------------------------


@pytest.mark.parametrize("council", COUNCILS)
def test_section_titles_use_real_heading_styles(rendered: dict[str, Docx], council: str) -> None:
    doc = rendered[council]
    headings = {
        text_of(p): (doc.paragraph_style(p) or "").lower()
        for p in doc.paragraphs()
        if (doc.paragraph_style(p) or "").lower().startswith("heading")
    }
    expected = {title: "heading 1" for title in HEADING_1}
    expected |= {title: "heading 2" for title in HEADING_2}
    # Exactly these paragraphs are headings, each with its level, and no body text is one.
    assert headings == expected


def test_heading_style_is_looked_up_by_id_not_by_guess(rendered: dict[str, Docx]) -> None:
    """The pStyle value names a style that exists in styles.xml (a dangling id shows as Normal)."""
    doc = rendered["onkologi"]
    for p in doc.paragraphs():
        ps = p.find("w:pPr/w:pStyle", NS)
        if ps is not None:
            assert doc.style_name(ps.get(w("val"))) is not None, ps.get(w("val"))


# -- lists --------------------------------------------------------------------------------------


@pytest.mark.parametrize("council", COUNCILS)
def test_bullets_are_real_restarting_list_paragraphs(
    rendered: dict[str, Docx], council: str
) -> None:
    doc = rendered[council]
    numbering = doc.xml("word/numbering.xml")
    nums = {n.get(w("numId")): n for n in numbering.findall("w:num", NS)}
    abstracts = {a.get(w("abstractNumId")): a for a in numbering.findall("w:abstractNum", NS)}
    list_paragraphs = [p for p in doc.paragraphs() if _num_id(p) is not None]
    assert list_paragraphs
    for p in list_paragraphs:
        assert (doc.paragraph_style(p) or "").lower() == "list bullet", text_of(p)
        assert p.find("w:pPr/w:numPr/w:ilvl", NS).get(w("val")) == "0"
        assert not text_of(p).lstrip().startswith(("•", "-", "–", "*")), text_of(p)
        num = nums.get(_num_id(p))
        assert num is not None, f"numId {_num_id(p)} is not in numbering.xml"
        abstract = abstracts[num.find("w:abstractNumId", NS).get(w("val"))]
        level0 = abstract.find("w:lvl[@w:ilvl='0']", NS)
        assert level0.find("w:numFmt", NS).get(w("val")) == "bullet"
        start = num.find("w:lvlOverride[@w:ilvl='0']/w:startOverride", NS)
        assert start is not None and start.get(w("val")) == "1", _num_id(p)
    runs = _lists(doc.paragraphs())
    numbers = [num for num, _count in runs]
    assert len(numbers) == len(set(numbers)), f"two lists share a numbering instance: {runs}"


def test_onkologi_lists_each_have_their_own_numbering(rendered: dict[str, Docx]) -> None:
    sections = _sections(rendered["onkologi"])
    description = _lists(sections["Uppdragsbeskrivning"])
    distribution = _lists(sections["Uppdraget skickas till"])
    assert [count for _num, count in description] == [3, 5]
    assert [count for _num, count in distribution] == [3]
    ids = [num for num, _count in description + distribution]
    assert len(set(ids)) == 3


def test_primarvard_lists(rendered: dict[str, Docx]) -> None:
    sections = _sections(rendered["primarvard"])
    description = _lists(sections["Uppdragsbeskrivning"])
    distribution = _lists(sections["Uppdraget skickas till"])
    assert [count for _num, count in description] == [11]
    assert [count for _num, count in distribution] == [4]
    assert description[0][0] != distribution[0][0]


# -- hyperlink ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("council", "target"), [("onkologi", "http://vregion.se"), ("primarvard", "https://vregion.se")]
)
def test_kommunikation_link_is_a_real_hyperlink(
    rendered: dict[str, Docx], council: str, target: str
) -> None:
    doc = rendered[council]
    paragraphs = _sections(doc)["Kommunikation"]
    links = [link for p in paragraphs for link in p.iter(w("hyperlink"))]
    assert len(links) == 1
    link = links[0]
    assert text_of(link) == LINK_TEXT
    rel = doc.rels()[link.get(f"{{{R_NS}}}id")]
    assert rel.get("Type") == HYPERLINK_TYPE
    assert rel.get("TargetMode") == "External"
    assert rel.get("Target") == target
    # The sentence reads on around the link, and the markdown is gone.
    assert text_of(paragraphs[0]) == f"Enligt {LINK_TEXT}."


# -- header and footer --------------------------------------------------------------------------


def _tokens(part: etree._Element) -> list[str]:
    """Visible text and fields of a header/footer, in order; a field as ``FIELD:<instr>``."""
    tokens: list[str] = []
    instr: list[str] | None = None
    in_result = False
    for el in part.iter(w("t"), w("instrText"), w("fldChar"), w("fldSimple")):
        if el.tag == w("fldSimple"):
            tokens.append("FIELD:" + el.get(w("instr"), "").split()[0])
            continue
        if el.tag == w("fldChar"):
            kind = el.get(w("fldCharType"))
            if kind == "begin":
                instr, in_result = [], False
            elif kind == "separate" and instr is not None:
                tokens.append("FIELD:" + "".join(instr).split()[0])
                instr, in_result = None, True
            elif kind == "end":
                if instr is not None:  # a field without a separate
                    tokens.append("FIELD:" + "".join(instr).split()[0])
                instr, in_result = None, False
            continue
        if el.tag == w("instrText") and instr is not None:
            instr.append(el.text or "")
        elif (
            el.tag == w("t") and not in_result and el.getparent().getparent().tag != w("fldSimple")
        ):
            tokens.append(el.text or "")
    return tokens


@pytest.mark.parametrize(
    ("council", "dnr"), [("onkologi", "RS 2024-00784"), ("primarvard", "RS 2025-03200")]
)
def test_header_shows_the_diary_number(rendered: dict[str, Docx], council: str, dnr: str) -> None:
    header = rendered[council].referenced_part("header")
    assert f"Diarienummer: {dnr}" in text_of(header)
    assert "UTKAST" not in text_of(header)


@pytest.mark.parametrize("council", COUNCILS)
def test_footer_has_page_x_of_y_fields(rendered: dict[str, Docx], council: str) -> None:
    tokens = _tokens(rendered[council].referenced_part("footer"))
    text = "".join(t if not t.startswith("FIELD:") else f"[{t[6:]}]" for t in tokens)
    assert re.search(r"Sida\s*\[PAGE\]\s*av\s*\[NUMPAGES\]", text), text


# -- properties and language --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("council", "name", "created"),
    [
        ("onkologi", "Samordningsråd onkologi", "2024-05-21T00:00:00Z"),
        ("primarvard", "Samordningsråd primärvård", "2025-09-29T00:00:00Z"),
    ],
)
def test_core_properties(rendered: dict[str, Docx], council: str, name: str, created: str) -> None:
    core = rendered[council].xml("docProps/core.xml")
    title = core.findtext("dc:title", namespaces=NS) or ""
    assert title.strip() and name in title
    assert core.findtext("dc:subject", namespaces=NS) == name
    assert core.findtext("dc:creator", namespaces=NS) == "Västra Götalandsregionen"
    stamp = core.find("dcterms:created", NS)
    assert stamp is not None and stamp.text == created
    assert stamp.get(f"{{{NS['xsi']}}}type") == "dcterms:W3CDTF"


@pytest.mark.parametrize("council", COUNCILS)
def test_document_language_is_swedish(rendered: dict[str, Docx], council: str) -> None:
    styles = rendered[council].xml("word/styles.xml")
    lang = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert lang is not None and lang.get(w("val")) == "sv-SE"


# -- head block and decision date ---------------------------------------------------------------


def _labelled(doc: Docx, label: str) -> etree._Element:
    found = [p for p in doc.paragraphs() if text_of(p).startswith(label)]
    assert len(found) == 1, f"{label!r}: {len(found)} paragraphs"
    return found[0]


def _is_bold(run: etree._Element) -> bool:
    b = run.find("w:rPr/w:b", NS)
    return b is not None and b.get(w("val"), "true") not in ("0", "false", "off")


@pytest.mark.parametrize(
    ("council", "lines"),
    [
        ("onkologi", ["Datum: 2024-05-21", "Diarienummer: RS 2024-00784"]),
        ("primarvard", ["Datum: 2025-09-29", "Diarienummer: RS 2025-03200"]),
    ],
)
def test_head_block_with_bold_labels(
    rendered: dict[str, Docx], council: str, lines: list[str]
) -> None:
    doc = rendered[council]
    for line in lines:
        label = line.split(":")[0] + ":"
        p = _labelled(doc, label)
        assert text_of(p) == line
        runs = [r for r in p.iter(w("r")) if text_of(r)]
        label_runs = [r for r in runs if label in text_of(r)]
        assert label_runs and all(_is_bold(r) for r in label_runs), line
        value_runs = [r for r in runs if text_of(r).strip() and label not in text_of(r)]
        assert value_runs and not any(_is_bold(r) for r in value_runs), line


def test_decided_fills_the_decision_date(rendered: dict[str, Docx]) -> None:
    doc = rendered["primarvard"]
    assert text_of(_labelled(doc, "Datum för beslut:")) == "Datum för beslut: 2025-10-06"
    assert PLACEHOLDER not in "\n".join(docx_lines(doc.path))


def test_without_decided_the_placeholder_stays(rendered: dict[str, Docx]) -> None:
    doc = rendered["onkologi"]
    assert text_of(_labelled(doc, "Datum för beslut:")) == f"Datum för beslut: {PLACEHOLDER}"


# -- literal text and determinism ---------------------------------------------------------------

SPECIAL_COUNCIL = """\
namn: "Samordningsråd {{ x }} & <w:p/>"
ansvarsområde: "Ansvar {% if true %}ja{% endif %} ]]> ”citat”"
uppdragstagare: "Ordförande & co <b>"
avsnitt:
  syfte:
    - "Text med {{ x }} och {% if x %}villkor{% endif %} och {#kommentar#}."
    - "XML <w:p/> & ]]> och ”citattecken” och 'apostrof' och \\"raka\\"."
  uppdragsbeskrivning:
    - punkter:
        - "Punkt {{ namn }} & <w:r>"
        - "{%p endfor %}"
    - "<![CDATA[ x ]]> &amp; &#x41;"
sändlista:
  - "Alla <mottagare> & {{ sändlista }}"
"""


def test_data_text_is_written_literally(workspace: Path) -> None:
    (workspace / "data" / "councils" / "special.yaml").write_text(SPECIAL_COUNCIL, "utf-8")
    doc = Docx(_render(workspace, "special", ONKOLOGI, "special.docx", "r.sqlite"))
    for name, blob in doc.raw.items():  # every XML part is well-formed
        if name.endswith((".xml", ".rels")):
            etree.fromstring(blob)
    lines = docx_lines(doc.path)
    start = lines.index("Syfte med uppdraget")
    assert lines[start : start + 3] == [
        "Syfte med uppdraget",
        "Text med {{ x }} och {% if x %}villkor{% endif %} och {#kommentar#}.",
        "XML <w:p/> & ]]> och ”citattecken” och 'apostrof' och \"raka\".",
    ]
    start = lines.index("Uppdragsbeskrivning")
    assert lines[start + 1 : start + 4] == [
        "Punkt {{ namn }} & <w:r>",
        "{%p endfor %}",
        "<![CDATA[ x ]]> &amp; &#x41;",
    ]
    assert "Samordningsråd {{ x }} & <w:p/>" in lines
    assert "Ansvarsområde: Ansvar {% if true %}ja{% endif %} ]]> ”citat”" in lines
    assert "Uppdragstagare: Ordförande & co <b>" in lines
    assert lines[-1] == "Alla <mottagare> & {{ sändlista }}"
    core = doc.xml("docProps/core.xml")
    assert core.findtext("dc:subject", namespaces=NS) == "Samordningsråd {{ x }} & <w:p/>"
    assert "Samordningsråd {{ x }} & <w:p/>" in text_of(doc.referenced_part("footer"))


def test_same_input_gives_the_same_bytes(workspace: Path) -> None:
    first = _render(workspace, "onkologi", ONKOLOGI, "a/onkologi.docx", "a.sqlite")
    # Something else in between, so that no state left by one render can leak into the next.
    _render(workspace, "primarvard", PRIMARVARD, "p.docx", "p.sqlite")
    second = _render(workspace, "onkologi", ONKOLOGI, "b/onkologi.docx", "b.sqlite")
    assert first.read_bytes() == second.read_bytes()
