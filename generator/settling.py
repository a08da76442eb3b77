"""Settling what the register and the output folder disagree on, and saying it truthfully.

After a crash, recovery completes only the files it can prove it wrote and settles every other
pending number with a reason (:func:`recover`); a command that stops part-way says what it
issued and voids the rest at once with the true reason (:func:`stop_issuing`); ``verify`` names
every file of the output folder that the register does not know (:func:`unknown_files`).
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from generator.exceptions import IssueStopped, RegisterError, UppdragError
from generator.i18n import _
from generator.register import Issue, IssuedFile, Register
from generator.writer import sweep_temps

Notify = Callable[[str], None]


def recover(register: Register, notify: Notify, output_dir: Path | None = None) -> None:
    """Finish what an interrupted command left pending, and say what was done.

    Only a file that the register can prove this program wrote (its SHA-256 was recorded before
    it was linked into place, and it lies in a real folder of ``output_dir``) is completed.
    """
    if output_dir is not None:
        sweep_temps(output_dir)
    for dnr, action in register.recover(output_dir):
        if action == "completed":
            notify(
                _("{dnr}: an interrupted issue was completed (its file was in place)").format(
                    dnr=dnr
                )
            )
        elif action == "dropped":
            notify(
                _(
                    "{dnr}: an interrupted decided version was never written; the number stays "
                    "a draft"
                ).format(dnr=dnr)
            )
        elif action == "foreign":
            last = register.history(dnr)[-1]["detail"]
            notify(
                _("{dnr}: not completed, the number is settled: {reason}").format(
                    dnr=dnr, reason=last.get("reason", "")
                )
            )
        else:
            notify(
                _("{dnr}: an interrupted issue was voided (its file was never written)").format(
                    dnr=dnr
                )
            )


#: Numbers named in full in a message; a batch may hold a thousand.
SHOWN_NUMBERS = 10


def _numbers(dnrs: list[str]) -> str:
    shown = ", ".join(dnrs[:SHOWN_NUMBERS])
    return shown + (", …" if len(dnrs) > SHOWN_NUMBERS else "") if dnrs else "–"


def _disk_full(err: BaseException) -> bool:
    return isinstance(err, OSError) and err.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1))


def not_written_reason(err: BaseException) -> str:
    """The reason recorded for a number whose document a failure kept from being written."""
    if _disk_full(err):
        return _("not written: the disk is full ({error})").format(error=err)
    if isinstance(err, OSError) and err.errno == errno.EFBIG:
        return _("not written: the file is larger than the system allows ({error})").format(
            error=err
        )
    return _("not written: the command stopped before this document ({error})").format(error=err)


def stop_issuing(reg: Register, issues: list[Issue], err: Exception) -> IssueStopped:
    """What to say when issuing stopped part-way: the numbers that were issued, and those that
    were not, which are voided now with the true reason (not later as "interrupted")."""
    reason = not_written_reason(err)
    issued: list[str] = []
    voided: list[str] = []
    for issue in issues:
        now = reg.get(issue.dnr)
        if now is None:
            continue
        if now.status == "pending" and not (now.path and os.path.lexists(now.path)):
            try:
                reg.void(now.dnr, reason)
            except RegisterError:
                continue  # the register itself cannot be written: recovery settles it later
            voided.append(now.dnr)
        elif now.status == "makulerad":
            voided.append(now.dnr)
        elif now.status != "pending":
            issued.append(now.dnr)
    internal = not isinstance(err, UppdragError | OSError)
    cause = _("the disk is full: {error}").format(error=err) if _disk_full(err) else str(err)
    message = "\n".join(
        [
            _("Issuing stopped: {cause}").format(cause=cause),
            _("Issued: {count} ({numbers}).").format(count=len(issued), numbers=_numbers(issued)),
            _("Not issued: {count} ({numbers}); voided with the reason: {reason}").format(
                count=len(voided), numbers=_numbers(voided), reason=reason
            ),
            _("Run the same command again to issue the rest."),
        ]
    )
    return IssueStopped(message, internal=internal)


@dataclass
class Verification:
    """What ``uppdrag verify`` found: each issued file against its checksum, the files of the
    output folder that the register does not know, and the numbers still being written."""

    files: list[tuple[str, str, str]]
    unknown: list[Path]
    pending: list[IssuedFile]

    @property
    def bad(self) -> list[tuple[str, str, str]]:
        return [entry for entry in self.files if entry[2] != "ok"]


#: Files of the output folder that are no record: the register itself, its side files and
#: backups, and temporary files.  Drafts (``utkast/``) are previews, replaced at will.
_NOT_RECORDS = re.compile(r"(\.sqlite(-wal|-shm|-journal)?|\.tmp)$")
#: What is made from a registered document and lives beside it: its review copy, its PDF and the
#: page images of a preview.
_DERIVED = re.compile(r"^(?P<stem>.+?)(_andringar\.docx|\.pdf|-sida-\d+\.png)$")


def unknown_files(output_dir: Path, recorded: Iterable[str]) -> list[Path]:
    """Every file in ``output_dir`` that the register does not know, sorted: a document that
    was written but never recorded, or one put there by hand.  A link counts as a file."""
    if not output_dir.is_dir():
        return []
    known = {os.path.normcase(os.path.abspath(path)) for path in recorded}
    stems = {os.path.splitext(key)[0] for key in known}
    found: list[Path] = []
    for folder, dirs, names in os.walk(output_dir):
        here = Path(folder)
        if here == output_dir:
            dirs[:] = [d for d in dirs if d != "utkast"]
        links = [d for d in dirs if (here / d).is_symlink()]
        for name in [*names, *links]:
            path = here / name
            key = os.path.normcase(os.path.abspath(path))
            if key in known or _NOT_RECORDS.search(name):
                continue
            derived = _DERIVED.match(name)
            if (
                derived
                and not path.is_symlink()
                and os.path.normcase(os.path.abspath(here / derived["stem"])) in stems
            ):
                continue
            found.append(path)
    return sorted(found)
