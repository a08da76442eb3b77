"""A batch import's report as lines for the command line, in the user's language.

What would become clauses and which councils have them, the councils' own variants side by side
with a word diff, counted per clause (what a policy office harmonises from), what to check, and
the figures; then what was written, or that nothing was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.i18n import _, ngettext
from generator.importer.source import WIDTH, excerpt, wrap
from generator.loader.messages import display_path

if TYPE_CHECKING:
    from generator.importer.batch import BatchReport


def report_lines(report: BatchReport) -> list[str]:
    out: list[str] = []
    for d in report.documents:
        out.append(
            _("{file} → {council}: {clauses} clauses, {own} own texts").format(
                file=display_path(d.original),
                council=display_path(d.target),
                clauses=len(d.report.clauses),
                own=len(d.report.own),
            )
        )
    if report.organisations:
        out.append(
            _(
                "The documents name the organisation {found}, the settings {used}: the settings "
                "(or --organisation) are used"
            ).format(found=", ".join(report.organisations), used=report.settings.organisation)
        )
    single = len(report.documents) == 1
    if single:  # one document: what it has of the library and what is its own, as before
        out.extend(report.documents[0].report.lines())
    if report.learned or not single:
        out.extend(_learned_lines(report))
    for clause_id, ids in report.split.items():
        out.extend(
            wrap(
                _(
                    "{id} is split into a clause per paragraph, so that a council that inserts "
                    "its own text into it still refers to it: {parts}"
                ).format(id=clause_id, parts=", ".join(ids)),
                WIDTH,
                "    ",
            )
        )
    if report.recognised and not single:
        out.append(
            ngettext(
                "{count} clause of the library recognised:",
                "{count} clauses of the library recognised:",
                len(report.recognised),
            ).format(count=len(report.recognised))
        )
        for clause_id, councils in report.recognised.items():
            out.append(f"  = {clause_id} ({', '.join(councils)})")
    out.extend(variant_lines(report))
    notes = [n for d in report.documents for n in d.report.notes]
    if notes and not single:
        out.append(_("To check:"))
        out.extend(f"  ! {n}" for n in notes)
    out.extend(_outcome_lines(report))
    return out


def _learned_lines(report: BatchReport) -> list[str]:
    out = [
        ngettext(
            "{count} new clause learned (text two or more documents share):",
            "{count} new clauses learned (text two or more documents share):",
            len(report.learned),
        ).format(count=len(report.learned))
    ]
    for clause_id, text in report.learned.items():
        councils = report.users.get(clause_id, [])
        out.append(f"  + {clause_id} ({', '.join(councils)})")
        out.append(f"      {excerpt(text, WIDTH - 6)}")
    return out


def _outcome_lines(report: BatchReport) -> list[str]:
    """The figures, then what was written, or what would be."""
    out: list[str] = []
    out.extend(figure_lines(report))
    if report.dry_run:
        if len(report.documents) == 1:
            out.append(_("The council file would read:"))
            out.extend(f"    {line}" for line in report.documents[0].text.splitlines())
        for path in report.planned:
            out.append(_("Would write: {path}").format(path=display_path(path)))
        out.append(_("Dry run: nothing was written. Run the command again without --dry-run."))
        return out
    for path in report.written:
        out.append(_("Written: {path}").format(path=display_path(path)))
    for dnr, path, sha in report.registered:
        out.append(
            _("Registered as the earlier issue {dnr}: {path} (SHA-256 {sha})").format(
                dnr=dnr, path=display_path(path), sha=sha[:16]
            )
        )
    for dnr, path, sha in report.kept:
        out.append(
            _("The text export is kept as the original of {dnr}: {path} (SHA-256 {sha})").format(
                dnr=dnr, path=display_path(path), sha=sha[:16]
            )
        )
    missing = [d for d in report.documents if not d.source.dnr or d.source.date is None]
    for d in missing:
        out.append(
            _("{file} has no diary number or date; it is not recorded in the register.").format(
                file=display_path(d.original)
            )
        )
    return out


def variant_lines(report: BatchReport) -> list[str]:
    """Per clause: how many councils have their own variant, and each side by side."""
    by_clause: dict[str, list[tuple[str, str, str, str]]] = {}
    for council, v in report.variants:
        by_clause.setdefault(v.clause, []).append((council, v.text, v.clause_text, v.diff()))
    out: list[str] = []
    for clause_id, found in by_clause.items():
        out.append(
            ngettext(
                "{count} council has its own variant of {id}:",
                "{count} councils have their own variant of {id}:",
                len(found),
            ).format(count=len(found), id=clause_id)
        )
        out.append(_("    clause: {text}").format(text=found[0][2]))
        for council, text, _clause, diff in found:
            out.append(f"    {council}: {text}")
            out.extend(wrap(_("      words: {diff}").format(diff=diff), WIDTH, "        "))
    if by_clause:
        out.append(
            _(
                "Each variant is kept as the council's own version of the clause (klausuler: in "
                "its file), so its text does not change."
            )
        )
    return out


def figure_lines(report: BatchReport) -> list[str]:
    f = report.figures
    return [
        _("Documents that render back line for line: {ok} of {all}").format(
            ok=f.rendered_back, all=f.documents
        ),
        _(
            "Words in the council files: {council} of the documents' {documents} ({share:.0%})"
        ).format(council=f.council_words, documents=f.document_words, share=f.word_share),
        _("Shared sentences left copied in council files: {count} of {shared}").format(
            count=len(f.shared_left), shared=f.shared_sentences
        ),
        *(f"  - {excerpt(s, WIDTH - 4)}" for s in f.shared_left),
    ]
