"""Re-issue mandates after a policy change: one new, numbered document per council, each naming
the number it replaces, with the changes shown.

The batch is all or nothing up to the point of issuing: every council is validated, rendered and
compared with its latest issue before a single number is allocated.  The numbers of the whole
batch are reserved in one register transaction and each tagged with a batch key (reason + the
council's merged text, see :func:`batch_key`), so a batch that is killed part-way is completed by
running the same command again: councils already re-issued with the same text are skipped,
pending numbers are completed or voided by recovery.

A big batch runs in three steps, each council by council in ``--jobs`` processes
(:mod:`generator.batch`): read and check the council files; render each council (with a
placeholder number) and compare it with the file of its previous issue; and, once the numbers
are reserved, render the numbered documents and their review copies.  This process alone talks
to the register and writes the files, in a few threads.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from generator import batch, dates
from generator.batch import Shared, Spool, Workers, Writers
from generator.command import Notify
from generator.command import quiet as _quiet
from generator.councils import LoadAll, LoadOutcome, load_councils, load_one, refuse_unfilled
from generator.diff import Comparison, compare, part_paragraphs
from generator.docx_parts import DOCUMENT
from generator.docx_zip import write_docx
from generator.exceptions import UsageError
from generator.i18n import _
from generator.issuing import default_path, subject
from generator.lint import sound_template
from generator.model import Mandate, Settings
from generator.pdf import Archived
from generator.progress import NoProgress, Progress
from generator.register import Issue, Register, Request, refuse_lost
from generator.register_access import register_path
from generator.render import Stamp, render_parts
from generator.review import review_docx, review_parts
from generator.said import comparison_ignore, said_paragraphs
from generator.settling import recover, stop_issuing
from generator.template import CompiledTemplate
from generator.workspace import Library, Workspace
from generator.writer import write_new

T = TypeVar("T")
PARALLEL_THRESHOLD = batch.PARALLEL_THRESHOLD
#: Documents whose checksums are recorded in one register transaction before they are written.
HASH_CHUNK = 50


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last may be shorter), as they come."""
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass
class CouncilPlan:
    """What the batch will do for one council, decided before anything is issued."""

    mandate: Mandate
    previous: Issue | None
    comparison: Comparison | None
    old_paragraphs: list[str] | None
    done: Issue | None = None
    missing_previous_file: bool = False

    @property
    def changed(self) -> bool:
        return self.previous is None or self.comparison is None or self.comparison.changed


@dataclass
class Outcome:
    """One row of the summary: council, old number → new number, paragraphs changed."""

    council: str
    old: str | None
    new: str | None
    path: Path | None
    review: Path | None
    paragraphs_changed: int | None
    note: str = ""
    issued: bool = False  # issued by this run (not skipped, not done by an earlier run)


@dataclass
class Result:
    plans: Spool[CouncilPlan]
    outcomes: list[Outcome] = field(default_factory=list)
    dry_run: bool = False
    archive: Archived | None = None  # the PDF stage, with --pdf


def batch_key(reason: str, mandate: Mandate) -> str:
    """A council's key in a batch: the reason and the merged text it would issue.

    Running the command again resumes the batch only for a council whose text is still the one
    issued under this reason; a council whose text changed since (another clause edited the same
    day) is a new batch and is issued.  The date is not part of it, so a batch resumed after
    midnight does not issue its councils a second time.
    """
    content = json.dumps([mandate.council_id, *mandate.paragraphs()], ensure_ascii=False)
    text = f"{reason.strip()}\n{hashlib.sha256(content.encode()).hexdigest()}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# -- planning -------------------------------------------------------------------------------


def _workers(shared: Shared, jobs: int, count: int, workspace: Workspace) -> Workers:
    """The processes of one step (this module's ``ProcessPoolExecutor``, which a test watches)."""
    return Workers(shared, jobs, count, workspace, ProcessPoolExecutor)


def _load_council(shared: Shared, path: Path) -> LoadOutcome:
    """Read, check and merge one council file (in a worker)."""
    assert shared.library is not None
    return load_one(path, shared.library, shared.settings)


