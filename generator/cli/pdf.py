"""``uppdrag pdf``: PDF/A archive copies for documents already issued."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.base import report_pdfs, workspace
from generator.cli.options import pdf_jobs_option, register_option
from generator.cli.progress import Progress
from generator.i18n import _


@click.command(
    "pdf",
    short_help=_("Make PDF/A-2 archive copies of issued documents."),
    help=_(
        "Make the PDF/A-2 archive copies of issued documents: of one diary number, or of every "
        "issued document that has none yet."
    ),
)
@click.argument("dnr", required=False, metavar="[DNR]")
@click.option(
    "--all-missing", is_flag=True, help=_("Every issued document that has no archive copy.")
)
@pdf_jobs_option
@register_option
def pdf(dnr: str | None, all_missing: bool, pdf_jobs: int | None, register: Path | None) -> None:
    from generator.exceptions import UsageError
    from generator.pdf.missing import archive_missing

    if all_missing == (dnr is not None):
        raise UsageError(_("give a diary number, or --all-missing (not both)"))
    result = archive_missing(
        workspace(), dnr, register=register, jobs=pdf_jobs, progress=Progress()
    )
    report_pdfs(result)
    if not result.made and not result.failed:
        click.echo(_("Nothing to make: every issued document named has its archive copy."))
