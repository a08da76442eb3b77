"""PDF/A for many councils: the product's LibreOffice pool against one ``soffice`` run, in one run.

    .venv/bin/python benchmarks/bench_pdf.py [--councils 300] [--jobs 2] [--scale 100,1000]
                                             [--memory 1000,10000] [--skip ...] [--dir FOLDER]

- **pool vs single**: a workspace of N councils (copies of the two real ones, as in
  ``bench_reissue.py``) gets its first issue with ``uppdrag reissue --all --pdf --pdf-jobs J``,
  timed from start to exit (render, register, write, and the PDFs, checked and recorded); then
  ONE ``soffice --convert-to pdf`` (same PDF/A options, private profile) converts copies of the
  same N documents, the naive way.  Every PDF the product kept is checked again here (PDF/A-2,
  tagged, sv-SE, title, pages), and its register row counted; the single run's PDFs are counted.
  One ``soffice`` run over hundreds of files stops after about 245 of them while still exiting
  0, so the single run's time is also given per PDF it made, and the naive way is finished
  (``soffice`` again over the files it skipped, until none is left) and timed in all.
- **approaches**: on a sample, the pool converting plain copies against the lighter copies the
  product converts (``generator.pdf.lighter``: unused table styles left out), one worker
  against two, small chunks (each chunk pays a LibreOffice start), a LibreOffice started per
  document, and a UNO listener per worker where the system Python has ``uno``.
- **scale**: the per-document cost of ``reissue --all --pdf`` end to end at each size.
- **memory**: the peak memory of ``uppdrag reissue --all`` (no PDF) at each size, summed over
  the whole process tree (PSS from /proc, so that pages shared by forked workers count once;
  RSS summed beside it), and the LibreOffice pool's peak as the product reports it.

The machine's cores may be shared with other work: the figures are one run's, not a promise.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_reissue import FIRST, build_workspace  # noqa: E402

from generator.pdf import Job, Pool, check_pdf, convert_argument, expected_title  # noqa: E402
from generator.pdf.lighter import conversion_copy  # noqa: E402
from generator.register import Register  # noqa: E402

# -- measuring a process tree -------------------------------------------------------------------


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                ppid = int(fh.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def _memory_kib(pid: int) -> tuple[int, int]:
    """(PSS, RSS) of one process in KiB."""
    pss = rss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Pss:"):
                    pss = int(line.split()[1])
                elif line.startswith(b"Rss:"):
                    rss = int(line.split()[1])
    except (OSError, ValueError):
        pass
    return pss, rss


class TreeMemory:
    """Samples the memory of a process and all its descendants until it ends; keeps the peak."""

    def __init__(self, pid: int, every: float = 0.1) -> None:
        self.pid = pid
        self.every = every
        self.peak_pss = self.peak_rss = 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.done.is_set():
            tree = _children()
            todo, pss, rss = [self.pid], 0, 0
            while todo:
                pid = todo.pop()
                p, r = _memory_kib(pid)
                pss, rss = pss + p, rss + r
                todo.extend(tree.get(pid, []))
            self.peak_pss, self.peak_rss = max(self.peak_pss, pss), max(self.peak_rss, rss)
            self.done.wait(self.every)

    def stop(self) -> None:
        self.done.set()
        self.thread.join()


def run_uppdrag(root: Path, args: list[str]) -> tuple[float, TreeMemory, str]:
    """``uppdrag ARGS`` in ``root``: seconds, the tree's memory, its output."""
    env = {k: v for k, v in os.environ.items() if k != "UPPDRAG_REGISTER"}
    env["LANGUAGE"] = "en"
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", *args],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    memory = TreeMemory(process.pid)
    output, _unused = process.communicate()
    seconds = time.perf_counter() - start
    memory.stop()
    if process.returncode != 0:
        raise SystemExit(
            f"uppdrag {' '.join(args)} failed ({process.returncode}):\n{output[-3000:]}"
        )
    return seconds, memory, output


def reissue_args(jobs: int, pdf: bool) -> list[str]:
    reason, date = FIRST
    args = ["reissue", "--all", "--jobs", str(jobs), "--reason", reason, "--date", date.isoformat()]
    return [*args, "--pdf", "--pdf-jobs", str(jobs)] if pdf else args


# -- the parts ----------------------------------------------------------------------------------