def _loader(jobs: int, workspace: Workspace) -> LoadAll:
    """:func:`generator.councils.load_councils`' way of loading the council files, in ``jobs``
    processes."""

    def load_all(paths: list[Path], library: Library, settings: Settings) -> Iterator[LoadOutcome]:
        with _workers(Shared(settings, library), jobs, len(paths), workspace) as workers:
            yield from workers.map(_load_council, paths)  # as they come: kept by the caller

    return load_all


@dataclass(frozen=True)
class _Check:
    """What comparing one council with its live issue needs."""

    mandate: Mandate
    stamp: Stamp
    previous_path: str | None


@dataclass(frozen=True)
class _Checked:
    """A council rendered and compared with the file of its live issue."""

    old_paragraphs: list[str] | None
    comparison: Comparison | None
    missing_previous_file: bool = False


def _check_council(shared: Shared, task: _Check) -> _Checked:
    """Render a council with a placeholder number and compare it, document against document,
    with the file of its live issue (in a worker)."""
    assert shared.template is not None
    parts = render_parts(shared.template, task.mandate, shared.settings, task.stamp)
    if task.previous_path is None:
        return _Checked(None, None)
    try:
        # What the earlier issue says, wherever its layout put it (an imported original's head
        # may stand in its page header): generator.said.
        old = said_paragraphs(Path(task.previous_path))
    except FileNotFoundError:
        return _Checked(None, None, missing_previous_file=True)
    # The rendered document.xml is what the zipped document would hold: no need to zip it.
    new = part_paragraphs(parts[DOCUMENT])
    ignore = comparison_ignore(old, new, shared.settings.title)
    return _Checked(old, compare(old, new, ignore=ignore))


def _live_issues(
    reg: Register, keys: dict[str, str], councils: list[str]
) -> tuple[dict[str, Issue], dict[str, Issue | None]]:
    """The councils done by an earlier run of this batch (their live issue has the key), and
    each council's previous issue: the one its re-issue in this batch replaced, else its live
    issue."""
    done = reg.batch_issues_of(keys)
    latest = reg.latest_for_many(c for c in councils if c not in done)
    previous: dict[str, Issue | None] = {}
    for council in councils:
        already = done.get(council)
        if already is None:
            previous[council] = latest[council]
        else:
            previous[council] = reg.get(already.supersedes) if already.supersedes else None
    return done, previous


def _placeholder_stamp(date: dt.date, placeholder: str, previous: Issue | None) -> Stamp:
    """The stamp a council is rendered with before its number is known: the number it will
    replace is, so the document has the lines of the final one (see :func:`_issue_council`)."""
    return Stamp(date, placeholder, None, previous.dnr if previous else None)


def _path_of(issue: Issue | None) -> str | None:
    """The file of an issue to compare with, if it has one."""
    return issue.path if issue is not None and issue.path else None


