"""What changed between two versions of a data file: a line diff a secretary can read."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from generator.history.versions import Version


@dataclass(frozen=True)
class Line:
    """One line of a diff: ``kind`` is ``same``, ``removed``, ``added`` or ``gap`` (a hunk
    header, with the line numbers where the next lines are)."""

    kind: str
    text: str
    old: int | None = None
    new: int | None = None


def diff_texts(old: str, new: str, context: int = 3) -> list[Line]:
    """The changed lines of ``old`` → ``new`` with ``context`` lines around each change."""
    a, b = old.splitlines(), new.splitlines()
    lines: list[Line] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        first = group[0]
        lines.append(Line("gap", f"@@ -{first[1] + 1} +{first[3] + 1} @@", first[1], first[3]))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [Line("same", a[i], i + 1, j1 + i - i1 + 1) for i in range(i1, i2)]
                continue
            if tag in ("replace", "delete"):
                lines += [Line("removed", a[i], i + 1, None) for i in range(i1, i2)]
            if tag in ("replace", "insert"):
                lines += [Line("added", b[j], None, j + 1) for j in range(j1, j2)]
    return lines


def diff_versions(old: Version, new: Version, context: int = 3) -> list[Line]:
    """:func:`diff_texts` of two versions (any two, in either order)."""
    return diff_texts(old.text, new.text, context)


def unified(old: Version, new: Version) -> str:
    """The same diff as ``diff -u`` prints it, headed by the two versions."""
    return "".join(
        difflib.unified_diff(
            old.text.splitlines(keepends=True),
            new.text.splitlines(keepends=True),
            fromfile=f"{old.path} v{old.number} ({old.author}, {old.timestamp})",
            tofile=f"{new.path} v{new.number} ({new.author}, {new.timestamp})",
        )
    )
