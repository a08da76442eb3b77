"""Find a standard clause by what it says, for the editor's clause picker."""

from __future__ import annotations

from dataclasses import dataclass

from generator.editing.form import flatten
from generator.workspace import Library

MAX_HITS = 20


@dataclass(frozen=True)
class Hit:
    clause_id: str
    text: str


def search(library: Library, query: str, limit: int = MAX_HITS) -> list[Hit]:
    """The clauses whose id or text holds every word of ``query`` (case-insensitive)."""
    words = query.casefold().split()
    if not words:
        return []
    hits = []
    for clause_id, value in library.clauses.items():
        text = flatten(value)
        haystack = f"{clause_id} {text}".casefold()
        if all(word in haystack for word in words):
            hits.append(Hit(clause_id, text))
            if len(hits) >= limit:
                break
    return hits
