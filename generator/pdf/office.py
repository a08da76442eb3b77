"""Running LibreOffice: finding it, its PDF/A options, and one worker converting a list of files.

Starting LibreOffice costs about a second, converting a document a tenth or two, so a worker
converts many files per start (``--convert-to`` over a file list) and keeps its private user
profile for the whole batch, so that only its first start pays for creating the profile.  A
user's own LibreOffice settings (default PDF options, macro security, a running instance holding
the default profile's lock) must neither change the result nor make the conversion hang, hence
the private profile.  The worker converts numbered copies in a folder of its own, so no lock
files appear beside the issued documents and two documents of the same name cannot collide.

LibreOffice prints ``convert A -> B using filter : …`` once it has loaded file A and before it
stores it; so when the line of the next file appears, the previous PDF is complete.  That gives
each file its own timeout, progress file by file, and tells which files a run skipped.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator.exceptions import ConversionError
from generator.i18n import _
from generator.pdf.lighter import conversion_copy

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

#: Seconds a start of LibreOffice may take before its first file (a new profile is made).
STARTUP_SECONDS = 60.0

_CONVERTING = re.compile(r"^convert (?P<source>.+?) -> (?P<target>.+?) using filter")


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


def require_soffice() -> str:
    soffice = find_soffice()
    if soffice is None:
        raise ConversionError(
            _(
                "LibreOffice is not installed; it is needed to make PDF files and page images. "
                "Install it: {hint}"
            ).format(hint=INSTALL_HINT)
        )
    return soffice


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


def command(soffice: str, profile: Path, outbox: Path, files: list[Path]) -> list[str]:
    """The command line of one LibreOffice run converting ``files`` into ``outbox``."""
    return [
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
        *(str(f) for f in files),
    ]


@dataclass
class Attempt:
    """What one run of a worker did with one file of its chunk."""

    index: int  # position in the chunk
    pdf: Path | None  # the finished PDF, or None
    problem: str | None = None  # why there is none (short, for the user)
    started: bool = True  # False: LibreOffice never got to it (the run was stopped before)


class Office:
    """One LibreOffice worker: a private profile and folders, reused for every chunk it converts.

    :meth:`convert` runs LibreOffice once over a chunk and reports each file as soon as its PDF
    is complete, through ``done``.  A run that hangs on a file longer than ``file_timeout`` is
    ended (with its whole process group: the ``soffice`` script only starts ``soffice.bin``);
    the next chunk starts LibreOffice afresh on the same profile.
    """

    def __init__(
        self, soffice: str, folder: Path, file_timeout: float, *, lighten: bool = True
    ) -> None:
        self.soffice = soffice
        self.lighten = lighten  # convert the lighter copy (generator.pdf.lighter)
        self.folder = folder
        self.file_timeout = file_timeout
        self.profile = folder / "profile"
        self.inbox = folder / "in"
        self.outbox = folder / "out"
        self.process: subprocess.Popen[bytes] | None = None
        self.peak_rss_kib = 0  # the largest resident size a run of this worker reached
        self.runs = 0

    def convert(self, sources: list[Path], done: Callable[[Attempt], None]) -> None:
        """Convert ``sources`` in one run; ``done`` gets one :class:`Attempt` per file."""
        for folder in (self.inbox, self.outbox):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
        copies = []
        for index, src in enumerate(sources):
            copy = self.inbox / f"{index:04d}.docx"
            if self.lighten:
                conversion_copy(src, copy)
            else:
                shutil.copyfile(src, copy)
            copies.append(copy)
        produced = [self.outbox / f"{c.stem}.pdf" for c in copies]
        reported: set[int] = set()

        def report(index: int, problem: str | None = None, started: bool = True) -> None:
            if index in reported:
                return
            reported.add(index)
            pdf = produced[index] if complete_pdf(produced[index]) else None
            if pdf is None and problem is None:
                problem = _("LibreOffice skipped it")
            done(Attempt(index, pdf, None if pdf else problem, started or pdf is not None))

        lines = self._start(copies)
        current = -1  # the file LibreOffice has loaded and is storing
        deadline = time.monotonic() + STARTUP_SECONDS + self.file_timeout
        hung = False
        while True:
            self._sample()
            try:
                line = lines.get(timeout=min(0.5, max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                if time.monotonic() < deadline:
                    continue
                hung = True
                break
            if line is None:
                break
            match = _CONVERTING.match(line)
            if match is None:
                continue
            name = Path(match["source"]).name
            if not (name[:4].isdigit() and name.endswith(".docx")):
                continue
            index = int(name[:4])
            for earlier in range(index):  # finished, or skipped (not loadable)
                report(earlier)
            current = index
            deadline = time.monotonic() + self.file_timeout
        code = self._stop(kill=hung)
        seconds = f"{self.file_timeout:g}"
        if hung:
            # The file being stored hung, or, when its PDF is complete, the next being loaded.
            if current >= 0 and not complete_pdf(produced[current]):
                report(current, _("LibreOffice hung on it for {s} s").format(s=seconds))
            elif current + 1 < len(copies):
                report(current + 1, _("LibreOffice hung on it for {s} s").format(s=seconds))
            else:
                report(current)
        else:
            if code == 0:
                # A run that ends well has tried every file; one without a PDF was skipped.
                for index in range(len(copies)):
                    report(index)
            stopped = _("LibreOffice stopped (exit code {code})").format(code=code)
            # It died while storing the current file or loading the next: those are to blame.
            for index in range(min(current + 2, len(copies))):
                report(index, stopped)
        for index in range(len(copies)):
            report(index, started=False)  # never got to it: not counted as an attempt

    def _start(self, copies: list[Path]) -> queue.Queue[str | None]:
        self.process = spawn(command(self.soffice, self.profile, self.outbox, copies))
        self.runs += 1
        lines: queue.Queue[str | None] = queue.Queue()
        stdout = self.process.stdout
        assert stdout is not None

        def read() -> None:
            for raw in stdout:
                lines.put(raw.decode("utf-8", "replace").rstrip("\n"))
            lines.put(None)

        threading.Thread(target=read, daemon=True).start()
        return lines

    def _stop(self, kill: bool) -> int:
        process = self.process
        assert process is not None
        if kill:
            kill_group(process)
        try:
            code = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            kill_group(process)
            code = process.wait()
        if process.stdout is not None:
            process.stdout.close()
        self.process = None
        return code

    def close(self) -> None:
        """End a run still going (the batch was interrupted)."""
        if self.process is not None:
            kill_group(self.process)
            self.process.wait()
            self.process = None

    def _sample(self) -> None:
        """Note the resident memory of this worker's LibreOffice (for the batch's report)."""
        process = self.process
        if process is None:
            return
        self.peak_rss_kib = max(self.peak_rss_kib, group_rss_kib(process.pid))


def group_rss_kib(leader: int) -> int:
    """Resident memory (KiB) of the processes of a process group, from /proc (0 elsewhere)."""
    total = 0
    try:
        entries = os.listdir("/proc")
    except OSError:
        return 0
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
            if int(fields[2]) != leader:  # field 5, the process group
                continue
            with open(f"/proc/{entry}/statm", "rb") as fh:
                total += int(fh.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
        except (OSError, ValueError, IndexError):
            continue
    return total


def spawn(argv: list[str]) -> subprocess.Popen[bytes]:
    """Start a program in a process group of its own (the ``soffice`` script only starts
    ``soffice.bin``: ending the group ends both), its output read from one pipe."""
    try:
        return subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as err:
        raise ConversionError(
            _("LibreOffice could not be started ({program}): {error}").format(
                program=argv[0], error=err.strerror or err
            )
        ) from None


def run_once(argv: list[str], timeout: float, what: str) -> tuple[int, bytes]:
    """Run one program in its own process group, so that a timeout ends all it started."""
    process = spawn(argv)
    try:
        output, _unused = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(process)
        raise ConversionError(
            _("LibreOffice did not finish converting {files} within {seconds} seconds.").format(
                files=what, seconds=f"{timeout:g}"
            )
        ) from None
    except BaseException:
        kill_group(process)
        raise
    return process.returncode, output


def kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        process.communicate(timeout=30)
    except (subprocess.TimeoutExpired, ValueError):
        pass


def complete_pdf(path: Path) -> bool:
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


def tail(output: bytes, lines: int = 5) -> str:
    """The last lines LibreOffice or poppler printed, without its harmless Java warning."""
    text = output.decode("utf-8", "replace")
    kept = [line for line in text.splitlines() if line.strip() and "javaldx" not in line]
    return " / ".join(kept[-lines:]) or _("no message")
