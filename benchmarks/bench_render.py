"""How fast the product renders mandates, measured against plain docxtpl in the same run.

    .venv/bin/python benchmarks/bench_render.py [--docs N] [--naive-docs M] [--jobs J]
                                                [--memory-docs K] [--dir FOLDER]

The documents are the two real councils and generated councils of the same size and shape (the
real mandates with other names, reordered sentences and added sentences), each with its own date
and diary number.  Each path is warmed up first and then timed in steady state:

- docxtpl, exactly as its documentation shows it: ``DocxTemplate(path)``, ``render(context,
  jinja_env, autoescape=True)``, ``save(target)`` for every document, with a context from
  :func:`build_context` whose links go through ``tpl.build_url_id``, so that both paths render
  the same document (``tests/test_equivalence.py`` checks that they do);
- the product: :func:`render_docx` on a :class:`CompiledTemplate` loaded once.

Both are timed to in-memory buffers and to files in a temporary folder (``--dir`` chooses where:
on a slow disk, writing a file can cost more than rendering it).  Memory is measured in
a fresh interpreter that streams a batch to disk (each document written, then dropped), so that
its peak RSS is the batch's alone; a second such run with tracemalloc shows what the batch itself
allocates.  The last line is ``ratio vs docxtpl: X``: docxtpl's ms per document over the
product's, both to in-memory buffers.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import io
import json
import multiprocessing as mp
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from docxtpl import DocxTemplate  # noqa: E402

from generator.mandate import load_mandate  # noqa: E402
from generator.model import Mandate, Settings  # noqa: E402
from generator.render import Stamp, build_context, render_docx  # noqa: E402
from generator.template import CompiledTemplate  # noqa: E402
from generator.workspace import Workspace  # noqa: E402

COUNCILS = ("onkologi", "primarvard")
AREAS = (
    "kardiologi", "psykiatri", "ortopedi", "geriatrik", "neurologi", "reumatologi", "urologi",
    "barn och ungdom", "akutsjukvård", "infektion", "endokrinologi", "hud", "ögon", "smärta",
    "rehabilitering", "öron-näsa-hals", "njurmedicin", "gynekologi", "lungmedicin",
    "palliativ vård",
)  # fmt: skip
EXTRA_SENTENCES = (
    "Rådet ska årligen följa upp hur uppdraget har genomförts och rapportera till uppdragsgivaren.",
    "Arbetet ska bedrivas med patientens bästa i fokus och i dialog med berörda förvaltningar.",
    "Vid behov kan rådet bjuda in sakkunniga från andra verksamheter och från primärvården.",
    "Gruppen ska verka för jämlik vård & likvärdiga förutsättningar i hela regionen.",
    "Särskild vikt ska läggas vid kompetensförsörjning, digitalisering och uppföljning.",
)
MB = 1024 * 1024
TRACED_DOCS = 500  # tracemalloc slows rendering several times; what it shows does not grow with N
TEMP_DIR: str | None = None  # where the file runs write; None: the system's temporary folder


# -- the documents --------------------------------------------------------------------------
@dataclasses.dataclass
class Corpus:
    """What every document of a run is made from: settings, the real mandates and the template."""

    workspace: Workspace
    settings: Settings
    mandates: list[Mandate]

    @classmethod
    def load(cls) -> Corpus:
        workspace = Workspace(ROOT)
        settings = workspace.load_settings()
        library = workspace.load_library()
        mandates = [
            load_mandate(workspace.councils_dir / f"{name}.yaml", library, settings)
            for name in COUNCILS
        ]
        return cls(workspace, settings, mandates)

    def work(self, start: int, stop: int) -> Iterator[tuple[Mandate, Stamp]]:
        """Documents ``start`` to ``stop``: generated lazily, so a stream holds one at a time.

        Document ``i`` is always the same, whichever process makes it.
        """
        for i in range(start, stop):
            base = self.mandates[i % len(self.mandates)]
            mandate = base if i < len(self.mandates) else _variant(base, i)
            date = dt.date(2024, 1, 1) + dt.timedelta(days=i % 700)
            decided = date + dt.timedelta(days=7) if i % 3 == 0 else None
            stamp = Stamp(date, f"RS {date.year}-{i % 100000:05d}", decided)
            yield mandate, stamp


def _variant(base: Mandate, i: int) -> Mandate:
    """A council of the same size and shape as ``base``: another name, its texts reworked."""
    rng = random.Random(i)
    area = f"{AREAS[i % len(AREAS)]} {i // len(AREAS) + 1}"
    body = []
    for item in base.body:
        text = item.text
        if item.kind != "heading" and "](" not in text:  # links stay as they are
            sentences = [s for s in text.split(". ") if s]
            roll = rng.random()
            if roll < 0.25 and len(sentences) > 1:
                rng.shuffle(sentences)
                text = ". ".join(sentences)
            elif roll < 0.5:
                text = f"{text} {rng.choice(EXTRA_SENTENCES)}"
            elif roll < 0.6:
                text = text.replace("onkologi", area).replace("primärvård", area)
        body.append(dataclasses.replace(item, text=text))
    return dataclasses.replace(
        base,
        council_id=f"rad-{i}",
        name=f"Samordningsråd {area}",
        responsibility=f"Verksamhet {area}, Hälso- och sjukvård",
        recipient=f"Ordförande, samordningsråd {area}",
        body=body,
        distribution=[*base.distribution[:-1], f"Ordförande, samordningsråd {area}"],
    )


# -- the two paths --------------------------------------------------------------------------
def naive_render(
    template_path: Path, settings: Settings, mandate: Mandate, stamp: Stamp, jinja_env: Any,
    target: io.BytesIO | Path,
) -> None:  # fmt: skip
    """One document the way docxtpl's documentation renders one."""
    tpl = DocxTemplate(template_path)
    context = build_context(mandate, settings, stamp, tpl.build_url_id)
    tpl.render(context, jinja_env, autoescape=True)
    tpl.save(target)


