"""Whether a register can be trusted before anything is read from it or written to it.

A diary number must never be given twice.  A register that is lost (deleted, emptied, replaced
by a file that is no database) would start every series over at 1 next to documents that already
carry those numbers, so a register that is missing, empty or damaged while the output folder holds
issued documents is refused, with the way back: restore it from a backup
(:meth:`Connection.backup`, ``uppdrag register backup``).  A value in a row that no version of
this program writes (a number, a date or a status that does not parse) is reported as damage too,
never as an internal error.
"""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path
from typing import Any

from generator.exceptions import RegisterError
from generator.i18n import _, ngettext

#: The start of the standard name of an issued document: ``RS_2026-00001_…``.
_ISSUED_NAME = re.compile(r"^[A-ZÅÄÖ]{1,6}_\d{4}-\d{5}_.+\.docx$")
#: Examples named in a message; a folder may hold thousands.
EXAMPLES = 3


def is_issued_name(name: str) -> bool:
    """Whether ``name`` has the form of an issued document's standard name."""
    return _ISSUED_NAME.match(name) is not None


def issued_documents(output_dir: Path) -> list[Path]:
    """The issued documents in ``output_dir`` (standard names; drafts in ``utkast/`` are not)."""
    if not output_dir.is_dir():
        return []
    found = []
    for folder, dirs, names in os.walk(output_dir):
        if Path(folder) == output_dir:
            dirs[:] = [d for d in dirs if d != "utkast"]
        found += [
            Path(folder) / name
            for name in names
            if _ISSUED_NAME.match(name) and not name.endswith("_andringar.docx")  # review copies
        ]
    return sorted(found)


def restore_hint(path: str) -> str:
    return _(
        "Restore the register from its latest backup (made with 'uppdrag register backup'): copy "
        "the backup to {path} and run the command again. Nothing was written."
    ).format(path=path)


def refuse_lost(path: str, output_dir: Path | None, problem: str) -> None:
    """Refuse a register in state ``problem`` if ``output_dir`` holds issued documents."""
    if output_dir is None:
        return
    documents = issued_documents(output_dir)
    if not documents:
        return
    examples = ", ".join(p.name for p in documents[:EXAMPLES])
    raise RegisterError(
        ngettext(
            "The register {path} {problem}, but {folder} holds {count} issued document "
            "({examples}). Its number would be given out again, so no number is given until "
            "the register is back.",
            "The register {path} {problem}, but {folder} holds {count} issued documents "
            "({examples}, …). Their numbers would be given out again, so no number is given "
            "until the register is back.",
            len(documents),
        ).format(
            path=path, problem=problem, folder=output_dir, count=len(documents), examples=examples
        )
        + " "
        + restore_hint(path)
        + " "
        + _(
            "If the documents belong to another register, use that one (--register), or move "
            "them out of {folder}."
        ).format(folder=output_dir)
    )


def damaged(path: str, detail: object) -> RegisterError:
    """The error for a register that failed its check or holds a value no program wrote."""
    return RegisterError(
        _("The register {path} is damaged ({detail}); nothing is written into it.").format(
            path=path, detail=detail
        )
        + " "
        + restore_hint(path)
    )


def unwritable(path: str, detail: object) -> RegisterError:
    """The error for a register that cannot take a change now (a full disk, a locked file):
    nothing of the change is in it."""
    return RegisterError(
        _(
            "The register {path} could not be written ({detail}); nothing of this change is in "
            "it. Free some disk space if it is full, then run the command again."
        ).format(path=path, detail=detail)
    )


def quick_check(conn: sqlite3.Connection, path: str) -> None:
    """SQLite's own check of the file's structure (``PRAGMA quick_check``), at every open."""
    try:
        found = [row[0] for row in conn.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as err:
        raise damaged(path, err) from err
    if found != ["ok"]:
        raise damaged(path, "; ".join(str(f) for f in found[:3]))


def cell(path: str, table: str, row: sqlite3.Row, column: str, value: Any, why: str) -> None:
    """Refuse one value read from the register that cannot be what this program wrote."""
    raise damaged(
        path,
        _("{table} row {id}, column {column}: {value!r} {why}").format(
            table=table, id=row["id"], column=column, value=value, why=why
        ),
    )