def product_pdf(folder: Path, councils: int, jobs: int) -> tuple[float, list[Path], dict]:
    """``reissue --all --pdf`` of a fresh workspace; the documents and what was checked."""
    root = build_workspace(folder, councils)
    seconds, memory, _output = run_uppdrag(root, reissue_args(jobs, pdf=True))
    docs = sorted(p for p in (root / "output").rglob("*.docx"))
    pdfs = sorted((root / "output").rglob("*.pdf"))
    valid = 0
    for pdf in pdfs:
        _pages, problems = check_pdf(pdf.read_bytes(), expected_title(pdf.with_suffix(".docx")))
        valid += not problems
    with Register(root / "output" / "diarium.sqlite") as reg:
        recorded = len(reg.archive_copies())
    facts = {
        "documents": len(docs),
        "pdfs": len(pdfs),
        "valid": valid,
        "recorded": recorded,
        "tree_pss_mb": memory.peak_pss / 1024,
    }
    return seconds, docs, facts


def single_soffice(folder: Path, docs: list[Path]) -> tuple[float, int]:
    """One ``soffice --convert-to`` over copies of ``docs``: seconds, PDFs it wrote."""
    inbox, outbox, profile = folder / "in", folder / "out", folder / "profile"
    for f in (inbox, outbox):
        f.mkdir(parents=True)
    copies = []
    for doc in docs:
        copy = inbox / doc.name
        shutil.copyfile(doc, copy)
        copies.append(copy)
    start = time.perf_counter()
    _soffice_run(profile, outbox, copies)
    return time.perf_counter() - start, len(list(outbox.glob("*.pdf")))


def single_until_done(folder: Path, docs: list[Path], first: float) -> tuple[float, int, int]:
    """The naive way finished: after ``single_soffice``, ``soffice`` again over the files that
    got no PDF, until a run makes none.  Seconds in all (``first`` included), PDFs, runs."""
    inbox, outbox, profile = folder / "in", folder / "out", folder / "profile"
    seconds, runs = first, 1
    while True:
        missing = [
            c for c in sorted(inbox.glob("*.docx")) if not (outbox / f"{c.stem}.pdf").exists()
        ]
        if not missing:
            break
        before = len(list(outbox.glob("*.pdf")))
        start = time.perf_counter()
        _soffice_run(profile, outbox, missing)
        seconds += time.perf_counter() - start
        runs += 1
        if len(list(outbox.glob("*.pdf"))) == before:
            break
    return seconds, len(list(outbox.glob("*.pdf"))), runs