def plan(
    workspace: Workspace,
    names: list[str],
    *,
    reason: str,
    date: dt.date,
    jobs: int,
    register: Path | None,
    dry_run: bool = False,
    notify: Notify = _quiet,
    progress: Progress | None = None,
) -> tuple[Settings, CompiledTemplate, Spool[CouncilPlan]]:
    """Validate and render every selected council and compare it with its live issue; the
    plans are spooled to disk, to be read in order (see :class:`generator.batch.Spool`).

    A dry run changes nothing: it does not create a register that is not there, and it leaves
    what an interrupted batch left pending for the real run to settle.
    """
    progress = progress or NoProgress()
    mandates: Spool[Mandate] = Spool()  # on disk: a batch may hold ten thousand councils
    loaded = load_councils(workspace, names, load_all=_loader(jobs, workspace), sink=mandates)
    refuse_unfilled(mandates)
    template = sound_template(workspace.template_path)  # what check rejects is never issued
    keys = {m.council_id: batch_key(reason, m) for m in mandates}
    reg_path = register_path(workspace, register and str(register))
    councils = [m.council_id for m in mandates]
    done: dict[str, Issue] = {}
    previous: dict[str, Issue | None] = dict.fromkeys(councils)
    if dry_run and not reg_path.exists():
        refuse_lost(str(reg_path), workspace.output_dir, _("is missing"))
    else:
        with Register(reg_path, documents=workspace.output_dir, root=workspace.root) as reg:
            if not dry_run:
                recover(reg, notify, workspace.output_dir)
            done, previous = _live_issues(reg, keys, councils)
    placeholder = f"{loaded.settings.series} {date.year}-00000"

    def tasks() -> Iterator[_Check]:
        for m in mandates:
            last = previous[m.council_id]
            yield _Check(m, _placeholder_stamp(date, placeholder, last), _path_of(last))

    plans: Spool[CouncilPlan] = Spool()
    shared = Shared(loaded.settings, template=template)
    progress.start(_("Checking"), len(councils))
    with _workers(shared, jobs, len(councils), workspace) as workers:
        for task, checked in zip(tasks(), workers.map(_check_council, tasks()), strict=True):
            cid = task.mandate.council_id
            plans.append(
                CouncilPlan(
                    task.mandate,
                    previous[cid],
                    checked.comparison,
                    checked.old_paragraphs,
                    done=done.get(cid),
                    missing_previous_file=checked.missing_previous_file,
                )
            )
            progress.advance(cid)
    progress.finish()
    mandates.close()
    return loaded.settings, template, plans


# -- issuing --------------------------------------------------------------------------------


def reissue(
    workspace: Workspace,
    names: list[str],
    *,
    reason: str,
    date: dt.date | None = None,
    dry_run: bool = False,
    changed_only: bool = False,
    jobs: int | None = None,
    register: Path | None = None,
    review_copies: bool = True,
    notify: Notify = _quiet,
    progress: Progress | None = None,
    pdf: bool = False,
    pdf_jobs: int | None = None,
) -> Result:
    """``uppdrag reissue``: see the module docstring for the guarantees.

    ``pdf``: then make the archive copies of the batch's documents in ``pdf_jobs`` LibreOffice
    processes (also of those an interrupted run of the batch issued), reported in
    ``Result.archive``; each PDF made is kept whatever happens to the others.
    """
    result = _reissue(
        workspace,
        names,
        reason=reason,
        date=date,
        dry_run=dry_run,
        changed_only=changed_only,
        jobs=jobs,
        register=register,
        review_copies=review_copies,
        notify=notify,
        progress=progress,
    )
    if pdf and not dry_run:
        from generator.pdf import make_pdfs

        documents = [o.path for o in result.outcomes if o.new and o.path and o.path.exists()]
        if documents:
            result.archive = make_pdfs(
                documents,
                register=register_path(workspace, register and str(register)),
                jobs=pdf_jobs,
                progress=progress,
                root=workspace.root,
            )
    return result


