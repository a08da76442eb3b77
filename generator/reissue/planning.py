"""Step one of a re-issue: every council read, checked, rendered and compared, before any number.

The plans are spooled to disk (:class:`generator.batch.Spool`), one per council, so that a batch
of ten thousand councils does not hold them all in memory.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from generator import batch
from generator.batch import Shared, Spool, Workers
from generator.command import Notify
from generator.command import quiet as _quiet
from generator.councils import LoadAll, LoadOutcome, load_councils, load_one, refuse_unfilled
from generator.diff.document import part_paragraphs
from generator.diff.paragraphs import Comparison, compare
from generator.docx_parts import DOCUMENT
from generator.i18n import _
from generator.lint import sound_template
from generator.model import Mandate, Settings
from generator.progress import NoProgress, Progress
from generator.register import Issue, Register, refuse_lost
from generator.register_access import register_path
from generator.render import Stamp, render_parts
from generator.said import comparison_ignore, said_paragraphs
from generator.settling import recover
from generator.template import CompiledTemplate
from generator.workspace import Library, Workspace

PARALLEL_THRESHOLD = batch.PARALLEL_THRESHOLD


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


def workers_for(shared: Shared, jobs: int, count: int, workspace: Workspace) -> Workers:
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
        with workers_for(Shared(settings, library), jobs, len(paths), workspace) as workers:
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
    with workers_for(shared, jobs, len(councils), workspace) as workers:
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