def _soffice_run(profile: Path, outbox: Path, files: list[Path]) -> None:
    soffice = shutil.which("soffice") or "soffice"
    subprocess.run(
        [soffice, "--headless", "--norestore", "--nolockcheck", "--nologo", "--nodefault",
         f"-env:UserInstallation={profile.as_uri()}", "--convert-to", convert_argument(),
         "--outdir", str(outbox), *map(str, files)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
    )  # fmt: skip


def pool_only(
    docs: list[Path], jobs: int, largest_chunk: int, lighten: bool = True
) -> tuple[float, int, int, int]:
    """The pool alone over ``docs``: seconds, good PDFs, LibreOffice starts, peak KiB."""
    pool = Pool(jobs, largest_chunk=largest_chunk, lighten=lighten)
    start = time.perf_counter()
    good = sum(m.data is not None for m in pool.convert([Job(d, expected_title(d)) for d in docs]))
    return time.perf_counter() - start, good, pool.runs, pool.peak_rss_kib


def per_document_start(folder: Path, docs: list[Path]) -> float:
    """A LibreOffice started for each document (one profile, kept): seconds per document."""
    start = time.perf_counter()
    for index, doc in enumerate(docs):
        single_soffice(folder / f"{index}", [doc])
    return (time.perf_counter() - start) / len(docs)


def uno_listener(folder: Path, docs: list[Path], jobs: int) -> str:
    """The UNO-listener way (``benchmarks/uno_convert.py``), if the system Python has ``uno``."""
    python = shutil.which("python3", path="/usr/bin:/bin") or "python3"
    probe = subprocess.run([python, "-c", "import uno"], capture_output=True, check=False)
    if probe.returncode != 0:
        return "not measured: the system Python has no uno (apt-get install python3-uno)"
    out, inbox = folder / "uno-out", folder / "uno-in"
    out.mkdir(parents=True)
    inbox.mkdir()
    lighter = [inbox / doc.name for doc in docs]  # the same lighter copies the pool converts
    for doc, copy in zip(docs, lighter, strict=True):
        conversion_copy(doc, copy)
    done = subprocess.run(
        [python, str(ROOT / "benchmarks" / "uno_convert.py"), str(jobs), str(out),
         *map(str, lighter)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        return f"failed: {done.stderr.strip().splitlines()[-1:]}"
    seconds, startup = (float(x) for x in done.stdout.split())
    good = sum(
        not check_pdf(pdf.read_bytes(), expected_title(doc))[1]
        for doc in docs
        if (pdf := out / f"{doc.stem}.pdf").exists()
    )
    return (
        f"{seconds:6.1f} s for {len(docs)} ({seconds / len(docs) * 1000:.0f} ms/doc), {good} good,"
        f" {startup:.1f} s before the first conversion"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--councils", type=int, default=300)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--scale", default="100,1000", help="sizes for the per-document cost")
    parser.add_argument("--memory", default="1000,10000", help="sizes for reissue --all memory")
    parser.add_argument("--skip", default="", help="parts to skip: pool,approaches,scale,memory")
    parser.add_argument("--dir", default=None, help="folder for the workspaces (default: temp)")
    args = parser.parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    load = os.getloadavg()[0]
    print(f"uppdrag PDF benchmark: {os.cpu_count()} cores, load {load:.1f} at start, "
          f"--jobs/--pdf-jobs {args.jobs}")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="bench-pdf-", dir=args.dir) as tmp:
        folder = Path(tmp)
        docs: list[Path] = []
        if "pool" not in skip:
            n = args.councils
            product, docs, facts = product_pdf(folder / "product", n, args.jobs)
            single, single_made = single_soffice(folder / "single", docs)
            print(f"  product reissue --all --pdf, {n} councils: {product:7.1f} s "
                  f"({product / n * 1000:.0f} ms/doc), {facts['pdfs']} PDFs, {facts['valid']} "
                  f"valid, {facts['recorded']} recorded; process tree peak "
                  f"{facts['tree_pss_mb']:.0f} MB")  # fmt: skip
            print(
                f"  single soffice --convert-to, same {len(docs)} files: {single:7.1f} s "
                f"({single / len(docs) * 1000:.0f} ms/doc), {single_made} PDFs written"
            )
            whole, whole_made, runs = single_until_done(folder / "single", docs, single)
            print(f"  the same single way run again over the files it skipped until done: "
                  f"{whole:7.1f} s, {whole_made} PDFs in {runs} runs")  # fmt: skip
            print(f"ratio single/product: {single / product:.2f}x in time (the single run made "
                  f"{single_made} of {len(docs)}); {whole / product:.2f}x for all {whole_made} "
                  f"by the single way; per PDF made: "
                  f"{(single / max(single_made, 1)) / (product / max(facts['valid'], 1)):.2f}x "
                  f"(goal >= 1.8x)")  # fmt: skip
        if "approaches" not in skip:
            if not docs:
                _p, docs, _f = product_pdf(folder / "approaches", 100, args.jobs)
            sample = docs[:100]
            ways = [(args.jobs, 100, False), (args.jobs, 100, True), (1, 100, True),
                    (args.jobs, 10, True)]  # fmt: skip
            for jobs, chunk, lighten in ways:
                seconds, good, runs, peak = pool_only(sample, jobs, chunk, lighten)
                copies = "lighter copies" if lighten else "plain copies  "
                print(f"  pool of {jobs}, {copies}, chunks <= {chunk:3d}: {seconds:6.1f} s for "
                      f"{len(sample)} ({seconds / len(sample) * 1000:.0f} ms/doc), {good} good, "
                      f"{runs} starts, pool peak {peak / 1024:.0f} MB (RSS sum)")  # fmt: skip
            sample = sample[:60]
            print(f"  UNO listener per worker ({args.jobs}), like unoserver, lighter copies: "
                  f"{uno_listener(folder / 'uno', sample, args.jobs)}")  # fmt: skip
            few = sample[:8]
            print(
                f"  one soffice per document: {per_document_start(folder / 'each', few) * 1000:.0f}"
                f" ms/doc ({len(few)} documents)"
            )
        if "scale" not in skip:
            for n in (int(x) for x in args.scale.split(",") if x):
                seconds, _d, facts = product_pdf(folder / f"scale-{n}", n, args.jobs)
                print(f"  reissue --all --pdf, {n:5d} councils: {seconds:7.1f} s, "
                      f"{seconds / n * 1000:.0f} ms/doc end to end, {facts['valid']}/{n} valid, "
                      f"tree peak {facts['tree_pss_mb']:.0f} MB")  # fmt: skip
                shutil.rmtree(folder / f"scale-{n}")
        if "memory" not in skip:
            for n in (int(x) for x in args.memory.split(",") if x):
                root = build_workspace(folder / f"memory-{n}", n)
                seconds, memory, _o = run_uppdrag(root, reissue_args(args.jobs, pdf=False))
                print(f"  reissue --all, {n:5d} councils: {seconds:6.1f} s, process tree peak "
                      f"{memory.peak_pss / 1024:.0f} MB PSS ({memory.peak_rss / 1024:.0f} MB RSS "
                      f"summed) (goal <= 200 MB)")  # fmt: skip
                shutil.rmtree(root)


if __name__ == "__main__":
    main()
