"""Read a ``.docx`` as Word saves it, Swedish or English, into a :class:`~.source.Source`.

The package's XML is walked directly, so that text in tables, text boxes, content controls,
tracked insertions and the page header is read where it stands.  Styles count by name and outline
level, never by id: Swedish Word saves "heading 1" with the id ``Rubrik1``.  What the data format
cannot hold (a picture, a numbered or nested list, some links) becomes a note for the secretary.

This module opens the package, with limits on its size and on each part's, and hands its parts
to the style table (:mod:`.docx_styles`) and the walk (:mod:`.docx_walk`); a damaged or
foreign file becomes a clear problem rather than a traceback.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from generator.exceptions import DataError, Problem
from generator.i18n import _
from generator.importer.docx_styles import Styles, read_numbering
from generator.importer.docx_walk import DocxReader
from generator.importer.docx_xml import HEADER_REL, PKG_REL_NS, R_NS, parse_part, w
from generator.importer.roles import assemble_source
from generator.importer.source import Paragraph, Source
from generator.loader.messages import display_path
from generator.model import Settings
from generator.workspace import Library

MAX_DOCX_BYTES = 50_000_000
MAX_PART_BYTES = 50_000_000


def _rels(root: etree._Element | None) -> tuple[dict[str, str], dict[str, str]]:
    """(hyperlink targets, header part names) by relationship id."""
    links: dict[str, str] = {}
    headers: dict[str, str] = {}
    if root is None:
        return links, headers
    for rel in root.iter(f"{{{PKG_REL_NS}}}Relationship"):
        rid, target = rel.get("Id") or "", rel.get("Target") or ""
        if rel.get("TargetMode") == "External":
            links[rid] = target
        if rel.get("Type") == HEADER_REL:
            headers[rid] = "word/" + target.lstrip("/").removeprefix("word/")
    return links, headers


def read_docx(
    path: Path, *, settings: Settings | None = None, library: Library | None = None
) -> Source:
    """Read a ``.docx`` as Word saves it (Swedish or English Word, head block anywhere).

    ``settings`` help tell the organisation line from the council name in the head block, and
    the ``library``'s section titles recognise a title that was typed as a plain paragraph.
    """
    path = Path(path)
    display = display_path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise DataError([Problem(display, None, None, "", _("file not found"))]) from None
    if size > MAX_DOCX_BYTES:
        raise DataError(
            [
                Problem(
                    display,
                    None,
                    None,
                    "",
                    _("the file is larger than {limit} bytes").format(limit=MAX_DOCX_BYTES),
                )
            ]
        )
    parts: dict[str, etree._Element | None] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())

            def part(name: str) -> etree._Element | None:
                if name not in names:
                    return None
                if archive.getinfo(name).file_size > MAX_PART_BYTES:
                    raise DataError(
                        [
                            Problem(
                                display,
                                None,
                                None,
                                "",
                                _("the part {part} of the document is unreasonably large").format(
                                    part=name
                                ),
                            )
                        ]
                    )
                return parse_part(archive.read(name))

            document = part("word/document.xml")
            if document is None:
                raise zipfile.BadZipFile("no word/document.xml")
            parts["styles"] = part("word/styles.xml")
            parts["numbering"] = part("word/numbering.xml")
            parts["rels"] = part("word/_rels/document.xml.rels")
            links, header_rels = _rels(parts["rels"])
            body = document.find(w("body"))
            header_ids = [ref.get(f"{{{R_NS}}}id") for ref in document.iter(w("headerReference"))]
            headers = []
            for rid in dict.fromkeys(header_ids):
                name = header_rels.get(rid or "")
                if name:
                    root = part(name)
                    if root is not None:
                        headers.append(root)
    except (zipfile.BadZipFile, KeyError, OSError):
        raise DataError(
            [
                Problem(
                    display,
                    None,
                    None,
                    "",
                    _(
                        "the file is not a Word document (.docx); open it in Word and save it "
                        "as .docx"
                    ),
                )
            ]
        ) from None
    except etree.XMLSyntaxError as err:
        raise DataError(
            [
                Problem(
                    display,
                    None,
                    None,
                    "",
                    _("the Word document is damaged: {error}").format(error=err),
                )
            ]
        ) from None
    reader = DocxReader(
        display, Styles.read(parts["styles"]), links, read_numbering(parts["numbering"])
    )
    paragraphs = _with_lists(list(reader.walk(body, "body"))) if body is not None else []
    header_paragraphs: list[Paragraph] = []
    for root in headers:
        reader.count = 0
        header_paragraphs.extend(reader.walk(root, "header"))
    return assemble_source(
        path, display, paragraphs, header_paragraphs, settings, library, reader.notes
    )


def _with_lists(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """``new_list`` where a bullet starts a list: after other text, or with a new numbering."""
    previous: Paragraph | None = None
    for paragraph in paragraphs:
        if paragraph.kind == "bullet":
            paragraph.new_list = (
                previous is None
                or previous.kind != "bullet"
                or previous.list_id != paragraph.list_id
            )
        previous = paragraph
    return paragraphs
