"""Commands of the registrar: verify the issued files, and read and maintain the register."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from generator.cli.base import (
    Group,
    display,
    register_option,
    table,
    workspace,
    write_csv,
)
from generator.i18n import _


@click.command(help=_("Check every issued file against the SHA-256 recorded in the register."))
@register_option
def verify(register: Path | None) -> None:
    from generator import main as work

    results = work.verify(workspace(), register=register)
    bad = [r for r in results if r[2] != "ok"]
    labels = {"modified": _("MODIFIED"), "missing": _("MISSING")}
    for dnr, path, state in bad:
        click.secho(f"{labels[state]}  {dnr}  {display(Path(path))}", fg="red")
    if bad:
        click.echo(
            _("{bad} of {total} issued files differ from the register.").format(
                bad=len(bad), total=len(results)
            ),
            err=True,
        )
        sys.exit(1)
    from generator.i18n import ngettext

    click.echo(
        ngettext(
            "The issued file is as registered.",
            "All {total} issued files are as registered.",
            len(results),
        ).format(total=len(results))
    )


@click.group(cls=Group, help=_("Read and maintain the diary register (diarium)."))
def register() -> None:
    pass


@register.command("list", help=_("List the register's numbers."))
@click.option("--council", help=_("Only this council (its id, e.g. onkologi)."))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@register_option
def register_list(council: str | None, fmt: str, register: Path | None) -> None:
    from generator import main as work
    from generator.register import issues_as_dicts

    rows = issues_as_dicts(work.list_issues(workspace(), council=council, register=register))
    if fmt == "json":
        import json

        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        from generator.register import ISSUE_COLUMNS

        write_csv(rows, list(ISSUE_COLUMNS))
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


@register.command("show", help=_("The whole history of one diary number."))
@click.argument("dnr")
@register_option
def register_show(dnr: str, register: Path | None) -> None:
    from generator import main as work

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
    click.echo(_("History:"))
    for event in events:
        click.echo(f"  {event['timestamp']}  {_describe_event(event)}  ({event['actor']})")


def _describe_event(event: dict[str, Any]) -> str:
    """One line of a number's history, in the registrar's words (shared with the web)."""
    from generator.diarium import describe_event

    return describe_event(event, lambda path: display(path))


@register.command("void", help=_("Void (makulera) a number, with a reason. Nothing is deleted."))
@click.argument("dnr")
@click.option("--reason", required=True, help=_("Why the number is voided."))
@register_option
def register_void(dnr: str, reason: str, register: Path | None) -> None:
    from generator import main as work

    issue = work.void(workspace(), dnr, reason, register=register)
    click.echo(_("{dnr} is voided (makulerad): {reason}").format(dnr=issue.dnr, reason=reason))


@register.command(
    "set-next",
    help=_(
        'Set the next number of a series, e.g. "RS 2026-01234", to '
        "continue the official diarium's sequence."
    ),
)
@click.argument("dnr")
@register_option
def register_set_next(dnr: str, register: Path | None) -> None:
    from generator import main as work

    work.set_next(workspace(), dnr, register=register)
    click.echo(_("The next number will be {dnr}.").format(dnr=dnr))


@register.command(
    "export",
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
@register_option
def register_export(output: Path | None, register: Path | None) -> None:
    from generator import main as work

    rows = work.diarium_rows(workspace(), register=register)
    from generator.register import DIARIUM_COLUMNS

    write_csv(rows, list(DIARIUM_COLUMNS), output)
