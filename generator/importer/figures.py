"""The figures that say whether a batch import did its job.

- documents rendering back: every document whose data was proved to give its text line for line
  (:func:`~.convert.to_council` refuses any other, so in a finished batch it is all of them);
- words: the council files' words together (every word of the YAML but its comments, keys and
  clause ids included) against the documents' words: what is left to each council to keep.  A
  word is what ``wc -w`` counts, less the tokens without a letter or digit (``-``, ``–``): a
  clause id is one word, as a name is;
- shared sentences left copied: sentences two or more documents have word for word (link
  addresses included) that still stand as own text (or an own version of a clause) in some
  council file.  The policy change that
  misses a council is one of these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from generator import inline
from generator.importer.learn import own_texts, sentences
from generator.importer.source import Source, key

_WORD = re.compile(r"\w")


@dataclass
class Figures:
    documents: int
    rendered_back: int
    document_words: int
    council_words: int
    shared_sentences: int
    shared_left: list[str] = field(default_factory=list)

    @property
    def word_share(self) -> float:
        return self.council_words / self.document_words if self.document_words else 0.0


def count_words(text: str) -> int:
    return sum(1 for token in text.split() if _WORD.search(token))


def yaml_words(text: str) -> int:
    """The words of a YAML file but its comment lines."""
    return sum(count_words(line) for line in text.splitlines() if not line.lstrip().startswith("#"))


def document_sentences(source: Source) -> set[str]:
    """The sentences of a document's text below the head block (body and distribution list)."""
    out: set[str] = set()
    for p in source.paragraphs:
        if p.role in ("body", "distribution") and p.kind != "heading":
            out.update(key(s) for s in sentences(p.text))
    return out


def measure(sources: list[Source], datas: list[dict[str, Any]], texts: list[str]) -> Figures:
    """The figures of a batch whose documents all rendered back (``datas`` their council data,
    ``texts`` the council files as they are written)."""
    counts: dict[str, int] = {}
    for source in sources:
        for s in document_sentences(source):
            counts[s] = counts.get(s, 0) + 1
    shared = {s for s, n in counts.items() if n >= 2}
    own: set[str] = set()
    for i, data in enumerate(datas):
        pieces = [t.text for t in own_texts(data, i)]
        pieces += [v for v in (data.get("klausuler") or {}).values() if isinstance(v, str)]
        for piece in pieces:
            own.update(key(s) for s in sentences(piece))
    document_words = sum(
        count_words(inline.plain(p.text)) for source in sources for p in source.paragraphs
    )
    return Figures(
        documents=len(sources),
        rendered_back=sum(1 for d in datas if d),
        document_words=document_words,
        council_words=sum(yaml_words(t) for t in texts),
        shared_sentences=len(shared),
        shared_left=sorted(shared & own),
    )
