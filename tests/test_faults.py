"""Fault campaign of the diarium (issue 12): the register tells the truth whatever happens.

Each trial starts from the same small workspace (six councils, each issued once), does one of
the commands that write (``reissue``, ``render``, ``decide``) in a forked process, and kills it
with SIGKILL at a random moment of its run; or plants a link or a file where the product will
write, fills the disk (``RLIMIT_FSIZE``), loses the register, or voids and decides while a
re-issue runs.  After each trial the next command settles what was left, and the invariants are
checked as a registrar would check them:

- no number is given twice: every series is 1…N with each number once, every file's
  ``Diarienummer`` line is its own number, and no two numbers share a file;
- every gap is voided with a true reason (a killed command's numbers: "interrupted …");
- every registered file is the product's own: its SHA-256 is the one recorded, it is a regular
  file, its number is in it;
- every file in the output folder is known to the register, and ``verify`` agrees.

Run alone with ``pytest -m fault``; ``UPPDRAG_FAULT_TRIALS`` sets the number of kill trials
(default 60, which takes well under a minute).
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import resource
import shutil
import signal
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from generator import decisions, issuing, register_operations
from generator.exceptions import RegisterError
from generator.register import Register
from generator.reissue import reissue
from generator.workspace import Workspace
from tests.conftest import REPO
from tests.docx_text import docx_lines

pytestmark = pytest.mark.fault

TRIALS = int(os.environ.get("UPPDRAG_FAULT_TRIALS", "60"))
COUNCILS = ["onkologi", "primarvard", *(f"kopia{i}" for i in range(1, 5))]
FIRST = "2026-03-02"
LATER = "2026-04-01"
REASON = "Ny rutin för att utse ordförande"
OLD_CLAUSE, NEW_CLAUSE = "(RS 2019-03137-40)", "(RS 2026-00042-7)"
#: Reasons a killed or failed command's numbers may be voided with.
TRUE_REASONS = ("interrupted", "not written:", "the file could not be written", "fault campaign")


# -- the workspace ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six councils issued once on FIRST, and a clause changed since (so reissue has work)."""
    root = tmp_path_factory.mktemp("faults") / "base"
    for name in ("data", "templates"):
        shutil.copytree(REPO / name, root / name)
    councils = root / "data" / "councils"
    for i, council in enumerate(COUNCILS[2:], 1):
        source = ["onkologi", "primarvard"][i % 2]
        text = (councils / f"{source}.yaml").read_text(encoding="utf-8")
        name = "Samordningsråd onkologi" if source == "onkologi" else "Samordningsråd primärvård"
        text = text.replace(name, f"Samordningsråd {council}")
        (councils / f"{council}.yaml").write_text(text, encoding="utf-8")
    with _inside(root):
        issuing.render(Workspace(root), COUNCILS, date=_date(FIRST))
    clauses = root / "data" / "klausuler.yaml"
    clauses.write_text(clauses.read_text("utf-8").replace(OLD_CLAUSE, NEW_CLAUSE), "utf-8")
    return root


def _date(text: str):
    import datetime as dt

    return dt.date.fromisoformat(text)


class _inside:  # noqa: N801 - used as a statement
    def __init__(self, folder: Path) -> None:
        self.folder, self.before = folder, Path.cwd()

    def __enter__(self) -> None:
        os.chdir(self.folder)

    def __exit__(self, *_exc: object) -> None:
        os.chdir(self.before)


def _copy(base: Path, target: Path) -> Path:
    shutil.copytree(base, target, symlinks=True)
    return target


# -- the commands -------------------------------------------------------------------------------


def _reissue(root: Path) -> None:
    reissue(Workspace(root), [], reason=REASON, date=_date(LATER), jobs=1)


def _render(root: Path) -> None:
    issuing.render(Workspace(root), COUNCILS[:3], date=_date(LATER))


def _decide(root: Path) -> None:
    drafts = [
        i.dnr for i in register_operations.list_issues(Workspace(root)) if i.status == "utkast"
    ]
    for dnr in drafts[:3]:
        decisions.decide(Workspace(root), dnr, _date(LATER))


OPERATIONS: dict[str, Callable[[Path], None]] = {
    "reissue": _reissue,
    "render": _render,
    "decide": _decide,
}


