"""The parts of a ``.docx`` the product names, writes or completes itself rather than through
Jinja: the part names, ``docProps/core.xml`` and ``docProps/app.xml``, the zoom of
``word/settings.xml``, and the hyperlinks' relationships.

docxtpl leaves these to the caller; they are plain string work on small parts, kept apart from
the template's Jinja (:mod:`generator.template`) and the ZIP container (:mod:`generator.docx_zip`)
so that each can be read, and changed, on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

DOCUMENT = "word/document.xml"
NUMBERING = "word/numbering.xml"
DOCUMENT_RELS = "word/_rels/document.xml.rels"
CORE = "docProps/core.xml"
APP = "docProps/app.xml"
SETTINGS = "word/settings.xml"
HYPERLINK_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_ZOOM = re.compile(rb"<w:zoom\b([^>]*?)\s*/>")


@dataclass
class Links:
    """The hyperlinks of one document: one relationship id per distinct address."""

    ids: dict[str, str] = field(default_factory=dict)

    def id_for(self, url: str) -> str:
        if url not in self.ids:
            self.ids[url] = f"rIdUppdragLink{len(self.ids) + 1}"
        return self.ids[url]


def with_links(rels: bytes, links: Links) -> bytes:
    """``word/_rels/document.xml.rels`` with an external relationship for each link."""
    extra = "".join(
        f'<Relationship Id="{rid}" Type="{HYPERLINK_TYPE}" Target={quoteattr(url)} '
        f'TargetMode="External"/>'
        for url, rid in links.ids.items()
    )
    text = rels.decode("utf-8")
    cut = text.rfind("</Relationships>")
    return (text[:cut] + extra + text[cut:]).encode("utf-8")


def app_xml() -> bytes:
    """``docProps/app.xml`` naming the product that wrote the document.

    A template saved by Word or LibreOffice names that program and counts the template's own
    pages and words; every document would repeat the claim.  The counts are left out: they are
    optional, and only a program that lays out the pages knows them.
    """
    from generator import __version__

    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"<Application>uppdrag {escape(__version__)}</Application>"
        "<DocSecurity>0</DocSecurity></Properties>"
    ).encode()


def with_zoom_percent(settings: bytes) -> bytes:
    """``<w:zoom>`` with the ``w:percent`` the schema requires (python-docx's stock settings
    have ``<w:zoom w:val="bestFit"/>`` without it)."""

    def fix(match: re.Match[bytes]) -> bytes:
        if b"w:percent=" in match.group(1):
            return match.group(0)
        return b"<w:zoom" + match.group(1) + b' w:percent="100"/>'

    return _ZOOM.sub(fix, settings)


def product_parts(blobs: dict[str, bytes]) -> dict[str, bytes]:
    """The template's parts as every document has them: app.xml naming the product, the zoom
    complete.  Done once at load, so rendering still copies these parts as they are."""
    blobs = dict(blobs)
    if APP in blobs:
        blobs[APP] = app_xml()
    if SETTINGS in blobs:
        blobs[SETTINGS] = with_zoom_percent(blobs[SETTINGS])
    return blobs


def core_xml(
    *,
    title: str,
    subject: str,
    creator: str,
    identifier: str,
    created: str,
    language: str = "sv-SE",
) -> bytes:
    """``docProps/core.xml``: what Word shows under File › Properties, and what archives read."""
    stamp = f"{created}T00:00:00Z"
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        "<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:subject>{escape(subject)}</dc:subject>"
        f"<dc:creator>{escape(creator)}</dc:creator>"
        f"<dc:identifier>{escape(identifier)}</dc:identifier>"
        f"<dc:language>{language}</dc:language>"
        "<cp:lastModifiedBy>uppdrag</cp:lastModifiedBy><cp:revision>1</cp:revision>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()
