"""What changed between two issues of a mandate, read from the two Word documents.

A re-issue must show the decision maker exactly what changed against the council's *previous
issue*.  The previous issue's data may no longer exist (the clause library has moved on), so the
comparison is always document against document: both sides are read back from
``word/document.xml`` by :func:`document_paragraphs`, the old file from the register and the new
bytes just rendered.  Reading both the same way also means that anything the template adds (the
title, "Datum för beslut", the signature) compares equal unless it really changed.

The diff is by paragraph first (a mandate is a list of paragraphs, and "this paragraph is new" is
what a reader wants to hear), then by word inside a paragraph that was modified, in the style of
``wdiff``: ``[-removed-]{+added+}``.
"""

from __future__ import annotations

import difflib
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from textwrap import shorten
from typing import Literal

import click
from lxml import etree

from generator.i18n import _, ngettext

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
DOCUMENT_PART = "word/document.xml"

#: Lines that belong to one issue rather than to the mandate: what :class:`~generator.render.Stamp`
#: puts in the document (its date, number, predecessor and decision date).  They differ between
#: any two issues, so a re-issue comparison leaves them out.
HEAD_PREFIXES = ("Datum:", "Diarienummer:", "Ersätter:", "Datum för beslut:")

#: Below this word similarity, two paragraphs in a changed stretch are not paired as "modified".
PAIR_CUTOFF = 0.5

ChangeKind = Literal["insert", "delete", "replace"]
WordKind = Literal["equal", "delete", "insert"]


def w(tag: str) -> str:
    """Clark notation for a WordprocessingML tag: ``w("p")`` → ``{…/main}p``."""
    return f"{{{W_NS}}}{tag}"


P, R, T, TAB, BR, CR = w("p"), w("r"), w("t"), w("tab"), w("br"), w("cr")
PPR, RPR, INS, DEL = w("pPr"), w("rPr"), w("ins"), w("del")
# Content that is not shown in the document as it now reads: deleted revisions, text moved away,
# and the fallback copy of alternate content.
_HIDDEN = frozenset({DEL, w("moveFrom"), f"{{{MC_NS}}}Fallback"})


def ignore_head(text: str) -> bool:
    """True for the lines of the issue's own stamp (Datum, Diarienummer, Ersätter, Datum för
    beslut), which differ in every re-issue and which a comparison must not report: otherwise
    every council, changed or not, would have changed."""
    return text.startswith(HEAD_PREFIXES)


# -- reading a document ---------------------------------------------------------------------


def read_document_xml(docx: bytes | Path) -> etree._Element:
    """The parsed ``word/document.xml`` of a .docx given as bytes or as a path."""
    source = io.BytesIO(docx) if isinstance(docx, bytes | bytearray) else docx
    with zipfile.ZipFile(source) as archive:
        return etree.fromstring(archive.read(DOCUMENT_PART))


def _owner_paragraph(el: etree._Element) -> etree._Element | None:
    node = el.getparent()
    while node is not None and node.tag != P:
        node = node.getparent()
    return node


def _hidden(el: etree._Element, stop: etree._Element) -> bool:
    node = el.getparent()
    while node is not None and node is not stop:
        if node.tag in _HIDDEN:
            return True
        node = node.getparent()
    return False


def text_elements(p: etree._Element) -> Iterator[tuple[etree._Element, str]]:
    """Each visible piece of a paragraph's text with the element it comes from, in order.

    Only run content counts (``w:t``/``w:tab``/``w:br`` inside a ``w:r``), so field codes and
    ``w:delText`` are out by construction; runs inside ``w:del`` are skipped and those inside
    ``w:ins`` or ``w:hyperlink`` are read, i.e. the document as it reads with every change
    accepted.  Paragraphs nested in this one (text boxes) are left to themselves.
    """
    for el in p.iter(T, TAB, BR, CR):
        parent = el.getparent()
        if parent is None or parent.tag != R or not _shown_in(parent, p):
            continue
        tag = el.tag
        if tag == T:
            if el.text:
                yield el, el.text
        elif tag == TAB:
            yield el, "\t"
        else:
            yield el, "\n"


