"""A pool of LibreOffice workers that converts a batch, keeps going when one fails, and says why.

Each worker (:class:`~generator.pdf.office.Office`) is a thread that drives one LibreOffice at
a time, with its own profile, over chunks of the batch: one LibreOffice per core keeps every
core busy, and a chunk of up to :data:`MAX_CHUNK` files pays the second that a start costs once
per chunk (a single run over hundreds of files is not safe: LibreOffice 7.4 has been seen to stop
converting after about 245 files while still exiting 0).  The chunks are as many as a multiple
of the workers, of equal size, so that the workers finish together.

A file whose run hung, died or silently skipped it is tried again alone, in a new LibreOffice,
up to :data:`ATTEMPTS` times in all; files a stopped run never got to are put back without
counting.  Each PDF is checked (:func:`generator.pdf.check.check_pdf`) in the worker that made
it, and comes back as soon as it is ready, so that the caller can keep it at once.

Why ``--convert-to`` over file lists and not a LibreOffice listening over UNO (unoserver's and
unoconv's way): measured in ``benchmarks/bench_pdf.py`` on a quiet machine with 2 cores, both
converting the same lighter copies (:mod:`generator.pdf.lighter`), a listener per worker costs
the same once it is running (about 72 ms a document after its 1.5 s start, against 73 for the
pool after its starts; 100 documents: 8.8 s), since the conversion itself is the same work; and
UNO needs ``python3-uno``, bound to the system's Python, not installable into the project's.
Small chunks cost a start each (chunks of 10: 146 ms a document); a LibreOffice per document
costs about 1.9 s each.  Handing files to an instance already running (a second ``soffice`` on
the same profile) makes that instance quit after its first conversion in LibreOffice 7.4, so it
cannot be kept warm that way.
"""

from __future__ import annotations

import math
import os
import queue
import tempfile
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.i18n import _
from generator.pdf.check import check_pdf
from generator.pdf.office import Attempt, Office, require_soffice

#: Most files one LibreOffice run converts.
MAX_CHUNK = 100
#: Tries per file, the first included.
ATTEMPTS = 3
#: Seconds one file may take (load, lay out, export) before its LibreOffice is ended.
FILE_TIMEOUT = 120.0


@dataclass(frozen=True)
class Job:
    """One document to convert, and the title its PDF must carry."""

    source: Path
    title: str


@dataclass(frozen=True)
class Made:
    """The checked PDF of a job (``data``), or the short reason why there is none."""

    job: Job
    data: bytes | None
    pages: int = 0
    problem: str | None = None


def default_jobs() -> int:
    """One LibreOffice per core."""
    return os.cpu_count() or 1


def chunks(count: int, workers: int, largest: int = MAX_CHUNK) -> list[range]:
    """``range(count)`` cut into a multiple of ``workers`` nearly equal chunks of ≤ ``largest``."""
    if count == 0:
        return []
    pieces = math.ceil(count / (workers * largest)) * workers
    pieces = min(pieces, count)
    size = math.ceil(count / pieces)
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


class Pool:
    """``jobs`` LibreOffice workers for one batch (see the module docstring)."""

    def __init__(
        self,
        jobs: int | None = None,
        *,
        file_timeout: float = FILE_TIMEOUT,
        largest_chunk: int = MAX_CHUNK,
        soffice: str | None = None,
        lighten: bool = True,
    ) -> None:
        self.jobs = max(1, jobs or default_jobs())
        self.file_timeout = file_timeout
        self.largest_chunk = largest_chunk
        self.soffice = soffice or require_soffice()
        self.lighten = lighten
        self.offices: list[Office] = []
        self.retried = 0

    @property
    def peak_rss_kib(self) -> int:
        """The pool's peak memory: the sum of its workers' peaks (an upper bound)."""
        return sum(o.peak_rss_kib for o in self.offices)

    @property
    def runs(self) -> int:
        """How many times a LibreOffice was started."""
        return sum(o.runs for o in self.offices)

    def convert(self, items: list[Job]) -> Iterator[Made]:
        """Each job's :class:`Made`, as it is ready (not in order); every job comes back once."""
        if not items:
            return
        tasks: queue.Queue[list[Job] | None] = queue.Queue()
        results: queue.Queue[tuple[str, object]] = queue.Queue()
        stop = threading.Event()
        planned = chunks(len(items), self.jobs, self.largest_chunk)
        for piece in planned:
            tasks.put([items[i] for i in piece])
        with tempfile.TemporaryDirectory(prefix="uppdrag-pdf-") as folder:
            workers = []
            for number in range(min(self.jobs, len(planned))):
                office = Office(
                    self.soffice,
                    Path(folder) / f"w{number}",
                    self.file_timeout,
                    lighten=self.lighten,
                )
                self.offices.append(office)
                thread = threading.Thread(
                    target=_work, args=(office, tasks, results, stop), daemon=True
                )
                thread.start()
                workers.append(thread)
            try:
                yield from self._collect(len(items), tasks, results)
            finally:
                stop.set()
                for _thread in workers:
                    tasks.put(None)
                for office in self.offices:
                    office.close()
                for thread in workers:
                    thread.join(timeout=60)

    def _collect(
        self,
        count: int,
        tasks: queue.Queue[list[Job] | None],
        results: queue.Queue[tuple[str, object]],
    ) -> Iterator[Made]:
        attempts: Counter[Job] = Counter()
        remaining = count
        while remaining:
            kind, payload = results.get()
            if kind == "again":
                tasks.put(payload)  # type: ignore[arg-type]  # never tried: no attempt counted
                continue
            assert isinstance(payload, Made)
            if payload.data is None:
                attempts[payload.job] += 1
                if attempts[payload.job] < ATTEMPTS:
                    self.retried += 1
                    tasks.put([payload.job])  # alone, so that it cannot take others with it
                    continue
            remaining -= 1
            yield payload


def _work(
    office: Office,
    tasks: queue.Queue[list[Job] | None],
    results: queue.Queue[tuple[str, object]],
    stop: threading.Event,
) -> None:
    """A worker thread: convert chunks until told to stop; every job of a chunk is answered."""
    while not stop.is_set():
        chunk = tasks.get()
        if chunk is None or stop.is_set():
            return
        untried: list[Job] = []
        answered: set[int] = set()

        def done(
            attempt: Attempt,
            chunk: list[Job] = chunk,
            answered: set[int] = answered,
            untried: list[Job] = untried,
        ) -> None:
            answered.add(attempt.index)
            job = chunk[attempt.index]
            if not attempt.started:
                untried.append(job)
                return
            results.put(("made", _checked(job, attempt)))

        try:
            office.convert([job.source for job in chunk], done)
        except Exception as err:  # noqa: BLE001 - each job is answered with the reason
            for index, job in enumerate(chunk):
                if index not in answered:
                    results.put(("made", Made(job, None, problem=str(err))))
        if untried and not stop.is_set():
            results.put(("again", untried))


def _checked(job: Job, attempt: Attempt) -> Made:
    """The PDF of an attempt, read and checked; or the attempt's problem."""
    if attempt.pdf is None:
        return Made(job, None, problem=attempt.problem or _("LibreOffice skipped it"))
    try:
        data = attempt.pdf.read_bytes()
    except OSError as err:
        return Made(job, None, problem=str(err))
    pages, problems = check_pdf(data, job.title)
    if problems:
        return Made(job, None, pages, "; ".join(problems))
    return Made(job, data, pages)
