"""Add learned clauses to ``data/klausuler.yaml`` without touching what a person wrote there.

The library is a hand-written file with comments; it is not dumped again.  The new clauses are
written in the same style (long texts folded near column 100) under a comment that says where
they came from, at the end of the ``klausuler:`` mapping, and the new text is read back: it must
give the old library plus the new clauses exactly, or nothing is written.
"""

from __future__ import annotations

import re
from typing import Any

from generator.importer.source import WIDTH, wrap
from generator.importer.yaml_writer import to_yaml

_KLAUSULER = re.compile(r"^klausuler:[ \t]*(\{[ \t]*\})?[ \t]*(#.*)?$")
_TOP_KEY = re.compile(r"^[^\s#]")


def clause_lines(clauses: dict[str, str], comment: str) -> list[str]:
    """The lines of the new clauses as they stand under ``klausuler:`` (indented two)."""
    body = to_yaml({"klausuler": dict(clauses)}).splitlines()
    start = next(i for i, line in enumerate(body) if line.startswith("klausuler:"))
    lines = ["", *(f"  # {c}" for c in wrap(comment, WIDTH - 4))]
    return lines + [line for line in body[start + 1 :] if line.strip()]


def split_clause(lines: list[str], clause_id: str, parts: dict[str, str]) -> list[str]:
    """The library's lines with the list clause ``clause_id`` written as references to ``parts``
    (its paragraphs, each a clause of its own now, written just below it): it reads the same,
    paragraph for paragraph."""
    start = next((i for i, line in enumerate(lines) if line.startswith(f"  {clause_id}:")), None)
    if start is None:
        raise AssertionError(f"the clause {clause_id} is not where the library's clauses are")
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > 2):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    refs = [f"  {clause_id}:"] + [f"    - klausul: {p}" for p in parts]
    comment = f"Styckena i {clause_id}, var för sig: ett råd kan ha egen text mellan dem."
    own = clause_lines(parts, comment)[1:]
    return lines[:start] + refs + own + lines[end:]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def add_clauses(
    text: str,
    clauses: dict[str, str],
    comment: str,
    split: dict[str, dict[str, str]] | None = None,
) -> str:
    """The library's text with ``clauses`` added at the end of its ``klausuler:`` mapping, and each
    list clause of ``split`` written as references to the clauses of its paragraphs.

    Raises :class:`AssertionError` when the result would not read back as the library plus the
    new clauses (a library laid out in a way this does not foresee): nothing is then written.
    """

    split = split or {}
    if not clauses and not split:
        return text
    lines = text.splitlines()
    for clause_id, parts in split.items():
        lines = split_clause(lines, clause_id, parts)
    if not clauses:
        return _checked(text, "\n".join(lines) + "\n", clauses, split)
    index = next((i for i, line in enumerate(lines) if _KLAUSULER.match(line)), None)
    new = clause_lines(clauses, comment)
    if index is None:
        lines = [*lines, "", "klausuler:", *new]
    else:
        if _KLAUSULER.match(lines[index]).group(1):  # type: ignore[union-attr]
            lines[index] = "klausuler:"
        end = next(
            (j for j in range(index + 1, len(lines)) if _TOP_KEY.match(lines[j])), len(lines)
        )
        while end > index + 1 and not lines[end - 1].strip():
            end -= 1
        lines[end:end] = new
    return _checked(text, "\n".join(lines) + "\n", clauses, split)


def _checked(
    text: str, result: str, clauses: dict[str, str], split: dict[str, dict[str, str]]
) -> str:
    """``result``, once it reads back as the library ``text`` with the changes made."""
    from ruamel.yaml import YAML

    safe = YAML(typ="safe")
    before: Any = safe.load(text) or {}
    after: Any = safe.load(result) or {}
    expected = dict(before)
    expected["klausuler"] = {**(before.get("klausuler") or {}), **clauses}
    for clause_id, parts in split.items():
        expected["klausuler"][clause_id] = [{"klausul": p} for p in parts]
        expected["klausuler"].update(parts)
    if after != expected:
        raise AssertionError("the clause library does not read back with the learned clauses")
    return result
