"""What a rendered mandate says, read back from its ``word/document.xml``.

A re-issue compares document against document (see :mod:`generator.diff`), so both sides are
read here the same way: the paragraphs of the body as Word shows them with every tracked change
accepted, those in tables included, text boxes and deleted content left out.  The review copy
(:mod:`generator.review`, :mod:`generator.review_runs`) and the reading of an imported original
(:mod:`generator.said`) use the same reading and the same WordprocessingML names, so that what is
marked, said and compared always agrees.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
DOCUMENT_PART = "word/document.xml"

#: Lines that belong to one issue rather than to the mandate: what :class:`~generator.render.Stamp`
#: puts in the document (its date, number, predecessor and decision date).  They differ between
#: any two issues, so a re-issue comparison leaves them out.
HEAD_PREFIXES = ("Datum:", "Diarienummer:", "Ersätter:", "Datum för beslut:")


def w(tag: str) -> str:
    """Clark notation for a WordprocessingML tag: ``w("p")`` → ``{…/main}p``."""
    return f"{{{W_NS}}}{tag}"


P, R, T, TAB, BR, CR = w("p"), w("r"), w("t"), w("tab"), w("br"), w("cr")
PPR, RPR, INS, DEL = w("pPr"), w("rPr"), w("ins"), w("del")
# Content that is not shown in the document as it now reads: deleted revisions, text moved away,
# and the fallback copy of alternate content.
_HIDDEN = frozenset({DEL, w("moveFrom"), f"{{{MC_NS}}}Fallback"})


def ignore_head(text: str) -> bool:
    """True for the lines of the issue's own stamp (Datum, Diarienummer, Ersätter, Datum för
    beslut), which differ in every re-issue and which a comparison must not report: otherwise
    every council, changed or not, would have changed."""
    return text.startswith(HEAD_PREFIXES)


def read_document_xml(docx: bytes | Path) -> etree._Element:
    """The parsed ``word/document.xml`` of a .docx given as bytes or as a path."""
    source = io.BytesIO(docx) if isinstance(docx, bytes | bytearray) else docx
    with zipfile.ZipFile(source) as archive:
        return etree.fromstring(archive.read(DOCUMENT_PART))


def text_elements(p: etree._Element) -> Iterator[tuple[etree._Element, str]]:
    """Each visible piece of a paragraph's text with the element it comes from, in order.

    Only run content counts (``w:t``/``w:tab``/``w:br`` inside a ``w:r``), so field codes and
    ``w:delText`` are out by construction; runs inside ``w:del`` are skipped and those inside
    ``w:ins`` or ``w:hyperlink`` are read, i.e. the document as it reads with every change
    accepted.  Paragraphs nested in this one (text boxes) are left to themselves.
    """
    for el in p.iter(T, TAB, BR, CR):
        parent = el.getparent()
        if parent is None or parent.tag != R or not _shown_in(parent, p):
            continue
        tag = el.tag
        if tag == T:
            if el.text:
                yield el, el.text
        elif tag == TAB:
            yield el, "\t"
        else:
            yield el, "\n"


def _shown_in(run: etree._Element, p: etree._Element) -> bool:
    """Whether a run inside ``p`` belongs to ``p`` and is shown: no other paragraph and nothing
    hidden (see :data:`_HIDDEN`) stands between them.

    One walk up from the run instead of two (owner paragraph, then hidden ancestors); a run that
    is a child of ``p``, as nearly all are, needs no walk at all.
    """
    node = run.getparent()
    while node is not p:
        if node is None or node.tag == P or node.tag in _HIDDEN:
            return False
        node = node.getparent()
    return True


def paragraph_text(p: etree._Element) -> str:
    return "".join(text for _el, text in text_elements(p))


def mark_revision(p: etree._Element) -> str | None:
    """``"ins"``/``"del"`` if the paragraph mark itself is a tracked insertion/deletion."""
    # What p.find("w:pPr/w:rPr") finds, without parsing a path for every paragraph.
    rpr = next((r for ppr in p.iterchildren(PPR) for r in ppr.iterchildren(RPR)), None)
    if rpr is None:
        return None
    if rpr.find(DEL) is not None:
        return "del"
    if rpr.find(INS) is not None:
        return "ins"
    return None


def paragraph_elements(root: etree._Element) -> list[etree._Element]:
    """The body's ``w:p`` elements in order, those in tables included, those in text boxes (inside
    another paragraph) and inside deleted content left out."""
    body = root.find(w("body"))
    if body is None:
        return []
    return [p for p in body.iter(P) if _in_body(p, body)]


def _in_body(p: etree._Element, body: etree._Element) -> bool:
    """Whether a ``w:p`` inside ``body`` is one of its paragraphs: inside no other paragraph, and
    inside nothing hidden (see :data:`_HIDDEN`) below ``body``, found in one walk up."""
    node = p.getparent()
    below_body = True
    while node is not None:
        tag = node.tag
        if tag == P or (below_body and tag in _HIDDEN):
            return False
        if node is body:
            below_body = False
        node = node.getparent()
    return True


def body_paragraphs(root: etree._Element) -> list[tuple[list[etree._Element], str]]:
    """The body's paragraphs as they read: ``(elements, text)`` in document order.

    A paragraph whose mark is a tracked deletion runs on into the next one, as Word shows it once
    the deletion is accepted; such paragraphs come out joined, with every element they were made
    of.  Paragraphs inside tables count; those inside text boxes are read with their own.
    """
    out: list[tuple[list[etree._Element], str]] = []
    pending: list[etree._Element] = []
    pending_text = ""
    paragraphs = paragraph_elements(root)
    texts = _texts_by_paragraph(root)
    deleted_marks = _deleted_marks(root)
    for p in paragraphs:
        pending.append(p)
        pending_text += "".join(texts.get(p, ()))
        if p in deleted_marks:
            continue
        out.append((pending, pending_text))
        pending, pending_text = [], ""
    if pending and pending_text:
        out.append((pending, pending_text))
    return out


def _deleted_marks(root: etree._Element) -> set[etree._Element]:
    """The body paragraphs whose mark is a tracked deletion (``mark_revision(p) == "del"``).

    Found from the body's ``w:del`` elements (a fresh rendering has none) rather than by asking
    every paragraph: only a paragraph with a ``w:del`` in its mark's properties can be one.
    """
    found: set[etree._Element] = set()
    body = root.find(w("body"))
    if body is None:
        return found
    for mark in body.iter(DEL):
        rpr = mark.getparent()
        ppr = rpr.getparent() if rpr is not None and rpr.tag == RPR else None
        p = ppr.getparent() if ppr is not None and ppr.tag == PPR else None
        if p is not None and p.tag == P and mark_revision(p) == "del":
            found.add(p)
    return found


def _texts_by_paragraph(root: etree._Element) -> dict[etree._Element, list[str]]:
    """The pieces of text of every body paragraph, as :func:`text_elements` reads them.

    One pass over the body's run content instead of one per paragraph: each piece goes to the
    paragraph it belongs to (the nearest ``w:p`` above its run), unless something hidden stands
    between the two.  The paragraphs are the keys (lxml gives one object per element while it is
    referenced).
    """
    texts: dict[etree._Element, list[str]] = {}
    body = root.find(w("body"))
    if body is None:
        return texts
    for el in body.iter(T, TAB, BR, CR):
        run = el.getparent()
        if run is None or run.tag != R:
            continue
        owner = run.getparent()
        while owner is not None and owner.tag != P:
            owner = None if owner.tag in _HIDDEN else owner.getparent()
        if owner is None:
            continue
        tag = el.tag
        if tag == T:
            if el.text:
                texts.setdefault(owner, []).append(el.text)
        else:
            texts.setdefault(owner, []).append("\t" if tag == TAB else "\n")
    return texts


def document_paragraphs(docx: bytes | Path) -> list[str]:
    """Every body paragraph's text of a rendered mandate, in order; ``w:br`` is ``"\\n"``.

    The same reading is used for the previous issue's file and for the new document's bytes, so
    that a re-issue compares what the two documents say, not what the data says now.
    """
    return [text for _els, text in body_paragraphs(read_document_xml(docx))]


def part_paragraphs(document_xml: bytes) -> list[str]:
    """:func:`document_paragraphs` of a document given by its ``word/document.xml`` part."""
    return [text for _els, text in body_paragraphs(etree.fromstring(document_xml))]
