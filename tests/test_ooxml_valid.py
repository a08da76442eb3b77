"""Every document opens in Word without repair: Microsoft's Open XML SDK validator finds no error
in any kind of file the product writes (issued, draft, imported, decided, re-issued, review copy),
nor in the shipped template.

The validator runs in this process (tests/ooxml_validator.py); without it these tests skip with
the reason, and fail under ``CI=true``.  What Word is known to refuse outright, a prefix named in
``mc:Ignorable`` that the part does not declare, is also checked here with lxml alone, so that it
is checked even where the validator cannot run.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from generator import __version__
from tests.conftest import REPO
from tests.every_output import KINDS, all_docx, issue_every_kind
from tests.ooxml_validator import require_validator

MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TEMPLATE = REPO / "templates" / "uppdragshandling.docx"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return issue_every_kind(tmp_path_factory.mktemp("every-kind"))


def undeclared_prefixes(docx: Path | bytes) -> list[str]:
    """``part: prefix`` for every prefix that markup compatibility names but the part does not
    declare where it is named (``mc:Ignorable``, ``mc:ProcessContent``, ``mc:MustUnderstand``,
    ``mc:Choice/@Requires``)."""
    source = io.BytesIO(docx) if isinstance(docx, bytes) else docx
    found = []
    with zipfile.ZipFile(source) as archive:
        for name in archive.namelist():
            if not name.endswith((".xml", ".rels")):
                continue
            root = etree.fromstring(archive.read(name))
            for el in root.iter():
                if not isinstance(el.tag, str):
                    continue
                named = []
                for attr in ("Ignorable", "ProcessContent", "MustUnderstand"):
                    value = el.get(f"{{{MC}}}{attr}")
                    if value:
                        named += [item.split(":")[0] for item in value.split()]
                if el.tag == f"{{{MC}}}Choice" and el.get("Requires"):
                    named += el.get("Requires", "").split()
                found += [f"{name}: {p}" for p in named if p not in el.nsmap]
    return found


def errors_of(path: Path) -> list[str]:
    return [str(finding) for finding in require_validator().errors(path)]


def test_no_file_written_has_a_validator_error(outputs: dict[str, Path]) -> None:
    """The figure of the issue: errors over every file of the workspace, every kind of output
    among them (each file is named in the failure, with its errors)."""
    root = outputs["issued"].parents[2]
    total = {str(path.relative_to(root)): errors_of(path) for path in all_docx(root)}
    assert {str(outputs[kind].relative_to(root)) for kind in KINDS} <= set(total)
    assert sum(len(errors) for errors in total.values()) == 0, total


def test_the_shipped_template_is_valid() -> None:
    assert errors_of(TEMPLATE) == []


def test_the_validator_sees_an_undeclared_ignorable_prefix(outputs: dict[str, Path]) -> None:
    """The check can fail: a review copy whose document.xml loses the w14/wp14 declarations (what
    lxml's cleanup_namespaces did) is reported, by the validator and by the lxml check."""
    review = outputs["review"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(review) as zin, zipfile.ZipFile(buffer, "w") as zout:
        for info in zin.infolist():
            blob = zin.read(info.filename)
            if info.filename == "word/document.xml":
                root = etree.fromstring(blob)
                etree.cleanup_namespaces(root)
                blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            zout.writestr(info, blob)
    broken = review.with_name("broken.docx")
    broken.write_bytes(buffer.getvalue())
    try:
        assert undeclared_prefixes(broken) == [
            "word/document.xml: w14",
            "word/document.xml: wp14",
        ]
        assert any("MC_InvalidIgnorableAttribute" in error for error in errors_of(broken))
    finally:
        broken.unlink()


@pytest.mark.parametrize("kind", KINDS)
def test_every_prefix_named_for_markup_compatibility_is_declared(
    kind: str, outputs: dict[str, Path]
) -> None:
    assert undeclared_prefixes(outputs[kind]) == []


def part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


@pytest.mark.parametrize("kind", KINDS)
def test_the_properties_name_the_product_and_claim_no_counts(
    kind: str, outputs: dict[str, Path]
) -> None:
    app = etree.fromstring(part(outputs[kind], "docProps/app.xml"))
    ns = {"ep": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"}
    assert app.findtext("ep:Application", namespaces=ns) == f"uppdrag {__version__}"
    for count in ("Pages", "Words", "Characters", "Lines", "Paragraphs"):
        assert app.find(f"ep:{count}", ns) is None, count


@pytest.mark.parametrize("kind", KINDS)
def test_settings_and_styles_are_complete(kind: str, outputs: dict[str, Path]) -> None:
    settings = etree.fromstring(part(outputs[kind], "word/settings.xml"))
    zoom = settings.find(f"{{{W}}}zoom")
    assert zoom is not None and zoom.get(f"{{{W}}}percent") == "100"
    with zipfile.ZipFile(outputs[kind]) as archive:
        names = archive.namelist()
        types = archive.read("[Content_Types].xml").decode()
        rels = archive.read("word/_rels/document.xml.rels").decode()
    # The stale copy of the styles is gone, with its relationship and content type.
    assert "word/stylesWithEffects.xml" not in names
    assert "stylesWithEffects" not in types + rels


def header_text(path: Path) -> list[str]:
    root = etree.fromstring(part(path, "word/header1.xml"))
    ns = {"w": W}
    return ["".join(p.xpath(".//w:t/text()", namespaces=ns)) for p in root.iter(f"{{{W}}}p")]


def test_the_review_copy_on_disk_is_marked_and_the_issued_document_is_not(
    outputs: dict[str, Path],
) -> None:
    # onkologi's re-issue RS 2026-00002 replaced RS 2026-00001 (the decided one).
    review, issued = outputs["review"], outputs["reissued"]
    assert header_text(review)[0] == "Granskningskopia – ändringar mot RS 2026-00001"
    # The header's own line (organisation, tab, number) follows the label unchanged.
    assert header_text(issued) == ["Västra GötalandsregionenDiarienummer: RS 2026-00002"]
    assert header_text(review)[1:] == header_text(issued)
    core = etree.fromstring(part(review, "docProps/core.xml"))
    dc = "{http://purl.org/dc/elements/1.1/}"
    assert core.findtext(f"{dc}title", "").startswith("Granskningskopia – ")
    assert core.findtext(f"{dc}subject", "").startswith(
        "Granskningskopia – ändringar mot RS 2026-00001"
    )
    for name in zipfile.ZipFile(issued).namelist():
        assert b"Granskningskopia" not in part(issued, name), name
