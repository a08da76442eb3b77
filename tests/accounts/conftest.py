"""Fixtures of the accounts tests (see tests/accounts_support.py)."""

import shutil
from pathlib import Path

import pytest

from generator.workspace import Workspace
from tests.accounts_support import PASSWORD, cheap_hashing, db, fixed_clock  # noqa: F401

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    """A workspace with the repository's data files (no template, no register yet)."""
    root = tmp_path / "arbetsyta"
    shutil.copytree(REPO / "data", root / "data")
    return Workspace(root)
