"""Learn the clause library from the documents an organisation already has.

A batch import first converts every document against the library as it is (:func:`~.convert.
to_council`); what is left as a council's own text is then compared across the documents.  Text
that two or more of them share becomes a new clause: the whole paragraph when every document that
has any of its sentences has the paragraph whole, otherwise each shared sentence on its own, so
that a council that dropped or reworded one sentence still refers to the others.  A council's own
paragraph inserted between shared ones does not matter, since every shared paragraph is a clause
of its own.

Nothing that the library already holds is learned again: the library's clauses are recognised by
the first conversion, and a text that stands inside one of them is never made a second clause.
The ids are readable: the section's key and the first words that say something,
ASCII-folded (``samband.lakemedelsradet``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from generator.importer.source import fold, key
from generator.workspace import Library

_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖÉÜ0-9”\"(])")
_WORD = re.compile(r"[a-z0-9]+")
#: Words that do not make an id readable: it names what the text is about.
_STOPWORDS = frozenset(
    """och att i for som en ett den det de av till med pa ska skall ar inom kan har samt om vid
    fran sin sina sitt efter sa dar nar rad radet radets gruppen gruppens enligt varje alla all
    eller inte under over mellan hos""".split()
)


def sentences(text: str) -> list[str]:
    """The sentences of one paragraph's text (line breaks are not sentence ends: kept whole)."""
    if "\n" in text:
        return [text]
    return [s for s in _SENTENCE_BREAK.split(fold(text)) if s]


def ascii_fold(text: str) -> str:
    """Lower case without diacritics: ``Läkemedelsrådet`` → ``lakemedelsradet``."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass
class OwnText:
    """One piece of a council's own text in the first conversion, with where it stands."""

    document: int
    section: str
    text: str


@dataclass
class Learned:
    """The clauses learned from a batch: id → text, in the order they first appear."""

    clauses: dict[str, str] = field(default_factory=dict)
    #: Which documents (by index) have each learned clause word for word.
    users: dict[str, set[int]] = field(default_factory=dict)

    def id_of(self, text: str) -> str | None:
        wanted = key(text)
        return next((i for i, t in self.clauses.items() if key(t) == wanted), None)


def own_texts(data: dict[str, Any], document: int) -> Iterator[OwnText]:
    """Every own text of a council's data (not clause references, labels or titles)."""
    yield from _blocks(data.get("inledning"), "inledning", document)
    sections = data.get("avsnitt")
    if isinstance(sections, dict):
        yield from _sections(sections, document)
    for item in data.get("sändlista") or []:
        yield from _inline(item, "sandlista", document)


def _sections(sections: dict[str, Any], document: int) -> Iterator[OwnText]:
    for section_key, value in sections.items():
        if isinstance(value, list):
            yield from _blocks(value, section_key, document)
        elif isinstance(value, dict):
            yield from _blocks(value.get("innehåll"), section_key, document)
            yield from _sections(value.get("underavsnitt") or {}, document)


def _blocks(blocks: Any, section: str, document: int) -> Iterator[OwnText]:
    for block in blocks or []:
        if isinstance(block, str):
            yield OwnText(document, section, block)
        elif isinstance(block, dict) and "stycke" in block:
            yield from _parts(block["stycke"], section, document)
        elif isinstance(block, dict) and "punkter" in block:
            for item in block["punkter"]:
                yield from _inline(item, section, document)
        elif isinstance(block, dict) and "fält" in block:
            yield from _parts(block.get("text"), section, document)


def _inline(item: Any, section: str, document: int) -> Iterator[OwnText]:
    if isinstance(item, str):
        yield OwnText(document, section, item)
    elif isinstance(item, dict) and "stycke" in item:
        yield from _parts(item["stycke"], section, document)


def _parts(parts: Any, section: str, document: int) -> Iterator[OwnText]:
    if isinstance(parts, str):
        yield OwnText(document, section, parts)
    elif isinstance(parts, list):
        for part in parts:
            if isinstance(part, str):
                yield OwnText(document, section, part)


