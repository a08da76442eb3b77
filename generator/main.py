"""The commands' work, as plain functions that the CLI and the tests call.

Every command follows the same flow: load and validate all data first (nothing is spent on a
file that has an error), render every document once before any number is allocated, then
reserve the numbers in one register transaction, write each file atomically and mark it issued.
A crash at any point leaves either nothing, or a pending number that the next command completes
(the file is there) or voids with a reason (it is not): never a number lost without a record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from generator import dates
from generator.clauses import build_mandate, load_mandate
from generator.dnr import DiaryNumber
from generator.exceptions import DataError, Problem, RegisterError, UsageError
from generator.i18n import _
from generator.loader import display_path
from generator.model import Mandate, Settings
from generator.register import Issue, Register, Request, diarium_csv_rows
from generator.render import Stamp, fill_decision_date, render_docx
from generator.template import CompiledTemplate
from generator.workspace import Library, Workspace
from generator.writer import safe_name, sweep_temps, write_new, write_replaceable

REGISTER_ENV = "UPPDRAG_REGISTER"
Notify = Callable[[str], None]


def _quiet(_message: str) -> None:
    """The default for ``notify``: tests and library callers need no chatter."""


@dataclass
class Written:
    """One file a command wrote, for the CLI to print."""

    council: str
    dnr: str | None
    path: Path
    supersedes: str | None = None


@dataclass
class Councils:
    """Everything a batch needs from data/: settings, library and the councils' mandates."""

    settings: Settings
    library: Library
    mandates: list[Mandate]


def register_path(workspace: Workspace, option: str | None) -> Path:
    """``--register``, else ``$UPPDRAG_REGISTER``, else ``output/diarium.sqlite``."""
    chosen = option or os.environ.get(REGISTER_ENV)
    return Path(chosen) if chosen else workspace.output_dir / "diarium.sqlite"


#: What loading one council gives: its mandate, or every problem of the file.
LoadOutcome = Mandate | list[Problem]
#: Loads many councils, in order: one at a time here, or in several processes (see reissue).
LoadAll = Callable[[list[Path], Library, Settings], Iterable[LoadOutcome]]


def load_one(path: Path, library: Library, settings: Settings) -> LoadOutcome:
    """One council's mandate, or the problems of its file (the caller reports them together)."""
    try:
        return load_mandate(path, library, settings)
    except DataError as err:
        return err.problems


def _load_each(paths: list[Path], library: Library, settings: Settings) -> Iterator[LoadOutcome]:
    return (load_one(path, library, settings) for path in paths)


def load_councils(
    workspace: Workspace, names: list[str], *, load_all: LoadAll = _load_each
) -> Councils:
    """Settings, library and every named council, with all problems of all files at once.

    ``load_all`` loads the council files once settings and library are known to be right.
    """
    settings = workspace.load_settings()
    library = workspace.load_library()
    paths = [workspace.council_path(n) for n in names] if names else workspace.council_files()
    missing = [p for p in paths if not p.exists()]
    if missing:
        known = [p.stem for p in workspace.council_files()]
        raise DataError([_unknown_council(path, known) for path in missing])
    if not paths:
        raise UsageError(_("no council files in {folder}").format(folder=workspace.councils_dir))
    mandates: list[Mandate] = []
    problems: list[Problem] = []
    for outcome in load_all(paths, library, settings):
        if isinstance(outcome, Mandate):
            mandates.append(outcome)
        else:
            # A broken library clause is reported once, not once per council that uses it.
            problems.extend(p for p in outcome if str(p) not in {str(q) for q in problems})
    if problems:
        raise DataError(problems)
    ids = [m.council_id for m in mandates]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise UsageError(
            _("the same council is named twice: {ids}").format(ids=", ".join(duplicates))
        )
    return Councils(settings, library, mandates)


def refuse_unfilled(mandates: list[Mandate]) -> None:
    """A numbered document never carries the "ATT FYLLA I" markers of ``uppdrag new``."""
    from generator.importer import MARKER

    problems = []
    for m in mandates:
        texts = [m.name, m.responsibility, m.issuer, m.recipient, *m.distribution]
        texts += [item.plain() for item in m.body]
        if any(MARKER in text for text in texts):
            problems.append(
                Problem(
                    m.source,
                    None,
                    None,
                    "",
                    _(
                        "the council file still has places marked {marker}; "
                        "fill them in (uppdrag check "
                        "lists them) or render with --draft"
                    ).format(marker=MARKER),
                )
            )
    if problems:
        raise DataError(problems)


def _unknown_council(path: Path, known: list[str]) -> Problem:
    """A council named on the command line that has no file: say which ones there are."""
    from generator.schema import suggest

    guess = suggest(path.stem, known)
    if guess:
        message = _("no council '{name}' – did you mean '{guess}'?").format(
            name=path.stem, guess=guess
        )
    else:
        message = _("no council '{name}'; the councils are: {known}").format(
            name=path.stem, known=", ".join(known) or "–"
        )
    return Problem(display_path(path), None, None, "", message)


