"""Accessibility checks of a Word document, the ones a screen reader user notices first.

The rules follow what the region's accessibility guidance (and WCAG 2.1 for documents) asks of a
Word file: headings in order, real lists, a document language and title, links that say where
they go, images with alternative text.  The .docx is read with zipfile + lxml, not python-docx,
so that the check does not share the generator's blind spots, and it works on any Word file: a
secretary's hand-edited copy as much as a rendered one.

Headings are found by their style's NAME and outline level, never by the style id: Word saved in
Swedish writes ids like ``Rubrik1`` for the built-in style named ``heading 1``.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from lxml import etree

from generator.docx_parts import CORE, DOCUMENT, HYPERLINK_TYPE
from generator.exceptions import UsageError
from generator.i18n import _

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DC_NS = "http://purl.org/dc/elements/1.1/"

STYLES = "word/styles.xml"
_PARTS_WITH_LINKS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")

# Rule ids: stable, English, for scripts and tests; the messages are translated.
HEADING_ORDER = "heading-order"
HEADING_START = "heading-start"
FAKE_LIST = "fake-list"
LANGUAGE = "language"
TITLE = "title"
LINK_TEXT = "link-text"
LINK_TARGET = "link-target"
IMAGE_ALT = "image-alt"
RULES = (
    HEADING_START,
    HEADING_ORDER,
    FAKE_LIST,
    LANGUAGE,
    TITLE,
    LINK_TEXT,
    LINK_TARGET,
    IMAGE_ALT,
)

_HEADING_NAME = re.compile(r"^(?:heading|rubrik)\s*([1-9])$", re.IGNORECASE)
# A list typed by hand: a bullet character or a number and a space at the start of a paragraph.
_TYPED_LIST = re.compile(r"^\s*([-•*–·◦▪●○■‣]|\d{1,2}[.)])\s")
_BARE_URL = re.compile(r"^(?:(?:https?|ftp)://|www\.)\S+$", re.IGNORECASE)
# Link texts that say nothing about where the link goes, compared case-insensitively.
VAGUE_LINK_TEXTS = frozenset(
    {
        "klicka här",
        "här",
        "länk",
        "läs mer",
        "click here",
        "here",
        "link",
        "read more",
    }
)
_EXCERPT = 40


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


P, PPR, R, T, TAB = _w("p"), _w("pPr"), _w("r"), _w("t"), _w("tab")
HYPERLINK = _w("hyperlink")
_SKIPPED = {_w("del"), _w("moveFrom"), f"{{{MC_NS}}}Fallback"}


@dataclass(frozen=True)
class Finding:
    """One accessibility problem: which rule, what is wrong (translated), and where."""

    rule: str
    message: str
    where: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def check_docx(path: Path) -> list[Finding]:
    """Every accessibility problem of the Word document at ``path``; none means it passes."""
    parts = _read_parts(path)
    styles = _Styles(parts.get(STYLES))
    findings: list[Finding] = []
    body = parts[DOCUMENT]
    paragraphs = [p for p in body.iter(P) if not _skipped(p)]
    findings += _check_headings(paragraphs, styles)
    findings += _check_lists(paragraphs, styles)
    findings += _check_language(styles)
    findings += _check_title(parts.get(CORE))
    for name, root in parts.items():
        if _PARTS_WITH_LINKS.match(name):
            findings += _check_links(name, root, parts.get(_rels_name(name)), body)
            findings += _check_images(name, root)
    return findings


# -- reading -------------------------------------------------------------------------------------


def _read_parts(path: Path) -> dict[str, etree._Element]:
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
                or _PARTS_WITH_LINKS.match(n)
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


def _rels_name(part: str) -> str:
    pure = PurePosixPath(part)
    return str(pure.parent / "_rels" / f"{pure.name}.rels")


def _skipped(el: etree._Element) -> bool:
    """Inside a deleted revision or the fallback copy of alternate content: not shown."""
    node = el.getparent()
    while node is not None:
        if node.tag in _SKIPPED:
            return True
        node = node.getparent()
    return False


def _text(el: etree._Element) -> str:
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


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _EXCERPT else text[: _EXCERPT - 1] + "…"


def _where_paragraph(number: int, text: str) -> str:
    return _("paragraph {number} (“{text}”)").format(number=number, text=_excerpt(text))


class _Styles:
    """The paragraph styles of ``styles.xml``: heading level and list numbering, with inheritance
    through ``w:basedOn``."""

    def __init__(self, root: etree._Element | None) -> None:
        self.root = root
        self.by_id: dict[str, etree._Element] = {}
        self.default_id: str | None = None
        if root is None:
            return
        for style in root.iter(_w("style")):
            if style.get(_w("type")) != "paragraph":
                continue
            style_id = style.get(_w("styleId"))
            if style_id is None:
                continue
            self.by_id[style_id] = style
            if style.get(_w("default")) in ("1", "true", "on"):
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
            based = style.find(_w("basedOn"))
            current = based.get(_w("val")) if based is not None else None
        return chain

    def heading_level(self, style_id: str | None) -> int | None:
        """1–9 for a heading style, else None: outline level first, then the style's name."""
        for style in self._chain(style_id):
            outline = style.find(f"{PPR}/{_w('outlineLvl')}")
            if outline is not None:
                return _outline_level(outline)
            name = style.find(_w("name"))
            match = (
                _HEADING_NAME.match((name.get(_w("val")) or "").strip())
                if name is not None
                else None
            )
            if match:
                return int(match.group(1))
        return None

    def numbered(self, style_id: str | None) -> bool:
        """Whether the style puts its paragraphs in a list (``w:numPr`` with a numId not 0)."""
        for style in self._chain(style_id):
            num_pr = style.find(f"{PPR}/{_w('numPr')}")
            if num_pr is not None:
                return _num_id(num_pr) not in (None, "0")
        return False

    def language(self) -> str:
        if self.root is None:
            return ""
        lang = self.root.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}/{_w('lang')}")
        return (lang.get(_w("val")) or "").strip() if lang is not None else ""


