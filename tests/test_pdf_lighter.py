"""The copy LibreOffice converts leaves out only the table styles nothing uses, and looks the same.

The issued documents carry the template's 100 built-in table styles; the conversion copy
(:mod:`generator.pdf.lighter`) drops the unused ones because reading them is a third of a
conversion.  These tests read the copy's parts back: every style a part names, and every style
those are based on, is still there, nothing but table styles is gone, every other part is the
same byte for byte, and the issued file is untouched.  Then a real LibreOffice converts both the
document and its copy, and poppler draws every page of both: the pages must be the same pixels.
"""

from __future__ import annotations

import hashlib
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from lxml import etree

from generator.pdf import Job, Pool, expected_title
from generator.pdf.lighter import conversion_copy, styles_named
from tests.test_pdf import render_councils, require_poppler, require_soffice

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def styles(path: Path) -> dict[str, str]:
    """Style id → type, read back from the document's styles.xml."""
    root = etree.fromstring(parts(path)["word/styles.xml"])
    return {s.get(f"{W}styleId"): s.get(f"{W}type") for s in root.iter(f"{W}style")}


def with_styled_table(source: Path, target: Path) -> Path:
    """``source`` with a table in a style of its own, based on a built-in table style."""
    document = docx.Document(str(source))
    own = document.styles.add_style("Rådets tabell", WD_STYLE_TYPE.TABLE)
    own.base_style = document.styles["Light Grid Accent 1"]
    table = document.add_table(rows=2, cols=2, style=own)
    for row, texts in zip(
        table.rows, (("Ledamot", "Roll"), ("Anna Berg", "Ordförande")), strict=True
    ):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    document.save(str(target))
    return target


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("issued")
    rendered = render_councils(folder)
    rendered["tabell"] = with_styled_table(rendered["onkologi"], folder / "tabell.docx")
    return rendered


@pytest.fixture(scope="module")
def copies(documents: dict[str, Path], tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("copies")
    made = {}
    for name, path in documents.items():
        before = hashlib.sha256(path.read_bytes()).hexdigest()
        assert conversion_copy(path, folder / path.name) is True
        assert hashlib.sha256(path.read_bytes()).hexdigest() == before, "the issued file changed"
        made[name] = folder / path.name
    return made


@pytest.mark.parametrize("name", ["onkologi", "primarvard", "tabell"])
def test_only_table_styles_that_nothing_needs_are_left_out(name: str, documents, copies) -> None:
    original, copy = styles(documents[name]), styles(copies[name])
    gone = set(original) - set(copy)
    assert set(copy) <= set(original)
    assert len(gone) >= 90  # the built-in table styles the mandates never use
    assert {original[sid] for sid in gone} == {"table"}
    assert {sid for sid, kind in original.items() if kind != "table"} <= set(copy)
    named = set().union(
        *(styles_named(data) for part, data in parts(documents[name]).items()
          if part.endswith(".xml") and part != "word/styles.xml")
    )  # fmt: skip
    assert named and named <= set(copy)
    assert "TableNormal" in copy  # the default table style stays


def test_a_used_table_style_keeps_the_style_it_is_based_on(copies) -> None:
    kept = styles(copies["tabell"])
    own = next(sid for sid in kept if sid.startswith("R") and kept[sid] == "table")
    assert own != "TableNormal"
    assert "LightGrid-Accent1" in kept
    assert "LightGrid-Accent2" not in kept


@pytest.mark.parametrize("name", ["onkologi", "tabell"])
def test_every_other_part_is_the_same_byte_for_byte(name: str, documents, copies) -> None:
    original, copy = parts(documents[name]), parts(copies[name])
    assert list(copy) == list(original)  # same parts, same order ([Content_Types].xml first)
    for part, data in original.items():
        if part != "word/styles.xml":
            assert copy[part] == data, part
    root = etree.fromstring(copy["word/styles.xml"])
    assert root.find(f"{W}docDefaults") is not None
    assert root.find(f"{W}latentStyles") is not None


def test_what_is_not_a_word_document_is_copied_as_it_is(tmp_path: Path) -> None:
    broken = tmp_path / "trasig.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    assert conversion_copy(broken, tmp_path / "copy.docx") is False
    assert (tmp_path / "copy.docx").read_bytes() == broken.read_bytes()


def page_images(pdf: Path, folder: Path) -> list[bytes]:
    pdftoppm = require_poppler("pdftoppm")
    folder.mkdir()
    subprocess.run([pdftoppm, "-r", "60", "-png", str(pdf), str(folder / "p")], check=True)
    return [p.read_bytes() for p in sorted(folder.glob("p-*.png"))]


def test_libreoffice_lays_out_the_copy_exactly_as_the_document(documents, tmp_path: Path) -> None:
    require_soffice()
    jobs = [Job(path, expected_title(path)) for path in documents.values()]
    made = {}
    for lighten in (False, True):
        for result in Pool(2, lighten=lighten).convert(jobs):
            assert result.data is not None, result.problem
            pdf = tmp_path / f"{result.job.source.stem}-{lighten}.pdf"
            pdf.write_bytes(result.data)
            made[result.job.source.stem, lighten] = (pdf, result.pages)
    for name in documents:
        (full, full_pages), (light, light_pages) = made[name, False], made[name, True]
        assert full_pages == light_pages >= 2
        full_images = page_images(full, tmp_path / f"{name}-full")
        light_images = page_images(light, tmp_path / f"{name}-light")
        assert len(full_images) == full_pages
        assert light_images == full_images, f"{name}: a page looks different"
