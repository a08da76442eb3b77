"""What the command functions (issuing, decisions, register operations …) share with their
callers: how a command tells the user something on the way, and what it hands back.

The CLI passes ``click.echo`` as ``notify`` and prints each :class:`Written`; tests and the web
app call the same functions and read the same values, so nothing here knows about a terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

#: How a command tells the user something while it works (a note, a number settled).
Notify = Callable[[str], None]


def quiet(_message: str) -> None:
    """The default for ``notify``: tests and library callers need no chatter."""


@dataclass
class Written:
    """One file a command wrote, for the CLI to print."""

    council: str
    dnr: str | None
    path: Path
    supersedes: str | None = None
