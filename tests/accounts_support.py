"""Shared by the tests of accounts: a cheap Argon2 (the parameters travel in each hash, so the
code under test is the same), a clock that tests move, and a workspace database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from generator.accounts import WorkspaceDB, clock, passwords

PASSWORD = "rätt-hästbatteri-1"


class Clock:
    """A clock that stands still until a test moves it."""

    def __init__(self) -> None:
        self.moment = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **kwargs: float) -> None:
        self.moment += timedelta(**kwargs)


@pytest.fixture
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )
    monkeypatch.setattr(passwords, "_dummy", None)


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    moving = Clock()
    monkeypatch.setattr(clock, "now", moving)
    return moving


@pytest.fixture
def db(tmp_path: Path, cheap_hashing: None) -> Iterator[WorkspaceDB]:
    with WorkspaceDB(tmp_path / "diarium.sqlite", actor="admin") as database:
        yield database
