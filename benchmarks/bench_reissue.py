"""How fast ``uppdrag reissue --all`` runs end to end, measured against the naive way in one run.

    .venv/bin/python benchmarks/bench_reissue.py [--councils N] [--jobs J] [--naive-councils M]
                                                  [--dir FOLDER]

A temporary workspace gets N councils, copies of the two real ones (alternately) under names of
their own, with the repository's settings, clause library and template.  Then, as a registrar
would:

- ``uppdrag reissue --all --jobs J`` gives every council its first issue (validate, allocate,
  render, hash, register, write), timed as a command in a process of its own, from start to exit;
- a clause that every council uses is changed in the library, and the same command re-issues
  every council: each is also compared with its previous issue, read back from its .docx, and
  gets a review copy with the changes tracked.

The naive way does the same work for M councils, one at a time in one process, as the code
would be written without any care for speed: each council file read with ruamel's round-trip
loader and checked with jsonschema, the clauses merged, the document rendered with docxtpl's
documented ``DocxTemplate(path)``, ``render``, ``save``, and the register asked and written for
each document on its own (its live issue, its number, its completion); on the re-issue, the
previous issue read back and a review copy written as the product writes it.

Each line gives seconds and documents per second; the last line is ``ratio vs naive: X``, the
product's documents per second over the naive way's, both passes together.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from docxtpl import DocxTemplate  # noqa: E402
from jsonschema import Draft202012Validator  # noqa: E402

from generator import dates  # noqa: E402
from generator.diff.document import document_paragraphs  # noqa: E402
from generator.environment import make_environment  # noqa: E402
from generator.issuing import default_path, subject  # noqa: E402
from generator.loader import load_yaml  # noqa: E402
from generator.mandate import build_mandate  # noqa: E402
from generator.register import Register, Request  # noqa: E402
from generator.render import Stamp, build_context  # noqa: E402
from generator.review import review_docx  # noqa: E402
from generator.schema import COUNCIL_SCHEMA  # noqa: E402
from generator.workspace import Workspace  # noqa: E402
from generator.writer import write_new  # noqa: E402

FIRST = ("Första utgåvan", dt.date(2026, 11, 22))
SECOND = ("Ny rutin för att utse ordförande", dt.date(2026, 11, 23))
OLD_CLAUSE = "särskild rutin, (RS 2019-03137-40)"
NEW_CLAUSE = "särskild rutin (RS 2026-00042)"


@dataclass
class Pass:
    """One timed pass: what it did, how many documents, how long it took."""

    label: str
    documents: int
    seconds: float

    def line(self) -> str:
        rate = self.documents / self.seconds
        return f"  {self.label:<26} {self.seconds:7.2f} s  {rate:8.1f} docs/s  ({self.documents})"


def build_workspace(root: Path, councils: int) -> Path:
    """A workspace with ``councils`` councils: the two real ones copied under new names."""
    for name in ("data", "templates"):
        shutil.copytree(ROOT / name, root / name)
    folder = root / "data" / "councils"
    sources = [(folder / f"{name}.yaml").read_text("utf-8") for name in ("primarvard", "onkologi")]
    for path in folder.glob("*.yaml"):
        path.unlink()
    for i in range(councils):
        text, count = re.subn(
            r"(?m)^namn: Samordningsråd", f"namn: Samordningsråd {i}", sources[i % 2]
        )
        assert count == 1
        (folder / f"rad{i:04d}.yaml").write_text(text, "utf-8")
    return root


def change_library(root: Path) -> None:
    """The policy change: a clause that every council uses gets a new reference number."""
    library = root / "data" / "klausuler.yaml"
    text = library.read_text("utf-8")
    assert text.count(OLD_CLAUSE) == 1, "the clause the benchmark changes is not in the library"
    library.write_text(text.replace(OLD_CLAUSE, NEW_CLAUSE), "utf-8")


# -- the product ------------------------------------------------------------------------------


def run_command(root: Path, jobs: int, reason: str, date: dt.date) -> float:
    """``uppdrag reissue --all`` in a process of its own; seconds from start to exit."""
    env = {k: v for k, v in os.environ.items() if k != "UPPDRAG_REGISTER"}
    env["LANGUAGE"] = "en"
    args = ["reissue", "--all", "--jobs", str(jobs), "--reason", reason, "--date", date.isoformat()]
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"uppdrag {' '.join(args)} failed:\n{done.stderr}")
    return seconds


def measure_product(root: Path, councils: int, jobs: int) -> list[Pass]:
    build_workspace(root, councils)
    first = run_command(root, jobs, *FIRST)
    change_library(root)
    second = run_command(root, jobs, *SECOND)
    issued = len(list((root / "output").rglob("*.docx")))
    assert issued == 3 * councils, f"{issued} files for {councils} councils"
    return [
        Pass("product, first issue", councils, first),
        Pass("product, re-issue", councils, second),
    ]


# -- the naive way ----------------------------------------------------------------------------


def naive_pass(root: Path, reason: str, date: dt.date) -> None:
    """Every council of the workspace issued one at a time, the naive way (see the module)."""
    workspace = Workspace(root)
    settings = workspace.load_settings()
    library = workspace.load_library()
    validator_schema = COUNCIL_SCHEMA
    jinja_env = make_environment()
    register = root / "output" / "diarium.sqlite"
    for path in workspace.council_files():
        loaded = load_yaml(path)
        problems = list(Draft202012Validator(validator_schema).iter_errors(loaded.data))
        assert not problems, problems
        mandate = build_mandate(loaded, library, settings)
        with Register(register) as reg:
            previous = reg.latest_for(mandate.council_id)
        request = Request(
            council=mandate.council_id,
            date=dates.iso(date),
            decided=None,
            subject=subject(settings, mandate),
            supersedes=previous.dnr if previous else None,
            reason=reason,
        )
        with Register(register) as reg:
            [issue] = reg.reserve(
                [request],
                settings.series,
                lambda request, number: str(
                    default_path(workspace.output_dir, number, request.council)
                ),
            )
        target = Path(issue.path or "")
        target.parent.mkdir(parents=True, exist_ok=True)
        stamp = Stamp(date, issue.dnr, None, request.supersedes)
        tpl = DocxTemplate(workspace.template_path)
        tpl.render(build_context(mandate, settings, stamp, tpl.build_url_id), jinja_env, True)
        tpl.save(target)
        data = target.read_bytes()
        with Register(register) as reg:
            reg.complete(issue.dnr, str(target), hashlib.sha256(data).hexdigest())
        if previous is not None and previous.path:
            old = document_paragraphs(Path(previous.path))
            review = review_docx(data, old, author=settings.organisation, date=dates.iso(date))
            write_new(target.with_name(target.stem + "_andringar.docx"), review)


def measure_naive(root: Path, councils: int) -> list[Pass]:
    build_workspace(root, councils)
    here = Path.cwd()
    os.chdir(root)  # the product's messages and paths are relative to the workspace
    try:
        start = time.perf_counter()
        naive_pass(root, *FIRST)
        first = time.perf_counter() - start
        change_library(root)
        start = time.perf_counter()
        naive_pass(root, *SECOND)
        second = time.perf_counter() - start
    finally:
        os.chdir(here)
    return [Pass("naive, first issue", councils, first), Pass("naive, re-issue", councils, second)]


# -- the report -------------------------------------------------------------------------------


def rate(passes: list[Pass]) -> float:
    """Documents per second over all the passes together."""
    return sum(p.documents for p in passes) / sum(p.seconds for p in passes)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--councils", type=int, default=1000, help="councils on the product's way")
    parser.add_argument("--jobs", type=int, default=2, help="uppdrag reissue --jobs")
    parser.add_argument(
        "--naive-councils",
        type=int,
        default=100,
        help="councils on the naive way (its cost per council is steady)",
    )
    parser.add_argument("--dir", default=None, help="folder for the workspaces (default: temp)")
    args = parser.parse_args(argv)
    print(
        f"uppdrag reissue benchmark: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
        f"--jobs {args.jobs}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-reissue-", dir=args.dir) as folder:
        product = measure_product(Path(folder) / "product", args.councils, args.jobs)
        naive = measure_naive(Path(folder) / "naive", args.naive_councils)
    for p in product + naive:
        print(p.line())
    print(f"  product, both passes:      {rate(product):8.1f} docs/s")
    print(f"  naive, both passes:        {rate(naive):8.1f} docs/s")
    print(f"ratio vs naive: {rate(product) / rate(naive):.1f}")


if __name__ == "__main__":
    main()
