"""PDF/A for the archive and page images for a preview, both made by LibreOffice.

The archive wants PDF/A-2 (self-contained, fonts embedded) and the accessibility rules want a
tagged PDF with the document's title and language; LibreOffice's PDF export does all of that when
asked through the filter options of ``--convert-to``.  Starting LibreOffice costs a few seconds,
so a batch is converted by ONE process.

The process gets a private, throw-away user profile: a user's own LibreOffice settings (default
PDF options, macro security, a running instance holding the default profile's lock) must neither
change the result nor make the conversion hang.  It works on copies in a temporary folder, so no
lock files appear beside the issued documents, and each PDF is moved into place only once it is
complete, never over an existing file: the PDF of an issued document is a record like the
document itself.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path

from generator.exceptions import ConversionError, RegisterError, UsageError
from generator.i18n import _
from generator.writer import write_new, write_replaceable

SOFFICE_NAMES = ("soffice", "libreoffice")
SOFFICE_PATHS = ("/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice")
INSTALL_HINT = "apt-get install libreoffice-writer-nogui"
POPPLER_HINT = "apt-get install poppler-utils"

# The options of LibreOffice's ``writer_pdf_Export`` filter, in the JSON form that ``--convert-to``
# accepts (``{"Name": {"type": …, "value": "…"}}``; see LibreOffice's help page "PDF Export
# Command Line Parameters").  SelectPdfVersion 2 is PDF/A-2b; the title and the language are taken
# from the document (its properties and the language of its default style), not set here.
PDF_EXPORT_OPTIONS: dict[str, tuple[str, object]] = {
    "SelectPdfVersion": ("long", 2),
    "UseTaggedPDF": ("boolean", True),
    "DisplayPDFDocumentTitle": ("boolean", True),
    "ExportBookmarks": ("boolean", True),
}

# What a finished export must show; an old LibreOffice that does not understand the JSON options
# silently writes a plain PDF, and that must not pass for an archival copy.
_PDFA2 = re.compile(rb"pdfaid:part(?:>\s*|=[\"'])2\b")
_TAGGED = re.compile(rb"/MarkInfo\s*<<\s*/Marked\s+true\b")


def find_soffice() -> str | None:
    """The LibreOffice program, or None: on PATH first, then where Debian/Ubuntu install it."""
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    for candidate in SOFFICE_PATHS:
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def find_pdftoppm() -> str | None:
    """poppler's ``pdftoppm``, which turns PDF pages into PNG images, or None."""
    return shutil.which("pdftoppm")


def filter_options(options: dict[str, tuple[str, object]] | None = None) -> str:
    """The JSON filter options, e.g. ``{"SelectPdfVersion":{"type":"long","value":"2"},…}``."""
    chosen = PDF_EXPORT_OPTIONS if options is None else options
    return json.dumps(
        {
            name: {
                "type": kind,
                "value": str(value).lower() if isinstance(value, bool) else str(value),
            }
            for name, (kind, value) in chosen.items()
        },
        separators=(",", ":"),
    )


def convert_argument() -> str:
    """The value of ``--convert-to``: format, filter and its options."""
    return f"pdf:writer_pdf_Export:{filter_options()}"


def convert_to_pdf(
    docx_paths: list[Path], out_dir: Path | None = None, timeout: float = 180
) -> list[Path]:
    """Convert Word documents to PDF/A-2, tagged, in one LibreOffice run; return the PDFs.

    Each PDF is named after its document (``x.docx`` → ``x.pdf``) and lands beside it, or in
    ``out_dir``.  Nothing is converted if any of the PDFs exists already: an issued document's
    PDF is never overwritten.
    """
    sources = _checked_sources(docx_paths)
    targets = [(out_dir or src.parent) / f"{src.stem}.pdf" for src in sources]
    _refuse_duplicates(targets)
    for target in targets:
        if target.exists():
            raise RegisterError(_exists_message(target))
    soffice = _require_soffice()
    with tempfile.TemporaryDirectory(prefix="uppdrag-pdf-") as tmp:
        produced = _convert(soffice, sources, Path(tmp), timeout)
        bad = [src for src, pdf in zip(sources, produced, strict=True) if not _is_archival(pdf)]
        if bad:
            raise ConversionError(
                _(
                    "LibreOffice wrote no tagged PDF/A-2 for {files}; LibreOffice 7.4 or later "
                    "is needed for the PDF/A options ({hint})."
                ).format(files=_names(bad), hint=INSTALL_HINT)
            )
        for pdf, target in zip(produced, targets, strict=True):
            write_new(target, pdf.read_bytes())
    return targets


def preview_png(docx: Path, out_dir: Path, dpi: int = 80) -> list[Path]:
    """Page images of a Word document as LibreOffice lays it out: ``<stem>-sida-N.png``.

    The document goes through the same PDF export as the archive copy (in a temporary folder),
    so the preview shows what will be archived.  Images of an earlier preview of the same
    document are replaced, and pages it had beyond the new page count removed, so the folder
    never shows a stale last page.
    """
    (source,) = _checked_sources([docx])
    soffice = _require_soffice()
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
        (pdf,) = _convert(soffice, [source], work, timeout=180)
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
                    file=source.name, error=_tail(result.stderr)
                )
            )
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for number, image in enumerate(drawn, start=1):
            target = out_dir / f"{source.stem}-sida-{number}.png"
            write_replaceable(target, image.read_bytes())
            written.append(target)
    _remove_stale_pages(out_dir, source.stem, len(written))
    return written