def _shown_in(run: etree._Element, p: etree._Element) -> bool:
    """Whether a run inside ``p`` belongs to ``p`` and is shown: no other paragraph and nothing
    hidden (see :data:`_HIDDEN`) stands between them.

    One walk up from the run instead of two (owner paragraph, then hidden ancestors); a run that
    is a child of ``p``, as nearly all are, needs no walk at all.
    """
    node = run.getparent()
    while node is not p:
        if node is None or node.tag == P or node.tag in _HIDDEN:
            return False
        node = node.getparent()
    return True


def paragraph_text(p: etree._Element) -> str:
    return "".join(text for _el, text in text_elements(p))


def mark_revision(p: etree._Element) -> str | None:
    """``"ins"``/``"del"`` if the paragraph mark itself is a tracked insertion/deletion."""
    # What p.find("w:pPr/w:rPr") finds, without parsing a path for every paragraph.
    rpr = next((r for ppr in p.iterchildren(PPR) for r in ppr.iterchildren(RPR)), None)
    if rpr is None:
        return None
    if rpr.find(DEL) is not None:
        return "del"
    if rpr.find(INS) is not None:
        return "ins"
    return None


def paragraph_elements(root: etree._Element) -> list[etree._Element]:
    """The body's ``w:p`` elements in order, those in tables included, those in text boxes (inside
    another paragraph) and inside deleted content left out."""
    body = root.find(w("body"))
    if body is None:
        return []
    return [p for p in body.iter(P) if _in_body(p, body)]


def _in_body(p: etree._Element, body: etree._Element) -> bool:
    """Whether a ``w:p`` inside ``body`` is one of its paragraphs: inside no other paragraph, and
    inside nothing hidden below ``body`` (``not _hidden(p, body) and _owner_paragraph(p) is
    None``, in one walk up)."""
    node = p.getparent()
    below_body = True
    while node is not None:
        tag = node.tag
        if tag == P or (below_body and tag in _HIDDEN):
            return False
        if node is body:
            below_body = False
        node = node.getparent()
    return True


def body_paragraphs(root: etree._Element) -> list[tuple[list[etree._Element], str]]:
    """The body's paragraphs as they read: ``(elements, text)`` in document order.

    A paragraph whose mark is a tracked deletion runs on into the next one, as Word shows it once
    the deletion is accepted; such paragraphs come out joined, with every element they were made
    of.  Paragraphs inside tables count; those inside text boxes are read with their own.
    """
    out: list[tuple[list[etree._Element], str]] = []
    pending: list[etree._Element] = []
    pending_text = ""
    paragraphs = paragraph_elements(root)
    texts = _texts_by_paragraph(root)
    deleted_marks = _deleted_marks(root)
    for p in paragraphs:
        pending.append(p)
        pending_text += "".join(texts.get(p, ()))
        if p in deleted_marks:
            continue
        out.append((pending, pending_text))
        pending, pending_text = [], ""
    if pending and pending_text:
        out.append((pending, pending_text))
    return out


def _deleted_marks(root: etree._Element) -> set[etree._Element]:
    """The body paragraphs whose mark is a tracked deletion (``mark_revision(p) == "del"``).

    Found from the body's ``w:del`` elements (a fresh rendering has none) rather than by asking
    every paragraph: only a paragraph with a ``w:del`` in its mark's properties can be one.
    """
    found: set[etree._Element] = set()
    body = root.find(w("body"))
    if body is None:
        return found
    for mark in body.iter(DEL):
        rpr = mark.getparent()
        ppr = rpr.getparent() if rpr is not None and rpr.tag == RPR else None
        p = ppr.getparent() if ppr is not None and ppr.tag == PPR else None
        if p is not None and p.tag == P and mark_revision(p) == "del":
            found.add(p)
    return found


def _texts_by_paragraph(root: etree._Element) -> dict[etree._Element, list[str]]:
    """The pieces of text of every body paragraph, as :func:`text_elements` reads them.

    One pass over the body's run content instead of one per paragraph: each piece goes to the
    paragraph it belongs to (the nearest ``w:p`` above its run), unless something hidden stands
    between the two.  The paragraphs are the keys (lxml gives one object per element while it is
    referenced).
    """
    texts: dict[etree._Element, list[str]] = {}
    body = root.find(w("body"))
    if body is None:
        return texts
    for el in body.iter(T, TAB, BR, CR):
        run = el.getparent()
        if run is None or run.tag != R:
            continue
        owner = run.getparent()
        while owner is not None and owner.tag != P:
            owner = None if owner.tag in _HIDDEN else owner.getparent()
        if owner is None:
            continue
        tag = el.tag
        if tag == T:
            if el.text:
                texts.setdefault(owner, []).append(el.text)
        else:
            texts.setdefault(owner, []).append("\t" if tag == TAB else "\n")
    return texts


