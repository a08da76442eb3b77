"""The people who may use the web front end: accounts in the workspace's database.

Each account has a name (what the register records), one role and an Argon2id password hash.
Accounts are disabled, never deleted, so every name in the diarium stays someone's; disabling
ends the person's open sessions at once.  Every change is kept in ``account_events`` with who
made it.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from generator.accounts import clock, passwords
from generator.exceptions import UsageError
from generator.i18n import _
from generator.register.tables import ROLES
from generator.register.workspace_db import WorkspaceDB

#: Letters (any alphabet), digits, and . _ @ ' - and inner spaces: a person's name or a login.
_NAME = re.compile(r"[^\W_](?:[\w.@' -]{0,62}[\w.])?")


@dataclass(frozen=True)
class Account:
    """One person's account, without the password hash."""

    id: int
    name: str
    role: str
    disabled: bool
    created: str
    changed: str


def check_name(name: str) -> str:
    """The account name as stored, or a clear refusal."""
    cleaned = " ".join(name.split())
    if not _NAME.fullmatch(cleaned):
        raise UsageError(
            _(
                "“{name}” cannot be an account name: use 1–64 letters, digits, spaces "
                "and . _ @ ' -, beginning with a letter or digit."
            ).format(name=name)
        )
    return cleaned


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UsageError(
            _("Unknown role “{role}”; the roles are: {roles}.").format(
                role=role, roles=", ".join(ROLES)
            )
        )
    return role


def _account(row: sqlite3.Row) -> Account:
    return Account(
        id=row["id"],
        name=row["name"],
        role=row["role"],
        disabled=bool(row["disabled"]),
        created=row["created"],
        changed=row["changed"],
    )


def _event(db: WorkspaceDB, conn: sqlite3.Connection, name: str, event: str, **detail: Any) -> None:
    conn.execute(
        "INSERT INTO account_events (timestamp, actor, name, event, detail) VALUES (?, ?, ?, ?, ?)",
        (
            clock.stamp(clock.now()),
            db.actor,
            name,
            event,
            json.dumps(detail, ensure_ascii=False, sort_keys=True),
        ),
    )


def _require(conn: sqlite3.Connection, name: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM users WHERE name = ?", (" ".join(name.split()),)).fetchone()
    if row is None:
        raise UsageError(_("There is no account “{name}”.").format(name=name))
    return row


def add_user(db: WorkspaceDB, name: str, role: str, password: str) -> Account:
    """A new account; refused when the name is taken (in any case) or the password is weak."""
    name = check_name(name)
    check_role(role)
    hashed = passwords.hash_password(password)  # before the lock: hashing takes a while
    stamp = clock.stamp(clock.now())
    with db.write() as conn:
        if conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise UsageError(_("There is already an account “{name}”.").format(name=name))
        conn.execute(
            "INSERT INTO users (name, role, password_hash, created, changed)"
            " VALUES (?, ?, ?, ?, ?)",
            (name, role, hashed, stamp, stamp),
        )
        _event(db, conn, name, "added", role=role)
        return _account(_require(conn, name))


def list_users(db: WorkspaceDB) -> list[Account]:
    """Every account, enabled or not, by name."""
    with db.read() as conn:
        rows = conn.execute("SELECT * FROM users ORDER BY name").fetchall()
    return [_account(row) for row in rows]


def get_user(db: WorkspaceDB, name: str) -> Account | None:
    with db.read() as conn:
        row = conn.execute("SELECT * FROM users WHERE name = ?", (" ".join(name.split()),))
        found = row.fetchone()
    return None if found is None else _account(found)


def any_accounts(db: WorkspaceDB) -> bool:
    """Whether accounts are set up here (then the web front end asks everyone to log in)."""
    with db.read() as conn:
        return conn.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None


def password_hash(db: WorkspaceDB, name: str) -> tuple[Account, str] | None:
    """The account and its stored hash, for checking a log-in."""
    with db.read() as conn:
        row = conn.execute("SELECT * FROM users WHERE name = ?", (" ".join(name.split()),))
        found = row.fetchone()
    return None if found is None else (_account(found), found["password_hash"])


def disable_user(db: WorkspaceDB, name: str) -> Account:
    """Disable an account: no more log-ins, and its open sessions end at their next request."""
    with db.write() as conn:
        row = _require(conn, name)
        conn.execute(
            "UPDATE users SET disabled = 1, changed = ? WHERE id = ?",
            (clock.stamp(clock.now()), row["id"]),
        )
        ended = conn.execute("DELETE FROM web_sessions WHERE user_id = ?", (row["id"],)).rowcount
        _event(db, conn, row["name"], "disabled", sessions_ended=ended)
        return _account(_require(conn, name))


def enable_user(db: WorkspaceDB, name: str) -> Account:
    with db.write() as conn:
        row = _require(conn, name)
        conn.execute(
            "UPDATE users SET disabled = 0, changed = ? WHERE id = ?",
            (clock.stamp(clock.now()), row["id"]),
        )
        _event(db, conn, row["name"], "enabled")
        return _account(_require(conn, name))


def set_password(db: WorkspaceDB, name: str, password: str) -> Account:
    """A new password: the person's open sessions end and a log-in lock is lifted."""
    hashed = passwords.hash_password(password)
    with db.write() as conn:
        row = _require(conn, name)
        stamp = clock.stamp(clock.now())
        conn.execute(
            "UPDATE users SET password_hash = ?, changed = ? WHERE id = ?",
            (hashed, stamp, row["id"]),
        )
        ended = conn.execute("DELETE FROM web_sessions WHERE user_id = ?", (row["id"],)).rowcount
        conn.execute(
            "INSERT INTO login_attempts (name, address, timestamp, outcome)"
            " VALUES (?, NULL, ?, 'reset')",
            (row["name"], stamp),
        )
        _event(db, conn, row["name"], "password_set", sessions_ended=ended)
        return _account(_require(conn, name))


def set_role(db: WorkspaceDB, name: str, role: str) -> Account:
    check_role(role)
    with db.write() as conn:
        row = _require(conn, name)
        conn.execute(
            "UPDATE users SET role = ?, changed = ? WHERE id = ?",
            (role, clock.stamp(clock.now()), row["id"]),
        )
        _event(db, conn, row["name"], "role_set", role=role, previous=row["role"])
        return _account(_require(conn, name))


def account_events(db: WorkspaceDB) -> list[dict[str, Any]]:
    """Every change of an account, oldest first: who did what to whom."""
    with db.read() as conn:
        rows = conn.execute("SELECT * FROM account_events ORDER BY id").fetchall()
    return [{**dict(row), "detail": json.loads(row["detail"])} for row in rows]
