"""Plain text of a .docx and of a markdown seed, in one comparable form.

The fidelity tests compare what Word shows with the user's own documents (markdown exports of
Word files).  The .docx is read with zipfile + lxml rather than python-docx, so that the check does
not share a library, and its blind spots, with the generator that wrote the file.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


P, R, T, TAB, BR, CR = _w("p"), _w("r"), _w("t"), _w("tab"), _w("br"), _w("cr")
HYPERLINK = _w("hyperlink")
# Content Word does not show as text: deleted revisions, and the fallback copy of alternate content.
_HIDDEN = {_w("del"), _w("moveFrom"), f"{{{MC_NS}}}Fallback"}

_WS = re.compile(r"\s+")
_LINK = re.compile(r"\[((?:[^\]\\]|\\.)*)\]\(([^)\s]*)\)")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # a backslash before ASCII punctuation


def _document_root(path: Path | str) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("word/document.xml"))


def _owner_paragraph(el: etree._Element) -> etree._Element | None:
    """The nearest enclosing w:p, so that a text box's paragraphs are not read twice."""
    node = el.getparent()
    while node is not None and node.tag != P:
        node = node.getparent()
    return node


def _hidden(el: etree._Element, stop: etree._Element) -> bool:
    node = el.getparent()
    while node is not None and node is not stop:
        if node.tag in _HIDDEN:
            return True
        node = node.getparent()
    return False


def paragraph_lines(p: etree._Element) -> list[str]:
    """One paragraph as Word shows it: ``w:br`` starts a new line, ``w:tab`` is a space.

    Only run content counts (``w:t`` inside ``w:r``), so ``w:instrText`` field codes, ``w:delText``
    and tab-stop definitions in ``w:pPr`` are left out by construction.
    """
    lines = [""]
    for el in p.iter(T, TAB, BR, CR):
        parent = el.getparent()
        if parent is None or parent.tag != R:
            continue
        if _owner_paragraph(el) is not p or _hidden(el, p):
            continue
        if el.tag == T:
            lines[-1] += el.text or ""
        elif el.tag == TAB:
            lines[-1] += " "
        else:
            lines.append("")
    return lines


def docx_lines(path: Path | str) -> list[str]:
    """Every body paragraph of ``word/document.xml``, tables included, in document order."""
    body = _document_root(path).find(_w("body"))
    if body is None:
        return []
    lines: list[str] = []
    for p in body.iter(P):
        if _hidden(p, body):
            continue
        lines.extend(paragraph_lines(p))
    return lines


def docx_hyperlinks(path: Path | str) -> list[tuple[str, str]]:
    """(text, target) of each external hyperlink in the body, in document order."""
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
        rels = etree.fromstring(archive.read("word/_rels/document.xml.rels"))
    targets = {
        rel.get("Id"): rel.get("Target") for rel in rels.iter(f"{{{PKG_REL_NS}}}Relationship")
    }
    links: list[tuple[str, str]] = []
    for link in root.iter(HYPERLINK):
        rid = link.get(f"{{{R_NS}}}id")
        if rid is None:
            continue  # an internal anchor, not a web link
        text = "".join(t.text or "" for t in link.iter(T) if not _hidden(t, link))
        links.append((text, targets.get(rid, "")))
    return links


def fold(line: str) -> str:
    """Whitespace runs become one space, ends stripped: Word and markdown space text differently."""
    return _WS.sub(" ", line).strip()


def normalise_lines(lines: Iterable[str]) -> list[str]:
    """Fold whitespace and drop empty lines, as :func:`normalise_seed` does for the seed."""
    return [folded for folded in (fold(line) for line in lines) if folded]


def _unescape(text: str) -> str:
    return _ESCAPE.sub(r"\1", text)


def seed_links(text: str) -> list[tuple[str, str]]:
    """(text, target) of each markdown link in a seed, link text unescaped."""
    return [(fold(_unescape(m.group(1))), m.group(2)) for m in _LINK.finditer(text)]


def normalise_seed_line(line: str) -> str:
    """One markdown line as the text Word would show: marks, link targets and escapes dropped."""
    line = line.strip()
    if line.startswith("- "):
        line = line[2:]
    line = line.replace("**", "")
    line = _LINK.sub(lambda m: m.group(1), line)
    return fold(_unescape(line))


def normalise_seed(text: str) -> list[str]:
    """A markdown export of a Word document as its visible text lines, empty lines dropped."""
    return normalise_lines(normalise_seed_line(line) for line in text.splitlines())
