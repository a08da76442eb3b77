"""Re-issue mandates after a policy change: one new, numbered document per council, each naming
the number it replaces, with the changes shown.

The batch is all or nothing up to the point of issuing: every council is validated, rendered and
compared with its latest issue before a single number is allocated.  The numbers of the whole
batch are reserved in one register transaction and tagged with a batch key (reason + date), so a
batch that is killed part-way is completed by running the same command again: councils already
re-issued in the batch are skipped, pending numbers are completed or voided by recovery.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from generator import dates
from generator.diff import Comparison, compare, document_paragraphs, ignore_head
from generator.exceptions import UsageError
from generator.i18n import _
from generator.main import (
    Notify,
    _quiet,
    default_path,
    load_councils,
    recover,
    refuse_unfilled,
    register_path,
    subject,
)
from generator.model import Mandate, Settings
from generator.register import Issue, Register, Request
from generator.render import Stamp, render_docx
from generator.template import CompiledTemplate
from generator.workspace import Workspace
from generator.writer import write_new

PARALLEL_THRESHOLD = 16


class Progress(Protocol):
    """How a long batch reports: a bar on a terminal, plain lines elsewhere (the CLI decides)."""

    def start(self, label: str, total: int) -> None: ...
    def advance(self, item: str) -> None: ...
    def finish(self) -> None: ...


class _NoProgress:
    def start(self, label: str, total: int) -> None:
        pass

    def advance(self, item: str) -> None:
        pass

    def finish(self) -> None:
        pass


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
    plans: list[CouncilPlan]
    outcomes: list[Outcome] = field(default_factory=list)
    dry_run: bool = False


def batch_key(reason: str, date: dt.date) -> str:
    """The same command on the same day is the same batch (what makes a re-run resume it)."""
    return hashlib.sha256(f"{reason.strip()}\n{date.isoformat()}".encode()).hexdigest()[:16]


# -- parallel rendering ---------------------------------------------------------------------

_worker_template: CompiledTemplate | None = None


def _init_worker(template_path: str) -> None:
    global _worker_template
    _worker_template = CompiledTemplate.load(Path(template_path))


def _render_in_worker(task: tuple[Mandate, Settings, Stamp]) -> bytes:
    assert _worker_template is not None
    return render_docx(_worker_template, *task)


def render_all(
    template: CompiledTemplate, tasks: list[tuple[Mandate, Settings, Stamp]], jobs: int
) -> Iterator[bytes]:
    """Render in order, in ``jobs`` processes when the batch is big enough to pay for them."""
    if jobs <= 1 or len(tasks) < PARALLEL_THRESHOLD:
        for task in tasks:
            yield render_docx(template, *task)
        return
    chunk = max(1, len(tasks) // (jobs * 8))
    with ProcessPoolExecutor(
        max_workers=jobs, initializer=_init_worker, initargs=(str(template.path),)
    ) as pool:
        yield from pool.map(_render_in_worker, tasks, chunksize=chunk)


# -- planning -------------------------------------------------------------------------------


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
) -> tuple[Settings, CompiledTemplate, list[CouncilPlan]]:
    """Validate and render every selected council and compare it with its live issue.

    A dry run changes nothing: it does not create a register that is not there, and it leaves
    what an interrupted batch left pending for the real run to settle.
    """
    progress = progress or _NoProgress()
    loaded = load_councils(workspace, names)
    refuse_unfilled(loaded.mandates)
    template = CompiledTemplate.load(workspace.template_path)
    key = batch_key(reason, date)
    reg_path = register_path(workspace, register and str(register))
    done: dict[str, Issue] = {}
    previous: dict[str, Issue | None] = {m.council_id: None for m in loaded.mandates}
    if not (dry_run and not reg_path.exists()):
        with Register(reg_path) as reg:
            if not dry_run:
                recover(reg, notify, workspace.output_dir)
            done = reg.batch_issues(key)
            for m in loaded.mandates:
                already = done.get(m.council_id)
                if already is not None:
                    # Done by an earlier run of this batch: what it replaced is the previous issue.
                    previous[m.council_id] = (
                        reg.get(already.supersedes) if already.supersedes else None
                    )
                else:
                    previous[m.council_id] = reg.latest_for(m.council_id)
    placeholder = f"{loaded.settings.series} {date.year}-00000"
    tasks = [(m, loaded.settings, Stamp(date, placeholder)) for m in loaded.mandates]
    plans: list[CouncilPlan] = []
    progress.start(_("Checking"), len(tasks))
    for mandate, data in zip(loaded.mandates, render_all(template, tasks, jobs), strict=True):
        prev = previous[mandate.council_id]
        council_plan = CouncilPlan(mandate, prev, None, None, done=done.get(mandate.council_id))
        if prev is not None and prev.path:
            try:
                old = document_paragraphs(Path(prev.path))
            except FileNotFoundError:
                council_plan.missing_previous_file = True
            else:
                council_plan.old_paragraphs = old
                council_plan.comparison = compare(
                    old, document_paragraphs(data), ignore=ignore_head
                )
        plans.append(council_plan)
        progress.advance(mandate.council_id)
    progress.finish()
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
) -> Result:
    """``uppdrag reissue``: see the module docstring for the guarantees."""
    if not reason or not reason.strip():
        raise UsageError(_("--reason must say why the mandates are re-issued"))
    date = date or dates.today()
    jobs = jobs or os.cpu_count() or 1
    progress = progress or _NoProgress()
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
    todo: list[CouncilPlan] = []
    for p in plans:
        cid = p.mandate.council_id
        if p.done is not None:
            path = Path(p.done.path) if p.done.path else None
            review = None
            if review_copies and path is not None and p.old_paragraphs is not None:
                # A run killed after writing the document may not have written its review copy.
                review = path.with_name(path.stem + "_andringar.docx")
                if not review.exists() and path.exists():
                    _write_review(path, path.read_bytes(), p.old_paragraphs, settings, date)
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

    key = batch_key(reason, date)
    base = workspace.output_dir
    requests = [
        Request(
            council=p.mandate.council_id,
            date=dates.iso(date),
            decided=None,
            subject=subject(settings, p.mandate),
            supersedes=p.previous.dnr if p.previous else None,
            reason=reason,
            batch=key,
        )
        for p in todo
    ]

    def path_for(request: Request, number: str) -> str:
        return str(default_path(base, number, request.council))

    with Register(register_path(workspace, register and str(register))) as reg:
        issues = reg.reserve(requests, settings.series, path_for)
        tasks = [
            (p.mandate, settings, Stamp(date, i.dnr, None, p.previous.dnr if p.previous else None))
            for p, i in zip(todo, issues, strict=True)
        ]
        progress.start(_("Issuing"), len(tasks))
        completed: list[tuple[str, str, str]] = []
        try:
            for p, issue, data in zip(todo, issues, render_all(template, tasks, jobs), strict=True):
                path = Path(issue.path or "")
                write_new(path, data)
                completed.append((issue.dnr, str(path), hashlib.sha256(data).hexdigest()))
                review = None
                if review_copies and p.old_paragraphs is not None:
                    review = _write_review(path, data, p.old_paragraphs, settings, date)
                result.outcomes.append(
                    Outcome(
                        p.mandate.council_id,
                        p.previous.dnr if p.previous else None,
                        issue.dnr,
                        path,
                        review,
                        p.comparison.paragraphs_changed if p.comparison else None,
                        "" if p.previous else _("first issue"),
                        issued=True,
                    )
                )
                progress.advance(p.mandate.council_id)
                if len(completed) >= 200:
                    reg.complete_many(completed)
                    completed = []
        finally:
            # Whatever was written is marked issued; the rest stays pending for recovery.
            if completed:
                reg.complete_many(completed)
            progress.finish()
    return result


def _write_review(
    path: Path, data: bytes, old: list[str], settings: Settings, date: dt.date
) -> Path:
    from generator.review import review_docx

    review = path.with_name(path.stem + "_andringar.docx")
    write_new(review, review_docx(data, old, author=settings.organisation, date=dates.iso(date)))
    return review


def describe(
    plans: list[CouncilPlan], color: bool = False, style: Callable[[str], str] | None = None
) -> str:
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
