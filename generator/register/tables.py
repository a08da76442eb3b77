"""The register's tables, statuses and schema version: what a register file holds."""

from __future__ import annotations

from datetime import timedelta

STATUSES = ("pending", "utkast", "beslutad", "ersatt", "makulerad")
FILE_KINDS = ("utkast", "beslutad")
FILE_STATES = ("pending", "written")
#: The roles of the people using the web front end, each allowed what the one before may do.
ROLES = ("läsare", "sekreterare", "registrator", "förvaltare")


#: A pending row older than this is considered abandoned even if its pid seems alive (the pid may
#: have been reused, or the row comes from another host whose processes we cannot see).
STALE_AFTER = timedelta(hours=1)

BUSY_TIMEOUT_MS = 30_000

_SCHEMA = (
    """
    CREATE TABLE series (
        prefix      TEXT    NOT NULL,
        year        INTEGER NOT NULL,
        next_serial INTEGER NOT NULL CHECK (next_serial >= 1),
        PRIMARY KEY (prefix, year)
    )
    """,
    f"""
    CREATE TABLE issues (
        id               INTEGER PRIMARY KEY,
        dnr              TEXT    NOT NULL UNIQUE,
        prefix           TEXT    NOT NULL,
        year             INTEGER NOT NULL,
        serial           INTEGER NOT NULL CHECK (serial BETWEEN 1 AND 99999),
        council          TEXT    NOT NULL,
        subject          TEXT    NOT NULL,
        date             TEXT    NOT NULL,
        decided          TEXT,
        status           TEXT    NOT NULL CHECK (status IN {STATUSES!r}),
        external         INTEGER NOT NULL DEFAULT 0,
        supersedes       TEXT,
        supersede_reason TEXT,
        superseded_by    TEXT REFERENCES issues (dnr),
        reason           TEXT,
        batch            TEXT,
        created          TEXT    NOT NULL,
        UNIQUE (prefix, year, serial)
    )
    """,
    "CREATE INDEX issues_council ON issues (council)",
    "CREATE INDEX issues_batch ON issues (batch)",
    f"""
    CREATE TABLE files (
        id       INTEGER PRIMARY KEY,
        dnr      TEXT NOT NULL REFERENCES issues (dnr),
        kind     TEXT NOT NULL CHECK (kind IN {FILE_KINDS!r}),
        path     TEXT NOT NULL,
        path_key TEXT NOT NULL UNIQUE,
        sha256   TEXT,
        date     TEXT NOT NULL,
        decided  TEXT,
        state    TEXT NOT NULL CHECK (state IN {FILE_STATES!r}),
        pid      INTEGER,
        hostname TEXT,
        started  TEXT NOT NULL,
        written  TEXT,
        CHECK (state = 'pending' OR sha256 IS NOT NULL)
    )
    """,
    "CREATE INDEX files_dnr ON files (dnr)",
    """
    CREATE TABLE events (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        dnr       TEXT NOT NULL,
        timestamp TEXT NOT NULL,
        event     TEXT NOT NULL,
        detail    TEXT NOT NULL DEFAULT '{}',
        actor     TEXT NOT NULL
    )
    """,
    "CREATE INDEX events_dnr ON events (dnr)",
    """
    CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END
    """,
    """
    CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END
    """,
    """
    CREATE TRIGGER issues_no_delete BEFORE DELETE ON issues
    BEGIN SELECT RAISE(ABORT, 'diary numbers are never deleted'); END
    """,
    """
    CREATE TRIGGER issues_number_fixed BEFORE UPDATE OF dnr, prefix, year, serial ON issues
    BEGIN SELECT RAISE(ABORT, 'a diary number never changes'); END
    """,
    """
    CREATE TRIGGER written_files_kept BEFORE DELETE ON files WHEN OLD.state = 'written'
    BEGIN SELECT RAISE(ABORT, 'written files are never forgotten'); END
    """,
)

#: Version 4: the people who use the web front end, their sessions and log-in attempts, and the
#: history of every data file (councils, clause library, settings).  Accounts are disabled, never
#: deleted, so that every name in the record stays an account; versions are append-only.
ACCOUNTS_AND_HISTORY = (
    f"""
    CREATE TABLE users (
        id            INTEGER PRIMARY KEY,
        name          TEXT    NOT NULL UNIQUE COLLATE NOCASE,
        role          TEXT    NOT NULL CHECK (role IN {ROLES!r}),
        password_hash TEXT    NOT NULL,
        disabled      INTEGER NOT NULL DEFAULT 0,
        created       TEXT    NOT NULL,
        changed       TEXT    NOT NULL
    )
    """,
    """
    CREATE TRIGGER users_no_delete BEFORE DELETE ON users
    BEGIN SELECT RAISE(ABORT, 'accounts are disabled, never deleted'); END
    """,
    """
    CREATE TABLE account_events (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        timestamp TEXT NOT NULL,
        actor     TEXT NOT NULL,
        name      TEXT NOT NULL,
        event     TEXT NOT NULL,
        detail    TEXT NOT NULL DEFAULT '{}'
    )
    """,
    """
    CREATE TRIGGER account_events_no_update BEFORE UPDATE ON account_events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END
    """,
    """
    CREATE TRIGGER account_events_no_delete BEFORE DELETE ON account_events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END
    """,
    """
    CREATE TABLE login_attempts (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        name      TEXT    NOT NULL COLLATE NOCASE,
        address   TEXT,
        timestamp TEXT    NOT NULL,
        outcome   TEXT    NOT NULL
    )
    """,
    "CREATE INDEX login_attempts_name ON login_attempts (name, id)",
    "CREATE INDEX login_attempts_address ON login_attempts (address, timestamp)",
    """
    CREATE TABLE web_sessions (
        token_hash TEXT    PRIMARY KEY,
        user_id    INTEGER NOT NULL REFERENCES users (id),
        created    TEXT    NOT NULL,
        last_seen  TEXT    NOT NULL,
        address    TEXT
    )
    """,
    "CREATE INDEX web_sessions_user ON web_sessions (user_id)",
    """
    CREATE TABLE data_versions (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        path          TEXT    NOT NULL,
        sha256        TEXT    NOT NULL,
        content       BLOB    NOT NULL,
        author        TEXT    NOT NULL,
        timestamp     TEXT    NOT NULL,
        reason        TEXT    NOT NULL DEFAULT '',
        origin        TEXT    NOT NULL
                      CHECK (origin IN ('found', 'saved', 'hand_edit', 'restored')),
        restored_from INTEGER REFERENCES data_versions (id)
    )
    """,
    "CREATE INDEX data_versions_path ON data_versions (path, id)",
    """
    CREATE TRIGGER data_versions_no_update BEFORE UPDATE ON data_versions
    BEGIN SELECT RAISE(ABORT, 'versions are append-only'); END
    """,
    """
    CREATE TRIGGER data_versions_no_delete BEFORE DELETE ON data_versions
    BEGIN SELECT RAISE(ABORT, 'versions are append-only'); END
    """,
)


