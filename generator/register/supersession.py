"""Superseding, as the law of the document has it: a mandate stays in force until its
replacement is decided.

A re-issue writes a draft (``utkast``) that names the number it replaces; the old number keeps its
status (``beslutad`` stays in force) until the replacement is decided, and only then becomes
``ersatt``, together with any undecided drafts in between.  Voiding the replacement undoes what
its decision did: the numbers it had superseded get back their former status, with an event.
"""

from __future__ import annotations

from generator.register.connection import Connection

#: The statuses of a number that is in force or may come into force.
LIVE = ("utkast", "beslutad")


class SupersessionMixin(Connection):
    """Which number replaces which, and when."""

    def _replacement_issued(self, old: str, new: str, reason: str | None) -> None:
        """The draft that will replace ``old`` is written: recorded, nothing changes yet."""
        row = self._conn.execute("SELECT status FROM issues WHERE dnr = ?", (old,)).fetchone()
        if row is None:
            self._event(old, "superseded", by=new, reason=reason, in_register=False)
            return
        self._event(old, "replacement_issued", by=new, reason=reason)

    def _supersede(self, old: str, new: str, reason: str | None) -> None:
        """``new`` is decided: ``old`` and the undecided drafts it replaced become ``ersatt``."""
        via: str | None = None
        current: str | None = old
        seen: set[str] = set()
        while current is not None and current not in seen:
            seen.add(current)
            row = self._conn.execute(
                "SELECT status, supersedes FROM issues WHERE dnr = ?", (current,)
            ).fetchone()
            if row is None:
                if via is None:
                    self._event(current, "superseded", by=new, reason=reason, in_register=False)
                return
            if row["status"] not in LIVE:
                if via is None:  # voided or superseded meanwhile: leave it, but say so
                    self._event(new, "supersede_skipped", supersedes=current, status=row["status"])
                return
            self._conn.execute(
                "UPDATE issues SET status = 'ersatt', superseded_by = ?, reason = ? WHERE dnr = ?",
                (new, reason, current),
            )
            detail = {"via": via} if via else {}
            self._event(
                current,
                "superseded",
                by=new,
                reason=reason,
                previous_status=row["status"],
                **detail,
            )
            if row["status"] == "beslutad":
                return  # what was in force ends here; older numbers were replaced before
            via, current = current, row["supersedes"]

    def _undo_supersession(self, voided: str) -> None:
        """``voided`` is voided: what it superseded gets back its former status."""
        for row in self._conn.execute(
            "SELECT dnr, decided FROM issues WHERE superseded_by = ? AND status = 'ersatt'",
            (voided,),
        ).fetchall():
            status = "beslutad" if row["decided"] else "utkast"
            self._conn.execute(
                "UPDATE issues SET status = ?, superseded_by = NULL, reason = NULL WHERE dnr = ?",
                (status, row["dnr"]),
            )
            self._event(row["dnr"], "supersession_undone", by=voided, status=status)