def _in_child(root: Path, operation: Callable[[Path], None], fsize: int | None = None) -> int:
    """Run ``operation`` in a forked process; its pid.  The child never returns to pytest."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 0
        try:
            os.chdir(root)
            if fsize is not None:
                resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
            operation(root)
        except BaseException:  # noqa: BLE001 - a failed command is a trial too
            code = 1
        os._exit(code)
    return pid


def _wait(pid: int) -> int:
    return os.waitpid(pid, 0)[1]


def _duration(base: Path, tmp: Path, name: str) -> float:
    root = _copy(base, tmp / f"calibrate-{name}")
    started = time.perf_counter()
    assert _wait(_in_child(root, OPERATIONS[name])) == 0
    return time.perf_counter() - started


# -- the invariants -----------------------------------------------------------------------------


@dataclass
class Expect:
    """What a trial may leave that is not an error: files planted by the attacker."""

    unknown: set[Path] = field(default_factory=set)
    reasons: tuple[str, ...] = TRUE_REASONS


def _settle_and_check(root: Path, expect: Expect | None = None) -> None:
    """The next command (verify) settles what was left; then every invariant is checked."""
    expect = expect or Expect()
    with _inside(root):
        found = register_operations.verify(Workspace(root))
    assert found.bad == [], found.bad
    assert set(found.unknown) == expect.unknown, found.unknown
    assert found.pending == [], found.pending
    register = root / "output" / "diarium.sqlite"
    with sqlite3.connect(register) as conn:
        issues = conn.execute("SELECT dnr, prefix, year, serial, status, reason FROM issues")
        issues = issues.fetchall()
        files = conn.execute("SELECT dnr, path, sha256, state FROM files").fetchall()
    series: dict[tuple[str, int], list[int]] = {}
    for dnr, prefix, year, serial, status, reason in issues:
        series.setdefault((prefix, year), []).append(serial)
        assert status != "pending", dnr
        if status == "makulerad":
            assert reason and reason.startswith(expect.reasons), (dnr, reason)
    for key, serials in series.items():
        assert sorted(serials) == list(range(1, len(serials) + 1)), (key, sorted(serials))
    paths = [path for _dnr, path, _sha, _state in files]
    assert len(paths) == len(set(paths))
    for dnr, path, sha256, state in files:
        assert state == "written", (dnr, path)
        file = root / path  # recorded relative to the workspace
        assert file.is_file() and not file.is_symlink(), path
        assert file.is_relative_to(root / "output"), path
        assert hashlib.sha256(file.read_bytes()).hexdigest() == sha256, path
        head = [line for line in docx_lines(file) if line.startswith("Diarienummer:")]
        assert head == [f"Diarienummer: {dnr}"], (path, head)


# -- kills --------------------------------------------------------------------------------------


def test_sigkill_at_random_points(base: Path, tmp_path: Path) -> None:
    """SIGKILL at a random moment of reissue, render or decide; then the invariants, and, in
    every fifth trial, the same command run again to the end, and the invariants once more."""
    rng = random.Random(int(os.environ.get("UPPDRAG_FAULT_SEED", "12")))
    durations = {name: _duration(base, tmp_path, name) for name in OPERATIONS}
    killed = 0
    for trial in range(TRIALS):
        name = list(OPERATIONS)[trial % len(OPERATIONS)]
        root = _copy(base, tmp_path / f"trial-{trial}")
        pid = _in_child(root, OPERATIONS[name])
        time.sleep(rng.uniform(0, durations[name] * 1.1))
        os.kill(pid, signal.SIGKILL)
        status = _wait(pid)
        killed += os.WIFSIGNALED(status)
        _settle_and_check(root)
        if trial % 5 == 0:
            with _inside(root):
                OPERATIONS[name](root)
            _settle_and_check(root)
        shutil.rmtree(root)
    assert killed >= TRIALS // 2  # most trials were really cut short, not finished first
    print(f"fault campaign: {TRIALS} kill trials, {killed} killed mid-run, 0 violations")


# -- planted links and files --------------------------------------------------------------------


def _next_paths(root: Path) -> dict[str, Path]:
    """Where the next re-issue of onkologi (number 7) will write."""
    year = root / "output" / "2026"
    return {
        "document": year / "RS_2026-00007_kopia1.docx",
        "review": year / "RS_2026-00007_kopia1_andringar.docx",
        "decided": year / "RS_2026-00001_onkologi_beslutad.docx",
    }


@pytest.mark.parametrize("what", ["link", "file"])
@pytest.mark.parametrize("where", ["document", "review", "decided", "year"])
def test_planted_at_every_path_the_product_writes(
    base: Path, tmp_path: Path, what: str, where: str
) -> None:
    root = _copy(base, tmp_path / "ws")
    victim = tmp_path / "victim.docx"
    victim.write_bytes(b"not a document of the register")
    if where == "year":
        planted = root / "output" / "2026"
        shutil.move(planted, tmp_path / "moved")
        (tmp_path / "elsewhere").mkdir()
        if what == "link":
            planted.symlink_to(tmp_path / "elsewhere", target_is_directory=True)
        else:
            planted.write_bytes(b"a file where the folder was")
        with _inside(root):
            with pytest.raises(RegisterError):
                _render(root)
        assert list((tmp_path / "elsewhere").iterdir()) == []
        return
    planted = _next_paths(root)[where]
    if what == "link":
        planted.symlink_to(victim)
    else:
        planted.write_bytes(victim.read_bytes())
    operation = _decide if where == "decided" else _reissue
    with _inside(root):
        try:
            operation(root)
        except RegisterError:
            pass  # refused: fine, as long as the register tells the truth
    assert victim.read_bytes() == b"not a document of the register"
    # A regular file where a review copy goes passes for one (review copies are made again from
    # the records, and are not registered); a link never does, and anything else is unknown.
    passes = where == "review" and what == "file"
    _settle_and_check(root, Expect(unknown=set() if passes else {planted}))


# -- a lost register ----------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["deleted", "emptied", "corrupted"])
def test_a_lost_register_gives_no_number(base: Path, tmp_path: Path, how: str) -> None:
    root = _copy(base, tmp_path / "ws")
    register = root / "output" / "diarium.sqlite"
    if how == "deleted":
        register.unlink()
    elif how == "emptied":
        register.write_bytes(b"")
    else:
        data = bytearray(register.read_bytes())
        data[4096 * 3 : 4096 * 3 + 8] = b"\x2a" * 8
        register.write_bytes(bytes(data))
    before = sorted((root / "output").rglob("*"))
    for operation in OPERATIONS.values():
        with _inside(root):
            with pytest.raises(RegisterError, match="backup"):
                operation(root)
    assert sorted((root / "output").rglob("*")) == before


# -- a full disk --------------------------------------------------------------------------------


def test_a_full_disk_at_random_sizes(base: Path, tmp_path: Path) -> None:
    """The files a command writes may grow no larger than a random limit (RLIMIT_FSIZE): the
    documents that fit are issued, the others voided with the reason, never half-recorded."""
    rng = random.Random(28)
    failed = 0
    for trial in range(8):
        name = ["reissue", "render"][trial % 2]
        root = _copy(base, tmp_path / f"full-{trial}")
        limit = rng.choice([20_000, 40_000, 70_000, 120_000])
        failed += _wait(_in_child(root, OPERATIONS[name], fsize=limit)) != 0
        _settle_and_check(root)
        shutil.rmtree(root)
    assert failed >= 4  # the disk really was too small for most of them


# -- at the same time ---------------------------------------------------------------------------


def _void_and_decide(root: Path) -> None:
    """A registrar at work while the batch runs: voids and decides whatever is there."""
    for _round in range(30):
        with Register(root / "output" / "diarium.sqlite") as reg:
            issues = reg.list()
        for issue in issues:
            try:
                if issue.status == "pending":
                    register_operations.void(Workspace(root), issue.dnr, "fault campaign")
                elif issue.status == "utkast" and issue.date == LATER:
                    register_operations.void(Workspace(root), issue.dnr, "fault campaign")
                elif issue.status == "utkast":
                    decisions.decide(Workspace(root), issue.dnr, _date(LATER))
            except RegisterError:
                pass  # refused (being written, already decided): as it should be
        time.sleep(0.01)


def test_void_and_decide_while_a_reissue_runs(base: Path, tmp_path: Path) -> None:
    for trial in range(3):
        root = _copy(base, tmp_path / f"both-{trial}")
        batch = _in_child(root, _reissue)
        registrar = _in_child(root, _void_and_decide)
        _wait(batch)
        _wait(registrar)
        _settle_and_check(root)
        with sqlite3.connect(root / "output" / "diarium.sqlite") as conn:
            statuses = dict(conn.execute("SELECT dnr, status FROM issues").fetchall())
        assert "pending" not in statuses.values()
        assert re.search(r"beslutad|ersatt", " ".join(statuses.values()))