def library_keys(library: Library) -> list[str]:
    """The comparison form of every text the library holds, paragraph by paragraph."""
    out: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            out.append(key(value))
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)

    walk(library.clauses)
    return out


def in_library(text: str, keys: list[str]) -> bool:
    """True when the library holds ``text`` already, as a clause or inside one."""
    wanted = key(text)
    return any(wanted in k for k in keys)


def learn(texts: list[OwnText], library: Library, minimum: int = 2) -> Learned:
    """The clauses to learn from the councils' own texts: what ``minimum`` documents share."""
    known = library_keys(library)
    whole_docs: dict[str, set[int]] = {}
    sentence_docs: dict[str, set[int]] = {}
    sentence_wholes: dict[str, set[str]] = {}
    first: dict[str, OwnText] = {}
    for t in texts:
        whole = key(t.text)
        whole_docs.setdefault(whole, set()).add(t.document)
        first.setdefault(whole, t)
        for s in sentences(t.text):
            sk = key(s)
            sentence_docs.setdefault(sk, set()).add(t.document)
            sentence_wholes.setdefault(sk, set()).add(whole)
            first.setdefault(sk, OwnText(t.document, t.section, s))
    learned = Learned()
    taken = set(library.clauses)
    for t in texts:
        whole = key(t.text)
        parts = [key(s) for s in sentences(t.text)]
        if len(whole_docs[whole]) >= minimum and all(
            sentence_docs[s] == whole_docs[whole] and sentence_wholes[s] == {whole} for s in parts
        ):
            units = [whole]
        else:
            units = [s for s in parts if len(sentence_docs[s]) >= minimum]
        for unit in units:
            if learned.id_of(unit) or in_library(unit, known) or not _WORD.search(unit.lower()):
                continue
            origin = first[unit]
            clause_id = clause_id_for(origin.section, origin.text, taken)
            taken.add(clause_id)
            learned.clauses[clause_id] = origin.text.strip()
            docs = whole_docs.get(unit, set()) | sentence_docs.get(unit, set())
            learned.users[clause_id] = set(docs)
    return learned


def clause_id_for(section: str, text: str, taken: set[str]) -> str:
    """``section.first-words``: the fewest first words that say something and are not taken."""
    prefix = _WORD.findall(ascii_fold(section))
    head = "-".join(prefix) or "text"
    words = _WORD.findall(ascii_fold(text))
    content = [w for w in words if w not in _STOPWORDS and not w.isdigit()]
    if len(content) < 2:  # "4 – 6 ggr/år": the numbers are what it says
        content = words or ["text"]
    start = 1 if content is not words else min(len(content), 4)
    for n in range(start, min(len(content), 4) + 1):
        candidate = f"{head}.{'-'.join(content[:n])}"[:60].rstrip("-")
        if candidate not in taken:
            return candidate
    base = f"{head}.{'-'.join(content[:4])}"[:56].rstrip("-")
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def split_interrupted(
    texts: list[OwnText], library: Library, taken: set[str]
) -> tuple[dict[str, list[str]], dict[str, str]]:
    """The library's clauses of several paragraphs that a council interrupted with its own text.

    Such a clause cannot be referred to as a whole where a council inserted a paragraph of its
    own into it, and its paragraphs were left as own text.  Each of its paragraphs becomes a
    clause of its own, and the clause is written as references to them: it reads the same for
    every council that has it whole, and the one that interrupted it refers to its paragraphs.
    Gives ``{clause: [paragraph clause ids]}`` and ``{paragraph clause id: text}``.
    """
    own = {key(t.text) for t in texts}
    split: dict[str, list[str]] = {}
    parts: dict[str, str] = {}
    for clause_id, value in library.clauses.items():
        if not (isinstance(value, list) and len(value) > 1):
            continue
        if not all(isinstance(v, str) for v in value):
            continue
        if not any(key(v) in own for v in value):
            continue
        section = clause_id.split(".")[0]
        ids = []
        for text in value:
            part = clause_id_for(section, text, taken)
            taken.add(part)
            parts[part] = text.strip()
            ids.append(part)
        split[clause_id] = ids
    return split, parts
