"""Who is acting: the person whose name goes on every register event and every saved version.

The diarium is a legal record, so each change carries the name of the person who made it.  On
the command line that is the OS user who runs ``uppdrag``; in the web front end it is the person
logged in, set for the length of one request with :func:`acting_as`.  A context variable, not a
parameter threaded through every plain function: the functions that open the register
themselves (``issuing.render``, ``decisions.decide`` …) record the right name without knowing
about the web.
"""

from __future__ import annotations

import contextlib
import getpass
from collections.abc import Iterator
from contextvars import ContextVar, Token

_person: ContextVar[str | None] = ContextVar("uppdrag_acting_person", default=None)


def os_user() -> str:
    """The name of the OS user running this process (the CLI's person)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # pragma: no cover - no user name in some containers
        return "?"


def person() -> str:
    """The person acting now: the one set by :func:`acting_as`, else the OS user."""
    return _person.get() or os_user()


def named() -> str | None:
    """The person set by :func:`acting_as` or :func:`begin`, if any (None on the CLI)."""
    return _person.get()


def begin(name: str) -> Token[str | None]:
    """Act as ``name`` until :func:`end` is given the token (for request hooks)."""
    return _person.set(name)


def end(token: Token[str | None]) -> None:
    _person.reset(token)


@contextlib.contextmanager
def acting_as(name: str) -> Iterator[None]:
    """Record ``name`` on everything done inside the block (and in threads started with its
    context copied, see :func:`contextvars.copy_context`)."""
    token = begin(name)
    try:
        yield
    finally:
        end(token)