def document_paragraphs(docx: bytes | Path) -> list[str]:
    """Every body paragraph's text of a rendered mandate, in order; ``w:br`` is ``"\\n"``.

    The same reading is used for the previous issue's file and for the new document's bytes, so
    that a re-issue compares what the two documents say, not what the data says now.
    """
    return [text for _els, text in body_paragraphs(read_document_xml(docx))]


def part_paragraphs(document_xml: bytes) -> list[str]:
    """:func:`document_paragraphs` of a document given by its ``word/document.xml`` part."""
    return [text for _els, text in body_paragraphs(etree.fromstring(document_xml))]


# -- comparing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class WordOp:
    """A stretch of a modified paragraph: kept (``equal``), removed or added.

    The ``equal`` and ``insert`` texts in order make the new paragraph; ``equal`` and ``delete``
    the old one; whitespace is kept, so both are exact.
    """

    kind: WordKind
    text: str


@dataclass(frozen=True)
class Change:
    """One changed paragraph.

    ``old_index``/``new_index`` index the full lists given to :func:`compare`.  An inserted
    paragraph's ``old_index`` is where it would stand in the old list, and a deleted paragraph's
    ``new_index`` is the new paragraph it stood before (``len(new)`` at the end): that is where a
    review copy puts it back.
    """

    kind: ChangeKind
    old: str
    new: str
    old_index: int
    new_index: int
    words: tuple[WordOp, ...] = ()


@dataclass(frozen=True)
class Comparison:
    """The changes from ``old`` to ``new`` in document order, with both lists for context."""

    old: list[str]
    new: list[str]
    changes: list[Change]
    ignored_new: frozenset[int] = field(default_factory=frozenset)

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    @property
    def paragraphs_changed(self) -> int:
        """Inserted, deleted and modified paragraphs."""
        return len(self.changes)


