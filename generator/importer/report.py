"""What the import of one document found, for the person importing it to read and check.

Kept apart from the conversion (:mod:`.convert`, :mod:`.blocks`) because it is the conversion's
answer to the user, not part of it: the clauses recognised, the council's own text, what to
check, and the document's own date and number to give the command that issues it again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from generator.i18n import _, ngettext
from generator.importer.source import WIDTH, excerpt, wrap


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
