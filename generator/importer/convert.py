"""A :class:`~.source.Source` as council data: library text as clause references, the rest as
the council's own text, in sections as the document has them.

The one promise is that nothing is lost: :func:`to_council` renders the data it made with the
document's own date, number and decision date and compares it with the document, line for line,
before anything is returned.  What was recognised, what is the council's own and what a secretary
should check is the :class:`Report`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.exceptions import DataError, UsageError
from generator.i18n import _, ngettext
from generator.importer.docx_reader import read_docx
from generator.importer.matcher import Matcher
from generator.importer.roles import mark_section_titles
from generator.importer.roundtrip import check_round_trip
from generator.importer.source import (
    WIDTH,
    Paragraph,
    Source,
    excerpt,
    fold,
    key,
    paragraph_problem,
    wrap,
)
from generator.importer.text_reader import read_text
from generator.model import Settings
from generator.workspace import Library

#: Field labels the councils use ("Ordförande: …" with the label in bold).
FIELD_LABELS = (
    "Ordförande",
    "Deltagare",
    "Adjungerande deltagare",
    "Mötesfrekvens",
    "Undergrupper",
)


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


@dataclass
class Report:
    """What an import found: the clauses recognised, the council's own text, what to check."""

    source: str
    clauses: list[str] = field(default_factory=list)
    overridden: list[str] = field(default_factory=list)
    own: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    date: dt.date | None = None
    dnr: str | None = None
    decided: dt.date | None = None

    def lines(self) -> list[str]:
        """The report in the user's language, one line each, for the command line."""
        out = wrap(
            ngettext(
                "{count} standard clause recognised: {ids}",
                "{count} standard clauses recognised: {ids}",
                len(self.clauses),
            ).format(count=len(self.clauses), ids=", ".join(self.clauses) or "–"),
            WIDTH,
            indent="    ",
        )
        for clause_id in self.overridden:
            out.append(
                _(
                    "  {id}: the document's own version (its link differs from the "
                    "library's) is kept under klausuler:"
                ).format(id=clause_id)
            )
        out.append(
            ngettext(
                "{count} text is the council's own:",
                "{count} texts are the council's own:",
                len(self.own),
            ).format(count=len(self.own))
        )
        out.extend(f"  – {excerpt(text, 90)}" for text in self.own)
        if self.notes:
            out.append(_("To check:"))
            out.extend(f"  ! {note}" for note in self.notes)
        stamp = []
        if self.date:
            stamp.append(f"--date {self.date.isoformat()}")
        if self.dnr:
            stamp.append(f'--dnr "{self.dnr}"')
        if self.decided:
            stamp.append(f"--decided {self.decided.isoformat()}")
        if stamp:
            out.append(
                _("The document's own date and number: {options}").format(options=" ".join(stamp))
            )
        return out


# ---------------------------------------------------------------------------------------------
# Source → council data
# ---------------------------------------------------------------------------------------------

_SECTION_SLUG = re.compile(r"[^a-z0-9åäö]+")


def _slug(title: str, taken: set[str]) -> str:
    base = _SECTION_SLUG.sub("-", title.lower()).strip("-")[:40].strip("-") or "avsnitt"
    if not re.match(r"[a-z0-9åäö]", base):
        base = "avsnitt-" + base
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@dataclass
class _Section:
    heading: Paragraph
    level: int
    content: list[Paragraph] = field(default_factory=list)
    children: list[_Section] = field(default_factory=list)


