"""What an earlier issue says, wherever Word put it: the reading a re-issue compares with.

A document this product rendered holds its title, head block and text in the body, a paragraph a
line, and reads here exactly as :func:`generator.diff.document.document_paragraphs` reads it.
An imported original may be laid out otherwise: the head block in the page header, or in a table
with label and value in cells of their own, and no title line.  Compared paragraph by paragraph
with its first re-issue, every council's head would then show as changed although it says the
same.  So the earlier issue is read as a reader reads it:

- a table row whose cells hold a line each is one line, the cells joined by a space;
- a text box's lines stand where its anchor stands (read once, not with its fallback copy);
- when the page header, not the body, holds the head block (its ``Diarienummer:`` line), the page
  header's lines are read first, page numbers left out;
- the title the template puts above the head (the settings' document title) is compared only with
  a title: an earlier issue with no line above its head block is not changed for lacking it
  (:func:`comparison_ignore`).  The review copy still shows the title as added.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from generator.diff.document import DOCUMENT_PART, MC_NS, P, body_paragraphs, ignore_head, w

R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
RELS_PART = "word/_rels/document.xml.rels"
TC, TR, TXBX = w("tc"), w("tr"), w("txbxContent")
FALLBACK, ALTERNATE = f"{{{MC_NS}}}Fallback", f"{{{MC_NS}}}AlternateContent"
#: A page number typed or left by a field: "Sida 2", "Sida 1 av 3", "Page 1 of 3".
_PAGE_NUMBER = re.compile(r"(sida|page)\s*\d+(\s*(av|of)\s*\d+)?", re.IGNORECASE)
_SPACES = re.compile(r"[ \t]+")
#: The head block's line that every issue has: where it stands, the head block stands.
NUMBER_LINE = "Diarienummer:"


def said_paragraphs(docx: Path | bytes) -> list[str]:
    """The earlier issue's lines as they read, wherever they stand (see the module's notes)."""
    source = io.BytesIO(docx) if isinstance(docx, bytes) else docx
    with zipfile.ZipFile(source) as archive:
        document = _boxes_unpacked(etree.fromstring(archive.read(DOCUMENT_PART)))
        body = _rows_joined(body_paragraphs(document))
        if any(text.startswith(NUMBER_LINE) for text in body):
            return body
        headers = [
            etree.fromstring(archive.read(name)) for name in _header_parts(archive, document)
        ]
    lines: list[str] = []
    for header in headers:
        for line in _header_lines(header):
            if line not in lines:  # a first-page and a default header often repeat each other
                lines.append(line)
    if not any(line.startswith(NUMBER_LINE) for line in lines):
        return body  # the head block is not in the page header either: the body as it reads
    return lines + body


def comparison_ignore(old: list[str], new: list[str], title: str) -> Callable[[str], bool]:
    """What the comparison of ``old`` (an earlier issue) with ``new`` leaves out: the stamp
    lines, and the settings' ``title`` when the earlier issue had no title line above its head.

    An earlier issue "had a title" when a line stands above its first stamp line that the new
    document does not have (then a changed title is shown as changed); one whose head block comes
    first, or has only lines the new head has too, had none.
    """
    if title not in new or title in old:
        return ignore_head
    first = next((i for i, text in enumerate(old) if ignore_head(text)), None)
    if first is None or any(text.strip() and text not in new for text in old[:first]):
        return ignore_head
    return lambda text: ignore_head(text) or text == title


def _rows_joined(paragraphs: list[tuple[list[etree._Element], str]]) -> list[str]:
    """The texts, a table row whose cells hold one paragraph each read as one line."""
    out: list[str] = []
    i = 0
    while i < len(paragraphs):
        row = _row_of(paragraphs[i][0][0])
        j = i + 1
        while row is not None and j < len(paragraphs) and _row_of(paragraphs[j][0][0]) is row:
            j += 1
        group = paragraphs[i:j]
        # The cells are kept referenced, so that lxml gives one object per cell.
        cells = [_cell_of(els[0]) for els, _text in group]
        if row is not None and len(group) > 1 and len(set(cells)) == len(group):
            out.append(" ".join(_SPACES.sub(" ", text).strip() for _els, text in group if text))
        else:
            out.extend(text for _els, text in group)
        i = j
    return out


def _boxes_unpacked(document: etree._Element) -> etree._Element:
    """The document with each text box's paragraphs standing before the paragraph that anchors
    it (the anchor dropped if the box was all it held), read once: not its fallback copy."""
    for box in list(document.iter(TXBX)):
        ancestors = list(box.iterancestors())
        if any(a.tag == FALLBACK for a in ancestors):
            continue
        anchor = next((a for a in ancestors if a.tag == P), None)
        if anchor is None or anchor.getparent() is None:
            continue
        for paragraph in box.findall(P):
            anchor.addprevious(copy.deepcopy(paragraph))
        box.getparent().remove(box)
        for alternate in (a for a in ancestors if a.tag == ALTERNATE):
            for fallback in alternate.findall(FALLBACK):  # the same box again, for old Word
                alternate.remove(fallback)
        if not "".join(anchor.itertext()).strip():
            anchor.getparent().remove(anchor)
    return document


def _cell_of(p: etree._Element) -> etree._Element | None:
    node = p.getparent()
    while node is not None and node.tag != TC:
        node = node.getparent()
    return node


def _row_of(p: etree._Element) -> etree._Element | None:
    cell = _cell_of(p)
    return cell.getparent() if cell is not None and cell.getparent().tag == TR else None


def _header_parts(archive: zipfile.ZipFile, document: etree._Element) -> list[str]:
    """The header parts the document's sections refer to, first-page headers first."""
    try:
        rels = etree.fromstring(archive.read(RELS_PART))
    except KeyError:
        return []
    targets = {
        rel.get("Id"): "word/" + (rel.get("Target") or "").lstrip("/").removeprefix("word/")
        for rel in rels.iter(f"{{{PKG_REL_NS}}}Relationship")
    }
    refs = sorted(
        document.iter(w("headerReference")), key=lambda ref: ref.get(w("type")) != "first"
    )
    names = [targets.get(ref.get(f"{{{R_NS}}}id")) for ref in refs]
    present = set(archive.namelist())
    return list(dict.fromkeys(n for n in names if n and n in present))


def _header_lines(header: etree._Element) -> list[str]:
    """A page header's lines, but page numbers and empty lines."""
    document = etree.Element(w("document"))
    body = etree.SubElement(document, w("body"))
    body.extend(header)  # read as a body would be: tables and text boxes alike
    _boxes_unpacked(document)
    paragraphs = [(els, text) for els, text in body_paragraphs(document) if not _page_field(els)]
    lines = []
    for text in _rows_joined(paragraphs):
        line = _SPACES.sub(" ", text).strip()
        if line and not _PAGE_NUMBER.fullmatch(line):
            lines.append(line)
    return lines


def _page_field(paragraphs: list[etree._Element]) -> bool:
    for p in paragraphs:
        for el in p.iter(w("instrText"), w("fldSimple")):
            code = el.text if el.tag == w("instrText") else el.get(w("instr"))
            if code and code.split() and code.split()[0] in ("PAGE", "NUMPAGES", "SECTIONPAGES"):
                return True
    return False
