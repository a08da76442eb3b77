"""Commands of the registrar: verify the issued files, and read and maintain the register."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from generator.cli.base import Group, display, read_only, table, workspace, write_csv
from generator.cli.options import register_option, separator_option
from generator.i18n import _


@read_only
@click.command(
    short_help=_("Check that every issued file is as registered."),
    help=_(
        "Check every issued file against the SHA-256 recorded in the register, and every file "
        "of the output folder against the register."
    ),
)
@register_option
def verify(register: Path | None) -> None:
    from generator import register_operations as work
    from generator.i18n import ngettext

    found = work.verify(workspace(), register=register, notify=_note)
    if found is None:
        click.echo(_("No number has been issued yet; there is nothing to verify."))
        return
    labels = {"modified": _("MODIFIED"), "missing": _("MISSING")}
    unknown, pending_label = _("UNKNOWN"), _("PENDING")
    for dnr, path, state in found.bad:
        click.secho(f"{labels[state]}  {dnr}  {display(Path(path))}", fg="red")
    for path in found.unknown:
        # The link itself, not where it points: that is what lies in the folder.
        click.secho(f"{unknown}  {Path(display(path.parent)) / path.name}", fg="red")
    for pending in found.pending:
        click.secho(f"{pending_label}  {pending.dnr}  {display(Path(pending.path))}", fg="yellow")
    if found.pending:
        click.echo(
            ngettext(
                "{count} number is being written by a command that is still running.",
                "{count} numbers are being written by commands that are still running.",
                len(found.pending),
            ).format(count=len(found.pending)),
            err=True,
        )
    if found.unknown:
        click.echo(
            ngettext(
                "{count} file in the output folder is not in the register.",
                "{count} files in the output folder are not in the register.",
                len(found.unknown),
            ).format(count=len(found.unknown)),
            err=True,
        )
    if found.bad:
        click.echo(
            _("{bad} of {total} issued files differ from the register.").format(
                bad=len(found.bad), total=len(found.files)
            ),
            err=True,
        )
    if found.bad or found.unknown:
        sys.exit(1)
    click.echo(
        ngettext(
            "The issued file is as registered.",
            "All {total} issued files are as registered.",
            len(found.files),
        ).format(total=len(found.files))
    )


def _note(message: str) -> None:
    click.echo(message, err=True)


@click.group(
    cls=Group,
    short_help=_("Read and maintain the diary register (diarium)."),
    help=_("Read and maintain the diary register (diarium)."),
)
def register() -> None:
    pass


@read_only
@register.command(
    "list", short_help=_("List the register's numbers."), help=_("List the register's numbers.")
)
@click.option(
    "--council", metavar=_("COUNCIL"), help=_("Only this council (its id, e.g. onkologi).")
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["tabell", "json", "csv"]),
    default="tabell",
    show_default=True,
    help=_("A table to read, JSON, or CSV for a spreadsheet."),
)
@separator_option
@register_option
def register_list(council: str | None, fmt: str, separator: str, register: Path | None) -> None:
    from generator import register_operations as work
    from generator.register import issues_as_dicts

    issues = work.list_issues(workspace(), council=council, register=register, notify=_note)
    rows = issues_as_dicts(issues)
    if fmt == "json":
        import json

        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        from generator.register import ISSUE_CSV_HEADERS, issues_as_csv_rows

        write_csv(issues_as_csv_rows(issues), list(ISSUE_CSV_HEADERS.values()), None, separator)
    elif not rows:
        click.echo(_("No number has been issued yet; the register is empty."))
    else:
        columns = [
            ("dnr", _("Number")),
            ("council", _("Council")),
            ("date", _("Date")),
            ("decided", _("Decided")),
            ("status", _("Status")),
            ("supersedes", _("Supersedes")),
        ]
        table([{k: (r[k] or "") for k, _h in columns} for r in rows], columns)


@read_only
@register.command(
    "show",
    short_help=_("The whole history of one diary number."),
    help=_("The whole history of one diary number."),
)
@click.argument("dnr", metavar="DNR")
@register_option
def register_show(dnr: str, register: Path | None) -> None:
    from generator import register_operations as work

    issue, events = work.show(workspace(), dnr, register=register)
    click.echo(f"{issue.dnr}  {issue.subject}")
    click.echo(_("Status: {status}").format(status=issue.status))
    if issue.supersedes:
        click.echo(_("Supersedes: {dnr}").format(dnr=issue.supersedes))
    if issue.superseded_by:
        click.echo(_("Superseded by: {dnr}").format(dnr=issue.superseded_by))
    if issue.reason:
        click.echo(_("Reason: {reason}").format(reason=issue.reason))
    for f in issue.files:
        click.echo(f"  {f.kind:9} {display(Path(f.path))}  {f.sha256 or ''}")
    label = _("original")  # a text export kept beside the file it was imported as
    for kept in work.kept_originals(workspace(), issue.dnr, register=register):
        click.echo(f"  {label:9} {display(Path(kept.path))}  {kept.sha256}")
    click.echo(_("History:"))
    for event in events:
        when = _local_time(event["timestamp"])
        click.echo(f"  {when}  {_describe_event(event)}  ({_person(event['actor'])})")


def _local_time(timestamp: str) -> str:
    """An event's time (stored in UTC) as the registrar reads a clock: Swedish time, minutes."""
    from generator.dates import local_time

    return local_time(timestamp)


