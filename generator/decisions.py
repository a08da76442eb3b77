"""Deciding an issued draft: ``uppdrag decide`` fills in the decision date.

A draft is issued with a placeholder for the decision date; once the decision is taken, the
decided version is written as a new file of the same number, beside the draft, which stays as it
was issued.  Only a draft whose file is still what the register recorded is decided: the decided
version is made from its bytes, not rendered again from data that may have changed since.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from generator import dates
from generator.command import Notify, Written, quiet
from generator.exceptions import RegisterError, UsageError
from generator.i18n import _
from generator.lint import sound_template
from generator.register_access import opened_number
from generator.render import fill_decision_date
from generator.workspace import Workspace
from generator.writer import within_output, write_new


def decide(
    workspace: Workspace,
    dnr: str,
    decided: dt.date,
    *,
    register: Path | None = None,
    notify: Notify = quiet,
) -> Written:
    """``uppdrag decide``: the decided version of an issued draft, as a new file of the same number.

    The draft stays as it was issued; the decided version is recorded beside it.
    """
    settings = workspace.load_settings()
    sound_template(workspace.template_path)  # the one template check, as render and reissue
    with opened_number(workspace, dnr, register, notify) as (reg, issue):
        if issue.status != "utkast":
            raise RegisterError(
                _("{dnr} has status {status}; only a draft (utkast) can be decided").format(
                    dnr=issue.dnr, status=issue.status
                )
            )
        draft = next(f for f in issue.files if f.kind == "utkast" and f.state == "written")
        if decided < dt.date.fromisoformat(issue.date):
            raise UsageError(
                _("--date {decided} is before the document date {date}").format(
                    decided=dates.iso(decided), date=issue.date
                )
            )
        try:
            blob = Path(draft.path).read_bytes()
        except FileNotFoundError:
            raise RegisterError(
                _("the draft {path} of {dnr} is missing; run uppdrag verify").format(
                    path=draft.path, dnr=issue.dnr
                )
            ) from None
        if hashlib.sha256(blob).hexdigest() != draft.sha256:
            raise RegisterError(
                _(
                    "the draft {path} of {dnr} was changed after it was issued; run uppdrag verify"
                ).format(path=draft.path, dnr=issue.dnr)
            )
        data = fill_decision_date(blob, dates.styled(decided, settings.date_style))
        if data is None:
            raise RegisterError(
                _("the draft {path} has no place for the decision date").format(path=draft.path)
            )
        path = Path(draft.path).with_name(Path(draft.path).stem + "_beslutad.docx")
        sha256 = hashlib.sha256(data).hexdigest()
        reg.add_decided(issue.dnr, dates.iso(decided), str(path), sha256)
        # If writing fails the decided file stays pending; the next command drops it (recover).
        write_new(path, data, within=within_output(path, workspace.output_dir))
        reg.complete_decided(issue.dnr, str(path), sha256)
        return Written(issue.council, issue.dnr, path)
