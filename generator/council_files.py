"""Making a council file: from an imported document (``uppdrag import``) or from the standard
clauses with the places to fill in marked (``uppdrag new``).

Both write a new file into data/councils/ and never replace one; the work of reading a document
is :mod:`generator.importer`'s, and this is the command's end of it, as the CLI and the web app
call it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.command import Notify, Written, quiet
from generator.exceptions import UsageError
from generator.i18n import _
from generator.workspace import Workspace
from generator.writer import safe_name


@dataclass
class Imported:
    """What ``uppdrag import`` did: the council file, the report, the registered earlier issue."""

    council_file: Path
    report: object
    earlier: Written | None


def import_mandate(
    workspace: Workspace,
    source_file: Path,
    *,
    output: Path | None = None,
    register: Path | None = None,
    notify: Notify = quiet,
) -> Imported:
    """``uppdrag import FILE``: one document as a batch of one (:func:`generator.importer.batch.
    import_batch`), written at once; the original is kept and recorded as the earlier issue."""
    from generator.importer.batch import import_batch

    report = import_batch(workspace, [source_file], dry_run=False, register=register, output=output)
    [document] = report.documents
    earlier = None
    if report.registered:
        dnr, path, _sha = report.registered[0]
        earlier = Written(document.council, dnr, path)
    else:
        notify(_("The document has no diary number or date; it is not recorded in the register."))
    return Imported(document.target, report, earlier)


def new_council_file(
    workspace: Workspace, council_id: str, name: str, output: Path | None = None
) -> tuple[Path, list[tuple[str, int]]]:
    """``uppdrag new``: a council file with the standard clauses and the places to fill in."""
    from generator.importer import find_unfilled, new_council, write_new_file
    from generator.loader import load_yaml

    if safe_name(council_id) != council_id:
        raise UsageError(
            _(
                "'{id}' cannot be a council id; use lowercase letters, digits and '-', "
                "e.g. 'hjarta'"
            ).format(id=council_id)
        )
    text = new_council(council_id, name, workspace.load_library())
    target = write_new_file(output or workspace.councils_dir / f"{council_id}.yaml", text)
    return target, find_unfilled(load_yaml(target).data)