def _person(actor: str) -> str:
    """Who did it: the user's name, without the host and process number the log keeps."""
    return actor.split("@", 1)[0] or actor


def _describe_event(event: dict[str, Any]) -> str:
    """One line of a number's history, in the registrar's words (shared with the web)."""
    from generator.diarium import describe_event

    return describe_event(event, lambda path: display(path))


@register.command(
    "void",
    short_help=_("Void (makulera) a number, with a reason."),
    help=_("Void (makulera) a number, with a reason. Nothing is deleted."),
)
@click.argument("dnr", metavar="DNR")
@click.option("--reason", required=True, metavar=_("REASON"), help=_("Why the number is voided."))
@click.option("--yes", is_flag=True, help=_("Confirm voiding a decided mandate."))
@register_option
def register_void(dnr: str, reason: str, yes: bool, register: Path | None) -> None:
    from generator import register_operations as work
    from generator.exceptions import ConfirmationNeeded

    try:
        issue = work.void(workspace(), dnr, reason, register=register, decided_ok=yes, notify=_note)
    except ConfirmationNeeded as question:
        if yes or not sys.stdin.isatty():
            raise
        prompt = _("Void it now?")
        click.confirm(f"{question} {prompt}", abort=True, err=True)
        issue = work.void(
            workspace(), dnr, reason, register=register, decided_ok=True, notify=_note
        )
    click.echo(_("{dnr} is voided (makulerad): {reason}").format(dnr=issue.dnr, reason=reason))


@register.command(
    "backup",
    short_help=_("Make a consistent copy of the register."),
    help=_(
        "A consistent copy of the register, made while others may use it; restore by copying "
        "it back. By default beside the register, named by the time."
    ),
)
@click.argument(
    "target", required=False, metavar=_("[FILE]"), type=click.Path(dir_okay=False, path_type=Path)
)
@register_option
def register_backup(target: Path | None, register: Path | None) -> None:
    from generator import register_operations as work

    written = work.backup(workspace(), target, register=register)
    click.echo(_("Backup written: {path}").format(path=display(written)))


@register.command(
    "set-next",
    short_help=_("Set the next number of a series."),
    help=_(
        'Set the next number of a series, e.g. "RS 2026-01234", to '
        "continue the official diarium's sequence."
    ),
)
@click.argument("dnr", metavar="DNR")
@register_option
def register_set_next(dnr: str, register: Path | None) -> None:
    from generator import register_operations as work

    work.set_next(workspace(), dnr, register=register)
    click.echo(_("The next number will be {dnr}.").format(dnr=dnr))


@read_only
@register.command(
    "export",
    short_help=_("CSV for import into the official diarium."),
    help=_(
        "CSV for import into the official diarium: number, date, "
        "subject line, document type, sender, recipient."
    ),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help=_("Write to this file instead of the screen."),
)
@separator_option
@register_option
def register_export(output: Path | None, separator: str, register: Path | None) -> None:
    from generator.diarium import diarium_rows

    rows = diarium_rows(workspace(), register=register, notify=_note)
    from generator.register import DIARIUM_COLUMNS

    write_csv(rows, list(DIARIUM_COLUMNS), output, separator)
