"""The register as the registrar reads it: a number's history in words, a search over all
numbers, the files of a number that may be handed out, and the rows of the official diarium.

Shared by ``uppdrag register show``/``diarium`` and the web register, so that both tell a
number's life in the same words, export the same rows and hand out only the files the register
records.
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from generator.command import Notify, quiet
from generator.exceptions import DataError, RegisterError, UsageError
from generator.i18n import _
from generator.model import Settings
from generator.register import Issue, IssuedFile, Register, diarium_csv_rows, sha256_file
from generator.register_access import existing_register, register_path
from generator.settling import recover
from generator.workspace import Workspace
from generator.writer import inside

#: The MIME types of the files the register records (others are refused, not guessed).
MIME_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
}


def describe_event(event: dict[str, Any], show_path: Callable[[Path], str] = str) -> str:
    """One line of a number's history, in the registrar's words (``show_path`` prints paths)."""
    detail = event.get("detail") or {}
    path = show_path(Path(detail["path"])) if detail.get("path") else ""
    texts = {
        "reserved": (
            _("the number was registered for {subject}")
            if detail.get("external")
            else _("the number was given to {subject}")
        ).format(subject=detail.get("subject", "")),
        "written": _("file written: {path}").format(path=path),
        "superseded": _("superseded by {dnr}: {reason}").format(
            dnr=detail.get("by", ""), reason=detail.get("reason") or "–"
        ),
        "supersede_skipped": _(
            "the number it replaces was not superseded (status {status})"
        ).format(status=detail.get("status", "")),
        "voided": _("voided: {reason}").format(reason=detail.get("reason", "")),
        "pending_file_dropped": _("an unwritten file was dropped: {path}").format(path=path),
        "decided_reserved": _("decision date {date} to be written: {path}").format(
            date=detail.get("decided", ""), path=path
        ),
        "set_next": _("next number set to {serial}").format(serial=detail.get("next", "")),
        "archive_copy": _("archive copy (PDF/A) made: {path}").format(path=path),
        "original_kept": _("original kept: {path}").format(path=path),
        "series_moved": _("given outside this tool; the series continues at {serial}").format(
            serial=detail.get("next", "")
        ),
        "series_set_back": _(
            "voided before anything followed; the series continues at {serial}"
        ).format(serial=detail.get("next", "")),
        "replacement_issued": _(
            "replacement {dnr} issued as a draft; this number stays in force until it is decided"
        ).format(dnr=detail.get("by", "")),
        "supersession_undone": _("{dnr} was voided; status {status} again").format(
            dnr=detail.get("by", ""), status=detail.get("status", "")
        ),
    }
    return texts.get(event["event"], event["event"])


@dataclass(frozen=True)
class Search:
    """What the registrar looks for: words, a council, a status, a year (empty: any)."""

    text: str = ""
    council: str = ""
    status: str = ""
    year: str = ""

    def matches(self, issue: Issue) -> bool:
        if self.council and issue.council != self.council:
            return False
        if self.status and issue.status != self.status:
            return False
        if self.year and not issue.date.startswith(self.year):
            return False
        if self.text:
            haystack = " ".join(
                str(v or "")
                for v in (issue.dnr, issue.council, issue.subject, issue.reason, issue.date)
            ).casefold()
            return all(word in haystack for word in self.text.casefold().split())
        return True


def search(issues: Iterable[Issue], wanted: Search) -> list[Issue]:
    """The issues that match, newest first (the registrar looks for recent numbers most)."""
    found = [issue for issue in issues if wanted.matches(issue)]
    found.reverse()
    return found


def years(issues: Iterable[Issue]) -> list[str]:
    """The years the register has numbers of, newest first (the choices of the year filter)."""
    return sorted({issue.date[:4] for issue in issues}, reverse=True)


def downloadable(issue: Issue, index: int, output_dir: Path) -> tuple[IssuedFile, Path, str]:
    """The ``index``-th file of ``issue``, if it may be handed out: written, recorded by the
    register, inside the workspace's output folder, of a known type. Gives the file, its
    resolved path and its MIME type; else :class:`RegisterError` / :class:`UsageError`."""
    if not 0 <= index < len(issue.files):
        raise RegisterError(_("{dnr} has no such file").format(dnr=issue.dnr))
    record = issue.files[index]
    if record.state != "written":
        raise RegisterError(
            _("the file {path} of {dnr} has not been written").format(
                path=Path(record.path).name, dnr=issue.dnr
            )
        )
    path = inside(output_dir, Path(record.path))
    mime = MIME_TYPES.get(path.suffix.lower())
    if mime is None:  # pragma: no cover - the register records only .docx and .pdf
        raise UsageError(_("{path} is not a document that can be downloaded").format(path=path))
    if not path.is_file():
        raise RegisterError(
            _("the file {path} of {dnr} is missing; run uppdrag verify").format(
                path=path.name, dnr=issue.dnr
            )
        )
    return record, path, mime


def guess_mime(path: Path) -> str:
    """The MIME type to send a workspace file with (a review copy is a .docx)."""
    return (
        MIME_TYPES.get(path.suffix.lower())
        or mimetypes.guess_type(path.name)[0]
        or ("application/octet-stream")
    )


class Progress(Protocol):
    def start(self, label: str, total: int) -> None: ...
    def advance(self, item: str) -> None: ...
    def finish(self) -> None: ...


def verify(
    workspace: Workspace, register: Path | None, progress: Progress
) -> list[tuple[str, str, str]]:
    """``uppdrag verify`` (every written file against its recorded SHA-256), reporting each
    file to ``progress``: a register of many years holds thousands of files."""
    with Register(
        register_path(workspace, register and str(register)),
        documents=workspace.output_dir,
        root=workspace.root,
    ) as reg:
        total = sum(f.state == "written" for issue in reg.list() for f in issue.files)
        progress.start(_("Verifying"), total)

        def sha256_of(path: str) -> str:
            digest = sha256_file(path)
            progress.advance(path)
            return digest

        def exists(path: str) -> bool:
            if os.path.isfile(path):
                return True
            progress.advance(path)
            return False

        try:
            return reg.verify(sha256_of=sha256_of, exists=exists)
        finally:
            progress.finish()


def diarium_rows(
    workspace: Workspace,
    *,
    register: Path | None = None,
    notify: Notify = quiet,
    settings: Settings | None = None,
) -> list[dict[str, str]]:
    """Rows for the official diarium: every number that has been issued or voided (not pending).

    ``settings``: the workspace's, if the caller holds them already (the web app keeps them
    while the file is unchanged)."""
    settings = settings or workspace.load_settings()
    existing = existing_register(workspace, register)
    if existing is None:
        return []
    with existing as reg:
        recover(reg, notify, workspace.output_dir)
        issues = reg.list()
    waiting = [i.dnr for i in issues if i.status == "pending"]
    if waiting:
        notify(
            _(
                "Not exported, still being written by a running command: {numbers}. "
                "Export again when it has finished."
            ).format(numbers=", ".join(waiting))
        )
    issues = [i for i in issues if i.status != "pending"]
    folder = workspace.councils_dir
    recipients: dict[str, str] = {}  # a council has many numbers over the years: read it once

    def recipient(issue: Issue) -> str:
        if issue.council not in recipients:
            recipients[issue.council] = _recipient(folder, issue.council)
        return recipients[issue.council]

    return diarium_csv_rows(issues, settings.document_type, settings.signatory_name, recipient)


def _recipient(folder: Path, council: str) -> str:
    """The recipient (uppdragstagare) as the council file names it, else the council id."""
    from generator.datacache import read_data

    path = folder / f"{council}.yaml"
    try:
        return str(read_data(path).get("uppdragstagare") or council)
    except (DataError, AttributeError, OSError):
        return council