def subject(settings: Settings, mandate: Mandate) -> str:
    """The ärendemening the register and the diarium export show."""
    return f"{settings.document_type} för {mandate.name}"


def default_path(base: Path, dnr: str, council: str, suffix: str = "") -> Path:
    """``output/2024/RS_2024-00784_onkologi.docx``: year folder, number first, sortable."""
    found = re.search(r"\b(\d{4})-\d", dnr)
    year = found.group(1) if found else "0000"
    return base / safe_name(year) / f"{safe_name(dnr)}_{safe_name(council)}{suffix}.docx"


def recover(register: Register, notify: Notify, output_dir: Path | None = None) -> None:
    """Finish what an interrupted command left pending, and say what was done."""
    if output_dir is not None:
        sweep_temps(output_dir)
    for dnr, action in register.recover():
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
        else:
            notify(
                _("{dnr}: an interrupted issue was voided (its file was never written)").format(
                    dnr=dnr
                )
            )


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
    notify: Notify = _quiet,
) -> list[Written]:
    """``uppdrag render``: a new, dated and numbered mandate for each named council."""
    date = date or dates.today()
    if dnr is not None:
        dnr = str(DiaryNumber.parse(dnr))  # refuse a malformed number before anything is opened
    if decided is not None and decided < date:
        raise UsageError(
            _("--decided {decided} is before the document date {date}").format(
                decided=dates.iso(decided), date=dates.iso(date)
            )
        )
    loaded = load_councils(workspace, names)
    if len(loaded.mandates) > 1 and (output is not None or dnr is not None):
        raise UsageError(_("-o and --dnr name one document; give one council file with them"))
    template = CompiledTemplate.load(workspace.template_path)
    base = output_dir or workspace.output_dir

    if draft:
        written = []
        for mandate in loaded.mandates:
            data = render_docx(template, mandate, loaded.settings, Stamp(date, None, decided))
            if output is not None:
                # A file the user names may be an issued document: never replace it.
                write_new(output, data)
                path = output
            else:
                path = base / "utkast" / f"{safe_name(mandate.council_id)}_utkast.docx"
                write_replaceable(path, data)
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
    if output is not None and output.exists():
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

    with Register(register_path(workspace, register and str(register))) as reg:
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
        return [
            _issue_file(
                reg,
                template,
                loaded.settings,
                mandate,
                Stamp(date, issue.dnr, decided),
                Path(issue.path or ""),
            )
            for mandate, issue in zip(loaded.mandates, issues, strict=True)
        ]


def _issue_file(
    reg: Register,
    template: CompiledTemplate,
    settings: Settings,
    mandate: Mandate,
    stamp: Stamp,
    path: Path,
) -> Written:
    """Render, write and mark issued one reserved number; void it with a reason if that fails."""
    assert stamp.dnr is not None
    try:
        data = render_docx(template, mandate, settings, stamp)
        write_new(path, data)
    except Exception as err:
        # Nothing is under the final name (write_new is atomic): void the number, with the reason.
        reason = _("the file could not be written: {error}").format(error=err)
        reg.void(stamp.dnr, reason)
        raise
    reg.complete(stamp.dnr, str(path), hashlib.sha256(data).hexdigest())
    return Written(mandate.council_id, stamp.dnr, path, stamp.supersedes)


def _register(workspace: Workspace, option: Path | None) -> Register:
    return Register(register_path(workspace, option and str(option)))


def _issue_or_fail(reg: Register, dnr: str) -> Issue:
    number = str(DiaryNumber.parse(dnr))
    issue = reg.get(number)
    if issue is None:
        raise RegisterError(
            _("{dnr} is not in the register {path}").format(dnr=number, path=reg.path)
        )
    return issue


def decide(
    workspace: Workspace,
    dnr: str,
    decided: dt.date,
    *,
    register: Path | None = None,
    notify: Notify = _quiet,
) -> Written:
    """``uppdrag decide``: the decided version of an issued draft, as a new file of the same number.

    The draft stays as it was issued; the decided version is recorded beside it.
    """
    settings = workspace.load_settings()
    with _register(workspace, register) as reg:
        recover(reg, notify, workspace.output_dir)
        issue = _issue_or_fail(reg, dnr)
        if issue.status != "utkast":
            raise RegisterError(
                _("{dnr} has status {status}; only a draft (utkast) can be decided").format(
                    dnr=issue.dnr, status=issue.status
                )
            )
        draft = next(f for f in issue.files if f.kind == "utkast" and f.state == "written")
        if decided < dt.date.fromisoformat(issue.date):
            raise UsageError(
                _("--date {decided} is before the document date {date}").format(
                    decided=dates.iso(decided), date=issue.date
                )
            )
        try:
            blob = Path(draft.path).read_bytes()
        except FileNotFoundError:
            raise RegisterError(
                _("the draft {path} of {dnr} is missing; run uppdrag verify").format(
                    path=draft.path, dnr=issue.dnr
                )
            ) from None
        if hashlib.sha256(blob).hexdigest() != draft.sha256:
            raise RegisterError(
                _(
                    "the draft {path} of {dnr} was changed after it was issued; run uppdrag verify"
                ).format(path=draft.path, dnr=issue.dnr)
            )
        data = fill_decision_date(blob, dates.styled(decided, settings.date_style))
        if data is None:
            raise RegisterError(
                _("the draft {path} has no place for the decision date").format(path=draft.path)
            )
        path = Path(draft.path).with_name(Path(draft.path).stem + "_beslutad.docx")
        reg.add_decided(issue.dnr, dates.iso(decided), str(path))
        # If writing fails the decided file stays pending; the next command drops it (recover).
        write_new(path, data)
        reg.complete_decided(issue.dnr, str(path), hashlib.sha256(data).hexdigest())
        return Written(issue.council, issue.dnr, path)


