"""Commands that issue documents: render, decide, reissue, and page images of a document."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

import click

from generator.cli.base import display, print_paths, report_pdfs, table, workspace
from generator.cli.options import (
    date_flag,
    document_date_option,
    each_pdf_options,
    pdf_options,
    register_option,
)
from generator.cli.progress import Progress
from generator.i18n import _


@click.command(
    short_help=_("Issue a dated, diary-numbered mandate for each council."),
    help=_(
        "Issue a new, dated and diary-numbered mandate for each council: FILES are council "
        "files or council ids (data/councils/onkologi.yaml or onkologi)."
    ),
)
@click.argument("files", nargs=-1, required=True, metavar=_("FILES..."))
@document_date_option
@click.option(
    "--dnr",
    metavar='"RS 2024-00784"',
    help=_("A diary number assigned outside this tool (default: the next in the register)."),
)
@click.option(
    "--force",
    is_flag=True,
    help=_("Accept a --dnr of another series than the configured one, or of another year."),
)
@date_flag(
    "--decided", help_text=_("Date of the decision (default: the placeholder to be filled in).")
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help=_("Output file (one council only)."),
)
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help=_("Output folder (default: output/)."),
)
@register_option
@click.option("--draft", is_flag=True, help=_("A preview without a diary number; not registered."))
@each_pdf_options
def render(files: tuple[str, ...], pdf: bool, pdf_jobs: int | None, **options: Any) -> None:
    # options: the keyword arguments of generator.issuing.render, by the same names.
    from generator import issuing as work

    written = work.render(workspace(), list(files), notify=click.echo, **options)
    paths = [item.path for item in written]
    register, draft = options["register"], options["draft"]
    print_paths(paths, pdf, pdf_jobs=pdf_jobs, register=register, drafts=draft)


@click.command(
    short_help=_("Fill in the decision date of an issued draft."),
    help=_(
        "Fill in the decision date: writes the decided version of an issued draft "
        "as a new file of the same number."
    ),
)
@click.argument("dnr", metavar="DNR")
@date_flag("--date", "decided", required=True, help_text=_("Date of the decision."))
@register_option
@pdf_options(_("Also a PDF/A-2 beside the document (LibreOffice)."))
def decide(
    dnr: str, decided: dt.date, register: Path | None, pdf: bool, pdf_jobs: int | None
) -> None:
    from generator import decisions as work

    written = work.decide(workspace(), dnr, decided, register=register, notify=click.echo)
    print_paths([written.path], pdf, pdf_jobs=pdf_jobs, register=register)


@click.command(
    short_help=_("Re-issue mandates after a change, with the changes shown."),
    help=_(
        "Re-issue mandates after a policy change: a new number for each council, "
        "naming the number it replaces, with the changes shown."
    ),
)
@click.argument("councils", nargs=-1, metavar=_("[COUNCILS]..."))
@click.option("--all", "all_councils", is_flag=True, help=_("Every council in data/councils/."))
@click.option(
    "--reason",
    required=True,
    metavar=_("REASON"),
    help=_("Why the mandates are re-issued (recorded)."),
)
@document_date_option
@click.option(
    "--dry-run",
    is_flag=True,
    help=_("Show what would change; change nothing, on disk or in the register."),
)
@click.option(
    "--changed-only", is_flag=True, help=_("Re-issue only the councils whose text changed.")
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    metavar="N",
    help=_("Render in N processes (default: the number of cores)."),
)
@register_option
@each_pdf_options
def reissue(councils: tuple[str, ...], all_councils: bool, **options: Any) -> None:
    # options: the keyword arguments of generator.reissue.reissue, by the same names.
    from generator import reissue as work
    from generator.exceptions import UsageError

    if all_councils == bool(councils):
        raise UsageError(_("name the councils to re-issue, or give --all (not both)"))
    result = work.reissue(
        workspace(), list(councils), notify=click.echo, progress=Progress(), **options
    )
    if options["dry_run"]:
        click.echo(work.describe(result.plans, color=sys.stdout.isatty()))
        click.echo(_("Dry run: nothing was issued or written."))
        return
    rows = [
        {
            "council": o.council,
            "change": f"{o.old or '–'} → {o.new or '–'}",
            "paragraphs": "" if o.paragraphs_changed is None else str(o.paragraphs_changed),
            "note": o.note,
        }
        for o in result.outcomes
    ]
    table(
        rows,
        [
            ("council", _("Council")),
            ("change", _("Old → new number")),
            ("paragraphs", _("Paragraphs changed")),
            ("note", ""),
        ],
    )
    issued = [o for o in result.outcomes if o.issued and o.path]
    for o in issued:
        click.echo(display(o.path))  # type: ignore[arg-type]
    for o in issued:
        if o.review:
            click.echo(display(o.review))
    if result.archive is not None:
        report_pdfs(result.archive)


@click.command(
    short_help=_("Draw a Word document as page images (PNG)."),
    help=_("Draw a Word document as page images (PNG), as LibreOffice lays it out."),
)
@click.argument(
    "file", metavar=_("FILE"), type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help=_(
        "Folder for the images (default: output/forhandsvisning/, not beside the issued documents)."
    ),
)
@click.option(
    "--dpi",
    type=click.IntRange(30, 300),
    default=80,
    metavar="DPI",
    show_default=True,
    help=_("Resolution of the images."),
)
def preview(file: Path, output_dir: Path | None, dpi: int) -> None:
    from generator.pdf import preview_png

    ws = workspace()
    folder = output_dir or ws.preview_dir_for(file)
    inside = Path(os.path.abspath(folder)).is_relative_to(os.path.abspath(ws.output_dir))
    for path in preview_png(file, folder, dpi=dpi, within=ws.output_dir if inside else None):
        click.echo(display(path))