def _outline_level(el: etree._Element) -> int | None:
    """``w:outlineLvl`` 0–8 is heading 1–9; 9 (body text) or junk is no heading."""
    try:
        value = int(el.get(_w("val"), "9"))
    except ValueError:
        return None
    return value + 1 if 0 <= value <= 8 else None


def _num_id(num_pr: etree._Element) -> str | None:
    num_id = num_pr.find(_w("numId"))
    return num_id.get(_w("val")) if num_id is not None else None


def _style_id(p: etree._Element) -> str | None:
    style = p.find(f"{PPR}/{_w('pStyle')}")
    return style.get(_w("val")) if style is not None else None


def _heading_level(p: etree._Element, styles: _Styles) -> int | None:
    """A paragraph's own outline level wins over its style's, as in Word's navigation pane."""
    outline = p.find(f"{PPR}/{_w('outlineLvl')}")
    if outline is not None:
        return _outline_level(outline)
    return styles.heading_level(_style_id(p))


def _in_list(p: etree._Element, styles: _Styles) -> bool:
    num_pr = p.find(f"{PPR}/{_w('numPr')}")
    if num_pr is not None and _num_id(num_pr) is not None:
        return _num_id(num_pr) != "0"
    return styles.numbered(_style_id(p))


# -- rules ---------------------------------------------------------------------------------------


def _check_headings(paragraphs: list[etree._Element], styles: _Styles) -> list[Finding]:
    """Headings go down one level at a time, and the first one is a level 1 heading.

    Screen reader users jump between headings and hear their levels as the outline of the
    document; a skipped level sounds like a missing section.
    """
    findings = []
    previous: int | None = None
    for number, p in enumerate(paragraphs, start=1):
        level = _heading_level(p, styles)
        if level is None:
            continue
        where = _where_paragraph(number, _text(p))
        if previous is None and level > 1:
            message = _(
                "The first heading has level {level}; a document starts with a level 1 heading."
            ).format(level=level)
            findings.append(Finding(HEADING_START, message, where))
        elif previous is not None and level > previous + 1:
            message = _(
                "A level {level} heading follows a level {previous} heading; a heading level "
                "is skipped."
            ).format(level=level, previous=previous)
            findings.append(Finding(HEADING_ORDER, message, where))
        previous = level
    return findings


def _check_lists(paragraphs: list[etree._Element], styles: _Styles) -> list[Finding]:
    """Lists are real lists: a screen reader announces a list and its length, but not a dash."""
    findings = []
    for number, p in enumerate(paragraphs, start=1):
        text = _text(p)
        match = _TYPED_LIST.match(text)
        if match is None or _in_list(p, styles) or _heading_level(p, styles) is not None:
            continue
        message = _(
            "The paragraph starts with “{marker}” typed by hand; make it a real list item "
            "(the List Bullet or List Number style)."
        ).format(marker=match.group(1))
        findings.append(Finding(FAKE_LIST, message, _where_paragraph(number, text)))
    return findings


