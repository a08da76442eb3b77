"""The comparison helpers must be right before a fidelity failure can be trusted."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.docx_text import (
    docx_hyperlinks,
    docx_lines,
    normalise_lines,
    normalise_seed,
    seed_links,
)

SEEDS = Path(__file__).parent / "seeds"


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("**Uppdragshandling för", "Uppdragshandling för"),
        ("samordningsråd**", "samordningsråd"),
        (
            "Enligt [Rutin för koncernövergripande grupper \\(vregion.se\\)](http://vregion.se).",
            "Enligt Rutin för koncernövergripande grupper (vregion.se).",
        ),
        ("- Koordinator samordningsråd", "Koordinator samordningsråd"),
        ("  Mötesfrekvens:   4 –\t8 ggr/år  ", "Mötesfrekvens: 4 – 8 ggr/år"),
        (
            "Gruppens arbete ska utgå från VGR:s styrning.",
            "Gruppens arbete ska utgå från VGR:s styrning.",
        ),
        ('”Beslutsmandat” och "raka" citat', '”Beslutsmandat” och "raka" citat'),
        ("RS 2024 – 00370", "RS 2024 – 00370"),
    ],
)
def test_normalise_seed_line(markdown: str, expected: str) -> None:
    assert normalise_seed(markdown) == [expected]


def test_normalise_seed_drops_empty_lines_and_keeps_order() -> None:
    text = "\n\n**Uppdragshandling för\nsamordningsråd**\n\n   \nDatum: 2024-05-21\n"
    assert normalise_seed(text) == ["Uppdragshandling för", "samordningsråd", "Datum: 2024-05-21"]


def test_normalise_seed_keeps_a_dash_that_is_not_a_bullet() -> None:
    assert normalise_seed("-fristående") == ["-fristående"]
    assert normalise_seed("4 - 8") == ["4 - 8"]


def test_normalise_lines_folds_like_the_seed() -> None:
    assert normalise_lines(["  a \u00a0 b ", "", "\t", "c"]) == ["a b", "c"]


def test_seed_links_keep_the_target() -> None:
    text = "Enligt [Rutin för koncernövergripande grupper \\(vregion.se\\)](https://vregion.se)."
    assert seed_links(text) == [
        ("Rutin för koncernövergripande grupper (vregion.se)", "https://vregion.se")
    ]


@pytest.mark.parametrize("name", ["onkologi", "primarvard"])
def test_seeds_normalise_without_markdown_left(name: str) -> None:
    lines = normalise_seed((SEEDS / f"{name}.txt").read_text(encoding="utf-8"))
    assert lines[0] == "Uppdragshandling för"
    assert not [line for line in lines if "**" in line or "](" in line or "\\" in line]


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
MC = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
DOCUMENT = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document {W} {R} {MC}>
  <w:body>
    <w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>
      <w:r><w:t>Uppdragshandling för</w:t><w:br/><w:t>samordningsråd</w:t></w:r></w:p>
    <w:p><w:r><w:t xml:space="preserve">Datum:</w:t><w:tab/><w:t>2024-05-21</w:t></w:r></w:p>
    <w:p><w:r><w:t xml:space="preserve">Enligt </w:t></w:r>
      <w:hyperlink r:id="rId9"><w:r><w:t>Rutin (vregion.se)</w:t></w:r></w:hyperlink>
      <w:r><w:t>.</w:t></w:r></w:p>
    <w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>
      <w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>
      <w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>
      <w:r><w:fldChar w:fldCharType="end"/></w:r>
      <w:del><w:r><w:delText>borttaget</w:delText></w:r></w:del>
      <w:ins><w:r><w:t xml:space="preserve"> infogat</w:t></w:r></w:ins></w:p>
    <w:tbl><w:tr><w:tc><w:p><w:r><w:t>i tabell</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
    <w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent>
      <w:p><w:r><w:t>i textruta</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>
      <mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>reserv</w:t></w:r></w:p></w:txbxContent>
      </w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>efter</w:t></w:r></w:p>
    <w:sectPr/>
  </w:body>
</w:document>"""
RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Id="rId9" TargetMode="External" Target="http://vregion.se"
    Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"/>
</Relationships>"""


@pytest.fixture
def small_docx(tmp_path: Path) -> Path:
    path = tmp_path / "small.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", DOCUMENT)
        archive.writestr("word/_rels/document.xml.rels", RELS)
    return path


def test_docx_lines_reads_what_word_shows(small_docx: Path) -> None:
    assert normalise_lines(docx_lines(small_docx)) == [
        "Uppdragshandling för",
        "samordningsråd",
        "Datum: 2024-05-21",
        "Enligt Rutin (vregion.se).",
        "1 infogat",
        "i tabell",
        "efter",
        "i textruta",
    ]


def test_docx_hyperlinks(small_docx: Path) -> None:
    assert docx_hyperlinks(small_docx) == [("Rutin (vregion.se)", "http://vregion.se")]
