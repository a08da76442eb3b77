"""Reading a Word document for the checks: its parts, its styles, what a paragraph is.

Headings are found by their style's name and outline level (see :mod:`generator.a11y`); deleted
and moved-away text and the fallbacks of alternate content are not what a reader hears.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath

from lxml import etree

from generator.docx_parts import CORE, DOCUMENT
from generator.exceptions import UsageError
from generator.i18n import _

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DC_NS = "http://purl.org/dc/elements/1.1/"

STYLES = "word/styles.xml"
PARTS_WITH_LINKS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")

_EXCERPT = 40


_HEADING_NAME = re.compile(r"^(?:heading|rubrik)\s*([1-9])$", re.IGNORECASE)


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


P, PPR, R, T, TAB = w("p"), w("pPr"), w("r"), w("t"), w("tab")
HYPERLINK = w("hyperlink")
_SKIPPED = {w("del"), w("moveFrom"), f"{{{MC_NS}}}Fallback"}


# -- reading -------------------------------------------------------------------------------------


def read_parts(path: Path) -> dict[str, etree._Element]:
    """The XML parts the rules need, parsed; a file that is no Word document is a usage error."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if DOCUMENT not in names:
                raise UsageError(_("{path} is not a Word document (.docx)").format(path=path))
            wanted = [
                n
                for n in names
                if n in (STYLES, CORE)
                or PARTS_WITH_LINKS.match(n)
                or (n.endswith(".rels") and n.startswith("word/_rels/"))
            ]
            parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
            return {n: etree.fromstring(zf.read(n), parser) for n in wanted}
    except FileNotFoundError:
        raise UsageError(_("{path} does not exist").format(path=path)) from None
    except (zipfile.BadZipFile, OSError):
        raise UsageError(_("{path} is not a Word document (.docx)").format(path=path)) from None
    except etree.XMLSyntaxError as err:
        raise UsageError(_("{path} is damaged: {error}").format(path=path, error=err)) from None


def rels_name(part: str) -> str:
    pure = PurePosixPath(part)
    return str(pure.parent / "_rels" / f"{pure.name}.rels")


def skipped(el: etree._Element) -> bool:
    """Inside a deleted revision or the fallback copy of alternate content: not shown."""
    node = el.getparent()
    while node is not None:
        if node.tag in _SKIPPED:
            return True
        node = node.getparent()
    return False


def text_of(el: etree._Element) -> str:
    """The visible text under ``el``: w:t, with w:tab as a tab; deleted text left out."""
    pieces = []
    for node in el.iter(T, TAB):
        if _skipped_below(node, el):
            continue
        pieces.append("\t" if node.tag == TAB else (node.text or ""))
    return "".join(pieces)


def _skipped_below(node: etree._Element, stop: etree._Element) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in _SKIPPED:
            return True
        parent = parent.getparent()
    return False


def excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _EXCERPT else text[: _EXCERPT - 1] + "…"


def where_paragraph(number: int, text: str) -> str:
    return _("paragraph {number} (“{text}”)").format(number=number, text=excerpt(text))


class Styles:
    """The paragraph styles of ``styles.xml``: heading level and list numbering, with inheritance
    through ``w:basedOn``."""

    def __init__(self, root: etree._Element | None) -> None:
        self.root = root
        self.by_id: dict[str, etree._Element] = {}
        self.default_id: str | None = None
        if root is None:
            return
        for style in root.iter(w("style")):
            if style.get(w("type")) != "paragraph":
                continue
            style_id = style.get(w("styleId"))
            if style_id is None:
                continue
            self.by_id[style_id] = style
            if style.get(w("default")) in ("1", "true", "on"):
                self.default_id = style_id

    def _chain(self, style_id: str | None) -> list[etree._Element]:
        """The style and those it is based on, nearest first; a loop is cut where it closes."""
        chain: list[etree._Element] = []
        seen: set[str] = set()
        current = style_id if style_id in self.by_id else self.default_id
        while current is not None and current in self.by_id and current not in seen:
            seen.add(current)
            style = self.by_id[current]
            chain.append(style)
            based = style.find(w("basedOn"))
            current = based.get(w("val")) if based is not None else None
        return chain

    def heading_level(self, style_id: str | None) -> int | None:
        """1–9 for a heading style, else None: outline level first, then the style's name."""
        for style in self._chain(style_id):
            outline = style.find(f"{PPR}/{w('outlineLvl')}")
            if outline is not None:
                return _outline_level(outline)
            name = style.find(w("name"))
            match = (
                _HEADING_NAME.match((name.get(w("val")) or "").strip())
                if name is not None
                else None
            )
            if match:
                return int(match.group(1))
        return None

    def numbered(self, style_id: str | None) -> bool:
        """Whether the style puts its paragraphs in a list (``w:numPr`` with a numId not 0)."""
        for style in self._chain(style_id):
            num_pr = style.find(f"{PPR}/{w('numPr')}")
            if num_pr is not None:
                return _num_id(num_pr) not in (None, "0")
        return False

    def language(self) -> str:
        if self.root is None:
            return ""
        lang = self.root.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}/{w('lang')}")
        return (lang.get(w("val")) or "").strip() if lang is not None else ""


def _outline_level(el: etree._Element) -> int | None:
    """``w:outlineLvl`` 0–8 is heading 1–9; 9 (body text) or junk is no heading."""
    try:
        value = int(el.get(w("val"), "9"))
    except ValueError:
        return None
    return value + 1 if 0 <= value <= 8 else None


def _num_id(num_pr: etree._Element) -> str | None:
    num_id = num_pr.find(w("numId"))
    return num_id.get(w("val")) if num_id is not None else None


def _style_id(p: etree._Element) -> str | None:
    style = p.find(f"{PPR}/{w('pStyle')}")
    return style.get(w("val")) if style is not None else None


def heading_level(p: etree._Element, styles: Styles) -> int | None:
    """A paragraph's own outline level wins over its style's, as in Word's navigation pane."""
    outline = p.find(f"{PPR}/{w('outlineLvl')}")
    if outline is not None:
        return _outline_level(outline)
    return styles.heading_level(_style_id(p))


def in_list(p: etree._Element, styles: Styles) -> bool:
    num_pr = p.find(f"{PPR}/{w('numPr')}")
    if num_pr is not None and _num_id(num_pr) is not None:
        return _num_id(num_pr) != "0"
    return styles.numbered(_style_id(p))