@dataclass
class _Converter:
    source: Source
    library: Library
    matcher: Matcher
    report: Report

    # -- paragraphs → blocks ----------------------------------------------------------------
    def own(self, text: str) -> str:
        self.report.own.append(text)
        return text

    def inline_value(self, text: str) -> Any:
        """A bullet or a list item: a clause, own text, or a ``stycke`` of both."""
        clause_id = self.matcher.whole(text)
        if clause_id:
            return self.matcher.use(clause_id)
        parts = self.parts(text)
        if len(parts) == 1 and isinstance(parts[0], str):
            return parts[0]
        return {"stycke": parts}

    def parts(self, text: str) -> list[Any]:
        out = []
        for part in self.matcher.parts(text):
            if isinstance(part, str):
                out.append(self.own(part))
            else:
                out.append(self.matcher.use(part["klausul"]))
        return out

    def field_of(self, p: Paragraph) -> tuple[str, str] | None:
        """``("Ordförande", "Utses av …")`` when the paragraph is a field, else None."""
        if "\n" in p.text.split(": ", 1)[0]:
            return None
        m = re.match(r"([^:\n]{1,40}?): (\S.*)\Z", p.text, re.DOTALL)
        if not m:
            return None
        label, rest = m.group(1).strip(), m.group(2).strip()
        if "\n" in rest:
            return None
        known = {x.casefold() for x in FIELD_LABELS}
        if label.casefold() in known or (p.label and fold(p.label) == fold(label)):
            return label, rest
        # A short label before a standard text: the library's way of writing a field.
        short = (
            len(label.split()) <= 3 and label[:1].isupper() and not re.search(r"[.,;()\d]", label)
        )
        if short:
            first = self.matcher.parts(rest)[0]
            if isinstance(first, dict):
                return label, rest
        return None

    def blocks(self, paragraphs: list[Paragraph]) -> list[Any]:
        out: list[Any] = []
        i = 0
        while i < len(paragraphs):
            p = paragraphs[i]
            found = self.matcher.multi(paragraphs, i)
            if found:
                out.append(self.matcher.use(found[0]))
                i += found[1]
                continue
            if p.kind == "bullet":
                items = [self.inline_value(p.text)]
                i += 1
                while (
                    i < len(paragraphs)
                    and paragraphs[i].kind == "bullet"
                    and not paragraphs[i].new_list
                ):
                    items.append(self.inline_value(paragraphs[i].text))
                    i += 1
                out.append({"punkter": items})
                continue
            out.append(self.paragraph(p))
            i += 1
        return out

    def paragraph(self, p: Paragraph) -> Any:
        clause_id = self.matcher.whole(p.text)
        if clause_id:
            return self.matcher.use(clause_id)
        if "\n" in p.text:
            return {"rader": [self.own(line) for line in p.text.split("\n")]}
        found = self.field_of(p)
        if found:
            label, rest = found
            clause_id = self.matcher.whole(rest)
            if clause_id:
                return {"fält": label, "text": [self.matcher.use(clause_id)]}
            parts = self.parts(rest)
            text: Any = parts[0] if len(parts) == 1 and isinstance(parts[0], str) else parts
            return {"fält": label, "text": text}
        parts = self.parts(p.text)
        if len(parts) == 1:
            clause_id = self.matcher.part_of(p.text)
            if clause_id:
                self.report.notes.append(
                    _(
                        "{file}: paragraph {number} is one paragraph of the clause {id}, but the "
                        "clause's other paragraphs do not follow it; it is kept as own text"
                    ).format(file=self.source.display, number=p.number, id=clause_id)
                )
            return parts[0]
        return {"stycke": parts}

    # -- sections -----------------------------------------------------------------------------
    def tree(self, body: list[Paragraph]) -> tuple[list[Paragraph], list[_Section]]:
        intro: list[Paragraph] = []
        roots: list[_Section] = []
        stack: list[_Section] = []
        for p in body:
            if p.kind == "heading":
                level = max(1, p.level)
                if not stack and level > 1:
                    self.report.notes.append(
                        _(
                            "{file}: paragraph {number}: the heading {title!r} stands at level "
                            "{level} without a section above it; it is imported as a section"
                        ).format(
                            file=self.source.display, number=p.number, title=p.text, level=level
                        )
                    )
                    level = 1
                while stack and stack[-1].level >= level:
                    stack.pop()
                if stack and level > stack[-1].level + 1:
                    level = stack[-1].level + 1
                p.level = level
                section = _Section(p, level)
                (stack[-1].children if stack else roots).append(section)
                stack.append(section)
            elif stack:
                stack[-1].content.append(p)
            else:
                intro.append(p)
        return intro, roots

    def sections(self, sections: list[_Section]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        by_title = {fold(t).casefold(): k for k, t in self.library.titles.items()}
        for section in sections:
            title = fold(section.heading.text)
            section_key = by_title.get(title.casefold())
            value: dict[str, Any] = {}
            if section_key is None or section_key in out:
                section_key = _slug(title, set(out) | set(self.library.titles))
                value["rubrik"] = title
            elif fold(self.library.titles[section_key]) != title:
                value["rubrik"] = title
            blocks = self.blocks(section.content)
            if blocks:
                value["innehåll"] = blocks
            if section.children:
                value["underavsnitt"] = self.sections(section.children)
            if set(value) <= {"innehåll"}:
                out[section_key] = value.get("innehåll", [])
            else:
                out[section_key] = value
        return out


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
    conv = _Converter(source, library, matcher, report)
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
