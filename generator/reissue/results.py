"""What a re-issue did: one row per council, and the batch's result."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.batch import Spool
from generator.pdf import Archived
from generator.reissue.planning import CouncilPlan


@dataclass
class Outcome:
    """One row of the summary: council, old number → new number, paragraphs changed."""

    council: str
    old: str | None
    new: str | None
    path: Path | None
    review: Path | None
    paragraphs_changed: int | None
    note: str = ""
    issued: bool = False  # issued by this run (not skipped, not done by an earlier run)


@dataclass
class Result:
    plans: Spool[CouncilPlan]
    outcomes: list[Outcome] = field(default_factory=list)
    dry_run: bool = False
    archive: Archived | None = None  # the PDF stage, with --pdf
