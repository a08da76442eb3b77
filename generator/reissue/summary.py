"""The dry run's report, council by council."""

from __future__ import annotations

from generator.i18n import _
from generator.reissue.planning import CouncilPlan


def describe(plans: list[CouncilPlan], color: bool = False) -> str:
    """The dry run's report: each council's changes, then the councils not affected."""
    from generator.diff.terminal import format_text

    out: list[str] = []
    unaffected = []
    for p in plans:
        cid = p.mandate.council_id
        if p.done is not None:
            out.append(
                _("{council}: already re-issued in this batch as {dnr}").format(
                    council=cid, dnr=p.done.dnr
                )
            )
        elif p.previous is None:
            out.append(_("{council}: no earlier issue; gets its first").format(council=cid))
        elif p.missing_previous_file:
            out.append(
                _(
                    "{council}: the file of {dnr} is missing; cannot compare (run uppdrag verify)"
                ).format(council=cid, dnr=p.previous.dnr)
            )
        elif p.comparison is not None and p.comparison.changed:
            out.append(_("{council}: changes since {dnr}").format(council=cid, dnr=p.previous.dnr))
            out.append(format_text(p.comparison, color=color))
        else:
            unaffected.append(cid)
    if unaffected:
        out.append(
            _("Not affected (text unchanged): {councils}").format(councils=", ".join(unaffected))
        )
    return "\n".join(out)