_WORD = re.compile(r"\w")
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def word_diff(old: str, new: str) -> tuple[WordOp, ...]:
    """Word-level diff of two paragraphs: whole words, with each punctuation mark on its own.

    Punctuation apart means that a sentence added before a full stop shows as just that sentence,
    not as a changed last word; a word is never split.  Spaces and punctuation kept between two
    changes are folded into them, so a rewritten phrase reads as one
    ``[-old phrase-]{+new phrase+}`` rather than word by word.
    """
    a, b = _tokens(old), _tokens(new)
    raw: list[tuple[WordKind, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            raw.append(("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            raw.append(("delete", "".join(a[i1:i2])))
        if j2 > j1:
            raw.append(("insert", "".join(b[j1:j2])))
    # Fold equal stretches without a word character that sit between two changes.
    folded: list[tuple[WordKind, str]] = []
    for i, (kind, text) in enumerate(raw):
        between = 0 < i < len(raw) - 1 and raw[i - 1][0] != "equal" and raw[i + 1][0] != "equal"
        if kind == "equal" and between and not _WORD.search(text):
            folded += [("delete", text), ("insert", text)]
        else:
            folded.append((kind, text))
    # Merge each stretch of changes into one removal followed by one addition.
    ops: list[WordOp] = []
    removed = added = ""
    for kind, text in [*folded, ("equal", "")]:
        if kind == "delete":
            removed += text
        elif kind == "insert":
            added += text
        else:
            if removed:
                ops.append(WordOp("delete", removed))
            if added:
                ops.append(WordOp("insert", added))
            removed = added = ""
            if text:
                ops.append(WordOp("equal", text))
    return tuple(ops)


def _similarity(a: str, b: str) -> float:
    matcher = difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False)
    return matcher.ratio()


#: A changed stretch of at most this many old × new paragraphs is paired by the exhaustive
#: search (:func:`_pair_exact`); a bigger one in one pass with a window (:func:`_pair_window`).
EXACT_PAIRS = 64
#: How many of the next new paragraphs an old paragraph of a big stretch is compared with.
WINDOW = 12


def _unpaired(old: Sequence[str], new: Sequence[str], olds: range, news: range) -> list[Change]:
    """A stretch with no pair: its old paragraphs deleted, then its new ones inserted."""
    deleted = [Change("delete", old[i], "", i, news.start) for i in olds]
    inserted = [Change("insert", "", new[j], olds.stop, j) for j in news]
    return deleted + inserted


def _modified(old: Sequence[str], new: Sequence[str], i: int, j: int) -> Change:
    return Change("replace", old[i], new[j], i, j, word_diff(old[i], new[j]))


def _pair(old: Sequence[str], new: Sequence[str], olds: range, news: range) -> list[Change]:
    """Changes for a stretch where ``old[olds]`` was replaced by ``new[news]``.

    A single paragraph replaced by a single paragraph is always a modification, however much it
    changed: it is the same place in the document.  A small stretch is paired exhaustively, a big
    one in a single pass (a re-issue may change a thousand bullets at once; the exhaustive search
    grows with the cube of the stretch).
    """
    if not olds and not news:
        return []
    if len(olds) == 1 and len(news) == 1:
        return [_modified(old, new, olds[0], news[0])]
    if len(olds) * len(news) <= EXACT_PAIRS:
        return _pair_exact(old, new, olds, news)
    return _pair_window(old, new, olds, news)


def _pair_exact(old: Sequence[str], new: Sequence[str], olds: range, news: range) -> list[Change]:
    """Paragraphs paired as "modified" the way :class:`difflib.Differ` pairs lines: the most
    similar pair (at least :data:`PAIR_CUTOFF`) first, then the stretches either side of it."""
    best, best_i, best_j = PAIR_CUTOFF, -1, -1
    for i in olds:
        for j in news:
            ratio = _similarity(old[i], new[j])
            if ratio > best:
                best, best_i, best_j = ratio, i, j
    if best_i < 0:
        return _unpaired(old, new, olds, news)
    return (
        _pair(old, new, range(olds.start, best_i), range(news.start, best_j))
        + [_modified(old, new, best_i, best_j)]
        + _pair(old, new, range(best_i + 1, olds.stop), range(best_j + 1, news.stop))
    )


def _pair_window(old: Sequence[str], new: Sequence[str], olds: range, news: range) -> list[Change]:
    """Paragraphs of a big stretch paired in order, in one pass.

    Each old paragraph is paired with the most similar (at least :data:`PAIR_CUTOFF`) of the next
    :data:`WINDOW` new paragraphs not yet passed, if it is also the most similar to that new
    paragraph of the next :data:`WINDOW` old ones (so a deleted paragraph does not take its
    neighbour's place); what lies between two pairs is deleted and inserted.

    The time grows with the length of the stretch, not with its cube: every paragraph is compared
    with at most twice :data:`WINDOW` others, most comparisons ending at the cheap upper bounds of
    :class:`difflib.SequenceMatcher`.  The result is a valid diff in document order, as the
    exhaustive pairing's is.
    """
    old_tokens = {i: old[i].split() for i in olds}
    new_tokens = {j: new[j].split() for j in news}
    matcher = difflib.SequenceMatcher(None, autojunk=False)

    def best_of(fixed: list[str], others: Iterable[tuple[int, list[str]]]) -> tuple[float, int]:
        matcher.set_seq2(fixed)
        best, found = PAIR_CUTOFF, -1
        for index, words in others:
            matcher.set_seq1(words)
            if matcher.real_quick_ratio() <= best or matcher.quick_ratio() <= best:
                continue
            ratio = matcher.ratio()
            if ratio > best:
                best, found = ratio, index
        return best, found

    changes: list[Change] = []
    i_from, j_from = olds.start, news.start  # the first old and new paragraphs not yet paired
    for i in olds:
        window = range(j_from, min(j_from + WINDOW, news.stop))
        ratio, j = best_of(old_tokens[i], ((k, new_tokens[k]) for k in window))
        if j < 0:
            continue
        rivals = range(i + 1, min(i + WINDOW, olds.stop))
        better, _rival = best_of(new_tokens[j], ((k, old_tokens[k]) for k in rivals))
        if better > ratio:
            continue  # a later old paragraph is this new one's own: leave this one unpaired
        changes += _pair(old, new, range(i_from, i), range(j_from, j))
        changes.append(_modified(old, new, i, j))
        i_from, j_from = i + 1, j + 1
    changes += _unpaired(old, new, range(i_from, olds.stop), range(j_from, news.stop))
    return changes


def compare(
    old: list[str], new: list[str], ignore: Callable[[str], bool] | None = None
) -> Comparison:
    """Paragraph-level diff of two issues, with a word-level diff of each modified paragraph.

    ``ignore`` skips paragraphs that always differ between issues (e.g. :func:`ignore_head`);
    they are left out on both sides before comparing, and the indices in the result still refer
    to the full lists.
    """
    skip = ignore or (lambda _text: False)
    old_kept = [i for i, text in enumerate(old) if not skip(text)]
    new_kept = [j for j, text in enumerate(new) if not skip(text)]
    old_view = [old[i] for i in old_kept]
    new_view = [new[j] for j in new_kept]
    matcher = difflib.SequenceMatcher(None, old_view, new_view, autojunk=False)
    local: list[Change] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            local += _pair(old_view, new_view, range(i1, i2), range(j1, j2))

    def full(index: int, kept: list[int], total: int) -> int:
        return kept[index] if index < len(kept) else (kept[-1] + 1 if kept else total)

    changes = [
        Change(
            c.kind,
            c.old,
            c.new,
            full(c.old_index, old_kept, len(old)),
            full(c.new_index, new_kept, len(new)),
            c.words,
        )
        for c in local
    ]
    ignored = frozenset(j for j in range(len(new)) if skip(new[j]))
    return Comparison(list(old), list(new), changes, ignored)


# -- showing --------------------------------------------------------------------------------

CONTEXT_WIDTH = 72


def _marked(ops: Sequence[WordOp], color: bool) -> str:
    out = []
    for op in ops:
        if op.kind == "equal":
            out.append(op.text)
        elif color:
            style = {"fg": "red", "strikethrough": True} if op.kind == "delete" else {"fg": "green"}
            out.append(click.style(op.text, **style))
        else:
            out.append(f"[-{op.text}-]" if op.kind == "delete" else f"{{+{op.text}+}}")
    return "".join(out)


def _line(prefix: str, text: str) -> str:
    """A paragraph on one or more lines; its line breaks continue under the text."""
    return prefix + text.replace("\n", "\n  ")


def format_text(comparison: Comparison, *, color: bool = False) -> str:
    """The changes as text for the terminal: ``~`` modified (changed words marked ``[-…-]{+…+}``,
    or red/green with ``color``), ``+`` inserted and ``-`` deleted paragraphs.

    Unchanged paragraphs are not shown, except the one just before each group of changes, cut
    short, so that the reader can find the place; ``…`` marks what is left out.
    """
    if not comparison.changed:
        return _("No changes.")
    n = comparison.paragraphs_changed
    lines = [ngettext("{n} paragraph changed:", "{n} paragraphs changed:", n).format(n=n)]
    new = comparison.new
    touched = {c.new_index for c in comparison.changes if c.kind != "delete"}

    def unchanged(j: int) -> bool:
        return j not in touched and j not in comparison.ignored_new

    shown = 0  # every new paragraph before this one has been shown or skipped
    for change in comparison.changes:
        anchor = change.new_index
        if anchor > shown:
            context = [j for j in range(shown, anchor) if unchanged(j)]
            if len(context) > 1:
                lines.append("  …")
            if context:
                text = shorten(new[context[-1]].replace("\n", " "), CONTEXT_WIDTH, placeholder=" …")
                lines.append("  " + (click.style(text, dim=True) if color else text))
        if change.kind == "replace":
            lines.append(_line("~ ", _marked(change.words, color)))
        elif change.kind == "insert":
            text = click.style(change.new, fg="green") if color else change.new
            lines.append(_line(click.style("+ ", fg="green") if color else "+ ", text))
        else:
            text = click.style(change.old, fg="red", strikethrough=True) if color else change.old
            lines.append(_line(click.style("- ", fg="red") if color else "- ", text))
        shown = max(shown, anchor + (change.kind != "delete"))
    if any(unchanged(j) for j in range(shown, len(new))):
        lines.append("  …")
    return "\n".join(lines)
