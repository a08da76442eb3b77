"""Log-in attempts: every one recorded, repeated failures slowed down and then locked.

After :data:`FREE_FAILURES` failures in a row for a name, each further try must wait twice as
long as the one before (1 s, 2 s, 4 s … at most :data:`MAX_WAIT`) after the last failure; after
:data:`LOCK_AFTER` failures within :data:`WINDOW` the name is locked for :data:`LOCK_FOR`, or
until a förvaltare sets a new password.  The server never sleeps on a request (that would tie up
its threads); it refuses the early try, without checking the password, and says how long to
wait.  An attempt is recorded as ``checking`` before its password is verified, so that many
tries sent at once count at once.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from generator.accounts import clock

FREE_FAILURES = 3
LOCK_AFTER = 10
LOCK_FOR = timedelta(minutes=15)
MAX_WAIT = timedelta(minutes=1)
#: Failures older than this are forgotten.
WINDOW = timedelta(hours=1)

#: Outcomes that count as a failed try.
FAILURES = ("checking", "wrong", "disabled")
#: Outcomes after which counting starts afresh: a good log-in, a new password, a lock that ran out.
FRESH_START = ("ok", "reset", "unlocked")


@dataclass(frozen=True)
class Throttle:
    """Whether a name may try now: ``wait`` zero, or how long until it may; ``locked`` after
    :data:`LOCK_AFTER` failures."""

    failures: int
    wait: timedelta
    locked: bool


def state(conn: sqlite3.Connection, name: str, now: datetime) -> Throttle:
    """The throttle of ``name`` at ``now``, from its failures since its last fresh start (call
    inside a write transaction: a lock that ran out is recorded as ``unlocked``)."""
    since = clock.stamp(now - WINDOW)
    last_good = conn.execute(
        "SELECT COALESCE(MAX(id), 0) FROM login_attempts"
        " WHERE name = ? AND outcome IN ('ok', 'reset', 'unlocked')",
        (name,),
    ).fetchone()[0]
    placeholders = ", ".join("?" for _ in FAILURES)
    count, last = conn.execute(
        "SELECT COUNT(*), MAX(timestamp) FROM login_attempts"
        f" WHERE name = ? AND id > ? AND timestamp >= ? AND outcome IN ({placeholders})",
        (name, last_good, since, *FAILURES),
    ).fetchone()
    if not count:
        return Throttle(0, timedelta(0), False)
    last_failure = clock.parse(last)
    if count >= LOCK_AFTER:
        if now < last_failure + LOCK_FOR:
            return Throttle(count, last_failure + LOCK_FOR - now, True)
        record(conn, name, None, "unlocked", now)  # the lock ran out: count afresh
        return Throttle(0, timedelta(0), False)
    if count < FREE_FAILURES:
        return Throttle(count, timedelta(0), False)
    delay = min(timedelta(seconds=2 ** (count - FREE_FAILURES)), MAX_WAIT)
    return Throttle(count, max(last_failure + delay - now, timedelta(0)), False)


#: Failures from one address within :data:`WINDOW`, over all names, after which that address
#: waits :data:`MAX_WAIT` after each further failure (guessing one password for many names).
ADDRESS_LIMIT = 30


def address_wait(conn: sqlite3.Connection, address: str | None, now: datetime) -> timedelta:
    """How long an address that failed too often, for any names, must wait now."""
    if not address:
        return timedelta(0)
    placeholders = ", ".join("?" for _ in FAILURES)
    count, last = conn.execute(
        "SELECT COUNT(*), MAX(timestamp) FROM login_attempts"
        f" WHERE address = ? AND timestamp >= ? AND outcome IN ({placeholders})",
        (address, clock.stamp(now - WINDOW), *FAILURES),
    ).fetchone()
    if count < ADDRESS_LIMIT:
        return timedelta(0)
    return max(clock.parse(last) + MAX_WAIT - now, timedelta(0))


def begin(conn: sqlite3.Connection, name: str, address: str | None, now: datetime) -> int:
    """Record an attempt as ``checking`` (a failure until it is known to be good); its id."""
    cursor = conn.execute(
        "INSERT INTO login_attempts (name, address, timestamp, outcome)"
        " VALUES (?, ?, ?, 'checking')",
        (name, address, clock.stamp(now)),
    )
    return int(cursor.lastrowid or 0)


def record(
    conn: sqlite3.Connection, name: str, address: str | None, outcome: str, now: datetime
) -> None:
    """Record an attempt that was refused before its password was checked."""
    conn.execute(
        "INSERT INTO login_attempts (name, address, timestamp, outcome) VALUES (?, ?, ?, ?)",
        (name, address, clock.stamp(now), outcome),
    )


def finish(conn: sqlite3.Connection, attempt: int, outcome: str) -> None:
    conn.execute("UPDATE login_attempts SET outcome = ? WHERE id = ?", (outcome, attempt))


def attempts(conn: sqlite3.Connection, name: str | None = None) -> list[dict[str, str]]:
    """The recorded attempts (of one name), oldest first: name, address, timestamp, outcome."""
    query = "SELECT name, address, timestamp, outcome FROM login_attempts"
    rows = (
        conn.execute(query + " ORDER BY id")
        if name is None
        else conn.execute(query + " WHERE name = ? ORDER BY id", (name,))
    )
    return [dict(row) for row in rows]