# -- running LibreOffice -----------------------------------------------------------------------


def _require_soffice() -> str:
    soffice = find_soffice()
    if soffice is None:
        raise ConversionError(
            _(
                "LibreOffice is not installed; it is needed to make PDF files and page images. "
                "Install it: {hint}"
            ).format(hint=INSTALL_HINT)
        )
    return soffice


def _convert(soffice: str, sources: list[Path], work: Path, timeout: float) -> list[Path]:
    """Run one LibreOffice over copies of ``sources`` in ``work``; the finished PDFs, in order.

    The copies get numbered names, so that two documents with the same name from different
    folders cannot overwrite each other's PDF in the shared output folder.
    """
    inbox, outbox, profile = work / "in", work / "out", work / "profile"
    for folder in (inbox, outbox, profile):
        folder.mkdir()
    copies = []
    for index, src in enumerate(sources, start=1):
        copy = inbox / f"{index:03d}-{src.name}"
        shutil.copyfile(src, copy)
        copies.append(copy)
    command = [
        soffice,
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--nologo",
        "--nodefault",
        f"-env:UserInstallation={profile.as_uri()}",
        "--convert-to",
        convert_argument(),
        "--outdir",
        str(outbox),
        *(str(c) for c in copies),
    ]
    returncode, output = _run(command, timeout, sources)
    produced = [outbox / f"{c.stem}.pdf" for c in copies]
    missing = [src for src, pdf in zip(sources, produced, strict=True) if not _complete_pdf(pdf)]
    if returncode != 0 or missing:
        raise ConversionError(
            _("LibreOffice could not convert {files} to PDF (exit code {code}): {error}").format(
                files=_names(missing or sources), code=returncode, error=_tail(output)
            )
        )
    return produced


def _run(command: list[str], timeout: float, sources: list[Path]) -> tuple[int, bytes]:
    """Run LibreOffice in its own process group, so that a timeout ends soffice.bin too (the
    ``soffice`` script only starts it) and no stray office is left behind."""
    try:
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as err:
        raise ConversionError(
            _("LibreOffice could not be started ({program}): {error}").format(
                program=command[0], error=err.strerror or err
            )
        ) from None
    try:
        output, _unused = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise ConversionError(
            _("LibreOffice did not finish converting {files} within {seconds} seconds.").format(
                files=_names(sources), seconds=f"{timeout:g}"
            )
        ) from None
    except BaseException:
        _kill_group(process)
        raise
    return process.returncode, output


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.communicate()


# -- checks --------------------------------------------------------------------------------------


def _checked_sources(paths: Iterable[Path]) -> list[Path]:
    """The documents as absolute paths, refused unless each is a Word document.

    LibreOffice would import anything, a text file included, and make a PDF of it; a PDF of the
    wrong file must not reach the archive.
    """
    sources = [Path(p) for p in paths]
    if not sources:
        raise UsageError(_("no Word document (.docx) given"))
    for src in sources:
        if not src.is_file():
            raise UsageError(_("{path} does not exist").format(path=src))
        if src.suffix.lower() != ".docx" or not _is_docx(src):
            raise UsageError(_("{path} is not a Word document (.docx)").format(path=src))
    return [src.resolve() for src in sources]


def _is_docx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return "word/document.xml" in zf.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def _refuse_duplicates(targets: list[Path]) -> None:
    seen: set[Path] = set()
    for target in targets:
        key = target.resolve()
        if key in seen:
            raise UsageError(
                _("two documents would both be converted to {path}").format(path=target)
            )
        seen.add(key)


def _complete_pdf(path: Path) -> bool:
    """A PDF that LibreOffice finished writing: header at the start, end marker at the end."""
    try:
        size = path.stat().st_size
        if size < 64:
            return False
        with open(path, "rb") as fh:
            head = fh.read(5)
            fh.seek(max(0, size - 1024))
            tail = fh.read()
    except OSError:
        return False
    return head == b"%PDF-" and b"%%EOF" in tail


def _is_archival(path: Path) -> bool:
    """PDF/A-2 in the XMP metadata and marked as tagged in the catalog.

    LibreOffice writes both uncompressed, so a byte search is enough and needs no PDF library.
    """
    data = path.read_bytes()
    return bool(_PDFA2.search(data) and _TAGGED.search(data))


def _exists_message(target: Path) -> str:
    return _(
        "{path} already exists and is never overwritten; the PDF of an issued document is kept "
        "as it is. Move it away first if it really is to be made again."
    ).format(path=target)


def _remove_stale_pages(out_dir: Path, stem: str, count: int) -> None:
    pattern = re.compile(rf"^{re.escape(stem)}-sida-(\d+)\.png$")
    for path in out_dir.glob(f"{stem}-sida-*.png"):
        match = pattern.match(path.name)
        if match and int(match.group(1)) > count:
            path.unlink(missing_ok=True)


def _names(paths: Iterable[Path]) -> str:
    return ", ".join(str(p) for p in paths)


def _tail(output: bytes, lines: int = 5) -> str:
    """The last lines LibreOffice or poppler printed, without its harmless Java warning."""
    text = output.decode("utf-8", "replace")
    kept = [line for line in text.splitlines() if line.strip() and "javaldx" not in line]
    return " / ".join(kept[-lines:]) or _("no message")
