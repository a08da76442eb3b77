"""``uppdrag init``: start a workspace from nothing, with the installed package alone."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.base import display
from generator.i18n import _


def _ask(value: str | None, option: str, label: str) -> str:
    """An option's value, or the answer to a question when it was left out; a wrong answer is
    explained and asked again (the schema decides what is wrong)."""
    if value is not None:
        return value
    from generator.starter import problems_of

    def checked(answer: str) -> str:
        problems = problems_of(option, answer)
        if problems:
            raise click.BadParameter("; ".join(problems))
        return answer

    return str(click.prompt(label, type=str, value_proc=checked))


@click.command(
    "init",
    short_help=_("Start a new workspace with the template and example data."),
    help=_(
        "Start a new workspace in FOLDER (default: the current folder): the template, the "
        "settings, the clause library, one example council, output/ and a short README. "
        "What is not given as an option is asked for. Nothing that exists is overwritten."
    ),
)
@click.argument(
    "folder",
    default=".",
    metavar=_("[FOLDER]"),
    type=click.Path(file_okay=False, path_type=Path),
)
@click.option(
    "--organisation",
    metavar=_("NAME"),
    help=_('The organisation\'s name, e.g. "Region Exempel".'),
)
@click.option(
    "--series",
    metavar=_("PREFIX"),
    help=_('The diary series, the prefix of every diary number: "RS" gives RS 2026-00001.'),
)
@click.option("--signatory", metavar=_("NAME"), help=_("Who signs the mandates."))
@click.option("--signatory-title", metavar=_("TITLE"), help=_("The signatory's title."))
def init(
    folder: Path,
    organisation: str | None,
    series: str | None,
    signatory: str | None,
    signatory_title: str | None,
) -> None:
    from generator.starter import EXAMPLE_COUNCIL, create_workspace

    created = create_workspace(
        folder,
        organisation=_ask(organisation, "--organisation", _("The organisation's name")),
        series=_ask(series, "--series", _("Diary series (capital letters, e.g. RS)")),
        signatory=_ask(signatory, "--signatory", _("Signatory's name")),
        signatory_title=_ask(signatory_title, "--signatory-title", _("Signatory's title")),
    )
    click.echo(_("A new workspace: {folder}").format(folder=display(created.root)))
    for path in created.files:
        click.echo(f"  {display(path)}")
    click.echo(
        _("Next: go to the folder and try uppdrag render {council} --draft").format(
            council=EXAMPLE_COUNCIL
        )
    )
