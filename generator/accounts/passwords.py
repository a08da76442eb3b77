"""Passwords, hashed with Argon2id (argon2-cffi, RFC 9106 parameters): never stored, never logged.

Argon2id is memory-hard, so a stolen database costs an attacker memory as well as time for every
guess.  The parameters travel inside each hash, so a stronger default later still verifies old
hashes, and :func:`needs_rehash` says when to store a fresh one at the next log-in.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from generator.exceptions import UsageError
from generator.i18n import _

#: The hasher in use; tests replace it by a cheap one (the parameters are inside each hash).
HASHER = PasswordHasher()

MIN_LENGTH = 10
MAX_LENGTH = 1024  # a megabyte "password" would only cost the server time

_dummy: str | None = None


def check_strength(password: str) -> None:
    """Refuse a password too short to survive guessing, or absurdly long."""
    if len(password) < MIN_LENGTH:
        raise UsageError(
            _("The password must be at least {count} characters long.").format(count=MIN_LENGTH)
        )
    if len(password) > MAX_LENGTH:
        raise UsageError(
            _("The password must be at most {count} characters long.").format(count=MAX_LENGTH)
        )
    if password.strip() != password or not password.strip():
        raise UsageError(_("The password must not begin or end with a space."))


def hash_password(password: str) -> str:
    """The Argon2id hash to store for ``password`` (after :func:`check_strength`)."""
    check_strength(password)
    return HASHER.hash(password)


def verify(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches the stored hash.

    Without a stored hash (no such user) a dummy hash is verified all the same, so that the
    answer takes as long and does not tell whether the name exists.
    """
    global _dummy
    if len(password) > MAX_LENGTH:
        return False
    if stored is None:
        if _dummy is None:
            _dummy = HASHER.hash("uppdrag: no such user")
        stored, password = _dummy, password + "\0"
    try:
        return HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    try:
        return HASHER.check_needs_rehash(stored)
    except InvalidHashError:
        return True
