"""Step three of a re-issue: the numbered documents and their review copies, written as made.

Each council's final document is rendered in a worker once its number is reserved; this process
records its checksum, writes it (and its review copy) in a few threads, and marks it issued, so
that whatever was written is in the register even when a later council fails.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from generator import batch, dates
from generator.batch import Shared, Workers, Writers
from generator.diff.paragraphs import Comparison
from generator.docx_zip import write_docx
from generator.i18n import _
from generator.model import Mandate, Settings
from generator.progress import Progress
from generator.register import Issue, Register
from generator.reissue.planning import CouncilPlan
from generator.reissue.results import Outcome, Result
from generator.render import Stamp, render_parts
from generator.review import review_docx, review_parts
from generator.writer import write_new

T = TypeVar("T")
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


def issue_all(
    reg: Register,
    todo: Iterable[CouncilPlan],
    issues: list[Issue],
    tasks: Iterable[IssueTask],
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
class IssueTask:
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


def _issue_council(shared: Shared, task: IssueTask) -> _Made:
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
    review = review_path(path)
    try:
        # Made again from the records if lost: no need to wait for the disk.
        write_new(review, made.review, durable=False, within=base)
    except Exception as err:  # noqa: BLE001 - raised by the caller once the document is recorded
        return _Written(None, err)
    return _Written(review)


def review_path(path: Path) -> Path:
    return path.with_name(path.stem + "_andringar.docx")


def write_review(
    path: Path,
    data: bytes,
    old: list[str],
    settings: Settings,
    date: dt.date,
    previous: str | None,
    base: Path,
) -> Path:
    review = review_path(path)
    copy = review_docx(
        data, old, author=settings.organisation, date=dates.iso(date), previous=previous
    )
    write_new(review, copy, within=base)
    return review
