"""Imported originals that are not themselves the issue's file, kept with their checksums.

An earlier issue imported from a Word document is that document: it is the issue's file in
``files``.  An earlier issue imported from a text export has two files: the Word file rendered
from the imported data (proved to give the same text; a re-issue compares with it) and the text
export itself, which is what was actually received.  The text is recorded here (table
``originals``, migration 5), so that it is covered by ``uppdrag verify``, shown by
``uppdrag register show`` and can never be recorded twice or forgotten.
"""

from __future__ import annotations

import builtins
import os
from collections.abc import Callable
from dataclasses import dataclass

from generator.exceptions import RegisterError
from generator.i18n import _
from generator.register.connection import Connection
from generator.register.records import _normalise_dnr, _now, sha256_file


@dataclass(frozen=True)
class KeptOriginal:
    """An imported original kept beside the file of the issue it was recorded as."""

    dnr: str
    path: str
    sha256: str
    recorded: str


class OriginalsMixin(Connection):
    """Recording, listing and checking the kept originals."""

    def record_original(self, dnr: str, path: str | os.PathLike[str], sha256: str) -> KeptOriginal:
        """Record the original of ``dnr`` kept at ``path`` (already written) with its checksum.

        A path already recorded, as an original or as an issued file, is refused: what the
        register vouches for is never replaced by something else under the same name.
        """
        number = _normalise_dnr(dnr)
        full = os.path.abspath(os.fspath(path))
        key = self._key(full)
        recorded = _now()
        with self._write():
            self._require(number)
            taken = self._conn.execute(
                "SELECT dnr FROM originals WHERE path_key = ?"
                " UNION ALL SELECT dnr FROM files WHERE path_key = ?",
                (key, key),
            ).fetchone()
            if taken is not None:
                raise RegisterError(
                    _(
                        "The file {path} is already recorded in the register for {dnr}; it is "
                        "never overwritten."
                    ).format(path=full, dnr=taken["dnr"])
                )
            self._conn.execute(
                "INSERT INTO originals (dnr, path, path_key, sha256, recorded)"
                " VALUES (?, ?, ?, ?, ?)",
                (number, self._stored(full), key, sha256, recorded),
            )
            self._event(number, "original_kept", path=full, sha256=sha256)
        return KeptOriginal(number, full, sha256, recorded)

    def originals(self, dnr: str | None = None) -> builtins.list[KeptOriginal]:
        """The kept originals of ``dnr``, or all of them, in the order they were recorded."""
        with self._read():
            if dnr is None:
                rows = self._conn.execute("SELECT * FROM originals ORDER BY id").fetchall()
            else:
                rows = self._conn.execute(
                    "SELECT * FROM originals WHERE dnr = ? ORDER BY id", (_normalise_dnr(dnr),)
                ).fetchall()
        return [
            KeptOriginal(r["dnr"], self._absolute(r["path"]), r["sha256"], r["recorded"])
            for r in rows
        ]

    def verify_originals(
        self,
        sha256_of: Callable[[str], str] = sha256_file,
        exists: Callable[[str], bool] = os.path.isfile,
    ) -> builtins.list[tuple[str, str, str]]:
        """Every kept original against its checksum: "ok", "modified" or "missing"."""
        results: builtins.list[tuple[str, str, str]] = []
        for kept in self.originals():
            state = "missing"
            if exists(kept.path):
                try:
                    state = "ok" if sha256_of(kept.path) == kept.sha256 else "modified"
                except FileNotFoundError:
                    state = "missing"
            results.append((kept.dnr, kept.path, state))
        return results
