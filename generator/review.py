"""The review copy of a re-issue: the new document with its changes as Word tracked changes.

The decision maker reads ``<name>_andringar.docx`` in Word or LibreOffice in review mode and sees
exactly what changed against the council's previous issue: removed words struck through, added
words underlined, whole paragraphs added or taken out.  Accepting every change gives the new issue
word for word; rejecting every change gives the previous one.  Only the text of the previous issue
is needed (from :func:`generator.diff.document_paragraphs`), because its data may be gone.

What the copy is made of:

- a modified paragraph keeps its paragraph properties, and its runs are rebuilt from the word
  diff.  Every kept or added character keeps the run formatting (and hyperlink) it has in the new
  document; removed words take the formatting of the text just before them, and sit inside a
  hyperlink only when the text on both sides belongs to that same link.  Only text, line breaks
  and tabs survive a rebuild: a field, picture or bookmark inside a *changed* paragraph would be
  dropped (a rendered mandate has none in its body);
- an inserted paragraph keeps its runs, wrapped in ``w:ins``, and its paragraph mark is marked
  inserted;
- a paragraph of the previous issue that is gone is put back at its place as a deleted paragraph.
  Its formatting is not known (only its text is), so it is a plain paragraph, except at the end
  of the document, where it takes the properties of the paragraph before it (see
  :func:`_put_back_at_end`);
- paragraphs inserted at the very end hand their inserted mark to the paragraph before them
  (see :func:`_untrack_last_mark`), as Word does: the last paragraph mark cannot be tracked;
- the lines of the issue's own stamp (Datum, Diarienummer, Ersätter, Datum för beslut) are not
  marked: they differ in every issue (see :func:`generator.diff.ignore_head`).
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import count

from lxml import etree

from generator.diff import (
    BR,
    DEL,
    DOCUMENT_PART,
    INS,
    PPR,
    RPR,
    TAB,
    W_NS,
    Change,
    Comparison,
    WordOp,
    body_paragraphs,
    compare,
    ignore_head,
    mark_revision,
    paragraph_elements,
    text_elements,
    w,
)
from generator.i18n import _
from generator.review_package import (
    SETTINGS_PART,
    label_first_line,
    labelled_parts,
    previous_number,
    serialise,
    with_track_revisions,
)

HYPERLINK = w("hyperlink")
ID = w("id")
# Elements of w:pPr that come after its w:rPr.
_AFTER_PPR_RPR = frozenset({w("sectPr"), w("pPrChange")})


def _element(tag: str, attrib: dict[str, str] | None = None) -> etree._Element:
    """A new WordprocessingML element that serialises with the ``w:`` prefix, as Word writes."""
    return etree.Element(tag, attrib or {}, nsmap={"w": W_NS})


def _sub(parent: etree._Element, tag: str, attrib: dict[str, str] | None = None) -> etree._Element:
    el = _element(tag, attrib)
    parent.append(el)
    return el


@dataclass
class _Revisions:
    """Makes the ``w:ins``/``w:del`` elements of one document: one author and date, unique ids."""

    author: str
    date: str
    ids: Iterator[int]

    def mark(self, tag: str) -> etree._Element:
        el = _element(tag)
        el.set(ID, str(next(self.ids)))
        el.set(w("author"), self.author)
        el.set(w("date"), self.date)
        return el


@dataclass(frozen=True)
class _Origin:
    """Where a character of the new paragraph comes from: its run's properties and its link."""

    rpr: etree._Element | None
    link: etree._Element | None


def revision_date(date: str) -> str:
    """``w:date`` wants an xsd:dateTime; a plain ``YYYY-MM-DD`` becomes midnight UTC."""
    if "T" in date:
        dt.datetime.fromisoformat(date.replace("Z", "+00:00"))
        return date
    return f"{dt.date.fromisoformat(date).isoformat()}T00:00:00Z"


