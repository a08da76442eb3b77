"""PDF/A archive copies and page images, both made by LibreOffice.

The archive wants PDF/A-2 (self-contained, fonts embedded) and the accessibility rules want a
tagged PDF with the document's title and language; LibreOffice's PDF export does all of that.
One module per concern: :mod:`~generator.pdf.office` runs LibreOffice, :mod:`~generator.pdf.pool`
keeps one per core busy over a batch, :mod:`~generator.pdf.check` checks each PDF,
:mod:`~generator.pdf.archive` keeps and records it, :mod:`~generator.pdf.missing` finds the
issued documents still without one, :mod:`~generator.pdf.preview` draws pages.
"""

from generator.pdf.archive import Archived, Failure, make_pdfs, pdf_path
from generator.pdf.check import check_pdf, expected_title
from generator.pdf.office import (
    INSTALL_HINT,
    POPPLER_HINT,
    convert_argument,
    filter_options,
    find_pdftoppm,
    find_soffice,
)
from generator.pdf.pool import Job, Made, Pool
from generator.pdf.preview import preview_png

__all__ = [
    "INSTALL_HINT",
    "POPPLER_HINT",
    "Archived",
    "Failure",
    "Job",
    "Made",
    "Pool",
    "check_pdf",
    "convert_argument",
    "expected_title",
    "filter_options",
    "find_pdftoppm",
    "find_soffice",
    "make_pdfs",
    "pdf_path",
    "preview_png",
]
