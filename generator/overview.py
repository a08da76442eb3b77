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


@dataclass
class Checked:
    """What ``uppdrag check`` finds, by council (its file's id) and for the shared files."""

    errors: dict[str, list[str]]
    warnings: dict[str, list[str]]
    general_errors: list[str]
    general_warnings: list[str]


_checked: dict[str, tuple[tuple[object, ...], Checked]] = {}


def _stamp(workspace: Workspace) -> tuple[object, ...]:
    """What the findings depend on: every data file's and the template's size and time."""
    paths = [workspace.settings_path, workspace.library_path, workspace.template_path]
    paths += workspace.council_files()
    out: list[object] = []
    for path in paths:
        try:
            stat = path.stat()
            out.append((str(path), stat.st_mtime_ns, stat.st_size))
        except OSError:
            out.append((str(path), None))
    return tuple(out)


def checked(workspace: Workspace) -> Checked:
    """``uppdrag check`` of the whole workspace, grouped by council, made again only when a
    file changed (a check reads every file: too slow to repeat on every start page)."""
    from generator.check import check
    from generator.loader import display_path

    stamp = _stamp(workspace)
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
