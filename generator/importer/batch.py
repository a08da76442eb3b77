"""Import many mandates at once, all or nothing, learning the clause library from them.

:func:`import_batch` is the whole of ``uppdrag import FILE...`` (and of the web front end's
import) as a plain function: read every document, convert it against the library, learn what two
or more share (:mod:`.learn`), find the near-variants (:mod:`.variants`), convert again with the
learned clauses, and prove for every document that its data renders back to it line for line.
Only then, and only when not a dry run, is anything written: the council files, the library, and
in the register each original as its council's earlier issue, the file itself kept.  A problem in
any document stops the whole batch before a single file is written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

from generator.exceptions import DataError, Problem, UsageError
from generator.i18n import _
from generator.importer.convert import WORD_SUFFIXES, read_source, to_council
from generator.importer.figures import Figures, measure
from generator.importer.learn import Learned, learn, own_texts, split_interrupted
from generator.importer.library_file import add_clauses
from generator.importer.new import suggest_council_id
from generator.importer.report import Report
from generator.importer.source import Source, fold
from generator.importer.variants import Variant, find_variants
from generator.importer.yaml_writer import header_comment, to_yaml
from generator.loader.messages import display_path
from generator.model import Settings
from generator.workspace import Library, Workspace

#: What is read from a folder given to the import: Word files and text exports (an old .doc is
#: refused with what to do).
IMPORT_SUFFIXES = (*WORD_SUFFIXES, ".doc", ".txt", ".md")


@dataclasses.dataclass
class ImportedDocument:
    """One document of the batch: where it came from, the council file it gives, its report."""

    original: Path
    source: Source
    council: str
    target: Path
    data: dict[str, Any]
    report: Report
    text: str


@dataclasses.dataclass
class BatchReport:
    """What a batch import found and did; :mod:`.batch_report` turns it into lines."""

    documents: list[ImportedDocument]
    learned: dict[str, str]
    users: dict[str, list[str]]
    recognised: dict[str, list[str]]
    variants: list[tuple[str, Variant]]
    figures: Figures
    settings: Settings
    dry_run: bool
    library_text: str | None = None
    organisations: list[str] = dataclasses.field(default_factory=list)
    #: Library clauses of several paragraphs split into a clause per paragraph, and their texts.
    split: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    split_texts: dict[str, str] = dataclasses.field(default_factory=dict)
    planned: list[Path] = dataclasses.field(default_factory=list)
    written: list[Path] = dataclasses.field(default_factory=list)
    registered: list[tuple[str, Path, str]] = dataclasses.field(default_factory=list)
    kept: list[tuple[str, Path, str]] = dataclasses.field(default_factory=list)

    def lines(self) -> list[str]:
        from generator.importer.batch_report import report_lines

        return report_lines(self)


def expand(paths: list[Path]) -> list[Path]:
    """The files to import: each file given, and the Word files and text exports of a folder."""
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.iterdir()
                    if p.is_file()
                    and p.suffix.lower() in IMPORT_SUFFIXES
                    and not p.name.startswith((".", "~$"))
                )
            )
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(_("{path} does not exist").format(path=path))
    if not files:
        raise UsageError(
            _("no document to import: give .docx files, text exports or a folder holding them")
        )
    seen: set[Path] = set()
    unique = []
    for f in files:
        if f.resolve() not in seen:
            seen.add(f.resolve())
            unique.append(f)
    return unique


def batch_settings(
    workspace: Workspace,
    *,
    organisation: str | None = None,
    series: str | None = None,
    signatory: str | None = None,
    signatory_title: str | None = None,
) -> Settings:
    """The settings, with what the options give instead (an organisation new to the product)."""
    settings = workspace.load_settings()
    changes = {
        "organisation": organisation,
        "series": series.upper() if series else None,
        "signatory_name": signatory,
        "signatory_title": signatory_title,
    }
    return dataclasses.replace(settings, **{k: v for k, v in changes.items() if v})


def import_batch(
    workspace: Workspace,
    paths: list[Path],
    *,
    dry_run: bool = True,
    register: Path | None = None,
    output: Path | None = None,
    settings: Settings | None = None,
) -> BatchReport:
    """Import ``paths`` (files or folders) as one batch; write nothing when ``dry_run``.

    ``output`` names the council file when a single document is imported.  Raises
    :class:`DataError` with the problems of every document, or :class:`UsageError` /
    :class:`RegisterError` for a file or number already there; then nothing is written.
    """
    files = expand(paths)
    if output is not None and len(files) != 1:
        raise UsageError(_("-o names one council file; it cannot be used with several documents"))
    settings = settings or workspace.load_settings()
    library = workspace.load_library()
    sources, problems = _read_all(files, library, settings)
    first = _convert_all(sources, library, settings, [{} for _s in sources], problems)
    if problems:
        raise DataError(problems)
    texts = [t for i, (data, _r) in enumerate(first) for t in own_texts(data, i)]
    taken = set(library.clauses)
    split, parts = split_interrupted(texts, library, taken)
    library = _with_clauses(
        library, {**parts, **{c: [{"klausul": p} for p in ids] for c, ids in split.items()}}
    )
    learned = learn(texts, library)
    grown = _with_clauses(library, learned.clauses)
    used = [_used(data, learned, i, split) for i, (data, _r) in enumerate(first)]
    taken |= set(learned.clauses)
    inline = _inline_clauses(grown)
    variants = find_variants(texts, learned, inline, used, taken)
    grown = _with_clauses(library, learned.clauses)
    overrides: list[dict[str, str]] = [{} for _s in sources]
    for v in variants:
        overrides[v.document].setdefault(v.clause, v.text)
    final = _convert_all(sources, grown, settings, overrides, problems)
    if problems:
        raise DataError(problems)
    documents = _documents(workspace, files, sources, final, output)
    variants = [v for v in variants if v.clause in (final[v.document][0].get("klausuler") or {})]
    report = BatchReport(
        documents=documents,
        learned=dict(learned.clauses),
        users=_users(documents, set(learned.clauses)),
        recognised=_users(documents, set(library.clauses) - set(parts)),
        split=split,
        split_texts=parts,
        variants=[(documents[v.document].council, v) for v in variants],
        figures=measure(sources, [d.data for d in documents], [d.text for d in documents]),
        settings=settings,
        dry_run=dry_run,
        organisations=sorted(
            {
                fold(s.organisation)
                for s in sources
                if s.organisation and fold(s.organisation) != fold(settings.organisation)
            }
        ),
    )
    unused = [c for c in report.learned if not report.users.get(c)]
    for clause_id in unused:  # a learned text the final conversion placed nowhere: not kept
        del report.learned[clause_id]
    if report.learned or split:
        # A comment of the data file, in its language (as the council files' header).
        comment = (
            f"Inlärda {dt.date.today().isoformat()} ur {len(documents)} importerade handlingar: "
            "text som två eller fler av dem har gemensam, ordagrant eller med några ords skillnad."
        )
        report.library_text = add_clauses(
            workspace.library_path.read_text("utf-8"),
            report.learned,
            comment,
            {c: {p: parts[p] for p in ids} for c, ids in split.items()},
        )
    from generator.importer.keep import check_free, write_batch
    from generator.lint import sound_template

    sound_template(workspace.template_path)  # the template check rejects costs no number
    check_free(workspace, report, register)
    if not dry_run:
        write_batch(workspace, report, register, grown)
    return report


def _read_all(
    files: list[Path], library: Library, settings: Settings
) -> tuple[list[Source], list[Problem]]:
    sources: list[Source] = []
    problems: list[Problem] = []
    for path in files:
        try:
            sources.append(read_source(path, library, settings))
        except DataError as err:
            problems.extend(err.problems)
        except UsageError as err:
            problems.append(Problem(display_path(path), None, None, "", str(err)))
    return sources, problems


def _convert_all(
    sources: list[Source],
    library: Library,
    settings: Settings,
    overrides: list[dict[str, str]],
    problems: list[Problem],
) -> list[tuple[dict[str, Any], Report]]:
    """Each document's council data (``overrides``: its own versions of clauses), collecting the
    problems of all of them."""
    out: list[tuple[dict[str, Any], Report]] = []
    for source, own in zip(sources, overrides, strict=True):
        try:
            out.append(to_council(source, library, settings, own))
        except DataError as err:
            if own:  # a variant that does not fit where it stands: keep the text as it was
                try:
                    out.append(to_council(source, library, settings))
                    continue
                except DataError:
                    pass
            problems.extend(err.problems)
            out.append(({}, Report(source.display)))
    return out


def _with_clauses(library: Library, clauses: dict[str, str]) -> Library:
    return Library(library.titles, {**library.clauses, **clauses}, library.loaded)


def _inline_clauses(library: Library) -> dict[str, str]:
    """The library's clauses that are one text (a near-variant can only be of one of those)."""
    return {k: v for k, v in library.clauses.items() if isinstance(v, str)}


