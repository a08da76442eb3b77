"""A new council from the browser: ``uppdrag new``'s work, with each problem at its field."""

from __future__ import annotations

import re
from pathlib import Path

from generator.exceptions import UsageError
from generator.i18n import _
from generator.workspace import Workspace
from generator.writer import safe_name

_COUNCIL_ID = re.compile(r"^[a-z0-9][a-z0-9\-_]*\Z")


def council_id_problem(workspace: Workspace, council_id: str) -> str:
    """What is wrong with ``council_id`` as the id of a new council ('' when nothing is): the
    checks of ``uppdrag new``, shared by the new-council page and the import's choice of id."""
    if not council_id:
        return _("must not be empty")
    if not _COUNCIL_ID.match(council_id) or safe_name(council_id) != council_id:
        return _(
            "'{id}' cannot be a council id: use lowercase letters a–z, digits and "
            "'-', e.g. onkologi"
        ).format(id=council_id)
    if (workspace.councils_dir / f"{council_id}.yaml").exists():
        return _("there is already a council '{id}'").format(id=council_id)
    return ""


def create_council(
    workspace: Workspace, council_id: str, name: str
) -> tuple[Path | None, dict[str, str]]:
    """The new council file (from the standard clauses), or the problems by field (id, name)."""
    from generator.council_files import new_council_file

    council_id, name = council_id.strip(), name.strip()
    problems: dict[str, str] = {}
    if problem := council_id_problem(workspace, council_id):
        problems["id"] = problem
    if not name:
        problems["name"] = _("must not be empty")
    if problems:
        return None, problems
    try:
        path, _unfilled = new_council_file(workspace, council_id, name)
    except UsageError as err:
        return None, {"name": str(err)}
    return path, {}
