"""What the registrar does with the register itself: back it up, void a number, set the next
number, list and show numbers, and verify the issued files against it.

Each opens the register through :mod:`generator.register_access` (a command that only reads never
creates one) and first settles what a process that is gone left pending
(:func:`generator.settling.recover`), so that what it shows or changes is the register as it is.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.command import Notify, quiet
from generator.dnr import DiaryNumber
from generator.exceptions import RegisterError
from generator.i18n import _
from generator.register import Issue, KeptOriginal
from generator.register_access import (
    existing_register,
    issue_or_fail,
    no_such_number,
    open_register,
    opened_number,
)
from generator.settling import Verification, recover, unknown_files
from generator.workspace import Workspace


def backup(workspace: Workspace, target: Path | None, *, register: Path | None = None) -> Path:
    """``uppdrag register backup``: a consistent copy of the register, made while others may use
    it; by default beside the register, named by the time (``diarium-backup-20260302T101500``)."""
    existing = existing_register(workspace, register)
    if existing is None:
        raise RegisterError(
            _("there is no register to back up yet: nothing has been issued in {folder}").format(
                folder=workspace.output_dir
            )
        )
    with existing as reg:
        if target is None:
            stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
            source = Path(reg.path)
            target = source.with_name(f"{source.stem}-backup-{stamp}{source.suffix}")
        reg.backup(target)
    return target


def void(
    workspace: Workspace,
    dnr: str,
    reason: str,
    *,
    register: Path | None = None,
    decided_ok: bool = False,
    notify: Notify = quiet,
) -> Issue:
    """``uppdrag register void``: a number is voided with a reason, never deleted.

    A decided number only with ``decided_ok`` (``--yes``); what the number superseded gets back
    its former status, which is said.
    """
    with opened_number(workspace, dnr, register, notify) as (reg, issue):
        replaced = [i for i in reg.list() if i.superseded_by == issue.dnr]
        voided = reg.void(issue.dnr, reason, decided_ok=decided_ok)
        for old in replaced:
            restored = reg.get(old.dnr)
            if restored is not None and restored.status != "ersatt":
                notify(
                    _("{dnr} is in force again: its status is {status}").format(
                        dnr=restored.dnr, status=restored.status
                    )
                )
        return voided


def set_next(workspace: Workspace, dnr: str, *, register: Path | None = None) -> None:
    with open_register(workspace, register) as reg:
        reg.set_next(str(DiaryNumber.parse(dnr)))


def list_issues(
    workspace: Workspace,
    *,
    council: str | None = None,
    register: Path | None = None,
    notify: Notify = quiet,
) -> list[Issue]:
    """``uppdrag register list``: every number, pending ones too (those of processes that are
    gone are settled first)."""
    existing = existing_register(workspace, register)
    if existing is None:
        return []
    with existing as reg:
        recover(reg, notify, workspace.output_dir)
        return reg.list(council)


def show(
    workspace: Workspace, dnr: str, *, register: Path | None = None
) -> tuple[Issue, list[dict]]:
    existing = existing_register(workspace, register)
    if existing is None:
        raise no_such_number(workspace, dnr)
    with existing as reg:
        issue = issue_or_fail(reg, dnr)
        return issue, reg.history(issue.dnr)


def kept_originals(
    workspace: Workspace, dnr: str, *, register: Path | None = None
) -> list[KeptOriginal]:
    """The imported originals kept beside the file of ``dnr`` (a text export it was made from)."""
    existing = existing_register(workspace, register)
    if existing is None:
        raise no_such_number(workspace, dnr)
    with existing as reg:
        return reg.originals(issue_or_fail(reg, dnr).dnr)


def verify(
    workspace: Workspace, *, register: Path | None = None, notify: Notify = quiet
) -> Verification | None:
    """``uppdrag verify``: every issued file and PDF/A archive copy against its recorded
    SHA-256, every file of the output folder against the register, and the numbers still pending
    (those of processes that are gone are settled first).  None: there is no register yet."""
    existing = existing_register(workspace, register)
    if existing is None:
        return None
    with existing as reg:
        recover(reg, notify, workspace.output_dir)
        reg.list()  # reads every number: a damaged value is an error here, not later
        files = reg.verify()
        unknown = unknown_files(workspace.output_dir, reg.recorded_paths())
        return Verification(files, unknown, reg.pending())
