"""Which library clause a document's text is: whole paragraphs, sentences inside a paragraph,
and clauses of several paragraphs, compared in the form rendering the clause gives."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from generator import inline
from generator.importer.source import Paragraph, key, plain_key
from generator.loader import Loaded
from generator.model import Item
from generator.workspace import Library

_SENTENCE_END = ".!?:;”\"')»"
_NON_NEWLINE_SPACE = re.compile(r"[^\S\n]")


@dataclass
class Matcher:
    """The library's clauses in the forms a document can hold them, and what was matched."""

    library: Library
    inline_texts: dict[str, str] = field(default_factory=dict)
    blocks: dict[str, list[Item]] = field(default_factory=dict)
    overrides: dict[str, str] = field(default_factory=dict)
    used: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # The merge's own resolution (nested references, one-text lists), so that "identical to
        # a clause" means identical to what rendering the clause gives.
        from generator.clauses import Merger

        loaded = Loaded(path=self.library.loaded.path, data={}, display="")
        for clause_id in self.library.clauses:
            merger = Merger(loaded, self.library, {})
            text = merger.text_clause(clause_id, {}, "klausul", [], ())
            if not merger.problems and text.strip():
                self.inline_texts[clause_id] = text.strip()
            merger = Merger(loaded, self.library, {})
            items = merger.block({}, 0, {"klausul": clause_id}, [], ())
            if not merger.problems and items:
                self.blocks[clause_id] = items

    def text(self, clause_id: str) -> str:
        return self.overrides.get(clause_id, self.inline_texts.get(clause_id, ""))

    def use(self, clause_id: str) -> dict[str, str]:
        if clause_id not in self.used:
            self.used.append(clause_id)
        return {"klausul": clause_id}

    def whole(self, text: str) -> str | None:
        """The clause that is exactly ``text``, or whose link address alone differs (then the
        council's own version is recorded in ``klausuler:``)."""
        wanted = key(text)
        for clause_id in self.inline_texts:
            if key(self.text(clause_id)) == wanted:
                return clause_id
        wanted_plain = plain_key(text)
        for clause_id, value in self.inline_texts.items():
            if clause_id in self.overrides or clause_id in self.used:
                continue
            if not isinstance(self.library.clauses.get(clause_id), str):
                continue
            if plain_key(value) == wanted_plain and inline.links(value):
                self.overrides[clause_id] = text
                return clause_id
        return None

    def part_of(self, text: str) -> str | None:
        """The clause of several paragraphs that ``text`` is one paragraph of."""
        wanted = key(text)
        for clause_id, items in self.blocks.items():
            if len(items) > 1 and any(key(item.plain()) == wanted for item in items):
                return clause_id
        return None

    def multi(self, paragraphs: list[Paragraph], start: int) -> tuple[str, int] | None:
        """A clause of several paragraphs (or one that is not a plain text) that stands at
        ``start`` as a whole; the longest wins."""
        best: tuple[str, int] | None = None
        for clause_id, items in self.blocks.items():
            n = len(items)
            if n == 1 and clause_id in self.inline_texts:
                continue  # a text clause: :meth:`whole` finds it, link differences included
            if start + n > len(paragraphs) or (best and best[1] >= n):
                continue
            if all(_same(items[k], paragraphs[start + k]) for k in range(n)):
                best = (clause_id, n)
        return best

    def parts(self, text: str) -> list[Any]:
        """A paragraph as own text and clauses (whole sentences), in order."""
        if "\n" in text:
            return [text]
        spaced = _NON_NEWLINE_SPACE.sub(" ", text)
        taken: list[tuple[int, int, str]] = []
        candidates = sorted(self.inline_texts, key=lambda c: -len(self.text(c)))
        for clause_id in candidates:
            needle = key(self.text(clause_id))
            if not needle or "\n" in needle:
                continue
            start = 0
            while True:
                s = spaced.find(needle, start)
                if s < 0:
                    break
                e = s + len(needle)
                start = s + 1
                after_sentence = s >= 2 and spaced[s - 1] == " " and spaced[s - 2] in _SENTENCE_END
                if s > 0 and not after_sentence:
                    continue
                if e < len(spaced) and spaced[e] != " ":
                    continue
                if any(s < te and ts < e for ts, te, _c in taken):
                    continue
                taken.append((s, e, clause_id))
        if not taken:
            return [text]
        taken.sort()
        out: list[Any] = []
        pos = 0
        for s, e, clause_id in taken:
            own = text[pos:s].strip()
            if own:
                out.append(own)
            out.append({"klausul": clause_id})
            pos = e
        own = text[pos:].strip()
        if own:
            out.append(own)
        return out


def _same(item: Item, p: Paragraph) -> bool:
    if item.kind == "bullet":
        return p.kind == "bullet" and key(item.text) == key(p.text)
    if item.kind == "heading":
        return False
    return p.kind == "plain" and key(item.plain()) == key(p.text)
