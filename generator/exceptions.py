"""The errors a user can cause, in one small hierarchy that the CLI turns into messages.

Every subclass of :class:`UppdragError` is a user-facing condition: the CLI prints its message
(already translated) without a traceback and exits with :attr:`exit_code`.  Anything else is an
internal error, reported with one short line and the path of a full report.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class UppdragError(Exception):
    """Base class: a problem the user can fix; ``str(err)`` is the message to show."""

    exit_code = 1


@dataclass
class Problem:
    """One problem in one place of a data file: what a secretary needs to find and fix it."""

    file: str
    line: int | None
    column: int | None
    field: str
    message: str

    def location(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def __str__(self) -> str:
        prefix = f"{self.location()}: "
        if self.field:
            prefix += f"{self.field}: "
        return prefix + self.message


@dataclass
class DataError(UppdragError):
    """The data files are wrong: every problem found, so that all can be fixed at once."""

    problems: list[Problem] = field(default_factory=list)
    exit_code = 2

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class UsageError(UppdragError):
    """An option or argument is malformed (a date, a diary number, a path)."""

    exit_code = 2


class TemplateError(UppdragError):
    """The Word template is broken or asks for something the data does not have."""

    exit_code = 2


class RegisterError(UppdragError):
    """The diary register refuses: a number given twice, an issued document overwritten, …"""

    exit_code = 3


class ConfirmationNeeded(RegisterError):
    """The register does this only when the user confirms (``--yes``), e.g. voiding a decided
    mandate."""


class IssueStopped(RegisterError):
    """A command that issues many documents stopped part-way: what was issued and what not.

    ``internal`` says the cause was a fault of the program, for which the CLI also writes a
    report.
    """

    def __init__(self, message: str, *, internal: bool = False) -> None:
        super().__init__(message)
        self.internal = internal


class ConversionError(UppdragError):
    """LibreOffice is missing or failed to convert a document."""

    exit_code = 4


class EditConflict(UppdragError):
    """A save on top of a newer version than the one the form was loaded from (another person,
    another tab, or a hand edit on disk): refused, nothing written, and both versions are kept
    here so that the person can merge them."""

    exit_code = 1

    def __init__(
        self, message: str, *, path: str, mine: str, theirs: str | None, current: object = None
    ) -> None:
        super().__init__(message)
        self.path = path
        self.mine = mine
        self.theirs = theirs
        self.current = current  # the history's Version of what is on disk now, if recorded


class TemplateChanged(UppdragError):
    """The template was replaced (by another person, or on disk) after the page that would
    replace or restore it was opened: refused, nothing replaced.  A Word file has no text to
    merge, so the message names who replaced it and when instead of showing both."""

    exit_code = 1
