"""Archive copies: the PDF/A of each document, made by the pool, checked, kept and recorded.

Every PDF that was made and passes the checks is kept at once (atomically, never over an
existing file), whatever happens to the other documents of the batch; those that fail are
named, one short line each.  A PDF lands beside its document (``x.docx`` → ``x.pdf``).  For a
document the register knows, the copy is recorded with both checksums, and only a document
that is still as it was issued gets one.  A run again makes only what is missing: a PDF that is
already there is kept; if it was never recorded (the run was killed in between) it is checked
and recorded now.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from generator.exceptions import RegisterError, UsageError
from generator.i18n import _
from generator.pdf.check import check_pdf, expected_title
from generator.pdf.pool import FILE_TIMEOUT, Job, Made, Pool
from generator.progress import NoProgress, Progress
from generator.register import ArchiveCopy, Register, sha256_file
from generator.writer import write_new, write_replaceable

#: Archive copies recorded per register transaction.
RECORD_EVERY = 25


@dataclass(frozen=True)
class Failure:
    """A document that got no PDF, and why, in a few words."""

    source: Path
    problem: str


@dataclass
class Archived:
    """What a PDF stage did."""

    made: list[Path] = field(default_factory=list)  # made and kept by this run
    present: list[Path] = field(default_factory=list)  # there before, kept as they are
    failed: list[Failure] = field(default_factory=list)
    peak_rss_kib: int = 0  # the LibreOffice pool's peak memory
    runs: int = 0  # LibreOffice starts
    seconds: float = 0.0


def pdf_path(docx: Path) -> Path:
    return docx.with_suffix(".pdf")


def make_pdfs(
    sources: Iterable[Path],
    *,
    register: Path | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
    file_timeout: float = FILE_TIMEOUT,
    drafts: bool = False,
    root: Path | None = None,
) -> Archived:
    """PDF/A archive copies of ``sources`` beside them, in a pool of ``jobs`` LibreOffices.

    ``register``: the diary register, if there is one; the documents it knows get their copy
    recorded (and are refused if changed since they were issued).  ``drafts``: the documents
    the register does not know are previews (``render --draft``), replaced on every render, and
    so are their PDFs; an issued document's PDF is never replaced.  ``root``: the workspace, as
    the register records paths relative to it.
    """
    progress = progress or NoProgress()
    began = time.monotonic()
    documents = [Path(p).absolute() for p in sources]
    if not documents:
        raise UsageError(_("no Word document (.docx) given"))
    result = Archived()
    reg = Register(register, root=root) if register is not None and register.exists() else None
    try:
        todo = _plan(documents, reg, result, drafts)
        if todo:
            within = _output_folder(root)
            _convert(todo, reg, result, jobs, progress, file_timeout, within)
    finally:
        if reg is not None:
            reg.close()
    result.seconds = time.monotonic() - began
    return result


@dataclass(frozen=True)
class _Todo:
    job: Job
    target: Path
    dnr: str | None
    source_sha256: str | None
    replace: bool = False  # a draft's preview: replaced, not kept


def _plan(
    documents: list[Path], reg: Register | None, result: Archived, drafts: bool
) -> list[_Todo]:
    """What to convert; what is already there or cannot be done goes into ``result``."""
    todo: list[_Todo] = []
    seen: set[Path] = set()
    for src in documents:
        if src in seen:
            continue
        seen.add(src)
        target = pdf_path(src)
        if not src.is_file():
            result.failed.append(Failure(src, _("the document does not exist")))
            continue
        if src.suffix.lower() != ".docx" or not _is_docx(src):
            result.failed.append(Failure(src, _("not a Word document (.docx)")))
            continue
        issued = reg.issued_file(str(src)) if reg is not None else None
        if issued is not None and issued.state != "written":
            issued = None
        dnr = issued.dnr if issued is not None else None
        digest = issued.sha256 if issued is not None else None
        if issued is not None and sha256_file(src) != issued.sha256:
            result.failed.append(Failure(src, _("changed since it was issued; run uppdrag verify")))
            continue
        recorded = reg.archive_copy(str(src)) if reg is not None and dnr else None
        if recorded is not None:
            if target.exists():
                result.present.append(target)
            else:
                result.failed.append(
                    Failure(src, _("its recorded PDF is missing; run uppdrag verify"))
                )
            continue
        title = expected_title(src)
        replace = drafts and issued is None
        if target.exists() and not replace:
            _adopt(src, target, title, reg, dnr, digest, result)
            continue
        todo.append(_Todo(Job(src, title), target, dnr, digest, replace))
    return todo


def _adopt(
    src: Path,
    target: Path,
    title: str,
    reg: Register | None,
    dnr: str | None,
    digest: str | None,
    result: Archived,
) -> None:
    """A PDF that is there but not recorded: kept as it is, and recorded if it is a copy."""
    data = target.read_bytes()
    pages, problems = check_pdf(data, title)
    if problems:
        result.failed.append(
            Failure(
                src,
                _("{pdf} is there but is no archive copy ({problems}); it is kept as it is").format(
                    pdf=target.name, problems="; ".join(problems)
                ),
            )
        )
        return
    if reg is not None and dnr is not None and digest is not None:
        reg.record_archive_copies([_copy(dnr, src, digest, target, data, pages)])
    result.present.append(target)


def _convert(
    todo: list[_Todo],
    reg: Register | None,
    result: Archived,
    jobs: int | None,
    progress: Progress,
    file_timeout: float,
    within: Path | None = None,
) -> None:
    """Convert in the pool; keep and record each PDF as it comes."""
    by_job = {t.job: t for t in todo}
    pool = Pool(jobs, file_timeout=file_timeout)
    unrecorded: list[ArchiveCopy] = []
    progress.start(_("PDF/A"), len(todo))
    try:
        with contextlib.closing(pool.convert([t.job for t in todo])) as converted:
            for made in converted:
                item = by_job[made.job]
                copy = _keep(item, made, result, within)
                if copy is not None and reg is not None:
                    unrecorded.append(copy)
                    if len(unrecorded) >= RECORD_EVERY:
                        reg.record_archive_copies(unrecorded)
                        unrecorded.clear()
                progress.advance(item.target.name)
    finally:
        if reg is not None and unrecorded:
            reg.record_archive_copies(unrecorded)
        progress.finish()
        result.peak_rss_kib = max(result.peak_rss_kib, pool.peak_rss_kib)
        result.runs += pool.runs


def _output_folder(root: Path | None) -> Path | None:
    """The workspace's output folder, which no PDF written into it may leave by a link."""
    return None if root is None else Path(root) / "output"