def void(workspace: Workspace, dnr: str, reason: str, *, register: Path | None = None) -> Issue:
    """``uppdrag register void``: a number is voided with a reason, never deleted."""
    with _register(workspace, register) as reg:
        issue = _issue_or_fail(reg, dnr)
        return reg.void(issue.dnr, reason)


def set_next(workspace: Workspace, dnr: str, *, register: Path | None = None) -> None:
    with _register(workspace, register) as reg:
        reg.set_next(str(DiaryNumber.parse(dnr)))


def list_issues(
    workspace: Workspace, *, council: str | None = None, register: Path | None = None
) -> list[Issue]:
    with _register(workspace, register) as reg:
        return reg.list(council)


def show(
    workspace: Workspace, dnr: str, *, register: Path | None = None
) -> tuple[Issue, list[dict]]:
    with _register(workspace, register) as reg:
        issue = _issue_or_fail(reg, dnr)
        return issue, reg.history(issue.dnr)


def verify(workspace: Workspace, *, register: Path | None = None) -> list[tuple[str, str, str]]:
    """``uppdrag verify``: every issued file against its recorded SHA-256."""
    with _register(workspace, register) as reg:
        return reg.verify()


def diarium_rows(workspace: Workspace, *, register: Path | None = None) -> list[dict[str, str]]:
    """Rows for the official diarium: every number that has been issued or voided (not pending)."""
    settings = workspace.load_settings()
    with _register(workspace, register) as reg:
        issues = [i for i in reg.list() if i.status != "pending"]
    return diarium_csv_rows(
        issues,
        settings.document_type,
        settings.signatory_name,
        lambda issue: _recipient(workspace, issue.council),
    )


def _recipient(workspace: Workspace, council: str) -> str:
    """The recipient (uppdragstagare) as the council file names it, else the council id."""
    from generator.datacache import read_data

    path = workspace.councils_dir / f"{council}.yaml"
    try:
        return str(read_data(path).get("uppdragstagare") or council)
    except (DataError, AttributeError, OSError):
        return council


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
    notify: Notify = _quiet,
) -> Imported:
    """``uppdrag import``: a council file from an existing mandate, and the mandate in the
    register.

    The source's date, number and decision date are recorded as an earlier issue of the council,
    so that the next re-issue names it as replaced.  Its file in output/ is rendered from the
    imported data, which the import has proved gives the same text; that is what later re-issues
    compare against.  Nothing is written when the number is already in the register.
    """
    from generator.importer import import_document, suggest_council_id, write_council
    from generator.loader import Loaded as LoadedFile
    from generator.loader import display_path

    settings = workspace.load_settings()
    library = workspace.load_library()
    data, report, source = import_document(source_file, library, settings)
    target = output or workspace.councils_dir / f"{suggest_council_id(str(data['namn']))}.yaml"
    if target.exists():
        raise UsageError(
            _("{path} already exists and is not overwritten; choose another file with -o").format(
                path=display_path(target)
            )
        )
    council = target.stem
    mandate = build_mandate(LoadedFile(target, data, display_path(target)), library, settings)
    dnr = str(DiaryNumber.parse(source.dnr)) if source.dnr else None
    reg_path = register_path(workspace, register and str(register))
    if dnr is not None and source.date is not None:
        with Register(reg_path) as reg:
            if reg.get(dnr) is not None:
                raise RegisterError(
                    _(
                        "{dnr} is already in the register; the document was imported "
                        "before, or the number belongs to another document"
                    ).format(dnr=dnr)
                )
    write_council(data, target, source)
    if dnr is None or source.date is None:
        notify(_("The document has no diary number or date; it is not recorded in the register."))
        return Imported(target, report, None)
    stamp = Stamp(source.date, dnr, source.decided, source.supersedes)
    request = Request(
        council=council,
        date=dates.iso(source.date),
        decided=dates.iso(source.decided) if source.decided else None,
        subject=subject(settings, mandate),
        dnr=dnr,
    )
    template = CompiledTemplate.load(workspace.template_path)
    with Register(reg_path) as reg:
        [issue] = reg.reserve(
            [request],
            settings.series,
            lambda req, number: str(default_path(workspace.output_dir, number, council)),
        )
        written = _issue_file(reg, template, settings, mandate, stamp, Path(issue.path or ""))
    return Imported(target, report, written)


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
