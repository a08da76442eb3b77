"""A template restyled in LibreOffice still works.

A secretary opens templates/uppdragshandling.docx in LibreOffice, gives the headings another font
and colour and the page other margins, and saves it as Word.  Here a real LibreOffice does exactly
that, through its own Basic (a macro in a throw-away user profile, run headless): no XML is
touched by the test.  LibreOffice writes the quotes inside the tags as ``&quot;`` and rewrites
every part; with that template both seeds must still render word for word as the fidelity test
checks, the new look must be in every document, ``uppdrag check`` must pass, and every kind of
output must still be valid for Word.

LibreOffice runs twice (profile set-up, then the macro), once for the whole module.  Without it
the tests skip with the reason, and fail under ``CI=true``.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from generator.pdf import find_soffice
from tests.conftest import REPO
from tests.docx_text import docx_hyperlinks, docx_lines, normalise_lines, normalise_seed, seed_links
from tests.every_output import KINDS, all_docx, issue_every_kind, make_workspace, run
from tests.ooxml_validator import require_validator
from tests.test_fidelity import CASES, SEEDS, _split_head
from tests.test_pdf import require_tool

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
FONT = "DejaVu Serif"
COLOUR = "005293"  # RGB(0, 82, 147)
LEFT, RIGHT = 1701, 1134  # 30 mm and 20 mm in twentieths of a point (LibreOffice: 1/100 mm)

# What a secretary does in Format › Styles and Format › Page Style, as LibreOffice Basic.
MACRO = f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Restyle"
 script:language="StarBasic">
Sub Restyle(source As String, target As String)
  Dim load(0) As New com.sun.star.beans.PropertyValue
  load(0).Name = &quot;Hidden&quot;
  load(0).Value = True
  doc = StarDesktop.loadComponentFromURL(ConvertToURL(source), &quot;_blank&quot;, 0, load())
  paragraphs = doc.StyleFamilies.getByName(&quot;ParagraphStyles&quot;)
  For Each name In Array(&quot;Heading 1&quot;, &quot;Heading 2&quot;)
    heading = paragraphs.getByName(name)
    heading.CharFontName = &quot;{FONT}&quot;
    heading.CharColor = RGB(0, 82, 147)
  Next name
  pages = doc.StyleFamilies.getByName(&quot;PageStyles&quot;)
  page = pages.getByName(doc.Text.createTextCursor().PageStyleName)
  page.LeftMargin = 3000
  page.RightMargin = 2000
  Dim store(0) As New com.sun.star.beans.PropertyValue
  store(0).Name = &quot;FilterName&quot;
  store(0).Value = &quot;MS Word 2007 XML&quot;
  doc.storeToURL(ConvertToURL(target), store())
  doc.close(True)
End Sub
</script:module>
"""