def _check_language(styles: _Styles) -> list[Finding]:
    """The document language, which screen readers use to pick their voice and pronunciation."""
    if styles.language():
        return []
    message = _(
        "The document language is not set (the language of the default style); screen "
        "readers need it to pronounce the text."
    )
    return [Finding(LANGUAGE, message, _("styles"))]


def _check_title(core: etree._Element | None) -> list[Finding]:
    """The title in the document properties, which PDF viewers and screen readers announce."""
    title = core.find(f"{{{DC_NS}}}title") if core is not None else None
    if title is not None and (title.text or "").strip():
        return []
    message = _("The document has no title in its properties (File › Properties › Title).")
    return [Finding(TITLE, message, _("document properties"))]


def _check_links(
    part: str, root: etree._Element, rels: etree._Element | None, body: etree._Element
) -> list[Finding]:
    """Link texts say where the link goes (they are read out of context, in a list of links),
    and every link has a target."""
    findings = []
    targets = _external_targets(rels)
    bookmarks = {b.get(_w("name")) for b in body.iter(_w("bookmarkStart"))}
    for number, link in enumerate(root.iter(HYPERLINK), start=1):
        if _skipped(link):
            continue
        text = _text(link).strip()
        where = _("link {number} in {part} (“{text}”)").format(
            number=number, part=_part_label(part), text=_excerpt(text)
        )
        rid = link.get(f"{{{R_NS}}}id")
        problem = _link_text_problem(text, targets.get(rid, "") if rid else "")
        if problem:
            findings.append(Finding(LINK_TEXT, problem, where))
        problem = _link_target_problem(rid, link.get(_w("anchor")), targets, bookmarks)
        if problem:
            findings.append(Finding(LINK_TARGET, problem, where))
    return findings


def _link_text_problem(text: str, target: str) -> str | None:
    if not text:
        return _("The link has no text.")
    if _bare_address(text, target):
        return _("The link text is a bare web address; say where the link goes instead.")
    if text.casefold().strip(" .:!…") in VAGUE_LINK_TEXTS:
        return _("The link text “{text}” does not say where the link goes.").format(text=text)
    return None


def _link_target_problem(
    rid: str | None, anchor: str | None, targets: dict[str, str], bookmarks: set[str | None]
) -> str | None:
    if rid:
        if rid in targets:
            return None
        return _(
            "The link's target {id} is missing from the document's relationships, or is not "
            "an external address."
        ).format(id=rid)
    if anchor:
        if anchor in bookmarks:
            return None
        return _("The link points to the bookmark “{name}”, which the document lacks.").format(
            name=anchor
        )
    return _("The link has no target.")


def _bare_address(text: str, target: str) -> bool:
    """A web address as link text (``https://…``, ``www.…``, or the target itself without its
    scheme); an e-mail address as the text of a mailto link is fine."""
    if _BARE_URL.match(text):
        return True

    def plain(address: str) -> str:
        return re.sub(r"^[a-z][a-z0-9+.-]*://", "", address.strip(), flags=re.I).rstrip("/").lower()

    return bool(target) and plain(text) == plain(target)


def _part_label(part: str) -> str:
    """Where in the document a part is, in the words Word uses."""
    name = PurePosixPath(part).stem
    if name.startswith("header"):
        return _("the header")
    if name.startswith("footer"):
        return _("the footer")
    if name in ("footnotes", "endnotes"):
        return _("the notes")
    return _("the text")


def _external_targets(rels: etree._Element | None) -> dict[str, str]:
    if rels is None:
        return {}
    return {
        rel.get("Id", ""): rel.get("Target", "")
        for rel in rels.iter(f"{{{PKG_REL_NS}}}Relationship")
        if rel.get("Type") == HYPERLINK_TYPE and rel.get("TargetMode") == "External"
    }


def _check_images(part: str, root: etree._Element) -> list[Finding]:
    """Images have alternative text, unless marked decorative (Word 2019's "Mark as decorative")."""
    findings = []
    for number, doc_pr in enumerate(root.iter(f"{{{WP_NS}}}docPr"), start=1):
        if _skipped(doc_pr) or (doc_pr.get("descr") or "").strip() or _decorative(doc_pr):
            continue
        name = doc_pr.get("name") or ""
        findings.append(
            Finding(
                IMAGE_ALT,
                _("The image has no alternative text (right-click › Edit Alt Text)."),
                _("image {number} in {part} (“{name}”)").format(
                    number=number, part=_part_label(part), name=name
                ),
            )
        )
    return findings


def _decorative(doc_pr: etree._Element) -> bool:
    return any(
        isinstance(el.tag, str)
        and etree.QName(el).localname == "decorative"
        and el.get("val") in ("1", "true")
        for el in doc_pr.iter()
    )