def timed(
    work: list[tuple[Mandate, Stamp]],
    render_one: Callable[[int, Mandate, Stamp], None],
    warmup: int,
) -> float:
    """Seconds per document in steady state, after ``warmup`` untimed documents."""
    for i, (mandate, stamp) in enumerate(work[:warmup]):
        render_one(i, mandate, stamp)
    start = time.perf_counter()
    for i, (mandate, stamp) in enumerate(work):
        render_one(i, mandate, stamp)
    return (time.perf_counter() - start) / len(work)


def measure_naive(corpus: Corpus, n: int) -> tuple[float, float]:
    """docxtpl's seconds per document, to buffers and to files."""
    from generator.environment import make_environment

    work = list(corpus.work(0, n))
    path, settings = corpus.workspace.template_path, corpus.settings
    jinja_env = make_environment()  # created once, as in docxtpl's documentation

    def to_buffer(i: int, mandate: Mandate, stamp: Stamp) -> None:
        naive_render(path, settings, mandate, stamp, jinja_env, io.BytesIO())

    per_buffer = timed(work, to_buffer, warmup=5)
    with tempfile.TemporaryDirectory(prefix="bench-naive-", dir=TEMP_DIR) as folder:

        def to_file(i: int, mandate: Mandate, stamp: Stamp) -> None:
            naive_render(path, settings, mandate, stamp, jinja_env, Path(folder) / f"{i}.docx")

        per_file = timed(work, to_file, warmup=5)
    return per_buffer, per_file


def measure_product(corpus: Corpus, n: int) -> tuple[float, float, int]:
    """The product's seconds per document, to buffers and to files; and a document's size."""
    template = CompiledTemplate.load(corpus.workspace.template_path)
    work = list(corpus.work(0, n))
    settings = corpus.settings
    sizes: list[int] = []

    def to_buffer(i: int, mandate: Mandate, stamp: Stamp) -> None:
        sizes.append(len(render_docx(template, mandate, settings, stamp)))

    per_buffer = timed(work, to_buffer, warmup=50)
    with tempfile.TemporaryDirectory(prefix="bench-product-", dir=TEMP_DIR) as folder:

        def to_file(i: int, mandate: Mandate, stamp: Stamp) -> None:
            (Path(folder) / f"{i}.docx").write_bytes(
                render_docx(template, mandate, settings, stamp)
            )

        per_file = timed(work, to_file, warmup=50)
    return per_buffer, per_file, sum(sizes) // len(sizes)


# -- several processes ----------------------------------------------------------------------
def _job(start: int, stop: int, barrier: Any, results: Any) -> None:
    """One process of the parallel run: load once, make its documents, wait, render, report."""
    corpus = Corpus.load()
    template = CompiledTemplate.load(corpus.workspace.template_path)
    work = list(corpus.work(start, stop))
    for mandate, stamp in work[:20]:
        render_docx(template, mandate, corpus.settings, stamp)
    barrier.wait()
    began = time.perf_counter()  # CLOCK_MONOTONIC: comparable between processes
    for mandate, stamp in work:
        render_docx(template, mandate, corpus.settings, stamp)
    results.put((began, time.perf_counter(), len(work)))


