"""The document model: what a mandate says, independent of Word.

The clause library and a council file merge into a :class:`Mandate`; rendering turns it into a
Word document, and re-issue compares two of them.  The body is flat (headings, paragraphs, list
items, fields) because that is how a Word document is laid out, and a flat list is what the
template loops over and what a paragraph-level diff compares.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ItemKind = Literal["heading", "paragraph", "bullet", "field"]


@dataclass(frozen=True)
class Item:
    """One paragraph of the body.

    ``text`` may hold line breaks (``\\n``) and links written ``[text](https://…)``;
    ``label`` is the bold lead of a field (``Ordförande``); ``level`` the heading level;
    ``list_index`` numbers the bullet lists of a document so that each list restarts its numbering.
    """

    kind: ItemKind
    text: str
    label: str = ""
    level: int = 0
    list_index: int = -1

    def plain(self) -> str:
        """The paragraph as a reader sees it, for diffs and reports."""
        return f"{self.label}: {self.text}" if self.kind == "field" else self.text


@dataclass(frozen=True)
class Settings:
    """The organisation's settings, from ``data/installningar.yaml``."""

    organisation: str
    series: str
    title: str
    document_type: str
    signatory_name: str
    signatory_title: str
    date_style: str = "iso"


@dataclass
class Mandate:
    """A council's mandate with every clause resolved: the text of the document, without its date
    and number."""

    council_id: str
    name: str
    responsibility: str
    issuer: str
    recipient: str
    body: list[Item]
    distribution: list[str]
    source: str
    clauses_used: set[str] = field(default_factory=set)

    def paragraphs(self) -> list[str]:
        """Every paragraph's text in order, head included: what a re-issue compares."""
        head = [
            self.name,
            f"Ansvarsområde: {self.responsibility}",
            f"Uppdragsgivare: {self.issuer}",
            f"Uppdragstagare: {self.recipient}",
        ]
        return head + [item.plain() for item in self.body] + list(self.distribution)
