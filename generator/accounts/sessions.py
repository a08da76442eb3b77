"""Log-in and web sessions, kept on the server: the browser holds only a random token.

Only the SHA-256 of a token is stored, so a copy of the database opens no session.  Every
log-in makes a new token (an id planted in a browser before log-in is never adopted), a session
ends after :data:`IDLE` without a request or :data:`LONGEST` in all, and a session of a disabled
account stops at its next request.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from generator.accounts import clock, passwords, throttle
from generator.accounts.users import Account, _account, password_hash
from generator.register.workspace_db import WorkspaceDB

IDLE = timedelta(minutes=30)
LONGEST = timedelta(hours=12)
#: last_seen is written at most this often (a write per request would queue on the lock).
TOUCH_EVERY = timedelta(seconds=30)


@dataclass(frozen=True)
class LogIn:
    """What a log-in attempt gave: the account and its new session token, or why not."""

    outcome: str  # ok, wrong, disabled, throttled, locked
    account: Account | None = None
    token: str | None = None
    wait: timedelta = timedelta(0)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def log_in(
    db: WorkspaceDB,
    name: str,
    password: str,
    address: str | None = None,
) -> LogIn:
    """Check a name and password; on success a new session.  Every attempt is recorded."""
    name = " ".join(name.split())[:64]
    now = clock.now()
    with db.write() as conn:
        state = throttle.state(conn, name, now)
        wait = max(state.wait, throttle.address_wait(conn, address, now))
        if wait > timedelta(0):
            outcome = "locked" if state.locked else "throttled"
            throttle.record(conn, name, address, outcome, now)
            return LogIn(outcome, wait=wait)
        attempt = throttle.begin(conn, name, address, now)
    found = password_hash(db, name)
    good = passwords.verify(found[1] if found else None, password)  # as slow when unknown
    account = found[0] if found else None
    if not good or account is None:
        outcome = "wrong"
    elif account.disabled:
        outcome = "disabled"
    else:
        outcome = "ok"
    token = None
    with db.write() as conn:
        throttle.finish(conn, attempt, outcome)
        if outcome == "ok" and account is not None:
            token = secrets.token_urlsafe(32)
            conn.execute(
                "INSERT INTO web_sessions (token_hash, user_id, created, last_seen, address)"
                " VALUES (?, ?, ?, ?, ?)",
                (_digest(token), account.id, clock.stamp(now), clock.stamp(now), address),
            )
            if found and passwords.needs_rehash(found[1]):
                conn.execute(
                    "UPDATE users SET password_hash = ? WHERE id = ?",
                    (passwords.HASHER.hash(password), account.id),
                )
    return LogIn(outcome, account if outcome == "ok" else None, token)


def session_account(db: WorkspaceDB, token: str | None, idle: timedelta = IDLE) -> Account | None:
    """The account of a session token, or None when it is unknown, expired or disabled."""
    if not token or len(token) > 128:
        return None
    digest = _digest(token)
    now = clock.now()
    with db.read() as conn:
        row = conn.execute(
            "SELECT web_sessions.created AS s_created, web_sessions.last_seen, users.*"
            " FROM web_sessions JOIN users ON users.id = web_sessions.user_id"
            " WHERE token_hash = ?",
            (digest,),
        ).fetchone()
    if row is None:
        return None
    last_seen = clock.parse(row["last_seen"])
    expired = now - last_seen > idle or now - clock.parse(row["s_created"]) > LONGEST
    if expired or row["disabled"]:
        with db.write() as conn:
            conn.execute("DELETE FROM web_sessions WHERE token_hash = ?", (digest,))
        return None
    if now - last_seen >= TOUCH_EVERY:
        with db.write() as conn:
            conn.execute(
                "UPDATE web_sessions SET last_seen = ? WHERE token_hash = ?",
                (clock.stamp(now), digest),
            )
    return _account(row)


def log_out(db: WorkspaceDB, token: str | None) -> None:
    """End the session of ``token`` (nothing happens for an unknown one)."""
    if token:
        with db.write() as conn:
            conn.execute("DELETE FROM web_sessions WHERE token_hash = ?", (_digest(token),))


def sweep(db: WorkspaceDB, idle: timedelta = IDLE) -> int:
    """Remove expired sessions; how many."""
    now = clock.now()
    with db.write() as conn:
        return conn.execute(
            "DELETE FROM web_sessions WHERE last_seen < ? OR created < ?",
            (clock.stamp(now - idle), clock.stamp(now - LONGEST)),
        ).rowcount