def measure_jobs(n: int, jobs: int) -> float:
    """Documents per second of ``jobs`` processes together, from the first start to the last end."""
    barrier = mp.Barrier(jobs)
    results: Any = mp.Queue()
    bounds = [n * j // jobs for j in range(jobs + 1)]
    processes = [
        mp.Process(target=_job, args=(bounds[j], bounds[j + 1], barrier, results))
        for j in range(jobs)
    ]
    for process in processes:
        process.start()
    reports = [results.get() for _ in processes]
    for process in processes:
        process.join()
    began = min(r[0] for r in reports)
    ended = max(r[1] for r in reports)
    return sum(r[2] for r in reports) / (ended - began)


# -- memory ---------------------------------------------------------------------------------
def stream(n: int, trace: bool) -> dict[str, float]:
    """In a fresh interpreter: render ``n`` documents to files, one at a time, and report memory.

    Run as ``bench_render.py --stream-child N``; it prints one JSON line.
    """
    corpus = Corpus.load()
    template = CompiledTemplate.load(corpus.workspace.template_path)
    loaded = _rss_now()
    if trace:
        tracemalloc.start()
    with tempfile.TemporaryDirectory(prefix="bench-stream-", dir=TEMP_DIR) as folder:
        start = time.perf_counter()
        for i, (mandate, stamp) in enumerate(corpus.work(0, n)):
            data = render_docx(template, mandate, corpus.settings, stamp)
            (Path(folder) / f"{i}.docx").write_bytes(data)
            del data
        seconds = time.perf_counter() - start
    traced = tracemalloc.get_traced_memory()[1] if trace else 0
    return {"peak_rss": _peak_rss(), "loaded_rss": loaded, "traced": traced, "seconds": seconds}


def _status(field: str) -> float:
    """A size from /proc/self/status (Linux) in bytes; 0 where there is none."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _rss_now() -> float:
    return _status("VmRSS")


def _peak_rss() -> float:
    """This interpreter's peak RSS.

    ``VmHWM`` rather than ``ru_maxrss``: Linux carries ``ru_maxrss`` over an exec, so a child
    started from a parent that had grown (docxtpl's runs) would report the parent's peak.
    """
    return _status("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def run_stream(n: int, trace: bool = False) -> dict[str, float]:
    args = [sys.executable, __file__, "--stream-child", str(n)] + (["--trace"] if trace else [])
    if TEMP_DIR is not None:
        args += ["--dir", TEMP_DIR]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def print_stream(n: int, report: dict[str, float]) -> None:
    print(
        f"  streaming {n} docs to disk: peak RSS {report['peak_rss'] / MB:.1f} MB "
        f"(after loading: {report['loaded_rss'] / MB:.1f} MB), "
        f"{n / report['seconds']:.0f} docs/s"
    )


# -- the run --------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=2000, help="documents on the product's path")
    parser.add_argument(
        "--naive-docs",
        type=int,
        default=100,
        help="documents on docxtpl's path (its cost per document is steady)",
    )
    parser.add_argument("--jobs", type=int, default=1, help="also measure this many processes")
    parser.add_argument(
        "--memory-docs",
        type=int,
        default=None,
        help="documents in the streaming memory run (default: --docs)",
    )
    parser.add_argument(
        "--dir", default=None, help="folder for the runs that write files (default: system temp)"
    )
    parser.add_argument("--stream-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    global TEMP_DIR
    TEMP_DIR = args.dir

    if args.stream_child is not None:
        print(json.dumps(stream(args.stream_child, args.trace)))
        return

    corpus = Corpus.load()
    print(f"uppdrag render benchmark: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    naive_buffer, naive_file = measure_naive(corpus, args.naive_docs)
    product_buffer, product_file, size = measure_product(corpus, args.docs)
    for label, n, seconds in (
        ("docxtpl, to buffers", args.naive_docs, naive_buffer),
        ("docxtpl, to files  ", args.naive_docs, naive_file),
        ("product, to buffers", args.docs, product_buffer),
        ("product, to files  ", args.docs, product_file),
    ):
        print(f"  {label}: {seconds * 1000:7.3f} ms/doc  {1 / seconds:8.0f} docs/s  ({n} docs)")
    print(f"  product document: {size / 1024:.1f} kB on average")

    if args.jobs > 1:
        rate = measure_jobs(args.docs, args.jobs)
        print(
            f"  product, {args.jobs} processes, to buffers: {rate:.0f} docs/s "
            f"({1000 * args.jobs / rate:.3f} ms/doc per core, {args.docs} docs)"
        )

    memory_docs = args.memory_docs or args.docs
    if args.memory_docs is not None and args.memory_docs >= 10:
        print_stream(memory_docs // 10, run_stream(memory_docs // 10))
    print_stream(memory_docs, run_stream(memory_docs))
    traced_docs = min(memory_docs, TRACED_DOCS)
    traced = run_stream(traced_docs, trace=True)
    print(f"  tracemalloc peak while streaming {traced_docs} docs: {traced['traced'] / MB:.2f} MB")
    print(f"ratio vs docxtpl, to files: {naive_file / product_file:.1f}")
    print(f"ratio vs docxtpl: {naive_buffer / product_buffer:.1f}")


if __name__ == "__main__":
    main()
