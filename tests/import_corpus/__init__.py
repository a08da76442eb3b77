"""A region's mandates for the batch import: Region Norrvik, a fictional organisation.

The five text exports here are in the seeds' form (``tests/seeds``): the same head block, sections
and distribution list, with their own shared texts, own paragraphs inserted in the middle of shared
ones (rehabilitering's Samband), dropped bullets, paragraphs joined in one council and apart in the
others (barn's Beslutsfattande) and near-variants (psykiatri's wordings, every council's Syfte).
:func:`build_docx` saves one as Word would: the head block in the body or in a table, English or
Swedish style ids (``Rubrik1``), hyperlinks and bold field labels as runs of their own.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docx import Document

from tests.test_import import _bullet, _fill, _runs, _swedish_style_ids

CORPUS = Path(__file__).parent
COUNCILS = ("barn", "diabetes", "hjarta", "psykiatri", "rehabilitering")
#: How each is saved as Word: where its head block stands, and whether its style ids are Swedish.
LAYOUT = {
    "barn": ("body", False),
    "diabetes": ("table", True),
    "hjarta": ("body", False),
    "psykiatri": ("table", True),
    "rehabilitering": ("body", True),
}
SETTINGS = """\
organisation: Region Norrvik
diarieserie: RN
dokumenttitel: "Uppdragshandling för\\nsamordningsråd"
dokumenttyp: Uppdragshandling
undertecknare:
  namn: Anna Berglund
  titel: Hälso- och sjukvårdsdirektör
datumformat: iso
"""
#: A library with no clauses yet: only the section titles.
EMPTY_LIBRARY = """\
# Klausulbiblioteket för Region Norrvik: ännu inga klausuler.
avsnitt:
  syfte: Syfte med uppdraget
  uppdragsbeskrivning: Uppdragsbeskrivning
  arbetsorganisation: Arbetsorganisation
  samband: Samband och gränsdragning till andra uppdrag/koncernövergripande grupper
  kommunikation: Kommunikation
  beslutsordning: Beslutsordning
  rapportering: Rapportering
  beslutsfattande: Beslutsfattande
klausuler: {}
"""
TITLES = {
    "Syfte med uppdraget": 1,
    "Uppdragsbeskrivning": 1,
    "Arbetsorganisation": 1,
    "Samband och gränsdragning till andra uppdrag/koncernövergripande grupper": 1,
    "Kommunikation": 1,
    "Barnrättsperspektiv": 1,
    "Beslutsordning": 1,
    "Rapportering": 2,
    "Beslutsfattande": 2,
    "Uppdraget skickas till": 1,
}
HEAD_END = "Uppdragstagare:"


def blocks(council: str) -> list[tuple[str, str, int]]:
    """The text export as (kind, text, list number), read on its own terms (not by the importer
    under test): title, head, heading1/2, bullet, plain."""
    out: list[tuple[str, str, int]] = []
    in_head = True
    lists = 0
    text = (CORPUS / f"{council}.txt").read_text("utf-8")
    for group in re.split(r"\n\s*\n", text.strip()):
        lines = group.split("\n")
        if lines[0].startswith("- "):
            lists += 1
            out.extend(("bullet", line[2:], lists) for line in lines)
        elif group.startswith("**"):
            out.append(("title", group.replace("**", ""), 0))
        elif in_head:
            out.append(("head", group, 0))
            in_head = not group.startswith(HEAD_END)
        elif group in TITLES:
            out.append((f"heading{TITLES[group]}", group, 0))
        else:
            out.append(("plain", group, 0))
    return out


def _head_in_table(doc: Any, head: list[tuple[str, str, int]]) -> None:
    """The title, then the head block in a one-column table: a line per row, as many
    organisations' templates lay it out."""
    for kind, text, _n in head:
        if kind == "title":
            _runs(doc.add_paragraph(style="Title"), text)
    rows = [text for kind, text, _n in head if kind != "title"]
    table = doc.add_table(rows=len(rows), cols=1)
    for row, text in zip(table.rows, rows, strict=True):
        _fill(row.cells[0].paragraphs[0], text)


def build_docx(council: str, target: Path, *, head: str | None = None, title: bool = True) -> Path:
    """The council's mandate saved as a .docx the way Word saves one: its head block where
    :data:`LAYOUT` puts it, or ``head`` ("header": in the page header, with a page number;
    "cells": in a table, label and value in cells of their own; "textbox": in a text box),
    without the title line if ``title`` is false (as many organisations' templates have none)."""
    from tests.test_import import _head_in_header, _head_in_text_box
    from tests.test_import import _head_in_table as _head_in_cells

    layout, swedish = LAYOUT[council]
    head = head or layout
    doc = Document()
    all_blocks = blocks(council)
    head_blocks = [b for b in all_blocks if b[0] == "head" or (title and b[0] == "title")]
    if head == "header":
        _head_in_header(doc, head_blocks)
    elif head == "cells":
        _head_in_cells(doc, head_blocks)
    elif head == "textbox":
        _head_in_text_box(doc, head_blocks)
    elif head == "table":
        _head_in_table(doc, head_blocks)
    else:
        for kind, text, _n in head_blocks:
            _runs(doc.add_paragraph(style="Title"), text) if kind == "title" else _fill(
                doc.add_paragraph(), text
            )
    for kind, text, list_number in all_blocks:
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


def make_workspace(root: Path, repo: Path, library: str = EMPTY_LIBRARY) -> Path:
    """A workspace of Region Norrvik: its settings, a library, the product's template."""
    import shutil

    (root / "data" / "councils").mkdir(parents=True)
    (root / "data" / "installningar.yaml").write_text(SETTINGS, "utf-8")
    (root / "data" / "klausuler.yaml").write_text(library, "utf-8")
    shutil.copytree(repo / "templates", root / "templates")
    return root
