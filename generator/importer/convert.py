"""A :class:`~.source.Source` as council data: library text as clause references, the rest as
the council's own text, in sections as the document has them.

The one promise is that nothing is lost: :func:`to_council` renders the data it made with the
document's own date, number and decision date and compares it with the document, line for line,
before anything is returned.  What was recognised, what is the council's own and what a secretary
should check is the :class:`~.report.Report`; the walk through the paragraphs is :mod:`.blocks`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.exceptions import DataError, UsageError
from generator.i18n import _
from generator.importer.blocks import Converter
from generator.importer.docx_reader import read_docx
from generator.importer.matcher import Matcher
from generator.importer.report import Report
from generator.importer.roles import mark_section_titles
from generator.importer.roundtrip import check_round_trip
from generator.importer.source import Source, fold, key, paragraph_problem
from generator.importer.text_reader import read_text
from generator.model import Settings
from generator.workspace import Library


def to_council(
    source: Source,
    library: Library,
    settings: Settings | None = None,
    overrides: dict[str, str] | None = None,
) -> tuple[dict[str, Any], Report]:
    """The council data for ``source``, with library text as clause references.

    ``overrides`` are the council's own versions of clauses (near-variants found by a batch
    import): where the document has one, it refers to the clause and keeps its version under
    ``klausuler:``.  Raises :class:`DataError` when content would be lost; the data returned
    renders, with the document's own date, number and decision date, to the same text line for
    line (checked here).
    """
    mark_section_titles(source.body, library)
    report = Report(
        source.display,
        notes=list(source.notes),
        date=source.date,
        dnr=source.dnr,
        decided=source.decided,
    )
    problems = list(source.problems)
    matcher = Matcher(library)
    matcher.overrides.update(overrides or {})
    conv = Converter(source, library, matcher, report)
    data: dict[str, Any] = {}
    for data_key, value, label in (
        ("namn", source.council, _("the council's name")),
        ("ansvarsområde", source.responsibility, "Ansvarsområde"),
        ("uppdragsgivare", source.issuer, "Uppdragsgivare"),
        ("uppdragstagare", source.recipient, "Uppdragstagare"),
    ):
        if value:
            data[data_key] = value
        elif data_key != "uppdragsgivare":
            problems.append(
                paragraph_problem(
                    source.display, None, _("the head block has no {what}").format(what=label)
                )
            )
    if settings is not None:
        if data.get("uppdragsgivare") and fold(data["uppdragsgivare"]) == fold(
            settings.signatory_name
        ):
            del data["uppdragsgivare"]
        _compare_settings(source, settings, report)
    intro, roots = conv.tree(source.body)
    if intro:
        data["inledning"] = conv.blocks(intro)
    if not roots:
        problems.append(
            paragraph_problem(
                source.display,
                None,
                _(
                    "no section heading was found (such as '{title}'); a mandate needs at "
                    "least one section"
                ).format(title=next(iter(library.titles.values()), "Syfte med uppdraget")),
            )
        )
    else:
        data["avsnitt"] = conv.sections(roots)
    distribution = source.distribution
    if distribution:
        data["sändlista"] = [conv.inline_value(text) for text in distribution]
    own_versions = {k: v for k, v in matcher.overrides.items() if k in matcher.used}
    if own_versions:
        data["klausuler"] = own_versions
        report.overridden = [k for k in own_versions if k not in (overrides or {})]
    report.clauses = list(matcher.used)
    if problems:
        raise DataError(problems)
    check_round_trip(source, data, library, settings)
    return data, report


def _compare_settings(source: Source, settings: Settings, report: Report) -> None:
    """What the settings decide (title, organisation, signature) is reported when it differs."""
    shown = []
    if source.title and key(source.title) != key(settings.title):
        shown.append((_("title"), fold(source.title), fold(settings.title)))
    if source.organisation and fold(source.organisation) != fold(settings.organisation):
        shown.append((_("organisation"), source.organisation, settings.organisation))
    expected = [fold(settings.signatory_name), fold(settings.signatory_title)]
    if source.signature and source.signature != expected:
        shown.append((_("signature"), " / ".join(source.signature), " / ".join(expected)))
    for what, found, used in shown:
        report.notes.append(
            _(
                "{file}: the {what} is {found!r} in the document but {used!r} in the "
                "settings; the settings are used"
            ).format(file=source.display, what=what, found=found, used=used)
        )


def import_document(
    path: Path, library: Library, settings: Settings | None = None
) -> tuple[dict[str, Any], Report, Source]:
    """Read a .docx or a text export (by its suffix) and convert it: all of an import but the
    writing, so that the command can show the report before anything is written."""
    source = read_source(path, library, settings)
    data, report = to_council(source, library, settings)
    return data, report, source


WORD_SUFFIXES = (".docx", ".docm", ".dotx")


def read_source(path: Path, library: Library, settings: Settings | None = None) -> Source:
    """A .docx or a text export, read by its suffix; an old .doc is refused with what to do."""
    path = Path(path)
    if path.suffix.lower() in WORD_SUFFIXES:
        source = read_docx(path, settings=settings, library=library)
    elif path.suffix.lower() == ".doc":
        raise UsageError(
            _("{path} is an old Word file (.doc); open it in Word and save it as .docx").format(
                path=path
            )
        )
    else:
        source = read_text(path, settings=settings, library=library)
    return source
