"""The document as the readers give it: typed paragraphs with their roles, and the head block.

Both readers (:mod:`.docx_reader`, :mod:`.text_reader`) produce the same :class:`Source`, so that
everything after reading (:mod:`.roles`, :mod:`.convert`) does not know where a text came from.
The text helpers here are the ones they share: how texts are cleaned, compared and quoted.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from generator import inline
from generator.exceptions import Problem
from generator.i18n import _

ParagraphKind = Literal["heading", "bullet", "plain"]
Where = Literal["body", "table", "textbox", "header"]
Role = Literal[
    "head",
    "body",
    "decision",
    "signature",
    "distribution-title",
    "distribution",
    "header",
    "ignored",
]


@dataclass
class Paragraph:
    """One paragraph as the reader sees it.

    ``text`` keeps line breaks as ``\\n`` and links as ``[text](url)``; ``pieces`` are its lines and
    table-like tab stops, which is how a head block in a header or table is laid out.  ``label``
    is a bold lead (``Ordförande:``) when the document marks one; ``number`` the paragraph's place
    in the document (1-based) and ``line`` its line in a text file, for messages.
    """

    kind: ParagraphKind
    text: str
    level: int = 0
    number: int = 0
    line: int | None = None
    new_list: bool = False
    label: str = ""
    bold: bool = False
    style: str = ""
    where: Where = "body"
    pieces: tuple[str, ...] = ()
    role: Role = "body"
    list_id: str = ""


@dataclass
class Source:
    """A mandate document: its paragraphs (each with its role) and the head-block values found.

    ``decided`` is None both for the placeholder and when the line is missing; ``decision_found``
    tells them apart.  ``problems`` are content that could not be placed (raised by
    :func:`to_council` together with everything else), ``notes`` what a secretary should know.
    """

    path: Path
    display: str
    paragraphs: list[Paragraph]
    title: str | None = None
    date: dt.date | None = None
    dnr: str | None = None
    decided: dt.date | None = None
    decision_found: bool = False
    supersedes: str | None = None
    organisation: str | None = None
    council: str | None = None
    responsibility: str | None = None
    issuer: str | None = None
    recipient: str | None = None
    signature: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def body(self) -> list[Paragraph]:
        return [p for p in self.paragraphs if p.role == "body"]

    @property
    def distribution(self) -> list[str]:
        """The "Uppdraget skickas till" items."""
        return [p.text for p in self.paragraphs if p.role == "distribution"]

    def problem(self, paragraph: Paragraph | None, message: str) -> None:
        self.problems.append(paragraph_problem(self.display, paragraph, message))


def paragraph_problem(display: str, paragraph: Paragraph | None, message: str) -> Problem:
    """A problem at ``paragraph`` (the whole file when None): its number and its first words."""
    if paragraph is None:
        return Problem(display, None, None, "", message)
    if paragraph.where == "header":
        where = _("page header, paragraph {number}").format(number=paragraph.number)
    else:
        where = _("paragraph {number}").format(number=paragraph.number)
    return Problem(
        display,
        paragraph.line,
        None,
        where,
        f"{message} ({excerpt(paragraph.text, 50)!r})" if paragraph.text else message,
    )


def excerpt(text: str, width: int = 60) -> str:
    """The text on one line, cut at ``width`` with an ellipsis: to quote it in a message."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"


# ---------------------------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------------------------

#: The width of a council file written by the import, and of the import report's lines.
WIDTH = 100

_WS = re.compile(r"\s+")
_HSPACE_RUN = re.compile(r"[ \t\r\f\v]+")


def fold(text: str) -> str:
    """Whitespace runs become one space: Word and text exports space text differently."""
    return _WS.sub(" ", text).strip()


def key(text: str) -> str:
    """The comparison form of a text: each line folded, line breaks kept (they are visible)."""
    return "\n".join(fold(line) for line in text.strip().split("\n"))


def plain_key(text: str) -> str:
    """:func:`key` with links reduced to their text: a clause whose link address differs."""
    return key(inline.plain(text))


def _clean_line(line: str) -> str:
    return _HSPACE_RUN.sub(" ", line).strip()


def clean(text: str) -> str:
    """Tabs become spaces, runs of spaces one space, line ends trimmed, empty ends dropped."""
    lines = [_clean_line(line.replace("\t", " ")) for line in text.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def pieces_of(raw: str) -> tuple[str, ...]:
    """The cleaned lines and tab-separated cells of a paragraph: :attr:`Paragraph.pieces`."""
    return tuple(p for p in (_clean_line(x) for x in re.split(r"[\n\t]", raw)) if p)


def wrap(text: str, width: int, indent: str = "") -> list[str]:
    """Lines of at most ``width``, broken between words only (never inside one or at a hyphen)."""
    return textwrap.wrap(
        text, width=width, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
    )
