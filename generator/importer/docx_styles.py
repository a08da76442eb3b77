"""The style and numbering tables of a Word document, resolved the way Word shows them.

Styles count by name and outline level, never by id: Swedish Word saves "heading 1" with the id
``Rubrik1``.  Whether a paragraph is a heading, a bullet or bold often comes from its style's
chain of ``w:basedOn`` rather than from the paragraph itself, so it is looked up here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from generator.importer.docx_xml import ON_VALUES, W_PPR, W_RPR, W_VAL, w


@dataclass
class Style:
    """One style as the reader needs it: its name, what it is based on, and what it sets."""

    name: str
    based_on: str | None
    outline: int | None
    num_id: str | None
    ilvl: int
    bold: bool | None


def outline_and_numbering(ppr: etree._Element | None) -> tuple[int | None, str | None, int]:
    """Outline level, numbering id and list level of paragraph properties (a style's or a
    paragraph's own): what makes a paragraph a heading or a list item, whatever its style id."""
    outline = num_id = None
    ilvl = 0
    if ppr is None:
        return outline, num_id, ilvl
    ol = ppr.find(w("outlineLvl"))
    if ol is not None and (ol.get(W_VAL) or "").isdigit():
        outline = int(ol.get(W_VAL))
    num = ppr.find(w("numPr"))
    if num is not None:
        nid = num.find(w("numId"))
        num_id = nid.get(W_VAL) if nid is not None else None
        lvl = num.find(w("ilvl"))
        if lvl is not None and (lvl.get(W_VAL) or "").isdigit():
            ilvl = int(lvl.get(W_VAL))
    return outline, num_id, ilvl


@dataclass
class Styles:
    """Paragraph and character styles by id, resolved through ``w:basedOn`` by name: Swedish Word
    saves "heading 1" with the id ``Rubrik1``, so only the name and the outline level count."""

    styles: dict[str, Style]
    default: str | None

    @classmethod
    def read(cls, root: etree._Element | None) -> Styles:
        styles: dict[str, Style] = {}
        default = None
        if root is None:
            return cls(styles, None)
        for st in root.iter(w("style")):
            sid = st.get(w("styleId"))
            if not sid:
                continue
            name_el = st.find(w("name"))
            based = st.find(w("basedOn"))
            outline, num_id, ilvl = outline_and_numbering(st.find(W_PPR))
            rpr = st.find(W_RPR)
            bold = None
            if rpr is not None and rpr.find(w("b")) is not None:
                bold = rpr.find(w("b")).get(W_VAL) in ON_VALUES
            styles[sid] = Style(
                name=(name_el.get(W_VAL) if name_el is not None else sid) or sid,
                based_on=based.get(W_VAL) if based is not None else None,
                outline=outline,
                num_id=num_id,
                ilvl=ilvl,
                bold=bold,
            )
            if st.get(w("type")) == "paragraph" and st.get(w("default")) in ("1", "true", "on"):
                default = sid
        return cls(styles, default)

    def chain(self, sid: str | None) -> Iterator[Style]:
        seen: set[str] = set()
        while sid and sid in self.styles and sid not in seen and len(seen) < 30:
            seen.add(sid)
            style = self.styles[sid]
            yield style
            sid = style.based_on

    def name(self, sid: str | None) -> str:
        style = self.styles.get(sid or self.default or "")
        return style.name if style else ""

    def heading_level(self, sid: str | None) -> int | None:
        for style in self.chain(sid):
            lowered = style.name.strip().lower()
            m = re.fullmatch(r"(?:heading|rubrik) ?(\d)", lowered)
            if m:
                return int(m.group(1))
            if lowered == "title":
                return None
            if style.outline is not None:
                return style.outline + 1 if style.outline < 9 else None
        return None

    def numbering(self, sid: str | None) -> tuple[str | None, int, bool]:
        """(numId, level, is a bullet style by name) from the style chain."""
        by_name = False
        for style in self.chain(sid):
            lowered = style.name.strip().lower()
            if lowered.startswith(("list bullet", "list number")):
                by_name = True
            if style.num_id is not None:
                return style.num_id, style.ilvl, by_name
        return None, 0, by_name

    def bold(self, sid: str | None) -> bool:
        for style in self.chain(sid):
            if style.bold is not None:
                return style.bold
        return False


def read_numbering(root: etree._Element | None) -> dict[str, str]:
    """``"numId:ilvl"`` → number format (``bullet``, ``decimal``, …)."""
    if root is None:
        return {}
    abstract: dict[str, dict[str, str]] = {}
    for an in root.iter(w("abstractNum")):
        levels = {}
        for lvl in an.iter(w("lvl")):
            fmt = lvl.find(w("numFmt"))
            levels[lvl.get(w("ilvl")) or "0"] = fmt.get(W_VAL) if fmt is not None else "bullet"
        abstract[an.get(w("abstractNumId")) or ""] = levels
    out = {}
    for num in root.iter(w("num")):
        ref = num.find(w("abstractNumId"))
        levels = abstract.get(ref.get(W_VAL) if ref is not None else "", {})
        for ilvl, fmt in levels.items():
            out[f"{num.get(w('numId'))}:{ilvl}"] = fmt
    return out
