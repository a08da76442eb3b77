"""Re-issue mandates after a policy change: one new, numbered document per council, each naming
the number it replaces, with the changes shown.

The batch is all or nothing up to the point of issuing: every council is validated, rendered and
compared with its latest issue before a single number is allocated.  The numbers of the whole
batch are reserved in one register transaction and each tagged with a batch key (reason + the
council's merged text, see :func:`batch_key`), so a batch that is killed part-way is completed by
running the same command again: councils already re-issued with the same text are skipped,
pending numbers are completed or voided by recovery.

A big batch runs in three steps, each council by council in ``--jobs`` processes
(:mod:`generator.batch`): read and check the council files; render each council (with a
placeholder number) and compare it with the file of its previous issue; and, once the numbers
are reserved, render the numbered documents and their review copies.  This process alone talks
to the register and writes the files, in a few threads.
"""

from generator.reissue.planning import PARALLEL_THRESHOLD, CouncilPlan, batch_key, plan
from generator.reissue.results import Outcome, Result
from generator.reissue.run import reissue
from generator.reissue.summary import describe

__all__ = [
    "PARALLEL_THRESHOLD",
    "CouncilPlan",
    "Outcome",
    "Result",
    "batch_key",
    "describe",
    "plan",
    "reissue",
]
