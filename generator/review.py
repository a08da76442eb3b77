"""The review copy of a re-issue: the new document with its changes as Word tracked changes.

The decision maker reads ``<name>_andringar.docx`` in Word or LibreOffice in review mode and sees
exactly what changed against the council's previous issue: removed words struck through, added
words underlined, whole paragraphs added or taken out.  Accepting every change gives the new issue
word for word; rejecting every change gives the previous one.  Only the text of the previous issue
is needed (from :func:`generator.diff.document.document_paragraphs`), because its data may be gone.

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
  marked: they differ in every issue (see :func:`generator.diff.document.ignore_head`).
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from itertools import count

from lxml import etree

from generator.diff.document import (
    DEL,
    DOCUMENT_PART,
    INS,
    PPR,
    RPR,
    W_NS,
    body_paragraphs,
    ignore_head,
    mark_revision,
    paragraph_elements,
    w,
)
from generator.diff.paragraphs import Comparison, compare
from generator.i18n import _
from generator.review_package import (
    SETTINGS_PART,
    label_first_line,
    labelled_parts,
    previous_number,
    serialise,
    with_track_revisions,
)
from generator.review_runs import HYPERLINK, Revisions, element, rebuild, text_run

# Elements of w:pPr that come after its w:rPr.
_AFTER_PPR_RPR = frozenset({w("sectPr"), w("pPrChange")})


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
    :func:`generator.docx_zip.write_docx` instead, which copies the unchanged parts as they are.
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
    revisions = Revisions(author, revision_date(date), count(max(used, default=0) + 1))
    for change in comparison.changes:
        if change.kind == "replace":
            rebuild(elements[change.new_index], change, revisions)
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


def _mark_paragraph(p: etree._Element, tag: str, revisions: Revisions) -> None:
    """Mark the paragraph mark as inserted or deleted (``w:pPr/w:rPr/w:ins|w:del``)."""
    ppr = p.find(PPR)
    if ppr is None:
        ppr = element(PPR)
        p.insert(0, ppr)
    rpr = ppr.find(RPR)
    if rpr is None:
        rpr = element(RPR)
        after = next((i for i, child in enumerate(ppr) if child.tag in _AFTER_PPR_RPR), len(ppr))
        ppr.insert(after, rpr)
    # w:ins, w:del come first in a paragraph mark's properties, in that order.
    rpr.insert(1 if tag == DEL and rpr.find(INS) is not None else 0, revisions.mark(tag))


def _mark_inserted(p: etree._Element, revisions: Revisions) -> None:
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


def _deleted_paragraph(
    text: str, revisions: Revisions, ppr: etree._Element | None = None
) -> etree._Element:
    p = element(w("p"))
    if ppr is not None:
        p.append(ppr)
    if text:
        wrapper = revisions.mark(DEL)
        wrapper.append(text_run(text, None, deleted=True))
        p.append(wrapper)
    _mark_paragraph(p, DEL, revisions)
    return p


def _put_back_at_end(last: etree._Element, text: str, revisions: Revisions) -> etree._Element:
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


def _untrack_last_mark(root: etree._Element, revisions: Revisions) -> None:
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
