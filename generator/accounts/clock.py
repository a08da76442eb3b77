"""The time for accounts and sessions, in one place so that tests can move it forward."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    """The current time in UTC, to the second (as stored)."""
    return datetime.now(UTC).replace(microsecond=0)


def stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text)
