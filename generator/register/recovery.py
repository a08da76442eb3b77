"""Settling numbers whose process died, and checking issued files against their checksums."""

from __future__ import annotations

import builtins
import os
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from generator.i18n import _
from generator.register.lifecycle import LifecycleMixin
from generator.register.records import (
    pid_alive,
    sha256_file,
)
from generator.register.tables import (
    STALE_AFTER,
)


class RecoveryMixin(LifecycleMixin):
    """Nothing stays pending for ever; nothing changes unnoticed."""

    def _abandoned(self, row: sqlite3.Row, now: datetime, stale_after: timedelta) -> bool:
        try:
            started = datetime.fromisoformat(row["started"])
        except ValueError:
            return True
        if now - started > stale_after:
            return True
        return row["hostname"] == self._host and not pid_alive(row["pid"])

    def recover(
        self,
        exists: Callable[[str], bool] = os.path.exists,
        sha256_of: Callable[[str], str] = sha256_file,
        *,
        stale_after: timedelta = STALE_AFTER,
    ) -> builtins.list[tuple[str, str]]:
        """Settle pending files whose process is gone, so that no number stays in limbo.

        The file is there → it was renamed into place and only the bookkeeping was lost: complete
        it ("completed").  It is not there → the number is voided with a reason ("voided"), or, for
        a decided version of a draft, the pending decided file is dropped and the number stays a
        draft ("dropped").  Files of processes still running are left alone.
        """
        results: builtins.list[tuple[str, str]] = []
        now = datetime.now(UTC)
        with self._write():
            rows = self._conn.execute(
                "SELECT files.*, issues.status AS issue_status FROM files JOIN issues USING (dnr)"
                " WHERE files.state = 'pending' ORDER BY files.id"
            ).fetchall()
            for row in rows:
                if not self._abandoned(row, now, stale_after):
                    continue
                dnr, path = row["dnr"], row["path"]
                if exists(path):
                    self._complete_row(dnr, path, sha256_of(path), recovered=True)
                    results.append((dnr, "completed"))
                elif row["kind"] == "beslutad" and row["issue_status"] != "pending":
                    self._drop_pending_files(dnr, why="interrupted")
                    results.append((dnr, "dropped"))
                else:
                    self._void(dnr, _("interrupted before the file was written"))
                    results.append((dnr, "voided"))
        return results

    def verify(
        self,
        sha256_of: Callable[[str], str] = sha256_file,
        exists: Callable[[str], bool] = os.path.isfile,
    ) -> builtins.list[tuple[str, str, str]]:
        """Check every written file against its recorded checksum: "ok", "modified" or "missing"."""
        with self._read():
            rows = self._conn.execute(
                "SELECT files.dnr, files.path, files.sha256 FROM files JOIN issues USING (dnr)"
                " WHERE files.state = 'written'"
                " ORDER BY issues.prefix, issues.year, issues.serial, files.id"
            ).fetchall()
        results: builtins.list[tuple[str, str, str]] = []
        for row in rows:
            path = row["path"]
            if not exists(path):
                state = "missing"
            else:
                try:
                    state = "ok" if sha256_of(path) == row["sha256"] else "modified"
                except FileNotFoundError:
                    state = "missing"
            results.append((row["dnr"], path, state))
        # And the imported originals kept beside an issue's file (OriginalsMixin, in Register).
        results.extend(self.verify_originals(sha256_of, exists))  # type: ignore[attr-defined]
        return results