def soffice(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    program = require_tool(
        find_soffice(),
        "LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui",
    )
    return subprocess.run(
        [program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def restyle_in_libreoffice(source: Path, target: Path, profile: Path) -> None:
    """Open ``source`` in LibreOffice, restyle it with :data:`MACRO`, save it as ``target``."""
    soffice(profile, "--terminate_after_init")  # makes the profile and its Basic library
    library = profile / "user" / "basic" / "Standard"
    (library / "Restyle.xba").write_text(MACRO, encoding="utf-8")
    index = library / "script.xlb"
    text = index.read_text(encoding="utf-8")
    if 'library:name="Restyle"' not in text:
        text = text.replace(
            "</library:library>", ' <library:element library:name="Restyle"/>\n</library:library>'
        )
        index.write_text(text, encoding="utf-8")
    result = soffice(profile, f'macro:///Standard.Restyle.Restyle("{source}","{target}")')
    assert target.is_file(), (
        f"LibreOffice did not save the template:\n{result.stdout}{result.stderr}"
    )


@pytest.fixture(scope="module")
def restyled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("libreoffice")
    target = folder / "uppdragshandling.docx"
    restyle_in_libreoffice(REPO / "templates" / "uppdragshandling.docx", target, folder / "p")
    return target


def part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def heading_look(path: Path) -> dict[str, tuple[str | None, str | None]]:
    """Font and colour of the styles named Heading 1 and Heading 2."""
    styles = etree.fromstring(part(path, "word/styles.xml"))
    out = {}
    for name in ("heading 1", "heading 2"):
        [style] = styles.xpath(
            "w:style[translate(w:name/@w:val, 'H', 'h') = $name]", namespaces=NS, name=name
        )
        fonts = style.find("w:rPr/w:rFonts", NS)
        colour = style.find("w:rPr/w:color", NS)
        out[name] = (
            fonts.get(f"{{{W}}}ascii") if fonts is not None else None,
            colour.get(f"{{{W}}}val") if colour is not None else None,
        )
    return out


def margins(path: Path) -> tuple[int, int]:
    root = etree.fromstring(part(path, "word/document.xml"))
    margin = root.find("w:body/w:sectPr/w:pgMar", NS)
    return int(margin.get(f"{{{W}}}left")), int(margin.get(f"{{{W}}}right"))


@pytest.fixture(scope="module")
def seeds(restyled: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Both seeds rendered as the fidelity test renders them, with the restyled template."""
    root = make_workspace(tmp_path_factory.mktemp("seeds"), restyled)
    out = {}
    with contextlib.chdir(root):
        for case in CASES:
            council, options = case.values
            target = root / "out" / f"{council}.docx"
            run("render", council, *options, "-o", str(target), "--register", "r.sqlite")
            out[council] = target
    return out


def test_libreoffice_saved_the_new_look_and_the_quotes_as_entities(restyled: Path) -> None:
    """The template really is LibreOffice's: its styles, its margins, its way of writing quotes."""
    assert b"LibreOffice" in part(restyled, "docProps/app.xml")
    assert heading_look(restyled) == {"heading 1": (FONT, COLOUR), "heading 2": (FONT, COLOUR)}
    assert margins(restyled) == (LEFT, RIGHT)
    assert b"item.kind == &quot;heading&quot;" in part(restyled, "word/document.xml")


def test_check_accepts_the_restyled_template(restyled: Path, tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "w", restyled)
    with contextlib.chdir(root):
        assert "OK:" in run("check")


@pytest.mark.parametrize("council", [case.values[0] for case in CASES])
def test_both_seeds_render_word_for_word(council: str, seeds: dict[str, Path]) -> None:
    expected = normalise_seed((SEEDS / f"{council}.txt").read_text(encoding="utf-8"))
    actual = normalise_lines(docx_lines(seeds[council]))
    expected_head, expected_body = _split_head(expected)
    actual_head, actual_body = _split_head(actual)
    assert expected_head and sorted(actual_head) == sorted(expected_head)
    assert actual_body == expected_body
    links = [(" ".join(text.split()), url) for text, url in docx_hyperlinks(seeds[council])]
    assert links == seed_links((SEEDS / f"{council}.txt").read_text(encoding="utf-8"))


@pytest.mark.parametrize("council", [case.values[0] for case in CASES])
def test_the_documents_have_the_new_look(council: str, seeds: dict[str, Path]) -> None:
    document = seeds[council]
    assert heading_look(document) == {"heading 1": (FONT, COLOUR), "heading 2": (FONT, COLOUR)}
    assert margins(document) == (LEFT, RIGHT)
    body = etree.fromstring(part(document, "word/document.xml"))
    used = set(body.xpath("//w:pStyle/@w:val", namespaces=NS))
    assert {"Heading1", "Heading2"} <= used  # the headings are set in the restyled styles
    # No tag is left in the text.
    assert not [line for line in docx_lines(document) if re.search(r"\{[{%]|[}%]\}", line)]


@pytest.fixture(scope="module")
def outputs(restyled: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return issue_every_kind(tmp_path_factory.mktemp("every-kind-lo"), restyled)


@pytest.mark.parametrize("kind", KINDS)
def test_every_prefix_is_declared_with_the_restyled_template(
    kind: str, outputs: dict[str, Path]
) -> None:
    from tests.test_ooxml_valid import undeclared_prefixes

    assert undeclared_prefixes(outputs[kind]) == []


def test_no_file_written_with_the_restyled_template_has_a_validator_error(
    outputs: dict[str, Path],
) -> None:
    root = outputs["issued"].parents[2]
    total = {
        str(p.relative_to(root)): [str(e) for e in require_validator().errors(p)]
        for p in all_docx(root)
    }
    assert {str(outputs[kind].relative_to(root)) for kind in KINDS} <= set(total)
    assert sum(len(errors) for errors in total.values()) == 0, total
