"""Issuing new documents: ``uppdrag render``, the flow every issuing command follows.

Load and validate all councils first (:mod:`generator.councils`: nothing is spent on a file that
has an error), render every document once before any number is allocated, then reserve the
numbers in one register transaction, write each file atomically (:mod:`generator.writer`) and
mark it issued.  A crash at any point leaves either nothing, or a pending number that the next
command completes (the file is there) or voids with a reason (it is not): never a number lost
without a record (:mod:`generator.settling`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from pathlib import Path

from generator import dates
from generator.command import Notify, Written, quiet
from generator.councils import load_councils, refuse_unfilled
from generator.dnr import DiaryNumber
from generator.exceptions import RegisterError, UppdragError, UsageError
from generator.i18n import _
from generator.lint import sound_template
from generator.model import Mandate, Settings
from generator.register import Register, Request, is_issued_name
from generator.register_access import register_path
from generator.render import Stamp, render_docx
from generator.settling import recover, stop_issuing
from generator.template import CompiledTemplate
from generator.workspace import Workspace
from generator.writer import safe_name, within_output, write_new, write_replaceable


def check_external(number: DiaryNumber, series: str, date: dt.date) -> None:
    """Refuse an external number of another series or another year than the document's."""
    if number.prefix != series:
        raise UsageError(
            _(
                "--dnr {dnr} is not of the series {series} that the settings name; check the "
                "number, or add --force if it really belongs to another series."
            ).format(dnr=number, series=series)
        )
    if number.year != date.year:
        raise UsageError(
            _(
                "--dnr {dnr} is of the year {year}, the document is dated {date}; check the "
                "number or the date, or add --force if that is right."
            ).format(dnr=number, year=number.year, date=dates.iso(date))
        )


def subject(settings: Settings, mandate: Mandate) -> str:
    """The ärendemening the register and the diarium export show."""
    return f"{settings.document_type} för {mandate.name}"


def default_path(base: Path, dnr: str, council: str, suffix: str = "") -> Path:
    """``output/2024/RS_2024-00784_onkologi.docx``: year folder, number first, sortable."""
    found = re.search(r"\b(\d{4})-\d", dnr)
    year = found.group(1) if found else "0000"
    return base / safe_name(year) / f"{safe_name(dnr)}_{safe_name(council)}{suffix}.docx"


def render(
    workspace: Workspace,
    names: list[str],
    *,
    date: dt.date | None = None,
    dnr: str | None = None,
    decided: dt.date | None = None,
    output: Path | None = None,
    output_dir: Path | None = None,
    register: Path | None = None,
    draft: bool = False,
    force: bool = False,
    notify: Notify = quiet,
) -> list[Written]:
    """``uppdrag render``: a new, dated and numbered mandate for each named council.

    A ``dnr`` of another series than the configured one, or of another year than the document's,
    is refused unless ``force``: it is most often a typing mistake.
    """
    date = date or dates.today()
    if dnr is not None:
        dnr = str(DiaryNumber.parse(dnr))  # refuse a malformed number before anything is opened
    if decided is not None and decided < date:
        raise UsageError(
            _(
                "--decided {decided} is before the document date {date}; give the document's "
                "own date with --date (on or before the decision date)"
            ).format(decided=dates.iso(decided), date=dates.iso(date))
        )
    loaded = load_councils(workspace, names)
    if len(loaded.mandates) > 1 and (output is not None or dnr is not None):
        raise UsageError(_("-o and --dnr name one document; give one council file with them"))
    if dnr is not None and not force:
        check_external(DiaryNumber.parse(dnr), loaded.settings.series, date)
    template = sound_template(workspace.template_path)  # what check rejects is never issued
    base = output_dir or workspace.output_dir

    if draft:
        written = []
        for mandate in loaded.mandates:
            data = render_docx(template, mandate, loaded.settings, Stamp(date, None, decided))
            if output is not None:
                # A file the user names may be an issued document: never replace it.
                write_new(output, data, within=within_output(output, base))
                path = output
            else:
                path = base / "utkast" / f"{safe_name(mandate.council_id)}_utkast.docx"
                write_replaceable(path, data, within=base)
            written.append(Written(mandate.council_id, None, path))
        return written

    refuse_unfilled(loaded.mandates)
    # Render everything once before a number is spent: a template error costs nothing.
    for mandate in loaded.mandates:
        render_docx(
            template,
            mandate,
            loaded.settings,
            Stamp(date, f"{loaded.settings.series} {date.year}-00000", decided),
        )
    if output is not None and is_issued_name(output.name):
        # Such a name is another number's standard place: taking it would block that number.
        raise UsageError(
            _(
                "-o {path}: names like RS_2026-00001_onkologi.docx are kept for the standard "
                "names of issued documents; choose another name, or leave out -o."
            ).format(path=output)
        )
    if output is not None and os.path.lexists(output):
        raise RegisterError(
            _(
                "{path} already exists and is never overwritten. "
                "Choose another file name, or leave "
                "out -o to get the standard name."
            ).format(path=output)
        )
    requests = [
        Request(
            council=m.council_id,
            date=dates.iso(date),
            decided=dates.iso(decided) if decided else None,
            subject=subject(loaded.settings, m),
            dnr=dnr,
        )
        for m in loaded.mandates
    ]

    def path_for(request: Request, number: str) -> str:
        return str(output if output is not None else default_path(base, number, request.council))

    with Register(
        register_path(workspace, register and str(register)), documents=base, root=workspace.root
    ) as reg:
        recover(reg, notify, base)
        live_issues = reg.latest_for_many(m.council_id for m in loaded.mandates)
        for mandate in loaded.mandates:
            live = live_issues[mandate.council_id]
            if live is not None:
                notify(
                    _(
                        "Note: {council} already has {dnr} ({status}); the new document does not "
                        "replace it. To replace it, use uppdrag reissue."
                    ).format(council=mandate.council_id, dnr=live.dnr, status=live.status)
                )
        issues = reg.reserve(requests, loaded.settings.series, path_for)
        try:
            return [
                _issue_file(
                    reg,
                    template,
                    loaded.settings,
                    mandate,
                    Stamp(date, issue.dnr, decided),
                    Path(issue.path or ""),
                    base,
                )
                for mandate, issue in zip(loaded.mandates, issues, strict=True)
            ]
        except Exception as err:
            if len(issues) == 1 and isinstance(err, UppdragError):
                raise  # one document: its own message says it all, its number is voided
            raise stop_issuing(reg, issues, err) from err


def _issue_file(
    reg: Register,
    template: CompiledTemplate,
    settings: Settings,
    mandate: Mandate,
    stamp: Stamp,
    path: Path,
    base: Path,
) -> Written:
    """Render, write and mark issued one reserved number; void it with a reason if that fails.

    The file's SHA-256 is recorded before it is written, so that recovery after a crash can tell
    it from anything else found at its place.  A file inside ``base`` (the output folder) is
    written only through real folders of it.
    """
    assert stamp.dnr is not None
    try:
        data = render_docx(template, mandate, settings, stamp)
        sha256 = hashlib.sha256(data).hexdigest()
        reg.record_hashes([(stamp.dnr, str(path), sha256)])
        write_new(path, data, within=within_output(path, base))
    except Exception as err:
        # Nothing is under the final name (write_new is atomic): void the number, with the reason.
        reason = _("the file could not be written: {error}").format(error=err)
        reg.void(stamp.dnr, reason)
        raise
    reg.complete(stamp.dnr, str(path), sha256)
    return Written(mandate.council_id, stamp.dnr, path, stamp.supersedes)
