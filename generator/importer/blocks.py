"""A document's paragraphs as the data format's blocks and sections: clause references where the
library's text is recognised (:class:`~.matcher.Matcher`), the council's own text elsewhere.

This is the part of :func:`~.convert.to_council` that walks the document; it is kept apart so
that the conversion's outline (head block, settings, round trip) reads on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from generator.i18n import _
from generator.importer.matcher import Matcher
from generator.importer.report import Report
from generator.importer.source import Paragraph, Source, fold
from generator.workspace import Library

#: Field labels the councils use ("Ordförande: …" with the label in bold).
FIELD_LABELS = (
    "Ordförande",
    "Deltagare",
    "Adjungerande deltagare",
    "Mötesfrekvens",
    "Undergrupper",
)

_SECTION_SLUG = re.compile(r"[^a-z0-9åäö]+")


def _slug(title: str, taken: set[str]) -> str:
    """A section key for a heading the library does not know, unlike any key ``taken``."""
    base = _SECTION_SLUG.sub("-", title.lower()).strip("-")[:40].strip("-") or "avsnitt"
    if not re.match(r"[a-z0-9åäö]", base):
        base = "avsnitt-" + base
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@dataclass
class Section:
    """A heading with the paragraphs under it and its subsections, as the document nests them."""

    heading: Paragraph
    level: int
    content: list[Paragraph] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)


@dataclass
class Converter:
    """One document's paragraphs into the data format's blocks and sections, noting in the
    report what is the council's own text and what a secretary should check."""

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
    def tree(self, body: list[Paragraph]) -> tuple[list[Paragraph], list[Section]]:
        intro: list[Paragraph] = []
        roots: list[Section] = []
        stack: list[Section] = []
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
                section = Section(p, level)
                (stack[-1].children if stack else roots).append(section)
                stack.append(section)
            elif stack:
                stack[-1].content.append(p)
            else:
                intro.append(p)
        return intro, roots

    def sections(self, sections: list[Section]) -> dict[str, Any]:
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
