"""Import an existing mandate (a Word file, or its text export) into a council data file.

The region has decided mandates that were written by hand in Word.  To bring a council under the
generator, its document is read into a :class:`Source` (typed paragraphs plus the head-block
values), the text that is identical to a library clause is replaced by ``klausul: id`` and the
rest is kept as the council's own text (:func:`to_council`), and the result is written in the style
of the hand-written council files (:func:`write_council`).

The one promise is that nothing is lost: rendering the imported file with the document's own date,
number and decision date gives the same text, line for line.  Every import is checked against that
promise before anything is written; content the data format cannot hold is an error naming the
paragraph, never a silent drop.  :func:`new_council` starts a council from scratch instead, with
the places a secretary must fill in marked (:data:`MARKER`, found again by :func:`find_unfilled`).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from lxml import etree

from generator import inline
from generator.exceptions import DataError, Problem, RegisterError, UsageError
from generator.i18n import _, ngettext
from generator.loader import Loaded, display_path, position
from generator.loader import read_text as read_data_text
from generator.model import Item, Settings
from generator.schema import field_name
from generator.workspace import Library

# ---------------------------------------------------------------------------------------------
# Words of the documents (Swedish text, not user-interface messages)
# ---------------------------------------------------------------------------------------------

#: Marks a value a secretary must fill in; ``uppdrag check`` lists what is left.
MARKER = "ATT FYLLA I"
DISTRIBUTION_TITLE = "Uppdraget skickas till"
DECISION_LABEL = "Datum för beslut"
DECISION_PLACEHOLDER = "(ifylls av beslutsfattaren vid godkännande)"
DRAFT_DNR = "(tilldelas vid registrering)"
#: Labels of the head block, by what they hold.
HEAD_LABELS = {
    "datum": "date",
    "diarienummer": "dnr",
    "diarienr": "dnr",
    "dnr": "dnr",
    "ersätter": "supersedes",
    "ansvarsområde": "responsibility",
    "uppdragsgivare": "issuer",
    "uppdragstagare": "recipient",
}
#: Field labels the councils use ("Ordförande: …" with the label in bold).
FIELD_LABELS = (
    "Ordförande",
    "Deltagare",
    "Adjungerande deltagare",
    "Mötesfrekvens",
    "Undergrupper",
)
#: Standard sub-sections: a plain title line in a text export does not say its level.
SUBSECTIONS = {"beslutsordning": ("rapportering", "beslutsfattande")}
_MONTHS = {
    m: i
    for i, m in enumerate(
        (
            "januari",
            "februari",
            "mars",
            "april",
            "maj",
            "juni",
            "juli",
            "augusti",
            "september",
            "oktober",
            "november",
            "december",
        ),
        start=1,
    )
}

MAX_DOCX_BYTES = 50_000_000
MAX_PART_BYTES = 50_000_000

# ---------------------------------------------------------------------------------------------
# The source document
# ---------------------------------------------------------------------------------------------

ParagraphKind = Literal["heading", "bullet", "plain"]
Where = Literal["body", "table", "textbox", "header"]
Role = Literal[
    "head",
    "body",
    "decision",
    "signature",
    "distribution-title",
    "distribution",
    "header",
    "ignored",
]


@dataclass
class Paragraph:
    """One paragraph as the reader sees it.

    ``text`` keeps line breaks as ``\\n`` and links as ``[text](url)``; ``pieces`` are its lines and
    table-like tab stops, which is how a head block in a header or table is laid out.  ``label``
    is a bold lead (``Ordförande:``) when the document marks one; ``number`` the paragraph's place
    in the document (1-based) and ``line`` its line in a text file, for messages.
    """

    kind: ParagraphKind
    text: str
    level: int = 0
    number: int = 0
    line: int | None = None
    new_list: bool = False
    label: str = ""
    bold: bool = False
    style: str = ""
    where: Where = "body"
    pieces: tuple[str, ...] = ()
    role: Role = "body"
    list_id: str = ""


@dataclass
class Source:
    """A mandate document: its paragraphs (each with its role) and the head-block values found.

    ``decided`` is None both for the placeholder and when the line is missing; ``decision_found``
    tells them apart.  ``problems`` are content that could not be placed (raised by
    :func:`to_council` together with everything else), ``notes`` what a secretary should know.
    """

    path: Path
    display: str
    paragraphs: list[Paragraph]
    title: str | None = None
    date: dt.date | None = None
    dnr: str | None = None
    decided: dt.date | None = None
    decision_found: bool = False
    supersedes: str | None = None
    organisation: str | None = None
    council: str | None = None
    responsibility: str | None = None
    issuer: str | None = None
    recipient: str | None = None
    signature: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def body(self) -> list[Paragraph]:
        return [p for p in self.paragraphs if p.role == "body"]

    @property
    def distribution(self) -> list[str]:
        """The "Uppdraget skickas till" items."""
        return [p.text for p in self.paragraphs if p.role == "distribution"]

    def problem(self, paragraph: Paragraph | None, message: str) -> None:
        self.problems.append(_problem(self.display, paragraph, message))


def _problem(display: str, paragraph: Paragraph | None, message: str) -> Problem:
    if paragraph is None:
        return Problem(display, None, None, "", message)
    if paragraph.where == "header":
        where = _("page header, paragraph {number}").format(number=paragraph.number)
    else:
        where = _("paragraph {number}").format(number=paragraph.number)
    return Problem(
        display,
        paragraph.line,
        None,
        where,
        f"{message} ({_excerpt(paragraph.text, 50)!r})" if paragraph.text else message,
    )


def _excerpt(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"


# ---------------------------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------------------------

_WS = re.compile(r"\s+")
_HSPACE_RUN = re.compile(r"[ \t\r\f\v]+")
_NON_NEWLINE_SPACE = re.compile(r"[^\S\n]")


def fold(text: str) -> str:
    """Whitespace runs become one space: Word and text exports space text differently."""
    return _WS.sub(" ", text).strip()


def key(text: str) -> str:
    """The comparison form of a text: each line folded, line breaks kept (they are visible)."""
    return "\n".join(fold(line) for line in text.strip().split("\n"))


def plain_key(text: str) -> str:
    """:func:`key` with links reduced to their text: a clause whose link address differs."""
    return key(inline.plain(text))


def _clean_line(line: str) -> str:
    return _HSPACE_RUN.sub(" ", line).strip()


def _clean(text: str) -> str:
    """Tabs become spaces, runs of spaces one space, line ends trimmed, empty ends dropped."""
    lines = [_clean_line(line.replace("\t", " ")) for line in text.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def _pieces(raw: str) -> tuple[str, ...]:
    return tuple(p for p in (_clean_line(x) for x in re.split(r"[\n\t]", raw)) if p)


def _parse_date(text: str) -> dt.date | None:
    """``2024-05-21`` or ``21 maj 2024``; None when the text is not a date."""
    text = fold(text).rstrip(".")
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
        m = re.fullmatch(r"(\d{1,2}) ([a-zåäö]+) (\d{4})", text.lower())
        if m and m.group(2) in _MONTHS:
            return dt.date(int(m.group(3)), _MONTHS[m.group(2)], int(m.group(1)))
    except ValueError:
        return None
    return None


# ---------------------------------------------------------------------------------------------
# Reading .docx
# ---------------------------------------------------------------------------------------------

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
            ppr = st.find(W_PPR)
            outline = num_id = None
            ilvl = 0
            if ppr is not None:
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
        sid = None
        own_num: str | None = None
        own_ilvl = 0
        outline = None
        if ppr is not None:
            ps = ppr.find(_w("pStyle"))
            sid = ps.get(W_VAL) if ps is not None else None
            num = ppr.find(_w("numPr"))
            if num is not None:
                nid = num.find(_w("numId"))
                own_num = nid.get(W_VAL) if nid is not None else None
                lvl = num.find(_w("ilvl"))
                if lvl is not None and (lvl.get(W_VAL) or "").isdigit():
                    own_ilvl = int(lvl.get(W_VAL))
            ol = ppr.find(_w("outlineLvl"))
            if ol is not None and (ol.get(W_VAL) or "").isdigit():
                outline = int(ol.get(W_VAL))
        sid = sid or self.styles.default
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
        text = _clean(self.text_of(segments, number))
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
            pieces=_pieces("".join(s.text for s in segments)),
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
    return _assemble(path, display, paragraphs, header_paragraphs, settings, library, reader.notes)


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


# ---------------------------------------------------------------------------------------------
# Reading text exports (markdown as Word's "save as text" and converters write it)
# ---------------------------------------------------------------------------------------------

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_BULLET = re.compile(r"^\s{0,3}[-*+]\s+(.*)$")
_MD_LINK = re.compile(r"\[((?:[^\]\\]|\\.)*)\]\(([^)\s]*)\)")
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_MD_LABEL = re.compile(r"^\*\*([^*\n]{1,60}?)\s*:\s*\*\*")


def _md_inline(text: str) -> str:
    """Markdown marks and escapes dropped, links kept as ``[text](url)``."""
    out: list[str] = []
    pos = 0
    for m in _MD_LINK.finditer(text):
        out.append(_MD_ESCAPE.sub(r"\1", text[pos : m.start()].replace("**", "")))
        label = _MD_ESCAPE.sub(r"\1", m.group(1).replace("**", ""))
        out.append(f"[{label}]({m.group(2)})")
        pos = m.end()
    out.append(_MD_ESCAPE.sub(r"\1", text[pos:].replace("**", "")))
    return "".join(out)


def read_text(
    path: Path, *, settings: Settings | None = None, library: Library | None = None
) -> Source:
    """Read a text or markdown export of a mandate (like ``tests/seeds/*.txt``).

    Paragraphs are separated by blank lines; lines of one paragraph were line breaks in Word.
    ``- `` lines are bullets, and a blank line between two runs of them separates two lists.
    A section title is a plain line equal to a title of the library (``#`` headings work too).
    """
    path = Path(path)
    display = display_path(path)
    groups: list[list[tuple[int, str]]] = [[]]
    for number, line in enumerate(read_data_text(path, display).splitlines(), start=1):
        if line.strip():
            groups[-1].append((number, line.rstrip()))
        elif groups[-1]:
            groups.append([])
    paragraphs: list[Paragraph] = []
    for group in groups:
        paragraphs.extend(_md_group(group, len(paragraphs)))
    return _assemble(path, display, paragraphs, [], settings, library, [])


def _md_group(group: list[tuple[int, str]], count: int) -> list[Paragraph]:
    """The paragraphs of one block of non-blank lines."""
    out: list[Paragraph] = []
    lines: list[tuple[int, str]] = []
    first_bullet = True

    def emit_plain() -> None:
        if not lines:
            return
        raw = "\n".join(x for _n, x in lines)
        label = _MD_LABEL.match(raw)
        out.append(
            Paragraph(
                kind="plain",
                text=_clean(_md_inline(raw)),
                number=count + len(out) + 1,
                line=lines[0][0],
                bold=raw.startswith("**") and raw.endswith("**") and len(raw) > 4,
                label=label.group(1).strip() if label else "",
                pieces=_pieces(_md_inline(raw)),
            )
        )
        lines.clear()

    for number, line in group:
        heading = _MD_HEADING.match(line)
        bullet = _MD_BULLET.match(line)
        if heading:
            emit_plain()
            title = _clean(_md_inline(heading.group(2)))
            out.append(
                Paragraph(
                    kind="heading",
                    text=title,
                    level=len(heading.group(1)),
                    number=count + len(out) + 1,
                    line=number,
                    pieces=(title,),
                )
            )
        elif bullet and not line.lstrip().startswith("**"):
            emit_plain()
            item = _clean(_md_inline(bullet.group(1)))
            out.append(
                Paragraph(
                    kind="bullet",
                    text=item,
                    number=count + len(out) + 1,
                    line=number,
                    new_list=first_bullet,
                    pieces=(item,),
                )
            )
            first_bullet = False
        elif line[:1].isspace() and not lines and out and out[-1].kind == "bullet":
            # An indented line under a bullet continues the bullet on a new line.
            out[-1].text = _clean(out[-1].text + "\n" + _md_inline(line))
        else:
            lines.append((number, line))
            first_bullet = True
    emit_plain()
    return out


# ---------------------------------------------------------------------------------------------
# Roles: head block, body, decision date, signature, distribution list
# ---------------------------------------------------------------------------------------------


def _label_value(piece: str) -> tuple[str, str] | None:
    """("dnr", "RS 2024-00784") for ``Diarienummer: RS 2024-00784`` (also after "UTKAST – ")."""
    m = re.fullmatch(r"(?:UTKAST\s*[-–—]\s*)?([^\W\d][\w .]*?)\s*:\s*(.*)", piece, re.IGNORECASE)
    if not m:
        return None
    what = HEAD_LABELS.get(m.group(1).strip().lower().rstrip("."))
    return (what, m.group(2).strip()) if what else None


def _assemble(
    path: Path,
    display: str,
    paragraphs: list[Paragraph],
    header: list[Paragraph],
    settings: Settings | None,
    library: Library | None,
    notes: list[str],
) -> Source:
    """Give every paragraph its role and collect the head-block values."""
    source = Source(path=path, display=display, paragraphs=header + paragraphs, notes=list(notes))
    for p in header:
        p.role = "header"
    if library is not None:
        _title_lines(paragraphs, library)
    # The head block of the body ends with its last head label before the first section.
    first_heading = next(
        (i for i, p in enumerate(paragraphs) if p.kind == "heading" or _is_distribution_title(p)),
        len(paragraphs),
    )
    head_end = -1
    for i, p in enumerate(paragraphs[:first_heading]):
        if any(_label_value(x) for x in p.pieces):
            head_end = i
    while (
        0 <= head_end < first_heading - 1
        and paragraphs[head_end].pieces
        and (_label_value(paragraphs[head_end].pieces[-1]) or ("", "x"))[1] == ""
    ):
        head_end += 1  # "Uppdragstagare:" in one table cell, its value in the next
    if head_end < 0 and paragraphs and _looks_like_title(paragraphs[0], settings):
        head_end = 0  # the head block is elsewhere (page header); only the title is here
    for p in paragraphs[: head_end + 1]:
        p.role = "head"
    _read_head(source, paragraphs[: head_end + 1], header, settings)
    _read_tail(source, paragraphs[head_end + 1 :], settings)
    return source


def _is_distribution_title(p: Paragraph) -> bool:
    return (
        p.kind != "bullet"
        and "\n" not in p.text
        and fold(p.text).rstrip(":").casefold() == DISTRIBUTION_TITLE.casefold()
    )


def _looks_like_title(p: Paragraph, settings: Settings | None) -> bool:
    """The document title ("Uppdragshandling för samordningsråd"), which the settings hold."""
    if p.kind != "plain" or any(_label_value(x) for x in p.pieces):
        return False
    if p.style.lower() == "title":
        return True
    if settings is not None and key(p.text) == key(settings.title):
        return True
    return p.bold and fold(p.text).lower().startswith("uppdragshandling")


def _head_lines(
    paragraphs: list[Paragraph],
    source: Source,
    strict: bool,
    values: dict[str, tuple[str, Paragraph]],
) -> list[tuple[str, Paragraph]]:
    """Labelled values into ``values``; the unlabelled lines are returned."""
    unlabelled: list[tuple[str, Paragraph]] = []
    pieces = [(piece, p) for p in paragraphs for piece in p.pieces]
    i = 0
    while i < len(pieces):
        piece, p = pieces[i]
        found = _label_value(piece)
        if found and not found[1] and i + 1 < len(pieces) and not _label_value(pieces[i + 1][0]):
            found = (found[0], pieces[i + 1][0])  # "Datum:" | "2024-05-21" in two table cells
            i += 1
        if found:
            what, value = found
            if what not in values or not values[what][0]:
                values[what] = (value, p)
            elif value and fold(values[what][0]) != fold(value) and strict:
                source.problem(
                    p,
                    _(
                        "the head block gives two different values for {label}: "
                        "{first!r} and {second!r}"
                    ).format(label=what, first=values[what][0], second=value),
                )
        elif strict or not re.fullmatch(r"(?i)(sida )?\d+( (av|\() ?\d+\)?)?", piece):
            unlabelled.append((piece, p))
        i += 1
    return unlabelled


def _read_head(
    source: Source, head: list[Paragraph], header: list[Paragraph], settings: Settings | None
) -> None:
    """Title, date, number, organisation, council and the three head fields."""
    values: dict[str, tuple[str, Paragraph]] = {}
    rest: dict[bool, list[Paragraph]] = {True: [], False: []}
    for strict, paragraphs in ((True, head), (False, header)):
        for p in paragraphs:
            if source.title is None and _looks_like_title(p, settings):
                source.title = p.text
            else:
                rest[strict].append(p)
    body_lines = _dedupe(_head_lines(rest[True], source, True, values))
    seen = {fold(text).casefold() for text, _p in body_lines}
    header_lines = [
        x
        for x in _dedupe(_head_lines(rest[False], source, False, values))
        if fold(x[0]).casefold() not in seen
    ]
    # The unlabelled lines are the organisation and the council's name, in that order.
    org_name = fold(settings.organisation).casefold() if settings else None
    for lines, strict in ((body_lines, True), (header_lines, False)):
        remaining = list(lines)
        org = next((x for x in remaining if fold(x[0]).casefold() == org_name), None)
        if org is None and source.organisation is None and len(remaining) >= 2:
            org = remaining[0]
        if org is not None:
            source.organisation = source.organisation or org[0]
            remaining.remove(org)
        if source.council is None and remaining:
            source.council = fold(remaining.pop(0)[0])
        for text, p in remaining:
            if strict:
                source.problem(p, _("this line of the head block is not understood"))
            else:
                source.notes.append(
                    _("{file}: the page header line {text!r} is not imported").format(
                        file=source.display, text=text
                    )
                )
    if "date" in values:
        source.date = _parse_date(values["date"][0])
        if source.date is None:
            source.problem(values["date"][1], _("the date is not a date (YYYY-MM-DD)"))
    if "dnr" in values:
        raw = fold(values["dnr"][0])
        if raw and raw.casefold() != DRAFT_DNR.casefold():
            from generator.dnr import DiaryNumber

            try:
                source.dnr = str(DiaryNumber.parse(raw))
            except UsageError:
                source.dnr = raw
                source.notes.append(
                    _("{file}: the diary number {dnr!r} is not in the standard form").format(
                        file=source.display, dnr=raw
                    )
                )
    if "supersedes" in values:
        source.supersedes = fold(values["supersedes"][0])
    for what in ("responsibility", "issuer", "recipient"):
        if what in values:
            setattr(source, what, fold(values[what][0]))


def _dedupe(lines: list[tuple[str, Paragraph]]) -> list[tuple[str, Paragraph]]:
    """The organisation stands in the page header and in the head block: once is enough."""
    seen: set[str] = set()
    out = []
    for text, p in lines:
        k = fold(text).casefold()
        if k not in seen:
            seen.add(k)
            out.append((text, p))
    return out


def _read_tail(source: Source, rest: list[Paragraph], settings: Settings | None) -> None:
    """Decision date, signature and distribution list: the end of the document."""
    dist = None
    for i, p in enumerate(rest):
        if _is_distribution_title(p):
            dist = i
    end = dist if dist is not None else len(rest)
    decision = None
    for i, p in enumerate(rest[:end]):
        if p.kind == "plain" and fold(p.text).casefold().startswith(DECISION_LABEL.casefold()):
            decision = i
    lines: list[str] = []
    signature: list[Paragraph] = []
    if decision is not None:
        p = rest[decision]
        p.role = "decision"
        source.decision_found = True
        first, _sep, after = p.text.partition("\n")
        lines = [x for x in after.split("\n") if x.strip()]
        value = fold(first[len(DECISION_LABEL) :].lstrip(" :"))
        if value.startswith("(") or not value:
            if value and value.casefold() != DECISION_PLACEHOLDER.casefold():
                source.notes.append(
                    _("{file}: the decision date {text!r} is read as not yet decided").format(
                        file=source.display, text=value
                    )
                )
        else:
            source.decided = _parse_date(value)
            if source.decided is None:
                source.problem(p, _("the decision date is not a date (YYYY-MM-DD)"))
        signature = rest[decision + 1 : end]
    else:
        source.notes.append(
            _("{file}: there is no '{label}' line; the rendered document will have one").format(
                file=source.display, label=DECISION_LABEL
            )
        )
        if settings is not None:
            start = next(
                (
                    i
                    for i in range(end - 1, -1, -1)
                    if rest[i].kind == "plain"
                    and fold(rest[i].text.split("\n")[0]) == fold(settings.signatory_name)
                ),
                None,
            )
            if start is not None:
                signature = rest[start:end]
    for p in signature:
        p.role = "signature"
        if p.kind == "heading":
            source.problem(
                p, _("a heading between the signature and the distribution list is not understood")
            )
        lines.extend(x for x in p.text.split("\n") if x.strip())
    source.signature = [fold(x) for x in lines]
    if len(source.signature) > 2:
        where = signature[-1] if signature else rest[decision] if decision is not None else None
        source.problem(
            where,
            _("the signature has more than two lines (name and title); the rest would be lost"),
        )
    if dist is not None:
        rest[dist].role = "distribution-title"
        for p in rest[dist + 1 :]:
            if p.kind == "heading":
                source.problem(p, _("a heading after the distribution list is not understood"))
                p.role = "ignored"
            else:
                p.role = "distribution"


def _title_lines(paragraphs: list[Paragraph], library: Library) -> None:
    """A plain line equal to a section title is a heading; a standard sub-section (Rapportering
    under Beslutsordning) is then at level 2, since a text export does not show levels."""
    titles = {fold(t).casefold(): k for k, t in library.titles.items()}
    current: str | None = None
    for p in paragraphs:
        if p.role != "body":
            continue
        section_key = titles.get(fold(p.text).casefold()) if "\n" not in p.text else None
        if p.kind == "plain" and section_key is not None:
            p.kind = "heading"
            sub = current is not None and section_key in SUBSECTIONS.get(current, ())
            p.level = 2 if sub else 1
        if p.kind == "heading" and p.level == 1:
            current = section_key


# ---------------------------------------------------------------------------------------------
# Clauses
# ---------------------------------------------------------------------------------------------

_SENTENCE_END = ".!?:;”\"')»"


@dataclass
class _Matcher:
    """The library's clauses in the forms a document can hold them, and what was matched."""

    library: Library
    inline_texts: dict[str, str] = field(default_factory=dict)
    blocks: dict[str, list[Item]] = field(default_factory=dict)
    overrides: dict[str, str] = field(default_factory=dict)
    used: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # The merge's own resolution (nested references, one-text lists), so that "identical to
        # a clause" means identical to what rendering the clause gives.
        from generator.clauses import _Merger

        loaded = Loaded(path=self.library.loaded.path, data={}, display="")
        for clause_id in self.library.clauses:
            merger = _Merger(loaded, self.library, {})
            text = merger.text_clause(clause_id, {}, "klausul", [], ())
            if not merger.problems and text.strip():
                self.inline_texts[clause_id] = text.strip()
            merger = _Merger(loaded, self.library, {})
            items = merger.block({}, 0, {"klausul": clause_id}, [], ())
            if not merger.problems and items:
                self.blocks[clause_id] = items

    def text(self, clause_id: str) -> str:
        return self.overrides.get(clause_id, self.inline_texts.get(clause_id, ""))

    def use(self, clause_id: str) -> dict[str, str]:
        if clause_id not in self.used:
            self.used.append(clause_id)
        return {"klausul": clause_id}

    def whole(self, text: str) -> str | None:
        """The clause that is exactly ``text``, or whose link address alone differs (then the
        council's own version is recorded in ``klausuler:``)."""
        wanted = key(text)
        for clause_id in self.inline_texts:
            if key(self.text(clause_id)) == wanted:
                return clause_id
        wanted_plain = plain_key(text)
        for clause_id, value in self.inline_texts.items():
            if clause_id in self.overrides or clause_id in self.used:
                continue
            if not isinstance(self.library.clauses.get(clause_id), str):
                continue
            if plain_key(value) == wanted_plain and inline.links(value):
                self.overrides[clause_id] = text
                return clause_id
        return None

    def part_of(self, text: str) -> str | None:
        """The clause of several paragraphs that ``text`` is one paragraph of."""
        wanted = key(text)
        for clause_id, items in self.blocks.items():
            if len(items) > 1 and any(key(item.plain()) == wanted for item in items):
                return clause_id
        return None

    def multi(self, paragraphs: list[Paragraph], start: int) -> tuple[str, int] | None:
        """A clause of several paragraphs (or one that is not a plain text) that stands at
        ``start`` as a whole; the longest wins."""
        best: tuple[str, int] | None = None
        for clause_id, items in self.blocks.items():
            n = len(items)
            if n == 1 and clause_id in self.inline_texts:
                continue  # a text clause: :meth:`whole` finds it, link differences included
            if start + n > len(paragraphs) or (best and best[1] >= n):
                continue
            if all(_same(items[k], paragraphs[start + k]) for k in range(n)):
                best = (clause_id, n)
        return best

    def parts(self, text: str) -> list[Any]:
        """A paragraph as own text and clauses (whole sentences), in order."""
        if "\n" in text:
            return [text]
        spaced = _NON_NEWLINE_SPACE.sub(" ", text)
        taken: list[tuple[int, int, str]] = []
        candidates = sorted(self.inline_texts, key=lambda c: -len(self.text(c)))
        for clause_id in candidates:
            needle = key(self.text(clause_id))
            if not needle or "\n" in needle:
                continue
            start = 0
            while True:
                s = spaced.find(needle, start)
                if s < 0:
                    break
                e = s + len(needle)
                start = s + 1
                after_sentence = s >= 2 and spaced[s - 1] == " " and spaced[s - 2] in _SENTENCE_END
                if s > 0 and not after_sentence:
                    continue
                if e < len(spaced) and spaced[e] != " ":
                    continue
                if any(s < te and ts < e for ts, te, _c in taken):
                    continue
                taken.append((s, e, clause_id))
        if not taken:
            return [text]
        taken.sort()
        out: list[Any] = []
        pos = 0
        for s, e, clause_id in taken:
            own = text[pos:s].strip()
            if own:
                out.append(own)
            out.append({"klausul": clause_id})
            pos = e
        own = text[pos:].strip()
        if own:
            out.append(own)
        return out


def _same(item: Item, p: Paragraph) -> bool:
    if item.kind == "bullet":
        return p.kind == "bullet" and key(item.text) == key(p.text)
    if item.kind == "heading":
        return False
    return p.kind == "plain" and key(item.plain()) == key(p.text)


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


@dataclass
class Report:
    """What an import found: the clauses recognised, the council's own text, what to check."""

    source: str
    clauses: list[str] = field(default_factory=list)
    overridden: list[str] = field(default_factory=list)
    own: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    date: dt.date | None = None
    dnr: str | None = None
    decided: dt.date | None = None

    def lines(self) -> list[str]:
        """The report in the user's language, one line each, for the command line."""
        out = _wrap(
            ngettext(
                "{count} standard clause recognised: {ids}",
                "{count} standard clauses recognised: {ids}",
                len(self.clauses),
            ).format(count=len(self.clauses), ids=", ".join(self.clauses) or "–"),
            WIDTH,
            indent="    ",
        )
        for clause_id in self.overridden:
            out.append(
                _(
                    "  {id}: the document's own version (its link differs from the "
                    "library's) is kept under klausuler:"
                ).format(id=clause_id)
            )
        out.append(
            ngettext(
                "{count} text is the council's own:",
                "{count} texts are the council's own:",
                len(self.own),
            ).format(count=len(self.own))
        )
        out.extend(f"  – {_excerpt(text, 90)}" for text in self.own)
        if self.notes:
            out.append(_("To check:"))
            out.extend(f"  ! {note}" for note in self.notes)
        stamp = []
        if self.date:
            stamp.append(f"--date {self.date.isoformat()}")
        if self.dnr:
            stamp.append(f'--dnr "{self.dnr}"')
        if self.decided:
            stamp.append(f"--decided {self.decided.isoformat()}")
        if stamp:
            out.append(
                _("The document's own date and number: {options}").format(options=" ".join(stamp))
            )
        return out


# ---------------------------------------------------------------------------------------------
# Source → council data
# ---------------------------------------------------------------------------------------------

_SECTION_SLUG = re.compile(r"[^a-z0-9åäö]+")


def _slug(title: str, taken: set[str]) -> str:
    base = _SECTION_SLUG.sub("-", title.lower()).strip("-")[:40].strip("-") or "avsnitt"
    if not re.match(r"[a-z0-9åäö]", base):
        base = "avsnitt-" + base
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@dataclass
class _Section:
    heading: Paragraph
    level: int
    content: list[Paragraph] = field(default_factory=list)
    children: list[_Section] = field(default_factory=list)


@dataclass
class _Converter:
    source: Source
    library: Library
    matcher: _Matcher
    report: Report

    # -- paragraphs → blocks ----------------------------------------------------------------
    def own(self, text: str) -> str:
        self.report.own.append(text)
        return text

    def inline_value(self, text: str) -> Any:
        """A bullet or a list item: a clause, own text, or a ``stycke`` of both."""
        clause_id = self.matcher.whole(text)
        if clause_id:
            return self.matcher.use(clause_id)
        parts = self.parts(text)
        if len(parts) == 1 and isinstance(parts[0], str):
            return parts[0]
        return {"stycke": parts}

    def parts(self, text: str) -> list[Any]:
        out = []
        for part in self.matcher.parts(text):
            if isinstance(part, str):
                out.append(self.own(part))
            else:
                out.append(self.matcher.use(part["klausul"]))
        return out

    def field_of(self, p: Paragraph) -> tuple[str, str] | None:
        """``("Ordförande", "Utses av …")`` when the paragraph is a field, else None."""
        if "\n" in p.text.split(": ", 1)[0]:
            return None
        m = re.match(r"([^:\n]{1,40}?): (\S.*)\Z", p.text, re.DOTALL)
        if not m:
            return None
        label, rest = m.group(1).strip(), m.group(2).strip()
        if "\n" in rest:
            return None
        known = {x.casefold() for x in FIELD_LABELS}
        if label.casefold() in known or (p.label and fold(p.label) == fold(label)):
            return label, rest
        # A short label before a standard text: the library's way of writing a field.
        short = (
            len(label.split()) <= 3 and label[:1].isupper() and not re.search(r"[.,;()\d]", label)
        )
        if short:
            first = self.matcher.parts(rest)[0]
            if isinstance(first, dict):
                return label, rest
        return None

    def blocks(self, paragraphs: list[Paragraph]) -> list[Any]:
        out: list[Any] = []
        i = 0
        while i < len(paragraphs):
            p = paragraphs[i]
            found = self.matcher.multi(paragraphs, i)
            if found:
                out.append(self.matcher.use(found[0]))
                i += found[1]
                continue
            if p.kind == "bullet":
                items = [self.inline_value(p.text)]
                i += 1
                while (
                    i < len(paragraphs)
                    and paragraphs[i].kind == "bullet"
                    and not paragraphs[i].new_list
                ):
                    items.append(self.inline_value(paragraphs[i].text))
                    i += 1
                out.append({"punkter": items})
                continue
            out.append(self.paragraph(p))
            i += 1
        return out

    def paragraph(self, p: Paragraph) -> Any:
        clause_id = self.matcher.whole(p.text)
        if clause_id:
            return self.matcher.use(clause_id)
        if "\n" in p.text:
            return {"rader": [self.own(line) for line in p.text.split("\n")]}
        found = self.field_of(p)
        if found:
            label, rest = found
            clause_id = self.matcher.whole(rest)
            if clause_id:
                return {"fält": label, "text": [self.matcher.use(clause_id)]}
            parts = self.parts(rest)
            text: Any = parts[0] if len(parts) == 1 and isinstance(parts[0], str) else parts
            return {"fält": label, "text": text}
        parts = self.parts(p.text)
        if len(parts) == 1:
            clause_id = self.matcher.part_of(p.text)
            if clause_id:
                self.report.notes.append(
                    _(
                        "{file}: paragraph {number} is one paragraph of the clause {id}, but the "
                        "clause's other paragraphs do not follow it; it is kept as own text"
                    ).format(file=self.source.display, number=p.number, id=clause_id)
                )
            return parts[0]
        return {"stycke": parts}

    # -- sections -----------------------------------------------------------------------------
    def tree(self, body: list[Paragraph]) -> tuple[list[Paragraph], list[_Section]]:
        intro: list[Paragraph] = []
        roots: list[_Section] = []
        stack: list[_Section] = []
        for p in body:
            if p.kind == "heading":
                level = max(1, p.level)
                if not stack and level > 1:
                    self.report.notes.append(
                        _(
                            "{file}: paragraph {number}: the heading {title!r} stands at level "
                            "{level} without a section above it; it is imported as a section"
                        ).format(
                            file=self.source.display, number=p.number, title=p.text, level=level
                        )
                    )
                    level = 1
                while stack and stack[-1].level >= level:
                    stack.pop()
                if stack and level > stack[-1].level + 1:
                    level = stack[-1].level + 1
                p.level = level
                section = _Section(p, level)
                (stack[-1].children if stack else roots).append(section)
                stack.append(section)
            elif stack:
                stack[-1].content.append(p)
            else:
                intro.append(p)
        return intro, roots

    def sections(self, sections: list[_Section]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        by_title = {fold(t).casefold(): k for k, t in self.library.titles.items()}
        for section in sections:
            title = fold(section.heading.text)
            section_key = by_title.get(title.casefold())
            value: dict[str, Any] = {}
            if section_key is None or section_key in out:
                section_key = _slug(title, set(out) | set(self.library.titles))
                value["rubrik"] = title
            elif fold(self.library.titles[section_key]) != title:
                value["rubrik"] = title
            blocks = self.blocks(section.content)
            if blocks:
                value["innehåll"] = blocks
            if section.children:
                value["underavsnitt"] = self.sections(section.children)
            if set(value) <= {"innehåll"}:
                out[section_key] = value.get("innehåll", [])
            else:
                out[section_key] = value
        return out


def to_council(
    source: Source, library: Library, settings: Settings | None = None
) -> tuple[dict[str, Any], Report]:
    """The council data for ``source``, with library text as clause references.

    Raises :class:`DataError` when content would be lost; the data returned renders, with the
    document's own date, number and decision date, to the same text line for line (checked here).
    """
    _title_lines(source.body, library)
    report = Report(
        source.display,
        notes=list(source.notes),
        date=source.date,
        dnr=source.dnr,
        decided=source.decided,
    )
    problems = list(source.problems)
    matcher = _Matcher(library)
    conv = _Converter(source, library, matcher, report)
    data: dict[str, Any] = {}
    for data_key, value, label in (
        ("namn", source.council, _("the council's name")),
        ("ansvarsområde", source.responsibility, "Ansvarsområde"),
        ("uppdragsgivare", source.issuer, "Uppdragsgivare"),
        ("uppdragstagare", source.recipient, "Uppdragstagare"),
    ):
        if value:
            data[data_key] = value
        elif data_key != "uppdragsgivare":
            problems.append(
                _problem(source.display, None, _("the head block has no {what}").format(what=label))
            )
    if settings is not None:
        if data.get("uppdragsgivare") and fold(data["uppdragsgivare"]) == fold(
            settings.signatory_name
        ):
            del data["uppdragsgivare"]
        _compare_settings(source, settings, report)
    intro, roots = conv.tree(source.body)
    if intro:
        data["inledning"] = conv.blocks(intro)
    if not roots:
        problems.append(
            _problem(
                source.display,
                None,
                _(
                    "no section heading was found (such as '{title}'); a mandate needs at "
                    "least one section"
                ).format(title=next(iter(library.titles.values()), "Syfte med uppdraget")),
            )
        )
    else:
        data["avsnitt"] = conv.sections(roots)
    distribution = source.distribution
    if distribution:
        data["sändlista"] = [conv.inline_value(text) for text in distribution]
    if matcher.overrides:
        data["klausuler"] = dict(matcher.overrides)
        report.overridden = list(matcher.overrides)
    report.clauses = list(matcher.used)
    if problems:
        raise DataError(problems)
    _check_round_trip(source, data, library, settings)
    return data, report


def _compare_settings(source: Source, settings: Settings, report: Report) -> None:
    """What the settings decide (title, organisation, signature) is reported when it differs."""
    shown = []
    if source.title and key(source.title) != key(settings.title):
        shown.append((_("title"), fold(source.title), fold(settings.title)))
    if source.organisation and fold(source.organisation) != fold(settings.organisation):
        shown.append((_("organisation"), source.organisation, settings.organisation))
    expected = [fold(settings.signatory_name), fold(settings.signatory_title)]
    if source.signature and source.signature != expected:
        shown.append((_("signature"), " / ".join(source.signature), " / ".join(expected)))
    for what, found, used in shown:
        report.notes.append(
            _(
                "{file}: the {what} is {found!r} in the document but {used!r} in the "
                "settings; the settings are used"
            ).format(file=source.display, what=what, found=found, used=used)
        )


def _check_round_trip(
    source: Source, data: dict[str, Any], library: Library, settings: Settings | None
) -> None:
    """Render the data's text and compare it with the document: an import never loses text."""
    from generator.clauses import build_mandate

    stand_in = settings or Settings(
        organisation="",
        series="RS",
        title="",
        document_type="",
        signatory_name=str(data.get("uppdragsgivare", "")),
        signatory_title="",
    )
    loaded = Loaded(path=source.path.with_suffix(".yaml"), data=data, display=source.display)
    mandate = build_mandate(loaded, library, stand_in)
    expected = [(p, _kind(p.kind, p.level), key(p.text)) for p in source.body]
    actual = [
        (_kind("plain" if i.kind in ("field", "paragraph") else i.kind, i.level), key(i.plain()))
        for i in mandate.body
    ]
    for index, (p, kind, text) in enumerate(expected):
        got = actual[index] if index < len(actual) else None
        if got != (kind, text):
            raise DataError(
                [
                    _problem(
                        source.display,
                        p,
                        _(
                            "the import would not reproduce this paragraph word for word (it "
                            "would read {got!r})"
                        ).format(got=_excerpt(got[1], 60) if got else "–"),
                    )
                ]
            )
    if len(actual) > len(expected):
        raise DataError(
            [
                _problem(
                    source.display,
                    None,
                    _("the import would add text that is not in the document: {text!r}").format(
                        text=_excerpt(actual[len(expected)][1], 60)
                    ),
                )
            ]
        )
    if [key(t) for t in mandate.distribution] != [key(t) for t in source.distribution]:
        first = next((p for p in source.paragraphs if p.role == "distribution"), None)
        raise DataError(
            [
                _problem(
                    source.display,
                    first,
                    _("the distribution list would not be reproduced word for word"),
                )
            ]
        )


def _kind(kind: str, level: int) -> str:
    return f"heading{level}" if kind == "heading" else kind


def import_document(
    path: Path, library: Library, settings: Settings | None = None
) -> tuple[dict[str, Any], Report, Source]:
    """Read a .docx or a text export (by its suffix) and convert it: all of an import but the
    writing, so that the command can show the report before anything is written."""
    path = Path(path)
    if path.suffix.lower() in (".docx", ".docm", ".dotx"):
        source = read_docx(path, settings=settings, library=library)
    elif path.suffix.lower() == ".doc":
        raise UsageError(
            _("{path} is an old Word file (.doc); open it in Word and save it as .docx").format(
                path=path
            )
        )
    else:
        source = read_text(path, settings=settings, library=library)
    data, report = to_council(source, library, settings)
    return data, report, source


# ---------------------------------------------------------------------------------------------
# Writing YAML in the style of the hand-written council files
# ---------------------------------------------------------------------------------------------

WIDTH = 100
_TOP_GAP = ("inledning", "avsnitt", "sändlista", "klausuler")


def _foldable(text: str) -> bool:
    return (
        text == text.strip()
        and "\n" not in text
        and "  " not in text
        and text.isprintable()
        and not text.startswith(("#", "-", "[", "{", "'", '"'))
    )


def _styled(value: Any, column: int) -> Any:
    """Plain data as ruamel nodes: long texts as ``>-`` folded at about :data:`WIDTH` columns.

    ``column`` is where the node's content starts (a mapping's keys, a list's items after
    ``- ``), so that a folded text ends near column 100 however deep it stands.
    """
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        node = CommentedMap()
        for k, v in value.items():
            if isinstance(v, dict):
                node[k] = _styled(v, column + 2)
            elif isinstance(v, list):
                node[k] = _styled(v, column + 4)
            else:
                node[k] = _scalar(v, column + len(str(k)) + 2, column + 2)
        return node
    if isinstance(value, list):
        return CommentedSeq(
            [
                _styled(v, column + 2)
                if isinstance(v, list)
                else _styled(v, column)
                if isinstance(v, dict)
                else _scalar(v, column, column)
                for v in value
            ]
        )
    return _scalar(value, column, column)


def _scalar(value: Any, inline_column: int, block_column: int) -> Any:
    from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

    if not isinstance(value, str):
        return value
    if (
        "\n" in value
        and value == value.strip()
        and all(line == line.strip() and line.isprintable() for line in value.split("\n"))
    ):
        return LiteralScalarString(value)
    if inline_column + len(value) > WIDTH and _foldable(value):
        scalar = FoldedScalarString(value)
        scalar.fold_pos = _fold_positions(value, max(40, WIDTH - block_column))  # type: ignore[attr-defined]
        return scalar
    return value


def _fold_positions(text: str, width: int) -> list[int]:
    positions = []
    line_start = 0
    last_space = -1
    for i, ch in enumerate(text):
        if ch == " ":
            if i - line_start > width and last_space > line_start:
                positions.append(last_space)
                line_start = last_space + 1
            last_space = i
    if len(text) - line_start > width and last_space > line_start:
        positions.append(last_space)
    return positions


def to_yaml(data: dict[str, Any], header: str = "") -> str:
    """The council file's text; ``header`` becomes the comment at its top."""
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # folding is done by :func:`_styled`, nowhere else
    yaml.allow_unicode = True
    stream = io.StringIO()
    yaml.dump(_styled(data, 0), stream)
    lines = stream.getvalue().splitlines()
    out: list[str] = []
    in_sections = False
    first_section = True
    for line in lines:
        top = re.match(r"^([^\s#-][^:]*):", line)
        if top:
            in_sections = top.group(1) == "avsnitt"
            if top.group(1) in _TOP_GAP:
                out.append("")
                if top.group(1) == "klausuler":
                    out.append(
                        "# Rådets egna versioner av klausuler: länken skiljer sig från "
                        "bibliotekets."
                    )
        elif in_sections and re.match(r"^  [a-z0-9åäö][a-z0-9åäö\-_]*:( \[\])?$", line):
            if not first_section:
                out.append("")
            first_section = False
        out.append(line)
    comment = "".join(f"# {c}\n" if c else "#\n" for c in header.splitlines())
    return comment + "\n".join(out) + "\n"


def header_comment(name: str, source: Source | None) -> str:
    """The first lines of an imported file: what it was made from (Swedish, as the data files)."""
    if source is None:
        return f"{name}."
    stamp = [x for x in (source.dnr, source.date.isoformat() if source.date else None) if x]
    if source.decided:
        stamp.append(f"beslutad {source.decided.isoformat()}")
    text = f"{name}, importerad från {source.path.name}"
    if stamp:
        text += f" ({', '.join(stamp)})"
    text += ". Gemensam text hämtas ur data/klausuler.yaml; här står bara det som är rådets eget."
    return "\n".join(_wrap(text, WIDTH - 2))


def _wrap(text: str, width: int, indent: str = "") -> list[str]:
    import textwrap

    return textwrap.wrap(
        text, width=width, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
    )


def write_council(data: dict[str, Any], path: Path, source: Source | None = None) -> Path:
    """Write an imported council file; an existing file is never overwritten."""
    from ruamel.yaml import YAML

    text = to_yaml(data, header_comment(str(data.get("namn", Path(path).stem)), source))
    # The file must read back as exactly the data: folding is the writer's own, so it is checked.
    if YAML(typ="safe").load(text) != data:
        raise AssertionError("the council file does not read back as the imported data")
    return write_new_file(path, text)


def write_new_file(path: Path, text: str) -> Path:
    """Create a council file atomically; refuse when it exists (a council file is the secretary's
    work, so neither an import nor ``uppdrag new`` may replace one)."""
    from generator.writer import write_new

    path = Path(path)
    refused = UsageError(
        _(
            "{path} already exists and is never overwritten by an import or a new council; "
            "choose another file with -o"
        ).format(path=path)
    )
    if path.exists():
        raise refused
    try:
        write_new(path, text.encode("utf-8"))
    except RegisterError:  # created meanwhile: write_new links, so it never replaces a file
        raise refused from None
    return path


def suggest_council_id(name: str) -> str:
    """A council id from its name, as the hand-written files are named:
    "Samordningsråd primärvård" → ``primarvard``."""
    text = fold(name).lower()
    text = re.sub(r"^samordningsråd(et)?( för)?\s+", "", text)
    text = text.translate(str.maketrans("åäöéü", "aaoeu"))
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return slug or "rad"


# ---------------------------------------------------------------------------------------------
# A new council, and what is left to fill in
# ---------------------------------------------------------------------------------------------

_COUNCIL_ID = re.compile(r"^[a-z0-9][a-z0-9\-_]*$")
_QUOTES_SENTENCE = (
    "Ordförande har en samordnande roll och kan fatta beslut om regionala rutiner i enlighet med "
    "specifikt erhållna mandat som beskrivs i ”Beslutsmandat för regionala rutiner inom hälso- och "
    "sjukvård” (SSN 2023-00470)."
)


def _fill(what: str) -> str:
    return f"{MARKER}: {what}"


def new_council(council_id: str, name: str, library: Library) -> str:
    """YAML text of a new council: the structure the councils share, the standard clauses in
    their usual order, and :data:`MARKER` wherever a secretary must write the council's own text.
    """
    if not _COUNCIL_ID.match(council_id):
        raise UsageError(
            _(
                "'{id}' cannot be a council id: use lowercase letters a–z, digits and "
                "'-', e.g. onkologi"
            ).format(id=council_id)
        )
    name = fold(name)
    if not name:
        raise UsageError(_('the council needs a name, e.g. --name "Samordningsråd onkologi"'))
    have = library.clauses

    def refs(*ids: str) -> list[dict[str, str]]:
        return [{"klausul": i} for i in ids if i in have]

    def by_prefix(prefix: str, *skip: str) -> list[dict[str, str]]:
        return [{"klausul": i} for i in have if i.startswith(prefix) and i not in skip]

    description = [
        {
            "stycke": [_fill("vilka gruppen består av, hur de utses och vad de bidrar med")]
            + refs("uppdragsbeskrivning.beakta-konsekvenser")
        },
        {
            "punkter": by_prefix("uppdragsbeskrivning.", "uppdragsbeskrivning.beakta-konsekvenser")
            + [_fill("rådets egna uppdrag, en punkt var (ta bort raden om inga finns)")]
        },
    ]
    organisation: list[Any] = [
        {"fält": "Ordförande", "text": refs("arbetsorganisation.ordforande")},
        {
            "fält": "Deltagare",
            "text": refs("arbetsorganisation.deltagare-chefer")
            + [_fill("vem som utser deltagarna")]
            + refs("arbetsorganisation.helhetsperspektiv"),
        },
        {"fält": "Adjungerande deltagare", "text": refs("arbetsorganisation.adjungerade")},
        {"fält": "Mötesfrekvens", "text": _fill("antal möten, t.ex. 4 – 8 ggr/år")},
        {
            "fält": "Undergrupper",
            "text": refs(
                "arbetsorganisation.undergrupper", "arbetsorganisation.prioritera-uppdrag"
            ),
        },
        *refs("arbetsorganisation.koordinatorsstod"),
    ]
    organisation = [b for b in organisation if not (isinstance(b, dict) and b.get("text") == [])]
    decisions = (
        refs("beslutsfattande.mandat", "beslutsfattande.respekt-for-ansvar")
        + [{"stycke": [_QUOTES_SENTENCE] + refs("beslutsfattande.lyfta-behov")}]
        + refs("beslutsfattande.eskalering")
    )
    sections: dict[str, Any] = {
        "syfte": refs("syfte.samverka"),
        "uppdragsbeskrivning": description,
        "arbetsorganisation": organisation,
        "samband": refs("samband.standard"),
        "kommunikation": refs("kommunikation.rutin"),
        "beslutsordning": {
            "underavsnitt": {
                "rapportering": refs("rapportering.linjestruktur"),
                "beslutsfattande": decisions,
            }
        },
    }
    data: dict[str, Any] = {
        "namn": name,
        "ansvarsområde": _fill("verksamhet, t.ex. Verksamhet onkologi, Hälso- och sjukvård"),
        "uppdragstagare": _fill(f"t.ex. Ordförande, {name[:1].lower() + name[1:]}"),
        "inledning": refs("inledning.regiondirektorens-ansvar", "inledning.fordelat-ansvar"),
        "avsnitt": {k: v for k, v in sections.items() if k in library.titles},
        "sändlista": refs("sandlista.ordforande", "sandlista.koordinator", "sandlista.forteckning"),
    }
    header = (
        f"{name}: en ny uppdragshandling. Fyll i allt som är märkt {MARKER} och kontrollera "
        "med `uppdrag check`. Gemensam text hämtas ur data/klausuler.yaml; här "
        "står bara det som är rådets eget."
    )
    return to_yaml(data, "\n".join(_wrap(header, WIDTH - 2)))


def find_unfilled(loaded_data: Any) -> list[tuple[str, int | None]]:
    """Every value that still holds :data:`MARKER`: (field, line), for ``uppdrag check``."""
    found: list[tuple[str, int | None]] = []

    def walk(node: Any, path: list[Any], parent: Any, k: Any) -> None:
        if isinstance(node, dict):
            for child_key, child in node.items():
                walk(child, path + [child_key], node, child_key)
        elif isinstance(node, list):
            for index, child in enumerate(node):
                walk(child, path + [index], node, index)
        elif isinstance(node, str) and MARKER in node:
            line, _col = position(parent, k) if parent is not None else (None, None)
            found.append((field_name(path), line))

    walk(loaded_data, [], None, None)
    return found
