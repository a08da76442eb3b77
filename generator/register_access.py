"""Which register a workspace's commands use, and opening it the way each command needs.

A command that issues opens (and if need be creates) the register; a command that only reads
never creates one, since an empty file would look like a diarium in which nothing was ever issued.
Kept apart from :mod:`generator.register` (the SQLite register itself), which knows nothing of
workspaces, options or environment variables.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.command import Notify
from generator.dnr import DiaryNumber
from generator.exceptions import RegisterError
from generator.i18n import _
from generator.register import Issue, Register, refuse_lost
from generator.settling import recover
from generator.workspace import Workspace

REGISTER_ENV = "UPPDRAG_REGISTER"


def register_path(workspace: Workspace, option: str | None) -> Path:
    """``--register``, else ``$UPPDRAG_REGISTER``, else ``output/diarium.sqlite``."""
    chosen = option or os.environ.get(REGISTER_ENV)
    return Path(chosen) if chosen else workspace.output_dir / "diarium.sqlite"


def open_register(workspace: Workspace, option: Path | None) -> Register:
    """The workspace's register; refused if it is lost while issued documents are there."""
    return Register(
        register_path(workspace, option and str(option)),
        documents=workspace.output_dir,
        root=workspace.root,
    )


def existing_register(workspace: Workspace, option: Path | None) -> Register | None:
    """The register to read, or None when the workspace has none yet (nothing issued so far).

    A command that only reads never creates a register: an empty file made by ``register list``
    would look like a diarium in which nothing was ever issued.  A register the user named
    (``--register`` or ``$UPPDRAG_REGISTER``) that does not exist is a mistake, said as one.
    """
    path = register_path(workspace, option and str(option))
    if path.exists():
        return Register(path, documents=workspace.output_dir, root=workspace.root)
    if option or os.environ.get(REGISTER_ENV):
        raise RegisterError(
            _("there is no register {path}; check --register or ${env}").format(
                path=path, env=REGISTER_ENV
            )
        )
    # Issued documents without their register: the register was lost, not never made.
    refuse_lost(str(path), workspace.output_dir, _("is missing"))
    return None


def no_such_number(workspace: Workspace, dnr: str) -> RegisterError:
    """The error for a number asked about when the workspace has no register yet."""
    number = str(DiaryNumber.parse(dnr))
    return RegisterError(
        _("{dnr} is not in the register {path}").format(
            dnr=number, path=register_path(workspace, None)
        )
    )


def issue_or_fail(reg: Register, dnr: str) -> Issue:
    """The register's entry of ``dnr`` (as the user typed it), or an error naming the register."""
    number = str(DiaryNumber.parse(dnr))
    issue = reg.get(number)
    if issue is None:
        raise RegisterError(
            _("{dnr} is not in the register {path}").format(dnr=number, path=reg.path)
        )
    return issue


@contextmanager
def opened_number(
    workspace: Workspace, dnr: str, option: Path | None, notify: Notify
) -> Iterator[tuple[Register, Issue]]:
    """The register open, with the entry of ``dnr``, for a command that changes that number;
    first what processes that are gone left pending is settled (:func:`recover`)."""
    existing = existing_register(workspace, option)
    if existing is None:
        raise no_such_number(workspace, dnr)
    with existing as reg:
        recover(reg, notify, workspace.output_dir)
        yield reg, issue_or_fail(reg, dnr)
