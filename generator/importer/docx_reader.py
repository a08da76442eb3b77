"""Read a ``.docx`` as Word saves it, Swedish or English, into a :class:`~.source.Source`.

The package's XML is walked directly, so that text in tables, text boxes, content controls,
tracked insertions and the page header is read where it stands.  Styles count by name and outline
level, never by id: Swedish Word saves "heading 1" with the id ``Rubrik1``.  What the data format
cannot hold (a picture, a numbered or nested list, some links) becomes a note for the secretary.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from generator import inline
from generator.exceptions import DataError, Problem
from generator.i18n import _
from generator.importer.roles import assemble_source
from generator.importer.source import (
    Paragraph,
    ParagraphKind,
    Source,
    Where,
    clean,
    fold,
    pieces_of,
)
from generator.loader.messages import display_path
from generator.model import Settings
from generator.workspace import Library

MAX_DOCX_BYTES = 50_000_000
MAX_PART_BYTES = 50_000_000

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
HEADER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


W_P, W_R, W_T, W_TBL, W_TR, W_TC = _w("p"), _w("r"), _w("t"), _w("tbl"), _w("tr"), _w("tc")
W_PPR, W_RPR, W_VAL = _w("pPr"), _w("rPr"), _w("val")
W_TXBX = _w("txbxContent")
MC_ALT, MC_CHOICE, MC_FALLBACK = (
    f"{{{MC_NS}}}AlternateContent",
    f"{{{MC_NS}}}Choice",
    f"{{{MC_NS}}}Fallback",
)
# Containers whose children are read as if they stood in their place.
_TRANSPARENT = {
    _w("ins"),
    _w("moveTo"),
    _w("smartTag"),
    _w("customXml"),
    _w("sdtContent"),
    _w("fldSimple"),
    _w("dir"),
    _w("bdo"),
}
# Content Word does not show.
_SKIPPED = {
    _w("del"),
    _w("moveFrom"),
    W_PPR,
    W_RPR,
    _w("sdtPr"),
    _w("sdtEndPr"),
    MC_FALLBACK,
    W_TXBX,
    _w("customXmlPr"),
    _w("smartTagPr"),
    _w("proofErr"),
    _w("bookmarkStart"),
    _w("bookmarkEnd"),
    _w("commentRangeStart"),
    _w("commentRangeEnd"),
}
_ON = {"1", "true", "on", None}


def _xml(blob: bytes) -> etree._Element:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True
    )
    return etree.fromstring(blob, parser)


@dataclass
class _Style:
    name: str
    based_on: str | None
    outline: int | None
    num_id: str | None
    ilvl: int
    bold: bool | None


def _outline_and_numbering(ppr: etree._Element | None) -> tuple[int | None, str | None, int]:
    """Outline level, numbering id and list level of paragraph properties (a style's or a
    paragraph's own): what makes a paragraph a heading or a list item, whatever its style id."""
    outline = num_id = None
    ilvl = 0
    if ppr is None:
        return outline, num_id, ilvl
    ol = ppr.find(_w("outlineLvl"))
    if ol is not None and (ol.get(W_VAL) or "").isdigit():
        outline = int(ol.get(W_VAL))
    num = ppr.find(_w("numPr"))
    if num is not None:
        nid = num.find(_w("numId"))
        num_id = nid.get(W_VAL) if nid is not None else None
        lvl = num.find(_w("ilvl"))
        if lvl is not None and (lvl.get(W_VAL) or "").isdigit():
            ilvl = int(lvl.get(W_VAL))
    return outline, num_id, ilvl


@dataclass
class _Styles:
    """Paragraph and character styles by id, resolved through ``w:basedOn`` by name: Swedish Word
    saves "heading 1" with the id ``Rubrik1``, so only the name and the outline level count."""

    styles: dict[str, _Style]
    default: str | None

    @classmethod
    def read(cls, root: etree._Element | None) -> _Styles:
        styles: dict[str, _Style] = {}
        default = None
        if root is None:
            return cls(styles, None)
        for st in root.iter(_w("style")):
            sid = st.get(_w("styleId"))
            if not sid:
                continue
            name_el = st.find(_w("name"))
            based = st.find(_w("basedOn"))
            outline, num_id, ilvl = _outline_and_numbering(st.find(W_PPR))
            rpr = st.find(W_RPR)
            bold = None
            if rpr is not None and rpr.find(_w("b")) is not None:
                bold = rpr.find(_w("b")).get(W_VAL) in _ON
            styles[sid] = _Style(
                name=(name_el.get(W_VAL) if name_el is not None else sid) or sid,
                based_on=based.get(W_VAL) if based is not None else None,
                outline=outline,
                num_id=num_id,
                ilvl=ilvl,
                bold=bold,
            )
            if st.get(_w("type")) == "paragraph" and st.get(_w("default")) in ("1", "true", "on"):
                default = sid
        return cls(styles, default)

    def chain(self, sid: str | None) -> Iterator[_Style]:
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


@dataclass
class _Segment:
    text: str
    bold: bool
    url: str | None = None


@dataclass
class _DocxReader:
    """Walks ``word/document.xml`` (and the page headers) into :class:`Paragraph` objects."""

    display: str
    styles: _Styles
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
                    if _nearest(row, W_TBL) is not child:
                        continue
                    for cell in row.iterchildren(W_TC):
                        yield from self.walk(cell, "table" if where == "body" else where)
            elif tag == MC_ALT:
                choice = child.find(MC_CHOICE)
                if choice is not None:
                    yield from self.walk(choice, where)
            elif tag in _TRANSPARENT or tag == _w("sdt"):
                yield from self.walk(child, where)

    def paragraph(self, p: etree._Element, where: Where) -> Iterator[Paragraph]:
        # A text box belongs to (is anchored in) a paragraph; its paragraphs come first.
        for box in p.iter(W_TXBX):
            if _nearest(box, W_P) is p and not _under(box, MC_FALLBACK, p):
                yield from self.walk(box, "textbox" if where != "header" else where)
        self.count += 1
        number = self.count
        ppr = p.find(W_PPR)
        ps = ppr.find(_w("pStyle")) if ppr is not None else None
        sid = (ps.get(W_VAL) if ps is not None else None) or self.styles.default
        outline, own_num, own_ilvl = _outline_and_numbering(ppr)
        segments = list(self.inline(p, self.styles.bold(sid), []))
        for el in p.iter(_w("drawing"), _w("pict")):
            if (
                _nearest(el, W_P) is p
                and not _under(el, MC_FALLBACK, p)
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
            elif tag == _w("hyperlink"):
                rid = child.get(f"{{{R_NS}}}id")
                target = self.rels.get(rid or "")
                anchor = child.get(_w("anchor"))
                link = target + (f"#{anchor}" if anchor else "") if target else None
                yield from self.inline(child, style_bold, fields, link or url)
            elif tag == _w("fldSimple"):
                m = re.search(r'HYPERLINK\s+"([^"]+)"', child.get(_w("instr")) or "")
                yield from self.inline(child, style_bold, fields, m.group(1) if m else url)
            elif tag == MC_ALT:
                choice = child.find(MC_CHOICE)
                if choice is not None:
                    yield from self.inline(choice, style_bold, fields, url)
            elif tag in _TRANSPARENT or tag in (_w("sdt"), MC_CHOICE):
                yield from self.inline(child, style_bold, fields, url)

    def run(
        self, r: etree._Element, style_bold: bool, fields: list[dict[str, Any]], url: str | None
    ) -> Iterator[_Segment]:
        bold = style_bold
        rpr = r.find(W_RPR)
        if rpr is not None:
            rs = rpr.find(_w("rStyle"))
            if rs is not None and self.styles.bold(rs.get(W_VAL)):
                bold = True
            b = rpr.find(_w("b"))
            if b is not None:
                bold = b.get(W_VAL) in _ON
        for child in r:
            tag = child.tag
            if tag == _w("fldChar"):
                kind = child.get(_w("fldCharType"))
                if kind == "begin":
                    fields.append({"instr": "", "result": False})
                elif kind == "separate" and fields:
                    fields[-1]["result"] = True
                elif kind == "end" and fields:
                    fields.pop()
                continue
            if tag == _w("instrText"):
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
            elif tag in (_w("tab"), _w("ptab")):
                text = "\t"
            elif tag in (_w("br"), _w("cr")):
                text = "\n"
            elif tag == _w("noBreakHyphen"):
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


def _nearest(el: etree._Element, tag: str) -> etree._Element | None:
    node = el.getparent()
    while node is not None and node.tag != tag:
        node = node.getparent()
    return node


def _under(el: etree._Element, tag: str, stop: etree._Element) -> bool:
    node = el.getparent()
    while node is not None and node is not stop:
        if node.tag == tag:
            return True
        node = node.getparent()
    return False


def _read_numbering(root: etree._Element | None) -> dict[str, str]:
    """``"numId:ilvl"`` → number format (``bullet``, ``decimal``, …)."""
    if root is None:
        return {}
    abstract: dict[str, dict[str, str]] = {}
    for an in root.iter(_w("abstractNum")):
        levels = {}
        for lvl in an.iter(_w("lvl")):
            fmt = lvl.find(_w("numFmt"))
            levels[lvl.get(_w("ilvl")) or "0"] = fmt.get(W_VAL) if fmt is not None else "bullet"
        abstract[an.get(_w("abstractNumId")) or ""] = levels
    out = {}
    for num in root.iter(_w("num")):
        ref = num.find(_w("abstractNumId"))
        levels = abstract.get(ref.get(W_VAL) if ref is not None else "", {})
        for ilvl, fmt in levels.items():
            out[f"{num.get(_w('numId'))}:{ilvl}"] = fmt
    return out


def _rels(root: etree._Element | None) -> tuple[dict[str, str], dict[str, str]]:
    """(hyperlink targets, header part names) by relationship id."""
    links: dict[str, str] = {}
    headers: dict[str, str] = {}
    if root is None:
        return links, headers
    for rel in root.iter(f"{{{PKG_REL_NS}}}Relationship"):
        rid, target = rel.get("Id") or "", rel.get("Target") or ""
        if rel.get("TargetMode") == "External":
            links[rid] = target
        if rel.get("Type") == HEADER_REL:
            headers[rid] = "word/" + target.lstrip("/").removeprefix("word/")
    return links, headers


def read_docx(
    path: Path, *, settings: Settings | None = None, library: Library | None = None
) -> Source:
    """Read a ``.docx`` as Word saves it (Swedish or English Word, head block anywhere).

    ``settings`` help tell the organisation line from the council name in the head block, and
    the ``library``'s section titles recognise a title that was typed as a plain paragraph.
    """
    path = Path(path)
    display = display_path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise DataError([Problem(display, None, None, "", _("file not found"))]) from None
    if size > MAX_DOCX_BYTES:
        raise DataError(
            [
                Problem(
                    display,
                    None,
                    None,
                    "",
                    _("the file is larger than {limit} bytes").format(limit=MAX_DOCX_BYTES),
                )
            ]
        )
    parts: dict[str, etree._Element | None] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())

            def part(name: str) -> etree._Element | None:
                if name not in names:
                    return None
                if archive.getinfo(name).file_size > MAX_PART_BYTES:
                    raise DataError(
                        [
                            Problem(
                                display,
                                None,
                                None,
                                "",
                                _("the part {part} of the document is unreasonably large").format(
                                    part=name
                                ),
                            )
                        ]
                    )
                return _xml(archive.read(name))

            document = part("word/document.xml")
            if document is None:
                raise zipfile.BadZipFile("no word/document.xml")
            parts["styles"] = part("word/styles.xml")
            parts["numbering"] = part("word/numbering.xml")
            parts["rels"] = part("word/_rels/document.xml.rels")
            links, header_rels = _rels(parts["rels"])
            body = document.find(_w("body"))
            header_ids = [ref.get(f"{{{R_NS}}}id") for ref in document.iter(_w("headerReference"))]
            headers = []
            for rid in dict.fromkeys(header_ids):
                name = header_rels.get(rid or "")
                if name:
                    root = part(name)
                    if root is not None:
                        headers.append(root)
    except (zipfile.BadZipFile, KeyError, OSError):
        raise DataError(
            [
                Problem(
                    display,
                    None,
                    None,
                    "",
                    _(
                        "the file is not a Word document (.docx); open it in Word and save it "
                        "as .docx"
                    ),
                )
            ]
        ) from None
    except etree.XMLSyntaxError as err:
        raise DataError(
            [
                Problem(
                    display,
                    None,
                    None,
                    "",
                    _("the Word document is damaged: {error}").format(error=err),
                )
            ]
        ) from None
    reader = _DocxReader(
        display, _Styles.read(parts["styles"]), links, _read_numbering(parts["numbering"])
    )
    paragraphs = _with_lists(list(reader.walk(body, "body"))) if body is not None else []
    header_paragraphs: list[Paragraph] = []
    for root in headers:
        reader.count = 0
        header_paragraphs.extend(reader.walk(root, "header"))
    return assemble_source(
        path, display, paragraphs, header_paragraphs, settings, library, reader.notes
    )


def _with_lists(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """``new_list`` where a bullet starts a list: after other text, or with a new numbering."""
    previous: Paragraph | None = None
    for paragraph in paragraphs:
        if paragraph.kind == "bullet":
            paragraph.new_list = (
                previous is None
                or previous.kind != "bullet"
                or previous.list_id != paragraph.list_id
            )
        previous = paragraph
    return paragraphs
