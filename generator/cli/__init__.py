"""The ``uppdrag`` command: parse options, call the plain functions, print what happened.

Nothing here does the work.  Heavy modules (docxtpl, lxml, jsonschema) are imported inside the
commands, so that ``uppdrag --help`` answers at once.  Every :class:`UppdragError` becomes its
message and exit code; anything else is an internal error, reported in one line with the path of
a full report.  Each group of commands lives in its own module and is added here.
"""

from __future__ import annotations

import click

from generator.i18n import _, install_click_translations

# Before any command module is imported: click fixes some words (click.Path's "file") when
# commands are built.
install_click_translations()

from generator.cli import data, diarium, documents, init, pdf, serve, user  # noqa: E402
from generator.cli.base import Group  # noqa: E402


@click.group(
    cls=Group,
    help=_(
        "Mandate documents (uppdragshandlingar) for coordination councils: "
        "data in, dated and diary-numbered Word documents out."
    ),
)
@click.version_option(package_name="uppdrag", message="uppdrag %(version)s")
def main() -> None:
    pass


for command in (
    init.init,
    documents.render,
    documents.decide,
    documents.reissue,
    documents.preview,
    pdf.pdf,
    data.check,
    data.import_,
    data.new,
    diarium.verify,
    diarium.register,
    serve.serve,
    user.user,
):
    main.add_command(command)
