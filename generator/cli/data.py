"""Commands about the data: check it, import an existing mandate, start a new council."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.cli.base import (
    display,
    echo_error,
    register_option,
    workspace,
)
from generator.i18n import _


@click.command(
    short_help=_("Check the data and the template without rendering anything."),
    help=_(
        "Check the data and the template without rendering anything: every council, "
        "or the council files or ids given."
    ),
)
@click.argument("paths", nargs=-1, metavar=_("[FILES]..."))
@click.option(
    "--a11y",
    "a11y_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar=_("FILE.docx"),
    help=_("Also check a rendered document's accessibility."),
)
def check(paths: tuple[str, ...], a11y_files: tuple[Path, ...]) -> None:
    from generator.check import check as run_check

    findings = run_check(workspace(), list(paths))
    for problem in findings.errors:
        echo_error(str(problem))
    for problem in findings.warnings:
        click.secho(_("Warning: {message}").format(message=problem), fg="yellow", err=True)
    failed = not findings.ok
    for path in a11y_files:
        failed = _check_a11y(path) or failed
    if failed:
        sys.exit(2)
    click.echo(
        _("OK: {count} files checked, {warnings} warning(s).").format(
            count=len(findings.checked), warnings=len(findings.warnings)
        )
    )


def _check_a11y(path: Path) -> bool:
    """Print the accessibility findings of one document; True when there are any."""
    from generator.a11y import check_docx

    findings = check_docx(path)
    for finding in findings:
        click.secho(f"{path}: {finding.where}: {finding.message}", fg="red", err=True)
    if not findings:
        click.echo(
            _("{path}: accessible (headings, lists, language, title, links)").format(path=path)
        )
    return bool(findings)


@click.command(
    "import",
    short_help=_("Import an existing mandate into a council file."),
    help=_(
        "Import an existing mandate (.docx, or a text export) into a council "
        "file, with the standard clauses recognised, and record it in the "
        "register as the council's earlier issue."
    ),
)
@click.argument(
    "file", metavar=_("FILE"), type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help=_(
        "Council file to write (default: data/councils/<id>.yaml, the id taken from "
        "the council's name)."
    ),
)
@register_option
def import_(file: Path, output: Path | None, register: Path | None) -> None:
    from generator import main as work

    imported = work.import_mandate(
        workspace(), file, output=output, register=register, notify=click.echo
    )
    for line in imported.report.lines():  # type: ignore[attr-defined]
        click.echo(line)
    click.echo(_("Written: {path}").format(path=display(imported.council_file)))
    if imported.earlier is not None:
        click.echo(
            _("Registered as the earlier issue {dnr}: {path}").format(
                dnr=imported.earlier.dnr, path=display(imported.earlier.path)
            )
        )


@click.command(
    "new",
    short_help=_("Start a council file with the standard clauses."),
    help=_(
        "Start a council file with the standard clauses; what only the council "
        "can say is marked ATT FYLLA I."
    ),
)
@click.argument("council_id", metavar=_("COUNCIL_ID"))
@click.option(
    "--name",
    required=True,
    metavar=_("NAME"),
    help=_('The council\'s name, e.g. "Samordningsråd kirurgi".'),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help=_("File to write (default: data/councils/<id>.yaml)."),
)
def new(council_id: str, name: str, output: Path | None) -> None:
    from generator import main as work

    target, unfilled = work.new_council_file(workspace(), council_id, name, output)
    click.echo(_("Written: {path}").format(path=display(target)))
    for field, line in unfilled:
        click.echo(
            _("{path}:{line}: {field}: to fill in").format(
                path=display(target), line=line, field=field
            )
        )
