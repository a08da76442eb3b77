"""The word diff inside a modified paragraph, in the style of ``wdiff``.

A reader of a re-issue wants to see the words that changed, not the whole paragraph twice; the
terminal shows them as ``[-removed-]{+added+}``, the review copy as tracked changes, and the
clause library's editor as marked text, all from the same :class:`WordOp` stretches.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

WordKind = Literal["equal", "delete", "insert"]


@dataclass(frozen=True)
class WordOp:
    """A stretch of a modified paragraph: kept (``equal``), removed or added.

    The ``equal`` and ``insert`` texts in order make the new paragraph; ``equal`` and ``delete``
    the old one; whitespace is kept, so both are exact.
    """

    kind: WordKind
    text: str


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
