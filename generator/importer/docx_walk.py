"""The walk of a Word document's body and headers into :class:`~.source.Paragraph` objects.

Text is read where it stands: in tables, text boxes, content controls, tracked insertions and
alternate content, as Word shows it with every change accepted.  What the data format cannot hold
(a picture, a numbered or nested list, some links) becomes a note for the secretary instead of
being lost silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from generator import inline
from generator.i18n import _
from generator.importer.docx_styles import Styles, outline_and_numbering
from generator.importer.docx_xml import (
    MC_ALT,
    MC_CHOICE,
    MC_FALLBACK,
    ON_VALUES,
    R_NS,
    W_P,
    W_PPR,
    W_R,
    W_RPR,
    W_T,
    W_TBL,
    W_TC,
    W_TR,
    W_TXBX,
    W_VAL,
    nearest,
    under,
    w,
)
from generator.importer.source import Paragraph, ParagraphKind, Where, clean, fold, pieces_of

# Containers whose children are read as if they stood in their place.
_TRANSPARENT = {
    w("ins"),
    w("moveTo"),
    w("smartTag"),
    w("customXml"),
    w("sdtContent"),
    w("fldSimple"),
    w("dir"),
    w("bdo"),
}
# Content Word does not show.
_SKIPPED = {
    w("del"),
    w("moveFrom"),
    W_PPR,
    W_RPR,
    w("sdtPr"),
    w("sdtEndPr"),
    MC_FALLBACK,
    W_TXBX,
    w("customXmlPr"),
    w("smartTagPr"),
    w("proofErr"),
    w("bookmarkStart"),
    w("bookmarkEnd"),
    w("commentRangeStart"),
    w("commentRangeEnd"),
}


@dataclass
class _Segment:
    text: str
    bold: bool
    url: str | None = None


@dataclass
class DocxReader:
    """Walks ``word/document.xml`` (and the page headers) into :class:`Paragraph` objects."""

    display: str
    styles: Styles
    rels: dict[str, str]
    numbering: dict[str, str]
    notes: list[str] = field(default_factory=list)
    count: int = 0

    # -- containers -------------------------------------------------------------------------
    def walk(self, container: etree._Element, where: Where) -> Iterator[Paragraph]:
        for child in container:
            tag = child.tag
            if tag == W_P:
                yield from self.paragraph(child, where)
            elif tag == W_TBL:
                for row in child.iter(W_TR):
                    if nearest(row, W_TBL) is not child:
                        continue
                    for cell in row.iterchildren(W_TC):
                        yield from self.walk(cell, "table" if where == "body" else where)
            elif tag == MC_ALT:
                choice = child.find(MC_CHOICE)
                if choice is not None:
                    yield from self.walk(choice, where)
            elif tag in _TRANSPARENT or tag == w("sdt"):
                yield from self.walk(child, where)

    def paragraph(self, p: etree._Element, where: Where) -> Iterator[Paragraph]:
        # A text box belongs to (is anchored in) a paragraph; its paragraphs come first.
        for box in p.iter(W_TXBX):
            if nearest(box, W_P) is p and not under(box, MC_FALLBACK, p):
                yield from self.walk(box, "textbox" if where != "header" else where)
        self.count += 1
        number = self.count
        ppr = p.find(W_PPR)
        ps = ppr.find(w("pStyle")) if ppr is not None else None
        sid = (ps.get(W_VAL) if ps is not None else None) or self.styles.default
        outline, own_num, own_ilvl = outline_and_numbering(ppr)
        segments = list(self.inline(p, self.styles.bold(sid), []))
        for el in p.iter(w("drawing"), w("pict")):
            if (
                nearest(el, W_P) is p
                and not under(el, MC_FALLBACK, p)
                and next(el.iter(W_TXBX), None) is None
            ):
                self.notes.append(
                    _("{file}: paragraph {number}: a picture is not imported").format(
                        file=self.display, number=number
                    )
                )
                break
        text = clean(self.text_of(segments, number))
        if not text:
            return
        level = self.styles.heading_level(sid)
        if outline is not None:
            level = outline + 1 if outline < 9 else None
        style_num, style_ilvl, bullet_name = self.styles.numbering(sid)
        num_id = own_num if own_num is not None else style_num
        ilvl = own_ilvl if own_num is not None else style_ilvl
        kind: ParagraphKind = "plain"
        if level is not None:
            kind = "heading"
        elif (num_id is not None and num_id != "0") or (num_id is None and bullet_name):
            kind = "bullet"
            fmt = self.numbering.get(f"{num_id}:{ilvl}", "bullet")
            if fmt not in ("bullet", "none"):
                self.notes.append(
                    _(
                        "{file}: paragraph {number}: a numbered list is imported as a bullet list"
                    ).format(file=self.display, number=number)
                )
            if ilvl:
                self.notes.append(
                    _(
                        "{file}: paragraph {number}: a nested list item is imported at the "
                        "first level"
                    ).format(file=self.display, number=number)
                )
        visible = [s for s in segments if s.text.strip()]
        yield Paragraph(
            kind=kind,
            text=text,
            level=level or 0,
            number=number,
            label=_bold_label(segments),
            bold=bool(visible) and all(s.bold for s in visible),
            style=self.styles.name(sid),
            where=where,
            pieces=pieces_of("".join(s.text for s in segments)),
            list_id=num_id or "",
        )

    # -- runs -------------------------------------------------------------------------------
    def inline(
        self,
        el: etree._Element,
        style_bold: bool,
        fields: list[dict[str, Any]],
        url: str | None = None,
    ) -> Iterator[_Segment]:
        """The visible text of a paragraph's content, in order, with bold and link targets."""
        for child in el:
            tag = child.tag
            if tag in _SKIPPED or not isinstance(tag, str):
                continue
            if tag == W_R:
                yield from self.run(child, style_bold, fields, url)
            elif tag == w("hyperlink"):
                rid = child.get(f"{{{R_NS}}}id")
                target = self.rels.get(rid or "")
                anchor = child.get(w("anchor"))
                link = target + (f"#{anchor}" if anchor else "") if target else None
                yield from self.inline(child, style_bold, fields, link or url)
            elif tag == w("fldSimple"):
                m = re.search(r'HYPERLINK\s+"([^"]+)"', child.get(w("instr")) or "")
                yield from self.inline(child, style_bold, fields, m.group(1) if m else url)
            elif tag == MC_ALT:
                choice = child.find(MC_CHOICE)
                if choice is not None:
                    yield from self.inline(choice, style_bold, fields, url)
            elif tag in _TRANSPARENT or tag in (w("sdt"), MC_CHOICE):
                yield from self.inline(child, style_bold, fields, url)

    def run(
        self, r: etree._Element, style_bold: bool, fields: list[dict[str, Any]], url: str | None
    ) -> Iterator[_Segment]:
        bold = style_bold
        rpr = r.find(W_RPR)
        if rpr is not None:
            rs = rpr.find(w("rStyle"))
            if rs is not None and self.styles.bold(rs.get(W_VAL)):
                bold = True
            b = rpr.find(w("b"))
            if b is not None:
                bold = b.get(W_VAL) in ON_VALUES
        for child in r:
            tag = child.tag
            if tag == w("fldChar"):
                kind = child.get(w("fldCharType"))
                if kind == "begin":
                    fields.append({"instr": "", "result": False})
                elif kind == "separate" and fields:
                    fields[-1]["result"] = True
                elif kind == "end" and fields:
                    fields.pop()
                continue
            if tag == w("instrText"):
                if fields:
                    fields[-1]["instr"] += child.text or ""
                continue
            if fields and not fields[-1]["result"]:
                continue  # inside a field's code, nothing is shown
            link = url
            for f in reversed(fields):
                m = re.search(r'HYPERLINK\s+"([^"]+)"', f["instr"])
                if m:
                    link = link or m.group(1)
                    break
            text = None
            if tag == W_T:
                text = child.text or ""
            elif tag in (w("tab"), w("ptab")):
                text = "\t"
            elif tag in (w("br"), w("cr")):
                text = "\n"
            elif tag == w("noBreakHyphen"):
                text = "\u2011"
            elif tag == MC_ALT:
                choice = child.find(MC_CHOICE)
                if choice is not None:
                    yield from self.run(choice, style_bold, fields, url)
                continue
            if text:
                yield _Segment(text, bold, link)

    def text_of(self, segments: list[_Segment], number: int) -> str:
        """Segments joined; a link becomes ``[text](url)`` when the data format can hold it."""
        out: list[str] = []
        i = 0
        while i < len(segments):
            seg = segments[i]
            if seg.url is None:
                out.append(seg.text)
                i += 1
                continue
            j = i
            label = ""
            while j < len(segments) and segments[j].url == seg.url:
                label += segments[j].text
                j += 1
            written = f"[{fold(label)}]({seg.url})"
            if fold(label) and inline.LINK.fullmatch(written):
                out.append(written)
            else:
                out.append(label)
                if not seg.url.startswith("#"):
                    self.notes.append(
                        _(
                            "{file}: paragraph {number}: the link to {url} cannot be written "
                            "in the data format and is imported as its text only"
                        ).format(file=self.display, number=number, url=seg.url)
                    )
            i = j
        return "".join(out)


def _bold_label(segments: list[_Segment]) -> str:
    """``Ordförande`` when the paragraph starts with a bold ``Ordförande:``."""
    lead = ""
    for seg in segments:
        if not seg.bold:
            if seg.text.strip():
                break
            lead += seg.text
            continue
        lead += seg.text
    m = re.fullmatch(r"\s*([^:\n]{1,60}?)\s*:\s*", lead)
    return m.group(1) if m else ""
