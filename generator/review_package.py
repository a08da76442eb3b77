"""The review copy's package beyond its tracked changes: the label and *Track changes*.

A review copy (``*_andringar.docx``) shows what changed against the previous issue; it is a help
for reading, not the record.  So it must never pass for the issued document, which has the same
number and title: its header and its first line say "Granskningskopia – ändringar mot RS …", and
its core properties (what Word shows under File › Properties, and what an archive reads) say so
too.  The issued document itself is not touched: only the review copy's parts are made here.

The label is document text, in the documents' language (Swedish), like the rest of a mandate.
"""

from __future__ import annotations

import functools
import re

from lxml import etree

from generator.diff.document import w

SETTINGS_PART = "word/settings.xml"
CORE_PART = "docProps/core.xml"
HEADER_PART = re.compile(r"^word/header\d*\.xml$")
DC_NS = "http://purl.org/dc/elements/1.1/"
LABEL = "Granskningskopia – ändringar mot {previous}"
FIRST_LINE = LABEL + ". Detta är inte den utfärdade handlingen."
UNKNOWN_PREVIOUS = "föregående utgåva"
# A dark red that keeps 4.5:1 against white (WCAG 2.1 AA for normal text).
LABEL_COLOUR = "C00000"
_SUPERSEDES = re.compile(r"^Ersätter:\s*(.+?)\s*$")

# Elements of w:settings that come before w:trackRevisions (ECMA-376 §17.15.1.78 order).
_BEFORE_TRACK_REVISIONS = frozenset(
    w(tag)
    for tag in (
        "writeProtection",
        "view",
        "zoom",
        "removePersonalInformation",
        "removeDateAndTime",
        "doNotDisplayPageBoundaries",
        "displayBackgroundShape",
        "printPostScriptOverText",
        "printFractionalCharacterWidth",
        "printFormsData",
        "embedTrueTypeFonts",
        "embedSystemFonts",
        "saveSubsetFonts",
        "saveFormsData",
        "mirrorMargins",
        "alignBordersAndEdges",
        "bordersDoNotSurroundHeader",
        "bordersDoNotSurroundFooter",
        "gutterAtTop",
        "hideSpellingErrors",
        "hideGrammaticalErrors",
        "activeWritingStyle",
        "proofState",
        "formsDesign",
        "attachedTemplate",
        "linkStyles",
        "stylePaneFormatFilter",
        "stylePaneSortMethod",
        "documentType",
        "mailMerge",
        "revisionView",
    )
)


def previous_number(paragraphs: list[str]) -> str | None:
    """The number the document replaces, from its own "Ersätter:" line (None when it has none)."""
    for text in paragraphs:
        found = _SUPERSEDES.match(text)
        if found:
            return found.group(1)
    return None


def label(previous: str | None) -> str:
    """The header's label: "Granskningskopia – ändringar mot RS 2024-00784"."""
    return LABEL.format(previous=previous or UNKNOWN_PREVIOUS)


def label_first_line(body: etree._Element, previous: str | None) -> None:
    """Put the label as the first line of ``body`` (a paragraph of its own, not a revision:
    accepting or rejecting the changes leaves it, as it belongs to the copy, not to either
    issue)."""
    _insert_label(body, FIRST_LINE.format(previous=previous or UNKNOWN_PREVIOUS), None)


def labelled_parts(parts: dict[str, bytes], previous: str | None) -> dict[str, bytes]:
    """Each header with the label as its first line, and the core properties saying what the
    file is; the parts as the review copy has them (the others are the new document's)."""
    out: dict[str, bytes] = {}
    for name, blob in parts.items():
        if HEADER_PART.match(name):
            root = etree.fromstring(blob)
            first = root.find(w("p"))
            style = first.find(f"{w('pPr')}/{w('pStyle')}") if first is not None else None
            _insert_label(root, label(previous), style.get(w("val")) if style is not None else None)
            out[name] = serialise(root)
    if CORE_PART in parts:
        out[CORE_PART] = _core(parts[CORE_PART], previous)
    return out


def _insert_label(parent: etree._Element, text: str, style: str | None) -> None:
    """A bold, coloured paragraph as ``parent``'s first child.

    Made with ``SubElement`` inside the tree, so it uses the part's own ``w`` declaration rather
    than declaring one of its own.
    """
    p = etree.SubElement(parent, w("p"))
    if style is not None:
        ppr = etree.SubElement(p, w("pPr"))
        etree.SubElement(ppr, w("pStyle")).set(w("val"), style)
    r = etree.SubElement(p, w("r"))
    rpr = etree.SubElement(r, w("rPr"))
    etree.SubElement(rpr, w("b"))
    etree.SubElement(rpr, w("color")).set(w("val"), LABEL_COLOUR)
    t = etree.SubElement(r, w("t"))
    t.text = text
    parent.insert(0, p)


def _core(xml: bytes, previous: str | None) -> bytes:
    """Title and subject say it is a review copy; the diary number is not claimed as its own."""
    root = etree.fromstring(xml)
    title = root.find(f"{{{DC_NS}}}title")
    if title is not None:
        title.text = f"Granskningskopia – {title.text or ''}".rstrip(" –")
    subject = root.find(f"{{{DC_NS}}}subject")
    if subject is not None:
        council = subject.text or ""
        subject.text = label(previous) + (f" – {council}" if council else "")
    identifier = root.find(f"{{{DC_NS}}}identifier")
    if identifier is not None:
        identifier.text = None
    return serialise(root)


@functools.lru_cache(maxsize=8)
def with_track_revisions(xml: bytes) -> bytes:
    """settings.xml with *Track changes* on; the template's, the same for every document."""
    root = etree.fromstring(xml)
    if root.find(w("trackRevisions")) is not None:
        return xml
    after = 0
    for i, child in enumerate(root):
        if child.tag in _BEFORE_TRACK_REVISIONS:
            after = i + 1
    track = etree.SubElement(root, w("trackRevisions"))  # the part's own w declaration
    root.insert(after, track)
    return serialise(root)


def serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
