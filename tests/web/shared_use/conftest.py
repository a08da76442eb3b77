"""Fixtures of the accounts tests (see tests/accounts_support.py)."""

from pathlib import Path

import pytest

from generator.accounts import add_user, open_db
from tests.accounts_support import PASSWORD, cheap_hashing, db, fixed_clock  # noqa: F401


@pytest.fixture
def people(web_workspace: Path, request: pytest.FixtureRequest) -> Path:
    """The workspace's register with a läsare, a sekreterare and two förvaltare (the files that
    need other people define their own)."""
    request.getfixturevalue("cheap_hashing")
    register = web_workspace / "output" / "diarium.sqlite"
    with open_db(register, actor="admin") as database:
        for name, role in (
            ("Anna Berg", "sekreterare"),
            ("Lars", "läsare"),
            ("Frida", "förvaltare"),
            ("Greta", "förvaltare"),
        ):
            add_user(database, name, role, PASSWORD)
    return register
