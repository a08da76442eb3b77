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


def add_clauses(text: str, clauses: dict[str, str], comment: str) -> str:
    """The library's text with ``clauses`` added at the end of its ``klausuler:`` mapping.

    Raises :class:`AssertionError` when the result would not read back as the library plus the
    new clauses (a library laid out in a way this does not foresee): nothing is then written.
    """
    from ruamel.yaml import YAML

    if not clauses:
        return text
    lines = text.splitlines()
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
    result = "\n".join(lines) + "\n"
    safe = YAML(typ="safe")
    before: Any = safe.load(text) or {}
    after: Any = safe.load(result) or {}
    expected = dict(before)
    expected["klausuler"] = {**(before.get("klausuler") or {}), **clauses}
    if after != expected:
        raise AssertionError("the clause library does not read back with the learned clauses")
    return result
