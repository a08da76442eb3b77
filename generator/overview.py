"""Every council at a glance: its file, its name and its live mandate in the register.

What the start page of the web app shows, as a plain function so that it can be tested and
reused without a browser.  A region may hold a thousand councils: the page then shows them a
page of :data:`PAGE_SIZE` at a time, found by their name or id, and only the rows shown are
looked up in the register (one query) and rendered.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from generator.datacache import read_data
from generator.exceptions import DataError
from generator.mandate import council_id
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


def councils(
    workspace: Workspace, register: Register, paths: list[Path] | None = None
) -> list[CouncilRow]:
    """The council files ``paths`` (default: every one, sorted by id), with their live mandate."""
    paths = workspace.council_files() if paths is None else paths
    ids = [council_id(p) for p in paths]
    latest = register.latest_for_many(ids)
    rows = []
    for council, path in zip(ids, paths, strict=True):
        name, problems = _name_of(path)
        rows.append(CouncilRow(council, name, path, latest.get(council), problems))
    return rows


#: Councils shown on one start page (a region may hold a thousand).
PAGE_SIZE = 100


@dataclass
class Listing:
    """One page of the start page's list: its rows, and how many councils match in all."""

    rows: list[CouncilRow]
    found: int
    total: int
    page: int
    pages: int


def listing(
    workspace: Workspace,
    register: Register,
    findings: Checked,
    *,
    text: str = "",
    remarks: bool = False,
    page: int = 1,
    paths: list[Path] | None = None,
) -> Listing:
    """The councils whose id or name holds every word of ``text`` (and, with ``remarks``, that
    ``check`` has something to say about), page ``page`` of them (clamped to those there are)."""
    paths = workspace.council_files() if paths is None else paths
    found = paths
    words = text.casefold().split()
    if words:
        found = [
            p
            for p in found
            if all(w in f"{council_id(p)} {_name_of(p)[0]}".casefold() for w in words)
        ]
    if remarks:
        noted = findings.errors.keys() | findings.warnings.keys()
        found = [p for p in found if council_id(p) in noted or _name_of(p)[1]]
    pages = max(1, math.ceil(len(found) / PAGE_SIZE))
    page = min(max(page, 1), pages)
    shown = found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return Listing(councils(workspace, register, shown), len(found), len(paths), page, pages)


@dataclass
class Checked:
    """What ``uppdrag check`` finds, by council (its file's id) and for the shared files."""

    errors: dict[str, list[str]]
    warnings: dict[str, list[str]]
    general_errors: list[str]
    general_warnings: list[str]


_checked: dict[str, tuple[tuple[object, ...], Checked]] = {}


def _stamp(workspace: Workspace, councils: list[Path]) -> tuple[object, ...]:
    """What the findings depend on: every data file's and the template's size and time."""
    paths = [workspace.settings_path, workspace.library_path, workspace.template_path]
    paths += councils
    out: list[object] = []
    for path in paths:
        try:
            stat = path.stat()
            out.append((str(path), stat.st_mtime_ns, stat.st_size))
        except OSError:
            out.append((str(path), None))
    return tuple(out)


def checked(workspace: Workspace, paths: list[Path] | None = None) -> Checked:
    """``uppdrag check`` of the whole workspace, grouped by council, made again only when a
    file changed (a check reads every file: too slow to repeat on every start page).
    ``paths``: the council files, if the caller has listed them already."""
    from generator.check import check
    from generator.loader.messages import display_path

    stamp = _stamp(workspace, workspace.council_files() if paths is None else paths)
    key = str(workspace.root.resolve())
    found = _checked.get(key)
    if found is not None and found[0] == stamp:
        return found[1]
    findings = check(workspace, [])
    by_file = {display_path(p): council_id(p) for p in workspace.council_files()}
    result = Checked({}, {}, [], [])
    for problems, per_council, general in (
        (findings.errors, result.errors, result.general_errors),
        (findings.warnings, result.warnings, result.general_warnings),
    ):
        for problem in problems:
            council = by_file.get(problem.file)
            if council is None:
                general.append(str(problem))
            else:
                location = f"{problem.field}: " if problem.field else ""
                per_council.setdefault(council, []).append(location + problem.message)
    _checked[key] = (stamp, result)
    return result
