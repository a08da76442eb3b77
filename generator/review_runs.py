"""The runs of a changed paragraph in a review copy, rebuilt from the word diff.

A modified paragraph keeps its paragraph properties, and its runs are rebuilt: every kept or
added character keeps the run formatting (and hyperlink) it has in the new document; removed
words take the formatting of the text just before them, and sit inside a hyperlink only when the
text on both sides belongs to that same link.  Only text, line breaks and tabs survive a rebuild
(see :mod:`generator.review` for what that means for a mandate).  Here too are the pieces every
part of the review copy builds with: WordprocessingML elements with the ``w:`` prefix, and the
``w:ins``/``w:del`` marks of one author and date.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from generator.diff.document import BR, DEL, INS, PPR, RPR, TAB, W_NS, text_elements, w
from generator.diff.paragraphs import Change
from generator.diff.words import WordOp

HYPERLINK = w("hyperlink")
ID = w("id")


def element(tag: str, attrib: dict[str, str] | None = None) -> etree._Element:
    """A new WordprocessingML element that serialises with the ``w:`` prefix, as Word writes."""
    return etree.Element(tag, attrib or {}, nsmap={"w": W_NS})


def sub(parent: etree._Element, tag: str, attrib: dict[str, str] | None = None) -> etree._Element:
    el = element(tag, attrib)
    parent.append(el)
    return el


@dataclass
class Revisions:
    """Makes the ``w:ins``/``w:del`` elements of one document: one author and date, unique ids."""

    author: str
    date: str
    ids: Iterator[int]

    def mark(self, tag: str) -> etree._Element:
        el = element(tag)
        el.set(ID, str(next(self.ids)))
        el.set(w("author"), self.author)
        el.set(w("date"), self.date)
        return el


@dataclass(frozen=True)
class Origin:
    """Where a character of the new paragraph comes from: its run's properties and its link."""

    rpr: etree._Element | None
    link: etree._Element | None


def text_run(text: str, rpr: etree._Element | None, deleted: bool) -> etree._Element:
    """One run for ``text``: ``\\n`` becomes ``w:br``, ``\\t`` ``w:tab``, the rest ``w:t`` (or
    ``w:delText`` when deleted), with a copy of ``rpr``."""
    r = element(w("r"))
    if rpr is not None:
        r.append(copy.deepcopy(rpr))
    for piece in re.split(r"(\n|\t)", text):
        if piece == "\n":
            sub(r, BR)
        elif piece == "\t":
            sub(r, TAB)
        elif piece:
            t = sub(r, w("delText") if deleted else w("t"))
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            t.text = piece
    return r


def _origins(p: etree._Element) -> list[Origin]:
    """The origin of every character of the paragraph's text, as :func:`text_elements` reads it."""
    out: list[Origin] = []
    for el, text in text_elements(p):
        run = el.getparent()
        rpr = run.find(RPR)
        parent = run.getparent()
        link = parent if parent is not None and parent.tag == HYPERLINK else None
        out += [Origin(rpr, link)] * len(text)
    return out


def _pieces(words: tuple[WordOp, ...], origins: list[Origin]) -> list[tuple[str, str, Origin]]:
    """The word diff cut where the formatting of the new paragraph changes:
    ``(kind, text, origin)``."""
    pieces: list[tuple[str, str, Origin]] = []
    plain = Origin(None, None)
    pos = 0
    for op in words:
        if op.kind == "delete":
            before = origins[pos - 1] if pos > 0 else (origins[pos] if origins else plain)
            after = origins[pos] if pos < len(origins) else None
            same_link = after is not None and before.link is not None and after.link is before.link
            pieces.append(("delete", op.text, before if same_link else Origin(before.rpr, None)))
            continue
        for ch in op.text:
            origin = origins[pos]
            pos += 1
            last = pieces[-1] if pieces else None
            if last and last[0] == op.kind and last[2] is origin:
                pieces[-1] = (op.kind, last[1] + ch, origin)
            else:
                pieces.append((op.kind, ch, origin))
    return pieces


def rebuild(p: etree._Element, change: Change, revisions: Revisions) -> None:
    """Replace a modified paragraph's runs by the word diff as tracked changes (see module)."""
    origins = _origins(p)
    # Identity of origins lets _pieces join characters of one run; equal runs share one origin.
    merged: dict[tuple[int, int], Origin] = {}
    origins = [merged.setdefault((id(o.rpr), id(o.link)), o) for o in origins]
    pieces = _pieces(change.words, origins)
    for child in list(p):
        if child.tag != PPR:
            p.remove(child)
    container: etree._Element = p
    current_link: etree._Element | None = None
    for kind, text, origin in pieces:
        if origin.link is not current_link:
            current_link = origin.link
            if current_link is None:
                container = p
            else:
                container = sub(p, HYPERLINK, dict(current_link.attrib))
        run = text_run(text, origin.rpr, deleted=kind == "delete")
        if kind == "equal":
            container.append(run)
            continue
        tag = INS if kind == "insert" else DEL
        last = container[-1] if len(container) else None
        if last is None or last.tag != tag:
            last = revisions.mark(tag)
            container.append(last)
        last.append(run)
