"""The rules: each looks at one thing a screen reader user meets, and says where it is wrong."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from lxml import etree

from generator.a11y.reading import (
    DC_NS,
    HYPERLINK,
    PKG_REL_NS,
    R_NS,
    WP_NS,
    Styles,
    excerpt,
    heading_level,
    in_list,
    skipped,
    text_of,
    w,
    where_paragraph,
)
from generator.docx_parts import HYPERLINK_TYPE
from generator.i18n import _

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


@dataclass(frozen=True)
class Finding:
    """One accessibility problem: which rule, what is wrong (translated), and where."""

    rule: str
    message: str
    where: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


# -- rules ---------------------------------------------------------------------------------------


def check_headings(paragraphs: list[etree._Element], styles: Styles) -> list[Finding]:
    """Headings go down one level at a time, and the first one is a level 1 heading.

    Screen reader users jump between headings and hear their levels as the outline of the
    document; a skipped level sounds like a missing section.
    """
    findings = []
    previous: int | None = None
    for number, p in enumerate(paragraphs, start=1):
        level = heading_level(p, styles)
        if level is None:
            continue
        where = where_paragraph(number, text_of(p))
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


def check_lists(paragraphs: list[etree._Element], styles: Styles) -> list[Finding]:
    """Lists are real lists: a screen reader announces a list and its length, but not a dash."""
    findings = []
    for number, p in enumerate(paragraphs, start=1):
        text = text_of(p)
        match = _TYPED_LIST.match(text)
        if match is None or in_list(p, styles) or heading_level(p, styles) is not None:
            continue
        message = _(
            "The paragraph starts with “{marker}” typed by hand; make it a real list item "
            "(the List Bullet or List Number style)."
        ).format(marker=match.group(1))
        findings.append(Finding(FAKE_LIST, message, where_paragraph(number, text)))
    return findings


def check_language(styles: Styles) -> list[Finding]:
    """The document language, which screen readers use to pick their voice and pronunciation."""
    if styles.language():
        return []
    message = _(
        "The document language is not set (the language of the default style); screen "
        "readers need it to pronounce the text."
    )
    return [Finding(LANGUAGE, message, _("styles"))]


def check_title(core: etree._Element | None) -> list[Finding]:
    """The title in the document properties, which PDF viewers and screen readers announce."""
    title = core.find(f"{{{DC_NS}}}title") if core is not None else None
    if title is not None and (title.text or "").strip():
        return []
    message = _("The document has no title in its properties (File › Properties › Title).")
    return [Finding(TITLE, message, _("document properties"))]


def check_links(
    part: str, root: etree._Element, rels: etree._Element | None, body: etree._Element
) -> list[Finding]:
    """Link texts say where the link goes (they are read out of context, in a list of links),
    and every link has a target."""
    findings = []
    targets = _external_targets(rels)
    bookmarks = {b.get(w("name")) for b in body.iter(w("bookmarkStart"))}
    for number, link in enumerate(root.iter(HYPERLINK), start=1):
        if skipped(link):
            continue
        text = text_of(link).strip()
        where = _("link {number} in {part} (“{text}”)").format(
            number=number, part=_part_label(part), text=excerpt(text)
        )
        rid = link.get(f"{{{R_NS}}}id")
        problem = _link_text_problem(text, targets.get(rid, "") if rid else "")
        if problem:
            findings.append(Finding(LINK_TEXT, problem, where))
        problem = _link_target_problem(rid, link.get(w("anchor")), targets, bookmarks)
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


def check_images(part: str, root: etree._Element) -> list[Finding]:
    """Images have alternative text, unless marked decorative (Word 2019's "Mark as decorative")."""
    findings = []
    for number, doc_pr in enumerate(root.iter(f"{{{WP_NS}}}docPr"), start=1):
        if skipped(doc_pr) or (doc_pr.get("descr") or "").strip() or _decorative(doc_pr):
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
