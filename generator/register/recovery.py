"""Settling numbers whose process died, and checking issued files against their checksums."""

from __future__ import annotations

import builtins
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from generator.i18n import _
from generator.register.lifecycle import LifecycleMixin
from generator.register.records import (
    sha256_file,
)
from generator.register.tables import (
    STALE_AFTER,
)
from generator.writer import foreign


class RecoveryMixin(LifecycleMixin):
    """Nothing stays pending for ever; nothing changes unnoticed."""

    def recover(
        self,
        within: str | os.PathLike[str] | None = None,
        *,
        stale_after: timedelta = STALE_AFTER,
    ) -> builtins.list[tuple[str, str]]:
        """Settle pending files whose process is gone, so that no number stays in limbo.

        A file is completed ("completed") only when recovery can prove this program wrote it: the
        SHA-256 recorded with the pending row before the file was linked into place matches, and
        it is a regular file with no symbolic link from ``within`` (the output folder) down to it.
        Nothing there → the number is voided ("voided"), or, for a decided version of a draft, the
        pending decided file is dropped and the number stays a draft ("dropped").  Something else
        there (a planted link, a hand-made file, another register's document) → the same, with a
        reason naming the file, which is left as it is ("foreign").  Files of processes still
        running are left alone.
        """
        results: builtins.list[tuple[str, str]] = []
        now = datetime.now(UTC)
        base = Path(within) if within is not None else None
        with self._write():
            rows = self._conn.execute(
                "SELECT files.*, issues.status AS issue_status FROM files JOIN issues USING (dnr)"
                " WHERE files.state = 'pending' ORDER BY files.id"
            ).fetchall()
            for row in rows:
                if not self._abandoned(row, now, stale_after):
                    continue
                dnr, path = row["dnr"], self._absolute(row["path"])
                why = self._why_not_ours(Path(path), row["sha256"], base)
                if why is None:
                    self._complete_row(dnr, path, row["sha256"], recovered=True)
                    results.append((dnr, "completed"))
                    continue
                if why:
                    reason = _(
                        "interrupted; the file found at {path} was not written by uppdrag for "
                        "this number ({why}) and was left as it is"
                    ).format(path=path, why=why)
                else:
                    reason = _("interrupted before the file was written")
                if row["kind"] == "beslutad" and row["issue_status"] != "pending":
                    self._drop_pending_files(dnr, why="interrupted", reason=reason if why else None)
                    results.append((dnr, "foreign" if why else "dropped"))
                else:
                    self._void(dnr, reason)
                    results.append((dnr, "foreign" if why else "voided"))
        return results

    @staticmethod
    def _why_not_ours(path: Path, expected: str | None, within: Path | None) -> str | None:
        """``None``: the file is this program's; ``""``: nothing is there; else why it is not."""
        if not os.path.lexists(path):
            return ""
        why = foreign(path, within)
        if why is not None:
            return why
        if expected is None:
            return _("no checksum was recorded before it was written")
        try:
            actual = sha256_file(path)
        except OSError as err:
            return str(err)
        if actual != expected:
            return _("its content is not the document written for this number")
        return None

    def verify(
        self,
        sha256_of: Callable[[str], str] = sha256_file,
        exists: Callable[[str], bool] = os.path.isfile,
    ) -> builtins.list[tuple[str, str, str]]:
        """Check every written file and archive copy against its recorded checksum: "ok",
        "modified" or "missing"."""
        with self._read():
            rows = self._conn.execute(
                "SELECT files.* FROM files JOIN issues USING (dnr)"
                " WHERE files.state = 'written'"
                " ORDER BY issues.prefix, issues.year, issues.serial, files.id"
            ).fetchall()
            # The PDF/A archive copies, each after the numbers' files (see register.archive).
            copies = self._conn.execute(
                "SELECT archive_copies.dnr, archive_copies.path, archive_copies.sha256"
                " FROM archive_copies JOIN issues USING (dnr)"
                " ORDER BY issues.prefix, issues.year, issues.serial, archive_copies.id"
            ).fetchall()
        for row in rows:
            self._file(row)  # a damaged value is reported as such
        checked = [(r["dnr"], r["path"], r["sha256"]) for r in [*rows, *copies]]
        results: builtins.list[tuple[str, str, str]] = []
        for dnr, stored, sha256 in checked:
            path = self._absolute(stored)
            if os.path.islink(path):
                state = "modified"  # a link put in the document's place is not the document
            elif not exists(path):
                state = "missing"
            else:
                try:
                    state = "ok" if sha256_of(path) == sha256 else "modified"
                except FileNotFoundError:
                    state = "missing"
            results.append((dnr, path, state))
        # And the imported originals kept beside an issue's file (OriginalsMixin, in Register).
        results.extend(self.verify_originals(sha256_of, exists))  # type: ignore[attr-defined]
        return results

    def recorded_paths(self) -> builtins.list[str]:
        """Every file path the register knows, written or pending."""
        with self._read():
            rows = self._conn.execute(
                "SELECT path FROM files UNION ALL SELECT path FROM archive_copies"
                " UNION ALL SELECT path FROM originals"
            ).fetchall()
        return [self._absolute(row[0]) for row in rows]
