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

from pathlib import Path

from generator.a11y.reading import (
    PARTS_WITH_LINKS,
    STYLES,
    P,
    Styles,
    read_parts,
    rels_name,
    skipped,
)
from generator.a11y.rules import (
    FAKE_LIST,
    HEADING_ORDER,
    HEADING_START,
    IMAGE_ALT,
    LANGUAGE,
    LINK_TARGET,
    LINK_TEXT,
    RULES,
    TITLE,
    Finding,
    check_headings,
    check_images,
    check_language,
    check_links,
    check_lists,
    check_title,
)
from generator.docx_parts import CORE, DOCUMENT

__all__ = [
    "FAKE_LIST",
    "HEADING_ORDER",
    "HEADING_START",
    "IMAGE_ALT",
    "LANGUAGE",
    "LINK_TARGET",
    "LINK_TEXT",
    "RULES",
    "TITLE",
    "Finding",
    "check_docx",
]


def check_docx(path: Path) -> list[Finding]:
    """Every accessibility problem of the Word document at ``path``; none means it passes."""
    parts = read_parts(path)
    styles = Styles(parts.get(STYLES))
    findings: list[Finding] = []
    body = parts[DOCUMENT]
    paragraphs = [p for p in body.iter(P) if not skipped(p)]
    findings += check_headings(paragraphs, styles)
    findings += check_lists(paragraphs, styles)
    findings += check_language(styles)
    findings += check_title(parts.get(CORE))
    for name, root in parts.items():
        if PARTS_WITH_LINKS.match(name):
            findings += check_links(name, root, parts.get(rels_name(name)), body)
            findings += check_images(name, root)
    return findings