def _reissue(
    workspace: Workspace,
    names: list[str],
    *,
    reason: str,
    date: dt.date | None,
    dry_run: bool,
    changed_only: bool,
    jobs: int | None,
    register: Path | None,
    review_copies: bool,
    notify: Notify,
    progress: Progress | None,
) -> Result:
    if not reason or not reason.strip():
        raise UsageError(_("--reason must say why the mandates are re-issued"))
    date = date or dates.today()
    jobs = jobs or os.cpu_count() or 1
    progress = progress or NoProgress()
    settings, template, plans = plan(
        workspace,
        names,
        reason=reason,
        date=date,
        jobs=jobs,
        register=register,
        dry_run=dry_run,
        notify=notify,
        progress=progress,
    )
    if dry_run:
        return Result(plans, dry_run=True)

    result = Result(plans)
    base = workspace.output_dir
    todo: Spool[CouncilPlan] = Spool()
    for p in plans:
        cid = p.mandate.council_id
        if p.done is not None:
            path = Path(p.done.path) if p.done.path else None
            review = None
            if review_copies and path is not None and p.old_paragraphs is not None:
                # A run killed after writing the document may not have written its review copy.
                review = _review_path(path)
                if not os.path.lexists(review) and path.exists():
                    _write_review(
                        path,
                        path.read_bytes(),
                        p.old_paragraphs,
                        settings,
                        date,
                        p.done.supersedes,
                        base,
                    )
            result.outcomes.append(
                Outcome(
                    cid,
                    p.done.supersedes,
                    p.done.dnr,
                    path,
                    review,
                    p.comparison.paragraphs_changed if p.comparison else None,
                    _("already re-issued in this batch"),
                )
            )
        elif changed_only and not p.changed:
            result.outcomes.append(
                Outcome(
                    cid,
                    p.previous.dnr if p.previous else None,
                    None,
                    None,
                    None,
                    0,
                    _("unchanged, not re-issued"),
                )
            )
        else:
            todo.append(p)
    if not todo:
        return result

    requests = [
        Request(
            council=p.mandate.council_id,
            date=dates.iso(date),
            decided=None,
            subject=subject(settings, p.mandate),
            supersedes=p.previous.dnr if p.previous else None,
            reason=reason,
            batch=batch_key(reason, p.mandate),
        )
        for p in todo
    ]

    def path_for(request: Request, number: str) -> str:
        return str(default_path(base, number, request.council))

    reg_path = register_path(workspace, register and str(register))
    with Register(reg_path, documents=base, root=workspace.root) as reg:
        issues = reg.reserve(requests, settings.series, path_for)
        tasks = (  # read from the spool as the workers get to them
            _Issue(
                p.mandate,
                Stamp(date, i.dnr, None, p.previous.dnr if p.previous else None),
                p.old_paragraphs if review_copies else None,
                p.comparison,
                dates.iso(date),
            )
            for p, i in zip(todo, issues, strict=True)
        )
        workers = _workers(Shared(settings, template=template), jobs, len(issues), workspace)
        with workers:
            try:
                _issue_all(reg, todo, issues, tasks, workers, result, progress, base)
            except Exception as err:
                raise stop_issuing(reg, issues, err) from err
    todo.close()
    return result


def _issue_all(
    reg: Register,
    todo: Iterable[CouncilPlan],
    issues: list[Issue],
    tasks: Iterable[_Issue],
    workers: Workers,
    result: Result,
    progress: Progress,
    base: Path,
) -> None:
    """Render each reserved number's document (in ``workers``), write it and its review copy
    (in a few threads), and mark it issued, in batches of 200 numbers.

    Whatever was written is marked issued, even when a later council fails; the caller voids the
    rest with the reason (:func:`generator.settling.stop_issuing`).
    """
    progress.start(_("Issuing"), len(issues))
    completed: list[tuple[str, str, str]] = []
    threads = batch.WRITER_THREADS if workers.pool is not None else 1
    writers: Writers[tuple[CouncilPlan, Issue, _Made], _Written] = Writers(threads, _write_files)

    def record(council: CouncilPlan, issue: Issue, made: _Made, written: _Written) -> None:
        """One council's document is written: note it for the register, and its outcome."""
        path = Path(issue.path or "")
        completed.append((issue.dnr, str(path), made.sha256))
        if written.review_error is not None:
            raise written.review_error
        result.outcomes.append(
            Outcome(
                council.mandate.council_id,
                council.previous.dnr if council.previous else None,
                issue.dnr,
                path,
                written.review,
                council.comparison.paragraphs_changed if council.comparison else None,
                "" if council.previous else _("first issue"),
                issued=True,
            )
        )
        progress.advance(council.mandate.council_id)
        if len(completed) >= 200:
            reg.complete_many(completed)
            completed.clear()

    try:
        rendered = zip(todo, issues, workers.map(_issue_council, tasks), strict=True)
        for chunk in _chunks(rendered, HASH_CHUNK):
            # Each file's SHA-256 is in the register before the file is: what recovery checks.
            reg.record_hashes([(i.dnr, str(i.path), made.sha256) for _c, i, made in chunk])
            for council, issue, made in chunk:
                writers.submit((council, issue, made), Path(issue.path or ""), made, base)
                for key, written in writers.finished():
                    record(*key, written)
        for key, written in writers.finished(wait=True):
            record(*key, written)
    finally:
        for (_council, issue, made), _written in writers.close():
            completed.append((issue.dnr, str(Path(issue.path or "")), made.sha256))
        if completed:
            reg.complete_many(completed)
        progress.finish()


