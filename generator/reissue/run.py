"""The re-issue as a whole: plan, reserve the numbers, issue, and the PDF stage."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from generator import dates
from generator.batch import Shared, Spool
from generator.command import Notify
from generator.command import quiet as _quiet
from generator.exceptions import UsageError
from generator.i18n import _
from generator.issuing import default_path, subject
from generator.progress import NoProgress, Progress
from generator.register import Register, Request
from generator.register_access import register_path
from generator.reissue.numbered import IssueTask, issue_all, review_path, write_review
from generator.reissue.planning import CouncilPlan, batch_key, plan, workers_for
from generator.reissue.results import Outcome, Result
from generator.render import Stamp
from generator.settling import stop_issuing
from generator.workspace import Workspace


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
                review = review_path(path)
                if not os.path.lexists(review) and path.exists():
                    write_review(
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
            IssueTask(
                p.mandate,
                Stamp(date, i.dnr, None, p.previous.dnr if p.previous else None),
                p.old_paragraphs if review_copies else None,
                p.comparison,
                dates.iso(date),
            )
            for p, i in zip(todo, issues, strict=True)
        )
        workers = workers_for(Shared(settings, template=template), jobs, len(issues), workspace)
        with workers:
            try:
                issue_all(reg, todo, issues, tasks, workers, result, progress, base)
            except Exception as err:
                raise stop_issuing(reg, issues, err) from err
    todo.close()
    return result