def _keep(
    item: _Todo, made: Made, result: Archived, within: Path | None = None
) -> ArchiveCopy | None:
    """Keep one checked PDF (or note why there is none); its record, if it gets one.

    A PDF inside the output folder is written there only through real folders (``within``)."""
    if within is not None and not Path(os.path.abspath(item.target)).is_relative_to(
        os.path.abspath(within)
    ):
        within = None  # a document outside the workspace (``uppdrag pdf`` of any file)
    if made.data is None:
        result.failed.append(Failure(item.job.source, made.problem or "?"))
        return None
    try:
        if item.replace:
            write_replaceable(item.target, made.data, within=within)
        else:
            write_new(item.target, made.data, within=within)
    except RegisterError as err:
        problem = (
            _("{pdf} appeared meanwhile; it is kept as it is").format(pdf=item.target.name)
            if os.path.lexists(item.target) and not os.path.islink(item.target.parent)
            else str(err)  # a link on the way into the output folder: nothing written
        )
        result.failed.append(Failure(item.job.source, problem))
        return None
    result.made.append(item.target)
    if item.dnr is None or item.source_sha256 is None:
        return None
    return _copy(item.dnr, item.job.source, item.source_sha256, item.target, made.data, made.pages)


def _copy(dnr: str, src: Path, digest: str, target: Path, data: bytes, pages: int) -> ArchiveCopy:
    return ArchiveCopy(dnr, str(src), digest, str(target), hashlib.sha256(data).hexdigest(), pages)


def _is_docx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return "word/document.xml" in zf.namelist()
    except (zipfile.BadZipFile, OSError):
        return False