def _append_only(table: str, message: str) -> tuple[str, str]:
    """The two triggers that refuse to change or remove a row of ``table`` (``message``)."""
    return tuple(  # type: ignore[return-value]
        f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table}"
        f" BEGIN SELECT RAISE(ABORT, '{message}'); END"
        for verb in ("UPDATE", "DELETE")
    )


#: Changes to the schema after version 1, applied in order to registers of an older version, each
#: in the same write transaction as the version bump.  Append ``(version, statements)``; never
#: edit a migration that has shipped: 2 register integrity, 3 archive copies (PDF/A), 4 accounts
#: and data history, 5 import originals, 6 data files deleted on disk.
MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = (
    # 2 register integrity: file paths inside the workspace are recorded relative to it (the
    # connection rewrites old absolute ones on open, as only it knows the workspace); the
    # version tells an older uppdrag not to read them as absolute.  The table records it.
    (
        2,
        (
            "CREATE TABLE register_facts (fact TEXT PRIMARY KEY, value TEXT NOT NULL)",
            "INSERT INTO register_facts VALUES ('file paths', 'relative to the workspace')",
        ),
    ),
    (
        3,
        (
            # The PDF/A archive copy of an issued file: one per file, never changed or removed.
            """
            CREATE TABLE archive_copies (
                id            INTEGER PRIMARY KEY,
                dnr           TEXT    NOT NULL REFERENCES issues (dnr),
                source        TEXT    NOT NULL,
                source_key    TEXT    NOT NULL UNIQUE,
                source_sha256 TEXT    NOT NULL,
                path          TEXT    NOT NULL,
                path_key      TEXT    NOT NULL UNIQUE,
                sha256        TEXT    NOT NULL,
                pages         INTEGER NOT NULL CHECK (pages >= 1),
                made          TEXT    NOT NULL
            )
            """,
            "CREATE INDEX archive_copies_dnr ON archive_copies (dnr)",
            """
            CREATE TRIGGER archive_copies_fixed BEFORE UPDATE ON archive_copies
            BEGIN SELECT RAISE(ABORT, 'an archive copy is never changed'); END
            """,
            """
            CREATE TRIGGER archive_copies_kept BEFORE DELETE ON archive_copies
            BEGIN SELECT RAISE(ABORT, 'an archive copy is never forgotten'); END
            """,
        ),
    ),
    (4, ACCOUNTS_AND_HISTORY),
    (
        5,
        # An imported original that is not itself the file (a text export beside the
        # Word file it was proved to give): kept, with its checksum, and never forgotten.
        (
            """
            CREATE TABLE originals (
                id       INTEGER PRIMARY KEY,
                dnr      TEXT NOT NULL REFERENCES issues (dnr),
                path     TEXT NOT NULL,
                path_key TEXT NOT NULL UNIQUE,
                sha256   TEXT NOT NULL,
                recorded TEXT NOT NULL
            )
            """,
            "CREATE INDEX originals_dnr ON originals (dnr)",
            """
            CREATE TRIGGER originals_kept BEFORE DELETE ON originals
            BEGIN SELECT RAISE(ABORT, 'kept originals are never forgotten'); END
            """,
            """
            CREATE TRIGGER originals_fixed BEFORE UPDATE ON originals
            BEGIN SELECT RAISE(ABORT, 'a kept original never changes'); END
            """,
        ),
    ),
    (
        6,
        # A data file found missing on disk after its version ``last_version``: the deletion is
        # a step of the file's history (its content stays in that version, to restore), noticed
        # once per version, never changed or forgotten.  data_versions is not rebuilt for it.
        (
            """
            CREATE TABLE data_deletions (
                id           INTEGER PRIMARY KEY AUTOINCREMENT,
                path         TEXT    NOT NULL,
                last_version INTEGER NOT NULL UNIQUE REFERENCES data_versions (id),
                timestamp    TEXT    NOT NULL,
                noticed_by   TEXT    NOT NULL
            )
            """,
            "CREATE INDEX data_deletions_path ON data_deletions (path, id)",
            *_append_only("data_deletions", "deletions are append-only"),
        ),
    ),
)

#: The version this code writes; stored in ``PRAGMA user_version``.
SCHEMA_VERSION = max([1, *(version for version, _statements in MIGRATIONS)])
