"""Diary numbers (diarienummer): parse the sloppy forms people type, print the one standard form.

A diary number such as ``RS 2024-00784`` is a series prefix (``RS`` = regionstyrelsen), the year and
a five-digit serial.  It is a legal identifier, so the register and the documents must always carry
the standard form; but secretaries copy numbers from e-mails and Word files, where they arrive with
en dashes, non-breaking spaces, lower-case prefixes or without the zero padding.
:meth:`DiaryNumber.parse` accepts exactly those harmless variants and refuses everything that could
be a different number.

References in running text may also carry a document suffix (``RS 2019-03137-40``, document 40 of
case 3137); an *issued* number never does, so ``parse`` refuses the suffix while
:func:`normalise_references` keeps it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.exceptions import UsageError
from generator.i18n import _

#: The form every message shows as the example of a correct number.
EXAMPLE = "RS 2024-00784"

# Characters that Word, Outlook and web pages put where a hyphen was meant.
_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d"
# Invisible characters that survive copy and paste and mean nothing in a number.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_LETTERS = "A-Za-zÅÄÖåäö"

_PREFIX_RE = re.compile(r"[A-ZÅÄÖ]{1,6}")
_PARSE_RE = re.compile(rf"([{_LETTERS}]{{1,6}})\s*(\d{{4}})\s*[{_DASHES}]\s*(\d+)")
_SUFFIXED_RE = re.compile(
    rf"([{_LETTERS}]{{1,6}})\s*(\d{{4}})\s*[{_DASHES}]\s*(\d+)\s*[{_DASHES}]\s*\d+"
)

# In running text only an upper-case prefix counts (``maj 2024-05`` is a date, not a number), the
# year must look like a year, and the parts are separated by horizontal space only.  The document
# suffix must follow without spaces so that "RS 2024-00784 – 5 möten" keeps its meaning.
_SPACE = r"[^\S\r\n]"
_REFERENCE_RE = re.compile(
    rf"(?<!\w)([A-ZÅÄÖ]{{1,6}}){_SPACE}*((?:19|20)\d\d){_SPACE}*[{_DASHES}]{_SPACE}*(\d{{1,5}})"
    rf"(?:[{_DASHES}](\d{{1,4}}))?(?![\w{_DASHES}])"
)


@dataclass(frozen=True, order=True)
class DiaryNumber:
    """One diary number; ordering follows the register (prefix, then year, then serial)."""

    prefix: str
    year: int
    serial: int

    def __post_init__(self) -> None:
        # Validate here too, so that no code path can build a number the register would refuse.
        if not isinstance(self.prefix, str) or not _PREFIX_RE.fullmatch(self.prefix):
            raise UsageError(
                _(
                    "Invalid diary number prefix “{prefix}”: expected 1–6 capital letters, "
                    "as in {example}."
                ).format(prefix=self.prefix, example=EXAMPLE)
            )
        if not 1000 <= self.year <= 9999:
            raise UsageError(
                _(
                    "Invalid diary number year {year}: expected four digits, as in {example}."
                ).format(year=self.year, example=EXAMPLE)
            )
        if not 1 <= self.serial <= 99999:
            raise UsageError(
                _(
                    "Invalid diary number serial {serial}: expected 1 to 99999, as in {example}."
                ).format(serial=self.serial, example=EXAMPLE)
            )

    def __str__(self) -> str:
        return f"{self.prefix} {self.year}-{self.serial:05d}"

    @property
    def slug(self) -> str:
        """The number without its space, for file names (``RS_2024-00784``)."""
        return f"{self.prefix}_{self.year}-{self.serial:05d}"

    @classmethod
    def parse(cls, text: str) -> DiaryNumber:
        """Read a number typed or pasted by a person; refuse what is not clearly one number.

        Accepted variants: any dash, any (also non-breaking) spacing around the parts, a lower-case
        prefix and a serial without zero padding.  Refused: a document suffix, a serial outside
        1..99999 or anything else, with a message naming the text and the expected form.
        """
        given = text if isinstance(text, str) else str(text)
        cleaned = given.translate(_INVISIBLE).strip()
        if not cleaned:
            raise UsageError(
                _("A diary number is required: expected the form {example}.").format(
                    example=EXAMPLE
                )
            )
        match = _PARSE_RE.fullmatch(cleaned)
        if match is None:
            if _SUFFIXED_RE.fullmatch(cleaned):
                raise UsageError(
                    _(
                        "“{text}” carries a document suffix; an issued diary number has none. "
                        "Expected the form {example}."
                    ).format(text=given, example=EXAMPLE)
                )
            raise UsageError(
                _("“{text}” is not a diary number: expected the form {example}.").format(
                    text=given, example=EXAMPLE
                )
            )
        prefix, year, serial = match.groups()
        if len(serial) > 5 or not 1 <= int(serial) <= 99999:
            raise UsageError(
                _(
                    "“{text}” is not a diary number: the serial must be 1 to 99999. "
                    "Expected the form {example}."
                ).format(text=given, example=EXAMPLE)
            )
        return cls(prefix.upper(), int(year), int(serial))


def _looks_like_date_or_range(year: str, serial: str, suffix: str | None) -> bool:
    """Tell apart text that only resembles a reference: ``SKR 2024-05-21``, ``RUP 2024–2030``."""
    if suffix is not None and len(serial) == 2 and len(suffix) == 2:
        if 1 <= int(serial) <= 12 and 1 <= int(suffix) <= 31:
            return True
    if suffix is None and len(serial) == 4 and serial[0] != "0":
        return serial[:2] in ("19", "20") and int(serial) >= int(year)
    return False


def normalise_references(text: str) -> list[tuple[str, str]]:
    """List the diary-number references in ``text`` that are not in the standard form.

    Returns ``(as_written, normalised)`` for every such occurrence, in order, so that ``uppdrag
    check`` can warn and show the fix.  A document suffix is kept (``RS 2019-3137-40`` →
    ``RS 2019-03137-40``).  Text that is only shaped like a reference (a date, a year range) and
    serials outside 1..99999 are not reported: there is no standard form to propose for them.
    """
    found: list[tuple[str, str]] = []
    for match in _REFERENCE_RE.finditer(text):
        prefix, year, serial, suffix = match.groups()
        if _looks_like_date_or_range(year, serial, suffix):
            continue
        if int(serial) == 0:
            continue
        normalised = str(DiaryNumber(prefix, int(year), int(serial)))
        if suffix is not None:
            normalised += f"-{suffix}"
        written = match.group(0)
        if written != normalised:
            found.append((written, normalised))
    return found
