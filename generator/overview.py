"""Every council at a glance: its file, its name and its live mandate in the register.

What the start page of the web app shows, as a plain function so that it can be tested and
reused without a browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.clauses import council_id
from generator.datacache import read_data
from generator.exceptions import DataError
from generator.register import Issue, Register
from generator.workspace import Workspace


@dataclass
class CouncilRow:
    """One council: its id, the name its file gives, and its live mandate (None if none yet)."""

    council: str
    name: str
    path: Path
    latest: Issue | None
    problems: list[str]


def _name_of(path: Path) -> tuple[str, list[str]]:
    """The council's name as its file gives it, and the file's problems if it cannot be read."""
    try:
        data = read_data(path)  # read again only when the file changed
    except DataError as err:
        return "", [str(p) for p in err.problems]
    name = data.get("namn") if isinstance(data, dict) else None
    return (str(name) if name else ""), []


def councils(workspace: Workspace, register: Register) -> list[CouncilRow]:
    """Every council file of the workspace, sorted by id, with its live mandate."""
    paths = workspace.council_files()
    latest = register.latest_for_many(council_id(p) for p in paths)
    rows = []
    for path in paths:
        name, problems = _name_of(path)
        rows.append(
            CouncilRow(council_id(path), name, path, latest.get(council_id(path)), problems)
        )
    return rows