def review_docx(
    new_docx: bytes,
    old_paragraphs: list[str],
    *,
    author: str,
    date: str,
    ignore: Callable[[str], bool] | None = ignore_head,
    track_further: bool = True,
    compared: Comparison | None = None,
    previous: str | None = None,
) -> bytes:
    """The new document with the changes from ``old_paragraphs`` as tracked changes.

    ``date`` is the date of the changes (``YYYY-MM-DD``); ``ignore`` skips the paragraphs that
    always differ between issues.  With ``track_further`` the copy also has *Track changes*
    switched on, so that edits the decision maker makes are tracked as well.

    ``compared`` may be ``compare(old_paragraphs, new, ignore)`` of an earlier rendering of the
    same document (a re-issue compares before the numbers are given); it is used when this
    document reads the same but for ignored lines, which gives the same changes.

    ``previous`` is the number of the issue compared with, for the label that tells the copy from
    the issued document ("Granskningskopia – ändringar mot RS …"); by default the number the new
    document's own "Ersätter:" line names.

    Hyperlinks are kept, in unchanged and in changed paragraphs alike (see the module's notes).
    The new document must not hold tracked changes of its own: it is a fresh rendering.
    A batch that has the rendered parts and the template uses :func:`review_parts` and
    :func:`generator.template.write_docx` instead, which copies the unchanged parts as they are.
    """
    with zipfile.ZipFile(io.BytesIO(new_docx)) as archive:
        infos = archive.infolist()
        parts = {info.filename: archive.read(info.filename) for info in infos}
    parts.update(
        review_parts(
            parts,
            old_paragraphs,
            author=author,
            date=date,
            ignore=ignore,
            track_further=track_further,
            compared=compared,
            previous=previous,
        )
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in infos:
            archive.writestr(info, parts[info.filename], compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def review_parts(
    parts: dict[str, bytes],
    old_paragraphs: list[str],
    *,
    author: str,
    date: str,
    ignore: Callable[[str], bool] | None = ignore_head,
    track_further: bool = True,
    compared: Comparison | None = None,
    previous: str | None = None,
) -> dict[str, bytes]:
    """The parts of the review copy that differ from the new document's ``parts``: its
    ``word/document.xml`` with the tracked changes and the label as its first line, the headers
    and core properties with the label (:mod:`generator.review_package`), and
    ``word/settings.xml`` with *Track changes* on.  See :func:`review_docx` for the arguments."""
    root = etree.fromstring(parts[DOCUMENT_PART])
    settings = parts.get(SETTINGS_PART)
    if root.find(f".//{INS}") is not None or root.find(f".//{DEL}") is not None:
        raise ValueError(_("the new document already holds tracked changes"))
    paragraphs = body_paragraphs(root)
    elements = [els[0] for els, _text in paragraphs]
    new_texts = [text for _els, text in paragraphs]
    if compared is not None and _same_comparison(compared, old_paragraphs, new_texts, ignore):
        comparison = compared
    else:
        comparison = compare(old_paragraphs, new_texts, ignore)

    used = [
        int(v) for v in root.xpath("//@w:id", namespaces={"w": W_NS}) if re.fullmatch(r"-?\d+", v)
    ]
    revisions = _Revisions(author, revision_date(date), count(max(used, default=0) + 1))
    for change in comparison.changes:
        if change.kind == "replace":
            _rebuild(elements[change.new_index], change, revisions)
        elif change.kind == "insert":
            _mark_inserted(elements[change.new_index], revisions)
    # Put deleted paragraphs back last, so that the indices above still hold; in order, so that
    # several at one place keep theirs.
    end, last = len(elements), elements[-1] if elements else None
    for change in comparison.changes:
        if change.kind != "delete":
            continue
        if change.new_index < end:
            elements[change.new_index].addprevious(_deleted_paragraph(change.old, revisions))
        elif last is not None:
            last = _put_back_at_end(last, change.old, revisions)
    _untrack_last_mark(root, revisions)

    # The rebuilt runs declare ``w`` on themselves; clean that up, but keep every prefix the root
    # declares: ``mc:Ignorable`` names prefixes only inside its value, and a prefix it names that
    # is not declared makes Word refuse or "repair" the file.
    etree.cleanup_namespaces(root, keep_ns_prefixes=list(filter(None, root.nsmap)))
    if previous is None:
        previous = previous_number(new_texts)
    body = root.find(w("body"))
    if body is not None:
        label_first_line(body, previous)
    replaced = {DOCUMENT_PART: serialise(root), **labelled_parts(parts, previous)}
    if track_further and settings is not None:
        replaced[SETTINGS_PART] = with_track_revisions(settings)
    return replaced


def _same_comparison(
    compared: Comparison, old: list[str], new: list[str], ignore: Callable[[str], bool] | None
) -> bool:
    """Whether ``compare(old, new, ignore)`` gives ``compared``'s changes: the same old
    paragraphs, and new ones that differ from ``compared.new`` only where both are ignored
    (the stamp lines: the number, the date), so that the same paragraphs are compared."""
    skip = ignore or (lambda _text: False)
    if compared.old != old or len(compared.new) != len(new):
        return False
    if compared.ignored_new != frozenset(j for j, text in enumerate(new) if skip(text)):
        return False
    return all(a == b or (skip(a) and skip(b)) for a, b in zip(compared.new, new, strict=True))


# -- paragraphs ----------------------------------------------------------------------------


def _mark_paragraph(p: etree._Element, tag: str, revisions: _Revisions) -> None:
    """Mark the paragraph mark as inserted or deleted (``w:pPr/w:rPr/w:ins|w:del``)."""
    ppr = p.find(PPR)
    if ppr is None:
        ppr = _element(PPR)
        p.insert(0, ppr)
    rpr = ppr.find(RPR)
    if rpr is None:
        rpr = _element(RPR)
        after = next((i for i, child in enumerate(ppr) if child.tag in _AFTER_PPR_RPR), len(ppr))
        ppr.insert(after, rpr)
    # w:ins, w:del come first in a paragraph mark's properties, in that order.
    rpr.insert(1 if tag == DEL and rpr.find(INS) is not None else 0, revisions.mark(tag))


def _mark_inserted(p: etree._Element, revisions: _Revisions) -> None:
    """Wrap each stretch of runs (also those in a hyperlink) in ``w:ins``; mark the mark."""
    for container in [p, *p.findall(HYPERLINK)]:
        wrapper = None
        for child in list(container):
            if child.tag != w("r"):
                wrapper = None
                continue
            if wrapper is None:
                wrapper = revisions.mark(INS)
                child.addprevious(wrapper)
            wrapper.append(child)
    _mark_paragraph(p, INS, revisions)


def _run(text: str, rpr: etree._Element | None, deleted: bool) -> etree._Element:
    """One run for ``text``: ``\\n`` becomes ``w:br``, ``\\t`` ``w:tab``, the rest ``w:t`` (or
    ``w:delText`` when deleted), with a copy of ``rpr``."""
    r = _element(w("r"))
    if rpr is not None:
        r.append(copy.deepcopy(rpr))
    for piece in re.split(r"(\n|\t)", text):
        if piece == "\n":
            _sub(r, BR)
        elif piece == "\t":
            _sub(r, TAB)
        elif piece:
            t = _sub(r, w("delText") if deleted else w("t"))
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            t.text = piece
    return r


def _deleted_paragraph(
    text: str, revisions: _Revisions, ppr: etree._Element | None = None
) -> etree._Element:
    p = _element(w("p"))
    if ppr is not None:
        p.append(ppr)
    if text:
        wrapper = revisions.mark(DEL)
        wrapper.append(_run(text, None, deleted=True))
        p.append(wrapper)
    _mark_paragraph(p, DEL, revisions)
    return p


def _put_back_at_end(last: etree._Element, text: str, revisions: _Revisions) -> etree._Element:
    """A paragraph deleted from the end of the document, put back after ``last``.

    The last paragraph mark of a document cannot be deleted, so the mark of ``last`` is marked
    deleted instead, and the put-back paragraph takes ``last``'s properties: accepting the
    deletion joins ``last`` with an empty paragraph of its own look, which is ``last`` as it was,
    and rejecting it shows the removed paragraph in the look of its neighbour (typically one more
    item of the distribution list).
    """
    ppr = copy.deepcopy(last.find(PPR)) if last.find(PPR) is not None else None
    if ppr is not None:
        for sect in ppr.findall(w("sectPr")):
            ppr.remove(sect)
        rpr = ppr.find(RPR)
        if rpr is not None:
            for mark in [*rpr.findall(INS), *rpr.findall(DEL)]:
                rpr.remove(mark)
    p = _deleted_paragraph(text, revisions, ppr)
    # The put-back paragraph's own mark stays; its content is what is deleted.
    rpr = p.find(f"{PPR}/{RPR}")
    assert rpr is not None
    for mark in rpr.findall(DEL):
        rpr.remove(mark)
    if len(rpr) == 0:
        rpr.getparent().remove(rpr)
    ppr_left = p.find(PPR)
    if ppr_left is not None and len(ppr_left) == 0:
        p.remove(ppr_left)
    _mark_paragraph(last, DEL, revisions)
    last.addnext(p)
    return p


def _untrack_last_mark(root: etree._Element, revisions: _Revisions) -> None:
    """Paragraphs inserted at the very end: move the inserted mark one paragraph back.

    The last paragraph mark of a document cannot be inserted (nor deleted), so, as Word does when
    one presses Enter at the end of the last paragraph, the mark of the paragraph *before* the
    inserted ones is the inserted one, and the last paragraph keeps an ordinary mark.  Rejecting
    the insertion then leaves that paragraph's text and no empty paragraph after it.  When that
    paragraph is itself a put-back deleted one, its mark is both inserted and deleted, so that it
    goes away in either view, as it must.
    """
    paragraphs = paragraph_elements(root)
    if not paragraphs or mark_revision(paragraphs[-1]) != "ins":
        return
    first = len(paragraphs) - 1
    while first > 0 and mark_revision(paragraphs[first - 1]) == "ins":
        first -= 1
    if first == 0:
        return  # the whole document is new: nothing to hang the mark on
    rpr = paragraphs[-1].find(f"{PPR}/{RPR}")
    assert rpr is not None
    for mark in rpr.findall(INS):
        rpr.remove(mark)
    _mark_paragraph(paragraphs[first - 1], INS, revisions)


def _origins(p: etree._Element) -> list[_Origin]:
    """The origin of every character of the paragraph's text, as :func:`text_elements` reads it."""
    out: list[_Origin] = []
    for el, text in text_elements(p):
        run = el.getparent()
        rpr = run.find(RPR)
        parent = run.getparent()
        link = parent if parent is not None and parent.tag == HYPERLINK else None
        out += [_Origin(rpr, link)] * len(text)
    return out


def _pieces(words: tuple[WordOp, ...], origins: list[_Origin]) -> list[tuple[str, str, _Origin]]:
    """The word diff cut where the formatting of the new paragraph changes:
    ``(kind, text, origin)``."""
    pieces: list[tuple[str, str, _Origin]] = []
    plain = _Origin(None, None)
    pos = 0
    for op in words:
        if op.kind == "delete":
            before = origins[pos - 1] if pos > 0 else (origins[pos] if origins else plain)
            after = origins[pos] if pos < len(origins) else None
            same_link = after is not None and before.link is not None and after.link is before.link
            pieces.append(("delete", op.text, before if same_link else _Origin(before.rpr, None)))
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


def _rebuild(p: etree._Element, change: Change, revisions: _Revisions) -> None:
    """Replace a modified paragraph's runs by the word diff as tracked changes (see module)."""
    origins = _origins(p)
    # Identity of origins lets _pieces join characters of one run; equal runs share one origin.
    merged: dict[tuple[int, int], _Origin] = {}
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
                container = _sub(p, HYPERLINK, dict(current_link.attrib))
        run = _run(text, origin.rpr, deleted=kind == "delete")
        if kind == "equal":
            container.append(run)
            continue
        tag = INS if kind == "insert" else DEL
        last = container[-1] if len(container) else None
        if last is None or last.tag != tag:
            last = revisions.mark(tag)
            container.append(last)
        last.append(run)
