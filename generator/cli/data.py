"""Commands about the data: check it, import an existing mandate, start a new council."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.cli.base import display, echo_error, workspace
from generator.cli.options import register_option
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
        "Import existing mandates (.docx files, text exports, or a folder of them) as one "
        "batch: text that two or more share becomes a clause of the library, each council "
        "refers to it, and each original is kept and recorded in the register as the "
        "council's earlier issue. Try it first with --dry-run."
    ),
)
@click.argument(
    "files",
    nargs=-1,
    required=True,
    metavar=_("FILES..."),
    type=click.Path(exists=True, path_type=Path),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help=_(
        "Council file to write when one document is imported (default: "
        "data/councils/<id>.yaml, the id taken from the council's name)."
    ),
)
@click.option(
    "--dry-run",
    is_flag=True,
    help=_("Show what would be learned and written, and write nothing."),
)
@click.option(
    "--organisation",
    metavar=_("NAME"),
    help=_("The organisation's name, instead of the settings'."),
)
@click.option(
    "--series",
    metavar=_("SERIES"),
    help=_("The diary series prefix (e.g. RS), instead of the settings'."),
)
@click.option(
    "--signatory", metavar=_("NAME"), help=_("The signatory's name, instead of the settings'.")
)
@click.option(
    "--signatory-title",
    metavar=_("TITLE"),
    help=_("The signatory's title, instead of the settings'."),
)
@register_option
def import_(
    files: tuple[Path, ...],
    output: Path | None,
    dry_run: bool,
    organisation: str | None,
    series: str | None,
    signatory: str | None,
    signatory_title: str | None,
    register: Path | None,
) -> None:
    from generator.importer.batch import batch_settings, import_batch

    ws = workspace()
    settings = batch_settings(
        ws,
        organisation=organisation,
        series=series,
        signatory=signatory,
        signatory_title=signatory_title,
    )
    report = import_batch(
        ws, list(files), dry_run=dry_run, register=register, output=output, settings=settings
    )
    for line in report.lines():
        click.echo(line)


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
    from generator.council_files import new_council_file

    target, unfilled = new_council_file(workspace(), council_id, name, output)
    click.echo(_("Written: {path}").format(path=display(target)))
    for field, line in unfilled:
        click.echo(
            _("{path}:{line}: {field}: to fill in").format(
                path=display(target), line=line, field=field
            )
        )
