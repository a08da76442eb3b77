"""The re-issue's dry run and run as background work, and their results as plain data.

A job's result is kept as JSON (:mod:`generator.web.job_state`), so the plans and outcomes of
:mod:`generator.reissue` are turned into dictionaries here: what the pages show, nothing more.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from generator import reissue
from generator.diff.paragraphs import Comparison
from generator.web.job_progress import JobProgress
from generator.web.jobs import Work
from generator.workspace import Workspace


def _changes(comparison: Comparison | None) -> list[dict[str, Any]]:
    if comparison is None:
        return []
    return [
        {
            "kind": change.kind,
            "old": change.old,
            "new": change.new,
            "words": [[op.kind, op.text] for op in change.words],
        }
        for change in comparison.changes
    ]


def _state(plan: reissue.CouncilPlan) -> str:
    """What the dry run says of one council (the cases of :func:`generator.reissue.describe`)."""
    if plan.done is not None:
        return "done"
    if plan.previous is None:
        return "first"
    if plan.missing_previous_file:
        return "missing"
    if plan.comparison is not None and plan.comparison.changed:
        return "changed"
    return "unchanged"


def plan_result(result: reissue.Result, reason: str, date: dt.date) -> dict[str, Any]:
    return {
        "reason": reason,
        "date": date.isoformat(),
        "councils": [
            {
                "council": p.mandate.council_id,
                "previous": p.previous.dnr if p.previous else None,
                "done": p.done.dnr if p.done else None,
                "state": _state(p),
                "changes": _changes(p.comparison),
            }
            for p in result.plans
        ],
        "text": reissue.describe(result.plans),
    }


def _shown(path: Path | None, root: Path) -> str | None:
    if path is None:
        return None
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def run_result(result: reissue.Result, reason: str, date: dt.date, root: Path) -> dict[str, Any]:
    return {
        "reason": reason,
        "date": date.isoformat(),
        "outcomes": [
            {
                "council": o.council,
                "old": o.old,
                "new": o.new,
                "path": _shown(o.path, root),
                "review": str(o.review) if o.review else None,
                "review_shown": _shown(o.review, root),
                "paragraphs_changed": o.paragraphs_changed,
                "note": o.note,
                "issued": o.issued,
            }
            for o in result.outcomes
        ],
    }


def dry_run(
    workspace: Workspace, reason: str, date: dt.date, register: Path | None, jobs: int | None
) -> Work:
    def work(progress: JobProgress) -> dict[str, Any]:
        result = reissue.reissue(
            workspace,
            [],
            reason=reason,
            date=date,
            dry_run=True,
            register=register,
            jobs=jobs,
            progress=progress,
        )
        return plan_result(result, reason, date)

    return work


def run(
    workspace: Workspace,
    reason: str,
    date: dt.date,
    register: Path | None,
    jobs: int | None,
    changed_only: bool = False,
) -> Work:
    def work(progress: JobProgress) -> dict[str, Any]:
        result = reissue.reissue(
            workspace,
            [],
            reason=reason,
            date=date,
            register=register,
            jobs=jobs,
            changed_only=changed_only,
            progress=progress,
        )
        return run_result(result, reason, date, workspace.root)

    return work
