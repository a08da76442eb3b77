"""The register file's other tables: accounts, web sessions, log-in attempts, data history.

They live in the register's SQLite file because that is the workspace's one database, backed up
and moved with it, and because its write lock (``BEGIN IMMEDIATE``) already serialises every
process and thread that uses the workspace.  This class opens the file like the register does
(creating or migrating the schema) and lends its transactions to :mod:`generator.accounts` and
:mod:`generator.history`, which hold the rules.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

from generator.register.connection import Connection


class WorkspaceDB(Connection):
    """One connection to the workspace's database, for the tables that are not the diarium's."""

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, holding the database's write lock from its first statement."""
        with self._write() as conn:
            yield conn

    @contextlib.contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: a consistent snapshot."""
        with self._read() as conn:
            yield conn

    @property
    def actor(self) -> str:
        """The person recorded on what this connection changes."""
        return self._actor
