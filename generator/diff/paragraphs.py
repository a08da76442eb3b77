"""The paragraph diff of two issues: which paragraphs were inserted, deleted or modified.

A mandate is a list of paragraphs, and "this paragraph is new" is what a reader wants to hear, so
the comparison is by paragraph first; paragraphs of a changed stretch that are alike enough are
paired as modified and get a word diff (:mod:`.words`).  The pairing is exhaustive for a small
stretch and a one-pass window for a big one, so that a re-issue that changes a thousand bullets
still takes seconds (``benchmarks/bench_diff.py`` measures both).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from generator.diff.words import WordOp, word_diff

#: Below this word similarity, two paragraphs in a changed stretch are not paired as "modified".
PAIR_CUTOFF = 0.5

ChangeKind = Literal["insert", "delete", "replace"]


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