@dataclass(frozen=True)
class _Issue:
    """What the final document of one council needs, once its number is reserved."""

    mandate: Mandate
    stamp: Stamp
    old_paragraphs: list[str] | None  # None: no review copy
    comparison: Comparison | None  # made before the number was known (see CouncilPlan)
    review_date: str


@dataclass(frozen=True)
class _Made:
    """A council's final document, its SHA-256, and its review copy (or why that failed)."""

    data: bytes
    sha256: str
    review: bytes | None
    review_error: Exception | None = None


def _issue_council(shared: Shared, task: _Issue) -> _Made:
    """Render the numbered document and its review copy (in a worker); the parent writes them.

    A review copy that fails is reported after the document is written, as when both were made
    in the parent: the document is the record, the review copy a help for reading it.
    """
    template = shared.template
    assert template is not None
    parts = render_parts(template, task.mandate, shared.settings, task.stamp)
    data = write_docx(template, parts)
    sha256 = hashlib.sha256(data).hexdigest()
    if task.old_paragraphs is None:
        return _Made(data, sha256, None)
    try:
        changed = review_parts(
            parts,
            task.old_paragraphs,
            author=shared.settings.organisation,
            date=task.review_date,
            compared=task.comparison,
            previous=task.stamp.supersedes,
        )
        review = write_docx(template, {**parts, **changed})
    except Exception as err:  # noqa: BLE001 - raised in the parent, after the document is written
        return _Made(data, sha256, None, err)
    return _Made(data, sha256, review)


@dataclass(frozen=True)
class _Written:
    """A council's document is written; its review copy too, or why that failed."""

    review: Path | None
    review_error: Exception | None = None


def _write_files(path: Path, made: _Made, base: Path) -> _Written:
    """Write a council's document, then its review copy; raise only when the document failed.

    A review copy that fails is reported after the document is recorded, as the document is the
    record and the review copy a help for reading it.
    """
    write_new(path, made.data, within=base)
    if made.review_error is not None:
        return _Written(None, made.review_error)
    if made.review is None:
        return _Written(None)
    review = _review_path(path)
    try:
        # Made again from the records if lost: no need to wait for the disk.
        write_new(review, made.review, durable=False, within=base)
    except Exception as err:  # noqa: BLE001 - raised by the caller once the document is recorded
        return _Written(None, err)
    return _Written(review)


def _review_path(path: Path) -> Path:
    return path.with_name(path.stem + "_andringar.docx")


def _write_review(
    path: Path,
    data: bytes,
    old: list[str],
    settings: Settings,
    date: dt.date,
    previous: str | None,
    base: Path,
) -> Path:
    review = _review_path(path)
    copy = review_docx(
        data, old, author=settings.organisation, date=dates.iso(date), previous=previous
    )
    write_new(review, copy, within=base)
    return review


def describe(plans: list[CouncilPlan], color: bool = False) -> str:
    """The dry run's report: each council's changes, then the councils not affected."""
    from generator.diff import format_text

    out: list[str] = []
    unaffected = []
    for p in plans:
        cid = p.mandate.council_id
        if p.done is not None:
            out.append(
                _("{council}: already re-issued in this batch as {dnr}").format(
                    council=cid, dnr=p.done.dnr
                )
            )
        elif p.previous is None:
            out.append(_("{council}: no earlier issue; gets its first").format(council=cid))
        elif p.missing_previous_file:
            out.append(
                _(
                    "{council}: the file of {dnr} is missing; cannot compare (run uppdrag verify)"
                ).format(council=cid, dnr=p.previous.dnr)
            )
        elif p.comparison is not None and p.comparison.changed:
            out.append(_("{council}: changes since {dnr}").format(council=cid, dnr=p.previous.dnr))
            out.append(format_text(p.comparison, color=color))
        else:
            unaffected.append(cid)
    if unaffected:
        out.append(
            _("Not affected (text unchanged): {councils}").format(councils=", ".join(unaffected))
        )
    return "\n".join(out)