def clause_refs(node: Any) -> set[str]:
    """Every clause a council's data refers to."""
    found: set[str] = set()
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "klausul" and isinstance(v, str):
                found.add(v)
            elif k != "klausuler":
                found |= clause_refs(v)
    elif isinstance(node, list):
        for v in node:
            found |= clause_refs(v)
    return found


def _used(
    data: dict[str, Any], learned: Learned, document: int, split: dict[str, list[str]]
) -> set[str]:
    """The clauses a document has word for word: the library's it refers to (with the paragraphs
    of a split one), the learned it has."""
    refs = clause_refs(data)
    refs |= {p for c in refs & set(split) for p in split[c]}
    return refs | {c for c, docs in learned.users.items() if document in docs}


def _users(documents: list[ImportedDocument], ids: set[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for d in documents:
        for clause_id in sorted(clause_refs(d.data) & ids):
            out.setdefault(clause_id, []).append(d.council)
    return out


def _documents(
    workspace: Workspace,
    files: list[Path],
    sources: list[Source],
    final: list[tuple[dict[str, Any], Report]],
    output: Path | None,
) -> list[ImportedDocument]:
    documents: list[ImportedDocument] = []
    for path, source, (data, report) in zip(files, sources, final, strict=True):
        target = output or workspace.councils_dir / f"{suggest_council_id(str(data['namn']))}.yaml"
        text = to_yaml(data, header_comment(str(data.get("namn", target.stem)), source))
        documents.append(
            ImportedDocument(path, source, Path(target).stem, Path(target), data, report, text)
        )
    return documents
