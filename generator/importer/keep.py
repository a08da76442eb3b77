"""Writing what a batch import decided: council files, the library, and the originals.

Everything that could refuse is asked first (:func:`check_free`): a council file or an original's
copy already there, two documents for one council, a number already in the register.  Then
:func:`write_batch` writes; the council files and copies never replace a file, the library is
replaced atomically.  Each original is recorded in the register as its council's earlier issue
with its own number and dates, and the file itself is kept: a Word original is copied into the
output folder byte for byte and is that issue's file (its SHA-256 recorded), which is what a
later re-issue is compared with.  A text export is not a Word document and cannot be compared as
one: the issue's file is rendered from the imported data (proved to give the same text), and the
export is kept beside it, recorded in the register as that issue's original with its own SHA-256
(:mod:`generator.register.originals`), so that ``uppdrag verify`` checks it too.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from generator.exceptions import RegisterError, UsageError
from generator.i18n import _
from generator.importer.batch import BatchReport, ImportedDocument
from generator.importer.convert import WORD_SUFFIXES
from generator.importer.yaml_writer import write_new_file
from generator.loader.messages import display_path
from generator.workspace import Library, Workspace


def _dnr(document: ImportedDocument) -> str | None:
    from generator.dnr import DiaryNumber

    source = document.source
    if not source.dnr or source.date is None:
        return None
    return str(DiaryNumber.parse(source.dnr))


def issue_path(workspace: Workspace, document: ImportedDocument, dnr: str) -> Path:
    """Where the earlier issue's file goes: the original's copy, or the rendering of a text."""
    from generator.issuing import default_path

    return default_path(workspace.output_dir, dnr, document.council)


def kept_text_path(path: Path, original: Path) -> Path:
    """A text export kept beside the issue's file: same name, the export's own suffix."""
    return path.with_name(path.stem + "_original" + original.suffix.lower())


def is_word(path: Path) -> bool:
    return path.suffix.lower() in WORD_SUFFIXES


def check_free(workspace: Workspace, report: BatchReport, register: Path | None) -> None:
    """Refuse, before anything is written, what the batch could not write."""
    from generator.register import Register
    from generator.register_access import register_path

    councils: dict[str, ImportedDocument] = {}
    report.planned = [d.target for d in report.documents]
    if report.library_text is not None:
        report.planned.append(workspace.library_path)
    for d in report.documents:
        other = councils.get(d.council)
        if other is not None:
            raise UsageError(
                _("{first} and {second} are both mandates of {council}; import one of them").format(
                    first=display_path(other.original),
                    second=display_path(d.original),
                    council=d.council,
                )
            )
        councils[d.council] = d
        if d.target.exists():
            raise UsageError(
                _(
                    "{path} already exists and is not overwritten; remove the document {file} "
                    "from the batch or choose another file with -o"
                ).format(path=display_path(d.target), file=display_path(d.original))
            )
    numbers: dict[str, ImportedDocument] = {}
    for d in report.documents:
        dnr = _dnr(d)
        if dnr is None:
            continue
        if dnr in numbers:
            raise RegisterError(
                _("{first} and {second} have the same number {dnr}").format(
                    first=display_path(numbers[dnr].original),
                    second=display_path(d.original),
                    dnr=dnr,
                )
            )
        numbers[dnr] = d
        path = issue_path(workspace, d, dnr)
        report.planned.append(path)
        if not is_word(d.original):
            report.planned.append(kept_text_path(path, d.original))
        for target in (path, kept_text_path(path, d.original)):
            if target.exists() and (target == path or not is_word(d.original)):
                raise RegisterError(
                    _("{path} already exists and is never overwritten").format(path=target)
                )
    reg_path = register_path(workspace, register and str(register))
    if numbers and reg_path.exists():
        with Register(reg_path, documents=workspace.output_dir, root=workspace.root) as reg:
            for dnr, d in numbers.items():
                if reg.get(dnr) is not None:
                    raise RegisterError(
                        _(
                            "{dnr} ({file}) is already in the register; the document was "
                            "imported before, or the number belongs to another document"
                        ).format(dnr=dnr, file=display_path(d.original))
                    )


def write_batch(
    workspace: Workspace, report: BatchReport, register: Path | None, library: Library
) -> None:
    """Write the council files, the library and the originals, recording them in ``report``."""
    from ruamel.yaml import YAML

    from generator.writer import write_replaceable

    for d in report.documents:
        if YAML(typ="safe").load(d.text) != d.data:
            raise AssertionError(f"{d.target} does not read back as the imported data")
    for d in report.documents:
        report.written.append(write_new_file(d.target, d.text))
    if report.library_text is not None:
        write_replaceable(workspace.library_path, report.library_text.encode("utf-8"))
        report.written.append(workspace.library_path)
    _register_originals(workspace, report, register, library)


def _register_originals(
    workspace: Workspace, report: BatchReport, register: Path | None, library: Library
) -> None:
    from generator import dates
    from generator.issuing import subject
    from generator.loader import Loaded
    from generator.mandate import build_mandate
    from generator.register import Register, Request
    from generator.register_access import register_path
    from generator.render import Stamp, render_docx
    from generator.template import CompiledTemplate
    from generator.writer import write_new

    settings = report.settings
    documents = [d for d in report.documents if _dnr(d) is not None]
    if not documents:
        return
    mandates = {
        d.council: build_mandate(
            Loaded(d.target, d.data, display_path(d.target)), library, settings
        )
        for d in documents
    }
    requests = [
        Request(
            council=d.council,
            date=dates.iso(d.source.date),
            decided=dates.iso(d.source.decided) if d.source.decided else None,
            subject=subject(settings, mandates[d.council]),
            dnr=_dnr(d),
        )
        for d in documents
        if d.source.date is not None
    ]
    by_council = {d.council: d for d in documents}
    template = None
    with Register(
        register_path(workspace, register and str(register)),
        documents=workspace.output_dir,
        root=workspace.root,
    ) as reg:
        issues = reg.reserve(
            requests,
            settings.series,
            lambda req, number: str(issue_path(workspace, by_council[req.council], number)),
        )
        for issue in issues:
            d = by_council[issue.council]
            path = Path(issue.path or "")
            original = d.original.read_bytes()
            kept: Path | None = None
            try:
                if is_word(d.original):
                    data = original
                else:
                    template = template or CompiledTemplate.load(workspace.template_path)
                    stamp = Stamp(d.source.date, issue.dnr, d.source.decided, d.source.supersedes)
                    data = render_docx(template, mandates[d.council], settings, stamp)
                    kept = kept_text_path(path, d.original)
                    write_new(kept, original)
                    # The text that was received, recorded with the issue it is the original of
                    # at once: should the Word file fail, the number is voided with it on record.
                    reg.record_original(issue.dnr, kept, hashlib.sha256(original).hexdigest())
                write_new(path, data)
            except Exception as err:
                reg.void(issue.dnr, _("the file could not be written: {error}").format(error=err))
                raise
            sha = hashlib.sha256(data).hexdigest()
            reg.complete(issue.dnr, str(path), sha)
            report.registered.append((issue.dnr, path, sha))
            if kept is not None:
                report.kept.append((issue.dnr, kept, hashlib.sha256(original).hexdigest()))
