"""Page images of a Word document as LibreOffice lays it out (``uppdrag preview``)."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

from generator.exceptions import ConversionError, UsageError
from generator.i18n import _
from generator.pdf.archive import _is_docx
from generator.pdf.lighter import conversion_copy
from generator.pdf.office import (
    POPPLER_HINT,
    command,
    complete_pdf,
    find_pdftoppm,
    require_soffice,
    run_once,
    tail,
)
from generator.writer import write_replaceable


def preview_png(
    docx: Path, out_dir: Path, dpi: int = 80, *, within: Path | None = None
) -> list[Path]:
    """Page images of a Word document as LibreOffice lays it out: ``<stem>-sida-N.png``.

    The document goes through the same PDF export as the archive copy (in a temporary folder),
    so the preview shows what will be archived.  Images of an earlier preview of the same
    document are replaced, and pages it had beyond the new page count removed, so the folder
    never shows a stale last page.  ``within``: the folder the images must not leave by a
    symbolic link (the workspace's output folder, when they go inside it).
    """
    source = Path(docx)
    if not source.is_file():
        raise UsageError(_("{path} does not exist").format(path=source))
    if source.suffix.lower() != ".docx" or not _is_docx(source):
        raise UsageError(_("{path} is not a Word document (.docx)").format(path=source))
    soffice = require_soffice()
    pdftoppm = find_pdftoppm()
    if pdftoppm is None:
        raise ConversionError(
            _(
                "poppler (pdftoppm) is not installed; it is needed for page images. "
                "Install it: {hint}"
            ).format(hint=POPPLER_HINT)
        )
    with tempfile.TemporaryDirectory(prefix="uppdrag-preview-") as tmp:
        work = Path(tmp)
        copy = work / "document.docx"
        conversion_copy(source, copy)  # the pages are the same, faster (pdf.lighter)
        code, output = run_once(
            command(soffice, work / "profile", work / "out", [copy]), 180, str(source)
        )
        pdf = work / "out" / "document.pdf"
        if code != 0 or not complete_pdf(pdf):
            raise ConversionError(
                _(
                    "LibreOffice could not convert {files} to PDF (exit code {code}): {error}"
                ).format(files=source, code=code, error=tail(output))
            )
        pages = work / "pages"
        pages.mkdir()
        try:
            result = subprocess.run(
                [pdftoppm, "-png", "-r", str(dpi), str(pdf), str(pages / "p")],
                capture_output=True,
                timeout=120,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise ConversionError(
                _("pdftoppm took too long to draw the pages of {file}").format(file=source.name)
            ) from None
        # pdftoppm pads the page number to the width of the page count: p-1.png or p-01.png.
        drawn = sorted(pages.glob("p-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        if result.returncode != 0 or not drawn:
            raise ConversionError(
                _("pdftoppm could not draw the pages of {file}: {error}").format(
                    file=source.name, error=tail(result.stderr)
                )
            )
        if within is None:  # else the writer makes the folders, never through a link
            out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for number, image in enumerate(drawn, start=1):
            target = out_dir / f"{source.stem}-sida-{number}.png"
            write_replaceable(target, image.read_bytes(), within=within)
            written.append(target)
    _remove_stale_pages(out_dir, source.stem, len(written))
    return written


def _remove_stale_pages(out_dir: Path, stem: str, count: int) -> None:
    pattern = re.compile(rf"^{re.escape(stem)}-sida-(\d+)\.png$")
    for path in out_dir.glob(f"{stem}-sida-*.png"):
        match = pattern.match(path.name)
        if match and int(match.group(1)) > count:
            path.unlink(missing_ok=True)
