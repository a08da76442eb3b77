"""Near-variants: a council's sentence that differs from a clause by a few words.

Such a sentence is the same standard text, reworded by hand somewhere along the way.  It is kept
as that council's own version of the clause (``klausuler:`` in its file), so that nothing in its
text changes, and reported side by side with a word diff, counted per clause: that report is what
a policy office needs to harmonise the councils' texts.  Where no two documents have such a text
word for word, the version nearest to most of the others becomes the clause and the others its
variants.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from generator.importer.learn import Learned, OwnText, clause_id_for, sentences
from generator.importer.source import key

#: At most this many words differ ...
MAX_CHANGED_WORDS = 3
#: ... and at least this share of the words is the same (difflib's ratio over words) ...
MIN_RATIO = 0.6
#: ... in a text of at least this many words: shorter texts are names, not reworded sentences.
MIN_WORDS = 6


@dataclass(frozen=True)
class Variant:
    """One council's own version of a clause."""

    clause: str
    document: int
    text: str
    clause_text: str

    def diff(self) -> str:
        """The words removed ``[-…-]`` and added ``{+…+}``, as a word diff shows them."""
        return word_diff(self.clause_text, self.text)


def words(text: str) -> list[str]:
    return key(text).split()


def near(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` are the same text but for a few words (and not equal)."""
    wa, wb = words(a), words(b)
    if wa == wb or min(len(wa), len(wb)) < MIN_WORDS:
        return False
    matcher = difflib.SequenceMatcher(None, wa, wb, autojunk=False)
    same = sum(block.size for block in matcher.get_matching_blocks())
    return matcher.ratio() >= MIN_RATIO and max(len(wa), len(wb)) - same <= MAX_CHANGED_WORDS


def word_diff(old: str, new: str) -> str:
    """``old`` turned into ``new`` word by word: ``Bereda frågor [-vid behov.-] {+när det
    behövs.+}``."""
    wa, wb = words(old), words(new)
    out: list[str] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, wa, wb, autojunk=False).get_opcodes():
        if op == "equal":
            out.extend(wa[a1:a2])
            continue
        if a2 > a1:
            out.append("[-" + " ".join(wa[a1:a2]) + "-]")
        if b2 > b1:
            out.append("{+" + " ".join(wb[b1:b2]) + "+}")
    return " ".join(out)


def find_variants(
    texts: list[OwnText],
    learned: Learned,
    library_texts: dict[str, str],
    used: list[set[str]],
    taken: set[str],
) -> list[Variant]:
    """The near-variants among the councils' own texts, learning a clause where a group of them
    has no version two documents share (added to ``learned``).

    ``library_texts`` are the library's one-text clauses; ``used[d]`` the clauses document ``d``
    has word for word (its own version would change that text too, so it gets none).
    """
    candidates: list[tuple[str, str]] = list(library_texts.items()) + list(learned.clauses.items())
    # A paragraph is compared whole while none of its sentences is a clause already; else only
    # its sentences that are not, so that a variant never takes shared text with it.
    known = {key(v) for v in learned.clauses.values()} | {key(v) for v in library_texts.values()}
    free: list[OwnText] = []
    for t in texts:
        pieces = [OwnText(t.document, t.section, s) for s in sentences(t.text)]
        if key(t.text) in known:
            continue
        if len(pieces) > 1 and not any(key(p.text) in known for p in pieces):
            free.append(t)
        free.extend(p for p in pieces if key(p.text) not in known)
    found: list[Variant] = []
    claimed: set[tuple[int, str]] = set()

    def claim(clause_id: str, clause_text: str, unit: OwnText) -> None:
        if (unit.document, clause_id) in claimed or clause_id in used[unit.document]:
            return
        claimed.add((unit.document, clause_id))
        found.append(Variant(clause_id, unit.document, unit.text, clause_text))

    rest: list[OwnText] = []
    for unit in free:
        match = next(((c, t) for c, t in candidates if near(unit.text, t)), None)
        if match:
            claim(match[0], match[1], unit)
        else:
            rest.append(unit)
    # Groups of near texts of different documents, none shared word for word: learn one.
    groups: list[list[OwnText]] = []
    for unit in rest:
        touching = [g for g in groups if any(near(unit.text, g_u.text) for g_u in g)]
        merged = [unit]
        for g in touching:
            if not {u.document for u in g} & {u.document for u in merged}:
                merged.extend(g)
                groups.remove(g)
        groups.append(merged)
    for group in groups:
        if len({u.document for u in group}) < 2:
            continue
        # The version nearest to most of the others is the clause; the first on a tie.
        chosen = max(group, key=lambda u: sum(near(u.text, o.text) for o in group))
        clause_id = clause_id_for(chosen.section, chosen.text, taken)
        taken.add(clause_id)
        learned.clauses[clause_id] = chosen.text.strip()
        learned.users[clause_id] = {chosen.document}
        for unit in group:
            if unit is not chosen:
                claim(clause_id, chosen.text.strip(), unit)
    return found
