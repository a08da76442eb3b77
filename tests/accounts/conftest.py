"""Fixtures of the accounts tests (see tests/accounts_support.py)."""

from tests.accounts_support import PASSWORD, cheap_hashing, db, fixed_clock  # noqa: F401
