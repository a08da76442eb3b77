"""Is a PDF an archive copy of its document?  Checked before it is kept.

An archive copy must say it is PDF/A-2 (its XMP metadata), be tagged (``/MarkInfo``), carry the
document's language (``/Lang sv-SE``) and title, and have as many pages as the document has as
LibreOffice lays it out.  An old LibreOffice that does not understand the JSON filter options
silently writes a plain PDF, a run that is killed leaves half a file, and a worker that mixes up
two files would give a PDF with the wrong title: none of those may reach the archive.

The PDF is read with pypdf, so the checks see the document catalog and page tree as a PDF
reader does, not a byte pattern that a compressed object would hide.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

from generator.i18n import _

LANGUAGE = "sv-SE"
_DC = "{http://purl.org/dc/elements/1.1/}"


_FOOTER_PAGES = re.compile(r"(\d+)\s+av\s+(\d+)")


def expected_title(docx: Path) -> str:
    """The title (``docProps/core.xml``) that the PDF of a document must carry."""
    with zipfile.ZipFile(docx) as zf:
        try:
            core = etree.fromstring(zf.read("docProps/core.xml"))
        except KeyError:
            return ""
    return (core.findtext(f"{_DC}title") or "").strip()


def stated_pages(reader: Any) -> int | None:
    """The page count the document states on its last page ("Sida 3 av 3"), or None.

    A Word document stores no page count of its own that can be trusted (``docProps/app.xml``
    keeps the template's); its footer's PAGE and NUMPAGES fields are what it says about itself
    once laid out.  Only the footer is read: LibreOffice writes it last on the page, as
    artifacts, and reading the whole page's text would cost a quarter of the conversion.
    """
    from pypdf.generic import DecodedStreamObject, NameObject

    page = reader.pages[-1]
    contents = page.get_contents()
    if contents is None:
        return None
    raw = contents.get_data()
    start = raw.rfind(b"/Artifact BMC")
    if start == -1:
        return None
    while True:  # back over the artifacts right before it: the rest of the footer
        before = raw.rfind(b"/Artifact BMC", 0, start)
        block = raw[before:start]
        if before == -1 or b"BDC" in block or block.count(b"EMC") != 1:
            break
        if not block.rstrip().endswith(b"EMC"):
            break
        start = before
    footer = DecodedStreamObject()
    footer.set_data(raw[start:])
    page[NameObject("/Contents")] = footer
    found = _FOOTER_PAGES.findall(page.extract_text())
    if not found:
        return None
    number, total = found[-1]
    return int(total) if number == total else -1


def check_pdf(data: bytes, title: str) -> tuple[int, list[str]]:
    """The PDF's page count and what is wrong with it as an archive copy (nothing: ``[]``)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError
    from pypdf.generic import BooleanObject

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings are not the user's concern
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        root = reader.trailer["/Root"]
        pages = len(reader.pages)
        xmp = reader.xmp_metadata
        info = reader.metadata
    except (PdfReadError, KeyError, ValueError, TypeError, AttributeError):
        return 0, [_("not a readable PDF")]
    problems: list[str] = []
    part = getattr(xmp, "pdfaid_part", None) if xmp is not None else None
    if str(part or "").strip() != "2":
        problems.append(_("not identified as PDF/A-2"))
    marked = root.get("/MarkInfo")
    marked = marked.get_object() if marked is not None else None
    flag = marked.get("/Marked") if marked is not None else None
    if not (isinstance(flag, BooleanObject) and bool(flag) and "/StructTreeRoot" in root):
        problems.append(_("not tagged"))
    language = str(root.get("/Lang") or "")
    if language != LANGUAGE:
        problems.append(
            _("language {found}, not {wanted}").format(found=language or "–", wanted=LANGUAGE)
        )
    xmp_title = (getattr(xmp, "dc_title", None) or {}).get("x-default", "") if xmp else ""
    wanted = title
    title = str((info or {}).get("/Title") or "").strip()
    if not wanted or title != wanted or xmp_title.strip() != wanted:
        problems.append(_("title “{found}”, not “{wanted}”").format(found=title, wanted=wanted))
    declared = root["/Pages"].get_object().get("/Count")
    if pages < 1 or declared != pages:
        problems.append(_("an incomplete page tree"))
    else:
        try:
            stated = stated_pages(reader)
        except (PdfReadError, KeyError, ValueError, TypeError, AttributeError):
            stated = None
        if stated is not None and stated != pages:
            problems.append(
                _("{found} pages, but the document says it has {wanted}").format(
                    found=pages, wanted=stated if stated > 0 else "?"
                )
            )
    return pages, problems
