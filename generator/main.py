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
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, MutableSequence
from dataclasses import dataclass
from pathlib import Path

from generator import dates
from generator.clauses import load_mandate
from generator.dnr import DiaryNumber
from generator.exceptions import (
    DataError,
    Problem,
    RegisterError,
    UppdragError,
    UsageError,
)
from generator.i18n import _
from generator.lint import sound_template
from generator.loader import display_path
from generator.model import Mandate, Settings
from generator.register import (
    Issue,
    KeptOriginal,
    Register,
    Request,
    diarium_csv_rows,
    is_issued_name,
    refuse_lost,
)
from generator.render import Stamp, fill_decision_date, render_docx
from generator.settling import Verification, recover, stop_issuing, unknown_files
from generator.template import CompiledTemplate
from generator.workspace import Library, Workspace
from generator.writer import safe_name, write_new, write_replaceable

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
    mandates: MutableSequence[Mandate]


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
    workspace: Workspace,
    names: list[str],
    *,
    load_all: LoadAll = _load_each,
    sink: MutableSequence[Mandate] | None = None,
) -> Councils:
    """Settings, library and every named council, with all problems of all files at once.

    ``load_all`` loads the council files once settings and library are known to be right;
    ``sink`` keeps the mandates (a list, or a big batch's spool on disk, see
    :class:`generator.batch.Spool`).
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
    mandates: MutableSequence[Mandate] = [] if sink is None else sink
    problems: list[Problem] = []
    for outcome in load_all(paths, library, settings):
        if isinstance(outcome, Mandate):
            mandates.append(outcome)
        else:
            # A broken library clause is reported once, not once per council that uses it.
            problems.extend(p for p in outcome if str(p) not in {str(q) for q in problems})
    if problems:
        raise DataError(problems)
    counts = Counter(m.council_id for m in mandates)
    duplicates = sorted(i for i, n in counts.items() if n > 1)
    if duplicates:
        raise UsageError(
            _("the same council is named twice: {ids}").format(ids=", ".join(duplicates))
        )
    return Councils(settings, library, mandates)


def refuse_unfilled(mandates: Iterable[Mandate]) -> None:
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
    notify: Notify = _quiet,
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


def within_output(path: Path, base: Path) -> Path | None:
    """The output folder that a write of ``path`` must stay in, or ``None`` for a file the user
    named outside it (``-o``), which is written into its folder as it is."""
    absolute, folder = Path(os.path.abspath(path)), Path(os.path.abspath(base))
    return base if absolute.is_relative_to(folder) else None


def _register(workspace: Workspace, option: Path | None) -> Register:
    """The workspace's register; refused if it is lost while issued documents are there."""
    return Register(
        register_path(workspace, option and str(option)),
        documents=workspace.output_dir,
        root=workspace.root,
    )


def backup(workspace: Workspace, target: Path | None, *, register: Path | None = None) -> Path:
    """``uppdrag register backup``: a consistent copy of the register, made while others may use
    it; by default beside the register, named by the time (``diarium-backup-20260302T101500``)."""
    existing = _existing_register(workspace, register)
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


def _existing_register(workspace: Workspace, option: Path | None) -> Register | None:
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


def _no_such_number(workspace: Workspace, dnr: str) -> RegisterError:
    number = str(DiaryNumber.parse(dnr))
    return RegisterError(
        _("{dnr} is not in the register {path}").format(
            dnr=number, path=register_path(workspace, None)
        )
    )


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
    sound_template(workspace.template_path)  # the one template check, as render and reissue
    existing = _existing_register(workspace, register)
    if existing is None:
        raise _no_such_number(workspace, dnr)
    with existing as reg:
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
        sha256 = hashlib.sha256(data).hexdigest()
        reg.add_decided(issue.dnr, dates.iso(decided), str(path), sha256)
        # If writing fails the decided file stays pending; the next command drops it (recover).
        write_new(path, data, within=within_output(path, workspace.output_dir))
        reg.complete_decided(issue.dnr, str(path), sha256)
        return Written(issue.council, issue.dnr, path)


def void(
    workspace: Workspace,
    dnr: str,
    reason: str,
    *,
    register: Path | None = None,
    decided_ok: bool = False,
    notify: Notify = _quiet,
) -> Issue:
    """``uppdrag register void``: a number is voided with a reason, never deleted.

    A decided number only with ``decided_ok`` (``--yes``); what the number superseded gets back
    its former status, which is said.
    """
    existing = _existing_register(workspace, register)
    if existing is None:
        raise _no_such_number(workspace, dnr)
    with existing as reg:
        recover(reg, notify, workspace.output_dir)
        issue = _issue_or_fail(reg, dnr)
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
    with _register(workspace, register) as reg:
        reg.set_next(str(DiaryNumber.parse(dnr)))


def list_issues(
    workspace: Workspace,
    *,
    council: str | None = None,
    register: Path | None = None,
    notify: Notify = _quiet,
) -> list[Issue]:
    """``uppdrag register list``: every number, pending ones too (those of processes that are
    gone are settled first)."""
    existing = _existing_register(workspace, register)
    if existing is None:
        return []
    with existing as reg:
        recover(reg, notify, workspace.output_dir)
        return reg.list(council)


def show(
    workspace: Workspace, dnr: str, *, register: Path | None = None
) -> tuple[Issue, list[dict]]:
    existing = _existing_register(workspace, register)
    if existing is None:
        raise _no_such_number(workspace, dnr)
    with existing as reg:
        issue = _issue_or_fail(reg, dnr)
        return issue, reg.history(issue.dnr)


def kept_originals(
    workspace: Workspace, dnr: str, *, register: Path | None = None
) -> list[KeptOriginal]:
    """The imported originals kept beside the file of ``dnr`` (a text export it was made from)."""
    existing = _existing_register(workspace, register)
    if existing is None:
        raise _no_such_number(workspace, dnr)
    with existing as reg:
        return reg.originals(_issue_or_fail(reg, dnr).dnr)


def verify(
    workspace: Workspace, *, register: Path | None = None, notify: Notify = _quiet
) -> Verification | None:
    """``uppdrag verify``: every issued file and PDF/A archive copy against its recorded
    SHA-256, every file of the output folder against the register, and the numbers still pending
    (those of processes that are gone are settled first).  None: there is no register yet."""
    existing = _existing_register(workspace, register)
    if existing is None:
        return None
    with existing as reg:
        recover(reg, notify, workspace.output_dir)
        reg.list()  # reads every number: a damaged value is an error here, not later
        files = reg.verify()
        unknown = unknown_files(workspace.output_dir, reg.recorded_paths())
        return Verification(files, unknown, reg.pending())


def diarium_rows(
    workspace: Workspace,
    *,
    register: Path | None = None,
    notify: Notify = _quiet,
    settings: Settings | None = None,
) -> list[dict[str, str]]:
    """Rows for the official diarium: every number that has been issued or voided (not pending).

    ``settings``: the workspace's, if the caller holds them already (the web app keeps them
    while the file is unchanged)."""
    settings = settings or workspace.load_settings()
    existing = _existing_register(workspace, register)
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
