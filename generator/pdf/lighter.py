"""The copy LibreOffice converts: the document without the table styles nothing in it uses.

Why: the shipped template, like every document python-docx starts from, carries Word's 100
built-in table styles (340 of its 350 kB of ``styles.xml``), and LibreOffice reads and builds
every one of them before it lays out a page.  Measured in ``benchmarks/bench_pdf.py``, that is
about a third of a conversion.  A table style that no table, no other style and no setting names
cannot change a page, so the copy given to LibreOffice leaves those out; the pages come out the
same (tests/test_pdf_lighter.py compares them pixel for pixel) and the issued ``.docx`` is not
touched.  Everything else (paragraph, character and numbering styles, defaults, latent styles)
is kept as it is.

Which styles are used is read from every XML part but ``styles.xml`` itself (the body, headers,
footers, numbering, settings' default table style), then followed through ``basedOn``,
``next`` and ``link``.  The work per template is done once: documents made from one template
share its ``styles.xml`` byte for byte, so the lighter version is kept for the next document.
Anything unexpected (not a zip, XML that does not parse) gives a plain copy: the PDF is checked
after the conversion in any case.
"""

from __future__ import annotations

import shutil
import threading
import zipfile
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
STYLES_PART = "word/styles.xml"
#: Elements outside styles.xml whose ``w:val`` names a style.
_NAMING = {f"{{{W}}}{name}" for name in ("pStyle", "rStyle", "tblStyle", "defaultTableStyle")}
#: Elements inside a style that name another style the first one needs.
_FOLLOWED = tuple(f"{{{W}}}{name}" for name in ("basedOn", "next", "link"))
_VAL = f"{{{W}}}val"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)

_lock = threading.Lock()
_lighter: dict[tuple[bytes, frozenset[str]], bytes] = {}
_KEEP_AT_MOST = 8  # templates remembered (a batch uses one or two)


def styles_named(part: bytes) -> set[str]:
    """The style ids that one XML part names (empty for a part that is not XML)."""
    try:
        root = etree.fromstring(part, _PARSER)
    except etree.XMLSyntaxError:
        return set()
    return {element.get(_VAL) for element in root.iter(*_NAMING) if element.get(_VAL)}


def without_unused_table_styles(styles: bytes, named: set[str]) -> bytes:
    """``styles.xml`` without the table styles that neither ``named`` nor a kept style needs."""
    root = etree.fromstring(styles, _PARSER)
    by_id = {s.get(f"{{{W}}}styleId"): s for s in root.iter(f"{{{W}}}style")}
    needed = {sid for sid, s in by_id.items() if s.get(f"{{{W}}}default") in ("1", "true", "on")}
    needed |= named
    todo = list(needed)
    while todo:
        style = by_id.get(todo.pop())
        if style is None:
            continue
        for link in style.iterchildren(*_FOLLOWED):
            target = link.get(_VAL)
            if target and target not in needed:
                needed.add(target)
                todo.append(target)
    removed = 0
    for sid, style in by_id.items():
        if sid not in needed and style.get(f"{{{W}}}type") == "table":
            style.getparent().remove(style)
            removed += 1
    if not removed:
        return styles
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _lighter_styles(styles: bytes, named: set[str]) -> bytes:
    key = (styles, frozenset(named))
    with _lock:
        known = _lighter.get(key)
    if known is not None:
        return known
    made = without_unused_table_styles(styles, named)
    with _lock:
        if len(_lighter) >= _KEEP_AT_MOST:
            _lighter.clear()
        _lighter[key] = made
    return made


def conversion_copy(source: Path, target: Path) -> bool:
    """Write the copy of ``source`` that LibreOffice converts; False if it is a plain copy."""
    try:
        with zipfile.ZipFile(source) as zf:
            members = [(info, zf.read(info)) for info in zf.infolist()]
        parts = dict((info.filename, data) for info, data in members)
        if STYLES_PART not in parts:
            raise ValueError("no styles part")
        named: set[str] = set()
        for name, data in parts.items():
            if name.endswith(".xml") and name != STYLES_PART:
                named |= styles_named(data)
        styles = _lighter_styles(parts[STYLES_PART], named)
    except (zipfile.BadZipFile, OSError, ValueError, etree.XMLSyntaxError):
        shutil.copyfile(source, target)
        return False
    if styles == parts[STYLES_PART]:
        shutil.copyfile(source, target)
        return False
    with zipfile.ZipFile(target, "w") as out:
        for info, data in members:
            out.writestr(info, styles if info.filename == STYLES_PART else data)
    return True
