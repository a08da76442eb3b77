"""The options several commands take, declared once each so that their help reads alike.

tests/test_help.py holds every command to the same conventions (translated metavars, help for
every option); a shared declaration is how a second command gets them right.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from generator.i18n import _

#: The date format the options take, as their help shows it (ÅÅÅÅ-MM-DD in Swedish).
DATE_METAVAR = _("YYYY-MM-DD")
#: A command's function, as click's decorators take and give it back.
FC = TypeVar("FC", bound=Callable[..., Any])


def date_option(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    from generator.dates import parse_date

    # The option as the user typed it: decide's --date is stored as "decided".
    long_names = [o for o in param.opts if o.startswith("--")] or [f"--{param.name}"]
    return parse_date(value, long_names[0])


#: What an option decorator is: it takes the command's function and gives it back, with a parameter.
Decorator = Callable[[FC], FC]


def date_flag(*names: str, help_text: str, required: bool = False) -> Decorator:
    """A date option: typed as ÅÅÅÅ-MM-DD (shown so in the help), given to the command as a date."""
    return click.option(
        *names, callback=date_option, metavar=DATE_METAVAR, required=required, help=help_text
    )


#: ``--date`` of a command that issues documents: the date they carry.
document_date_option = date_flag(
    "--date", "date", help_text=_("Document date (default: today, Stockholm time).")
)


register_option = click.option(
    "--register",
    "register",
    type=click.Path(dir_okay=False, path_type=Path),
    help=_("Diary register (default: $UPPDRAG_REGISTER or output/diarium.sqlite)."),
)


#: ``--separator`` of the CSV commands: the word for each choice, and the character.
SEPARATORS = {";": ";", ",": ",", "tab": "\t"}

separator_option = click.option(
    "--separator",
    type=click.Choice(list(SEPARATORS)),
    default=";",
    show_default=True,
    help=_("Column separator: ; opens in a Swedish Excel by double-click; , or tab for others."),
)


pdf_jobs_option = click.option(
    "--pdf-jobs",
    type=click.IntRange(1, 64),
    metavar="N",
    help=_("LibreOffice processes for the PDFs (default: the number of cores)."),
)


def pdf_options(help_text: str) -> Decorator:
    """``--pdf`` (what it makes, in ``help_text``) followed by ``--pdf-jobs``: the pair every
    command that writes documents offers."""
    pdf = click.option("--pdf", is_flag=True, help=help_text)

    def decorate(command: FC) -> FC:
        return pdf(pdf_jobs_option(command))

    return decorate


#: ``--pdf`` and ``--pdf-jobs`` of a command that may write many documents.
each_pdf_options = pdf_options(_("Also a PDF/A-2 beside each document (LibreOffice)."))
