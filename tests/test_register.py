"""The diary register: unique gapless numbers, all-or-nothing batches, concurrency, recovery."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from generator.exceptions import RegisterError, UsageError
from generator.i18n import _
from generator.register import (
    DIARIUM_COLUMNS,
    SCHEMA_VERSION,
    Issue,
    Register,
    Request,
    diarium_csv_rows,
    issues_as_dicts,
    sha256_file,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """Assert on the English msgids, whatever catalog is installed (children inherit it)."""
    monkeypatch.setenv("LANGUAGE", "en")


@pytest.fixture
def reg(tmp_path: Path) -> Iterator[Register]:
    register = Register(tmp_path / "diarium" / "register.sqlite")
    yield register
    register.close()


def req(council: str = "onkologi", date: str = "2024-05-21", **kw: object) -> Request:
    return Request(
        council=council,
        date=date,
        decided=kw.pop("decided", None),  # type: ignore[arg-type]
        subject=f"Uppdragshandling för Samordningsråd {council}",
        **kw,  # type: ignore[arg-type]
    )


def paths_in(folder: Path):
    """A path_for that puts each number's file in ``folder``, named by its slug."""
    from generator.dnr import DiaryNumber

    return lambda request, dnr: str(folder / f"{DiaryNumber.parse(dnr).slug}.docx")


def write(path: str, content: bytes = b"docx") -> str:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(content)
    return sha256_file(path)


def issue_and_write(reg: Register, folder: Path, request: Request, prefix: str = "RS") -> Issue:
    [issue] = reg.reserve([request], prefix, paths_in(folder))
    assert issue.path is not None
    return reg.complete(issue.dnr, issue.path, write(issue.path, issue.dnr.encode()))


def snapshot(path: Path) -> list[str]:
    """Every row of every table, to prove a refused batch changed nothing."""
    with sqlite3.connect(path) as conn:
        return list(conn.iterdump())


def run_child(
    code: str, *args: str, wait: bool = True
) -> subprocess.CompletedProcess | subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    argv = [sys.executable, "-c", textwrap.dedent(code), *args]
    if wait:
        return subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    return subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


# -- schema -------------------------------------------------------------------------------------


def test_schema_created_with_version_wal_and_parent_folder(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "register.sqlite"
    with Register(path):
        pass
    with Register(path):  # reopening is harmless
        pass
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"series", "issues", "files", "events"} <= tables
    conn.close()


def test_events_and_issues_cannot_be_erased(reg: Register, tmp_path: Path) -> None:
    issue_and_write(reg, tmp_path, req())
    conn = sqlite3.connect(reg.path)
    for statement in (
        "UPDATE events SET event = 'x'",
        "DELETE FROM events",
        "DELETE FROM issues",
        "UPDATE issues SET serial = 7",
        "DELETE FROM files",
    ):
        with pytest.raises(sqlite3.DatabaseError):
            conn.execute(statement)
    conn.close()


def test_newer_schema_refused(tmp_path: Path) -> None:
    path = tmp_path / "register.sqlite"
    Register(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(RegisterError, match="newer version"):
        Register(path)


def test_not_a_database_refused(tmp_path: Path) -> None:
    path = tmp_path / "register.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(RegisterError, match="is damaged .file is not a database"):
        Register(path)


# -- allocation ---------------------------------------------------------------------------------


def test_first_numbers_and_independent_series(reg: Register, tmp_path: Path) -> None:
    out = paths_in(tmp_path)
    issues = reg.reserve([req("a"), req("b"), req("c")], "RS", out)
    assert [i.dnr for i in issues] == ["RS 2024-00001", "RS 2024-00002", "RS 2024-00003"]
    assert all(i.status == "pending" for i in issues)
    assert issues[0].path == str(tmp_path / "RS_2024-00001.docx")
    assert issues[0].files[0].state == "pending"
    assert issues[0].files[0].kind == "utkast"

    [next_year] = reg.reserve([req("a", date="2025-01-02")], "RS", out)
    [other_prefix] = reg.reserve([req("a")], "SSN", out)
    [again] = reg.reserve([req("d")], "rs", out)
    assert next_year.dnr == "RS 2025-00001"
    assert other_prefix.dnr == "SSN 2024-00001"
    assert again.dnr == "RS 2024-00004"
    assert [i.dnr for i in reg.list()] == [
        "RS 2024-00001",
        "RS 2024-00002",
        "RS 2024-00003",
        "RS 2024-00004",
        "RS 2025-00001",
        "SSN 2024-00001",
    ]


def test_reserve_validates_requests(reg: Register, tmp_path: Path) -> None:
    out = paths_in(tmp_path)
    with pytest.raises(UsageError, match="ISO date"):
        reg.reserve([req(date="21 maj 2024")], "RS", out)
    with pytest.raises(UsageError, match="ISO date"):
        reg.reserve([req(decided="2024-02-30")], "RS", out)
    with pytest.raises(UsageError):
        reg.reserve([Request("onkologi", "2024-05-21", None, " ")], "RS", out)
    with pytest.raises(UsageError):
        reg.reserve([req()], "R5", out)
    assert reg.list() == []


def test_set_next(reg: Register, tmp_path: Path) -> None:
    out = paths_in(tmp_path)
    reg.set_next("RS 2026-01234")
    [first] = reg.reserve([req(date="2026-03-01")], "RS", out)
    assert first.dnr == "RS 2026-01234"
    [second] = reg.reserve([req(date="2026-03-01")], "RS", out)
    assert second.dnr == "RS 2026-01235"
    for used in ("RS 2026-01235", "RS 2026-01000", "RS 2026-00001"):
        with pytest.raises(RegisterError, match="RS 2026-01235"):
            reg.set_next(used)
    reg.set_next("rs 2026 – 2000")
    [third] = reg.reserve([req(date="2026-03-01")], "RS", out)
    assert third.dnr == "RS 2026-02000"
    # Other series are not affected.
    [other] = reg.reserve([req(date="2027-01-01")], "RS", out)
    assert other.dnr == "RS 2027-00001"
    assert [e["event"] for e in reg.history("RS 2026-01234")] == ["set_next", "reserved"]
    with pytest.raises(UsageError):
        reg.set_next("RS 2026")


def test_series_full(reg: Register, tmp_path: Path) -> None:
    reg.set_next("RS 2024-99999")
    [last] = reg.reserve([req()], "RS", paths_in(tmp_path))
    assert last.dnr == "RS 2024-99999"
    with pytest.raises(RegisterError, match="full"):
        reg.reserve([req()], "RS", paths_in(tmp_path))


# -- external numbers and refusals --------------------------------------------------------------


def test_external_number_recorded_normalised_and_never_allocated(
    reg: Register, tmp_path: Path
) -> None:
    out = paths_in(tmp_path)
    issues = reg.reserve([req("a", dnr="rs 2024 – 5"), req("b")], "RS", out)
    assert [i.dnr for i in issues] == ["RS 2024-00005", "RS 2024-00006"]
    # An external number behind the counter is fine and does not move it back.
    [behind] = reg.reserve([req("c", dnr="RS 2024-00002")], "RS", out)
    assert behind.dnr == "RS 2024-00002"
    [after] = reg.reserve([req("d")], "RS", out)
    assert after.dnr == "RS 2024-00007"
    assert reg.get("RS 2024-5") is not None
    moved, reserved = reg.history("RS 2024-00005")[:2]
    assert reserved["event"] == "reserved" and reserved["detail"]["external"] is True
    # The jump of the series is recorded: the numbers before it are the official diarium's.
    assert moved["event"] == "series_moved"
    assert moved["detail"] == {"previous_next": 1, "next": 6}


@pytest.mark.parametrize("state", ["pending", "utkast", "makulerad"])
def test_duplicate_number_refused_whatever_its_state(
    reg: Register, tmp_path: Path, state: str
) -> None:
    [issue] = reg.reserve([req()], "RS", paths_in(tmp_path))
    if state != "pending":
        reg.complete(issue.dnr, issue.path, write(issue.path))
    if state == "makulerad":
        reg.void(issue.dnr, "fel råd")
    with pytest.raises(RegisterError) as info:
        reg.reserve([req(dnr="RS 2024-1")], "RS", paths_in(tmp_path / "other"))
    assert "RS 2024-00001" in str(info.value)
    assert "uppdrag reissue" in str(info.value)


def test_refused_batch_changes_nothing(reg: Register, tmp_path: Path) -> None:
    out = paths_in(tmp_path)
    issue_and_write(reg, tmp_path, req(dnr="RS 2024-00010"))
    before = snapshot(Path(reg.path))
    batch = [req("a"), req("b", dnr="RS 2024-00050"), req("c", dnr="RS 2024-00010")]
    with pytest.raises(RegisterError):
        reg.reserve(batch, "RS", out)
    assert snapshot(Path(reg.path)) == before
    # No serial was used up and the external number of the refused batch is still free.
    [next_issue] = reg.reserve([req()], "RS", out)
    assert next_issue.dnr == "RS 2024-00011"
    [external] = reg.reserve([req(dnr="RS 2024-00050")], "RS", out)
    assert external.dnr == "RS 2024-00050"


def test_recorded_path_refused(reg: Register, tmp_path: Path) -> None:
    target = str(tmp_path / "onkologi.docx")
    [issue] = reg.reserve([req()], "RS", lambda _request, dnr: target)
    reg.complete(issue.dnr, target, write(target))
    before = snapshot(Path(reg.path))
    with pytest.raises(RegisterError, match="RS 2024-00001") as info:
        reg.reserve(
            [req()], "RS", lambda _request, dnr: str(tmp_path / "x" / ".." / "onkologi.docx")
        )
    assert "onkologi.docx" in str(info.value)
    with pytest.raises(RegisterError, match="twice"):
        reg.reserve([req("a"), req("b")], "RS", lambda _request, dnr: str(tmp_path / "same.docx"))
    assert snapshot(Path(reg.path)) == before


def test_relative_paths_are_recorded_absolute(
    reg: Register, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    [issue] = reg.reserve([req()], "RS", lambda _request, dnr: "out/a.docx")
    assert issue.path == str(tmp_path / "out" / "a.docx")
    done = reg.complete(issue.dnr, "out/a.docx", write("out/a.docx"))
    assert done.status == "utkast"


# -- concurrency --------------------------------------------------------------------------------

CHILD_ISSUER = """
import os, sys, time
from pathlib import Path
from generator.register import Register, Request, sha256_file

register, out, go, name = sys.argv[1:5]
while not os.path.exists(go):
    time.sleep(0.005)
with Register(register) as reg:
    for i in range(20):
        [issue] = reg.reserve(
            [Request(name, "2024-05-21", None, "Uppdragshandling")],
            "RS",
            lambda _request, dnr: os.path.join(out, dnr.replace(" ", "_") + ".docx"),
        )
        Path(issue.path).write_text(issue.dnr + " " + name)
        reg.complete(issue.dnr, issue.path, sha256_file(issue.path))
"""


def test_many_processes_get_unique_gapless_numbers(tmp_path: Path) -> None:
    register = tmp_path / "register.sqlite"
    Register(register).close()
    go = tmp_path / "go"
    children = [
        run_child(CHILD_ISSUER, str(register), str(tmp_path), str(go), f"p{n}", wait=False)
        for n in range(6)
    ]
    time.sleep(0.3)
    go.touch()
    for child in children:
        _, err = child.communicate(timeout=60)
        assert child.returncode == 0, err
    with Register(register) as reg:
        issues = reg.list()
        assert [int(i.dnr[-5:]) for i in issues] == list(range(1, 121))
        assert len({i.dnr for i in issues}) == 120
        assert all(i.status == "utkast" for i in issues)
        assert reg.pending() == []
        assert {state for _, _, state in reg.verify()} == {"ok"}
        assert sorted(i.council for i in issues).count("p0") == 20


# -- crash recovery -----------------------------------------------------------------------------

CHILD_CRASH = """
import os, sys
from pathlib import Path
from generator.register import Register, Request

register, out, write_file = sys.argv[1:4]
reg = Register(register)
[issue] = reg.reserve(
    [Request("onkologi", "2024-05-21", None, "Uppdragshandling")],
    "RS",
    lambda _request, dnr: os.path.join(out, dnr.replace(" ", "_") + ".docx"),
)
if write_file == "yes":
    import hashlib
    data = b"written, then crashed"
    reg.record_hashes([(issue.dnr, issue.path, hashlib.sha256(data).hexdigest())])
    Path(issue.path).write_bytes(data)
print(issue.dnr, flush=True)
os._exit(1)
"""


def test_crash_before_writing_voids_the_number(reg: Register, tmp_path: Path) -> None:
    child = run_child(CHILD_CRASH, reg.path, str(tmp_path), "no")
    assert child.returncode == 1, child.stderr
    dnr = child.stdout.strip()
    assert dnr == "RS 2024-00001"
    assert [f.dnr for f in reg.pending()] == [dnr]

    assert reg.recover() == [(dnr, "voided")]
    issue = reg.get(dnr)
    assert issue.status == "makulerad"
    assert issue.reason == _("interrupted before the file was written")
    assert issue.files == []
    assert reg.pending() == []
    events = [e["event"] for e in reg.history(dnr)]
    assert events == ["reserved", "pending_file_dropped", "voided"]
    assert reg.history(dnr)[-1]["detail"]["reason"] == "interrupted before the file was written"
    # The number is not reused.
    [next_issue] = reg.reserve([req()], "RS", paths_in(tmp_path))
    assert next_issue.dnr == "RS 2024-00002"
    assert reg.recover() == []  # nothing left; the new pending row is this live process's


def test_crash_after_writing_completes_the_number(reg: Register, tmp_path: Path) -> None:
    child = run_child(CHILD_CRASH, reg.path, str(tmp_path), "yes")
    assert child.returncode == 1, child.stderr
    dnr = child.stdout.strip()
    assert reg.recover() == [(dnr, "completed")]
    issue = reg.get(dnr)
    assert issue.status == "utkast"
    assert issue.sha256 == sha256_file(issue.path)
    assert reg.history(dnr)[-1]["detail"]["recovered"] is True


def test_live_process_left_alone_unless_stale(reg: Register, tmp_path: Path) -> None:
    [issue] = reg.reserve([req()], "RS", paths_in(tmp_path))
    assert reg.recover() == []
    assert reg.get(issue.dnr).status == "pending"
    # A row older than the limit is abandoned even though its pid is alive (it may be reused).
    assert reg.recover(stale_after=timedelta(0)) == [(issue.dnr, "voided")]


def test_recover_other_host_only_by_age(reg: Register, tmp_path: Path) -> None:
    [issue] = reg.reserve([req()], "RS", paths_in(tmp_path))
    conn = sqlite3.connect(reg.path)
    conn.execute("UPDATE files SET hostname = 'elsewhere', pid = 999999999")
    conn.commit()
    assert reg.recover() == []
    conn.execute("UPDATE files SET started = '2000-01-01T00:00:00+00:00'")
    conn.commit()
    conn.close()
    reg.record_hashes([(issue.dnr, issue.path, hashlib.sha256(b"docx").hexdigest())])
    write(issue.path)
    assert reg.recover() == [(issue.dnr, "completed")]


def test_recover_drops_unwritten_decided_file(reg: Register, tmp_path: Path) -> None:
    issue = issue_and_write(reg, tmp_path, req())
    reg.add_decided(issue.dnr, "2024-06-01", str(tmp_path / "beslutad.docx"))
    assert reg.recover(stale_after=timedelta(0)) == [(issue.dnr, "dropped")]
    after = reg.get(issue.dnr)
    assert after.status == "utkast"
    assert [f.kind for f in after.files] == ["utkast"]
    assert reg.history(issue.dnr)[-1]["event"] == "pending_file_dropped"


# -- life of a number ---------------------------------------------------------------------------


def test_complete_sets_status_and_is_idempotent(reg: Register, tmp_path: Path) -> None:
    [issue] = reg.reserve([req()], "RS", paths_in(tmp_path))
    sha = write(issue.path)
    done = reg.complete("rs 2024-1", issue.path, sha)
    assert (done.status, done.sha256, done.files[0].state) == ("utkast", sha, "written")
    assert reg.complete(issue.dnr, issue.path, sha).status == "utkast"
    with pytest.raises(RegisterError, match="other content"):
        reg.complete(issue.dnr, issue.path, "0" * 64)
    with pytest.raises(RegisterError, match="No file"):
        reg.complete(issue.dnr, str(tmp_path / "elsewhere.docx"), sha)
    with pytest.raises(RegisterError, match="not in the register"):
        reg.complete("RS 2024-00099", issue.path, sha)


def test_complete_many(reg: Register, tmp_path: Path) -> None:
    issues = reg.reserve([req("a"), req("b", decided="2024-05-30")], "RS", paths_in(tmp_path))
    reg.complete_many([(i.dnr, i.path, write(i.path)) for i in issues])
    assert [i.status for i in reg.list()] == ["utkast", "beslutad"]
    assert reg.list()[1].files[0].kind == "beslutad"


def test_supersede(reg: Register, tmp_path: Path) -> None:
    old = issue_and_write(reg, tmp_path, req())
    [new] = reg.reserve(
        [req(supersedes="RS 2024 – 1", reason="ny ordförande")], "RS", paths_in(tmp_path)
    )
    assert reg.get(old.dnr).status == "utkast"  # not yet: the new file is not written
    # While the new number is pending, nobody else may supersede the old one.
    with pytest.raises(RegisterError, match="RS 2024-00002"):
        reg.reserve([req(supersedes=old.dnr)], "RS", paths_in(tmp_path))
    done = reg.complete(new.dnr, new.path, write(new.path))
    assert done.supersedes == "RS 2024-00001"
    # A draft of the replacement does not end the old one: it stays in force until the decision.
    assert reg.get(old.dnr).status == "utkast"
    assert reg.history(old.dnr)[-1]["event"] == "replacement_issued"
    assert reg.latest_for("onkologi").dnr == new.dnr
    decided = str(tmp_path / "beslutad.docx")
    reg.add_decided(new.dnr, "2024-06-01", decided)
    reg.complete_decided(new.dnr, decided, write(decided, b"decided"))
    replaced = reg.get(old.dnr)
    assert replaced.status == "ersatt"
    assert replaced.superseded_by == new.dnr
    assert replaced.reason == "ny ordförande"
    assert reg.history(old.dnr)[-1]["event"] == "superseded"
    with pytest.raises(RegisterError, match="already superseded by RS 2024-00002"):
        reg.reserve([req(supersedes=old.dnr)], "RS", paths_in(tmp_path))
    assert reg.latest_for("onkologi").dnr == new.dnr


def test_supersede_refusals_and_legacy_numbers(reg: Register, tmp_path: Path) -> None:
    out = paths_in(tmp_path)
    [pending] = reg.reserve([req()], "RS", out)
    with pytest.raises(RegisterError, match="pending"):
        reg.reserve([req(supersedes=pending.dnr)], "RS", out)
    reg.complete(pending.dnr, pending.path, write(pending.path))
    with pytest.raises(RegisterError, match="twice"):
        reg.reserve([req(supersedes=pending.dnr), req(supersedes=pending.dnr)], "RS", out)
    with pytest.raises(RegisterError, match="itself"):
        reg.reserve([req(dnr="RS 2024-00007", supersedes="RS 2024-00007")], "RS", out)
    # A number issued before the register existed may be superseded; it is recorded as text.
    legacy = issue_and_write(reg, tmp_path, req("gammalt", supersedes="RS 2019-03137"))
    assert legacy.supersedes == "RS 2019-03137"
    assert reg.get("RS 2019-03137") is None
    assert reg.history("RS 2019-03137")[0]["detail"]["by"] == legacy.dnr


def test_void(reg: Register, tmp_path: Path) -> None:
    issue = issue_and_write(reg, tmp_path, req())
    for reason in ("", "   "):
        with pytest.raises(UsageError, match="reason"):
            reg.void(issue.dnr, reason)
    voided = reg.void(issue.dnr, "skickat till fel råd")
    assert (voided.status, voided.reason) == ("makulerad", "skickat till fel råd")
    with pytest.raises(RegisterError, match="already voided"):
        reg.void(issue.dnr, "igen")
    with pytest.raises(RegisterError, match="not in the register"):
        reg.void("RS 2024-00042", "finns inte")
    assert reg.latest_for("onkologi") is None
    assert [e["event"] for e in reg.history(issue.dnr)] == ["reserved", "written", "voided"]


def test_void_pending_frees_its_path(reg: Register, tmp_path: Path) -> None:
    target = str(tmp_path / "a.docx")
    [issue] = reg.reserve([req()], "RS", lambda _request, dnr: target)
    reg.void(issue.dnr, "avbrutet")
    assert reg.pending() == []
    [again] = reg.reserve([req()], "RS", lambda _request, dnr: target)
    assert again.dnr == "RS 2024-00002"
    with pytest.raises(RegisterError, match="voided"):
        reg.complete(issue.dnr, target, "0" * 64)


def test_decided_flow(reg: Register, tmp_path: Path) -> None:
    [issue] = reg.reserve([req()], "RS", paths_in(tmp_path))
    decided_path = str(tmp_path / "RS_2024-00001_beslutad.docx")
    with pytest.raises(RegisterError, match="pending"):
        reg.add_decided(issue.dnr, "2024-06-01", decided_path)
    draft = reg.complete(issue.dnr, issue.path, write(issue.path, b"draft"))
    with pytest.raises(RegisterError, match="already recorded"):
        reg.add_decided(issue.dnr, "2024-06-01", draft.path)
    pending = reg.add_decided(issue.dnr, "2024-06-01", decided_path)
    assert (pending.kind, pending.state, pending.decided) == ("beslutad", "pending", "2024-06-01")
    with pytest.raises(RegisterError, match="waiting"):
        reg.add_decided(issue.dnr, "2024-06-01", str(tmp_path / "other.docx"))
    with pytest.raises(RegisterError, match="not its decided version"):
        reg.complete_decided(issue.dnr, draft.path, draft.sha256)
    sha = write(decided_path, b"decided")
    decided = reg.complete_decided(issue.dnr, decided_path, sha)
    assert decided.status == "beslutad"
    assert decided.decided == "2024-06-01"
    assert (decided.path, decided.sha256) == (decided_path, sha)
    assert [(f.kind, f.state) for f in decided.files] == [
        ("utkast", "written"),
        ("beslutad", "written"),
    ]
    with pytest.raises(RegisterError, match="beslutad"):
        reg.add_decided(issue.dnr, "2024-06-02", str(tmp_path / "third.docx"))
    assert [e["event"] for e in reg.history(issue.dnr)] == [
        "reserved",
        "written",
        "decided_reserved",
        "written",
    ]


def test_verify(reg: Register, tmp_path: Path) -> None:
    a, b, c = (issue_and_write(reg, tmp_path, req(n)) for n in "abc")
    Path(b.path).write_bytes(b"edited by hand")
    Path(c.path).unlink()
    reg.reserve([req("pending")], "RS", paths_in(tmp_path))  # pending rows are not verified
    assert reg.verify() == [
        (a.dnr, a.path, "ok"),
        (b.dnr, b.path, "modified"),
        (c.dnr, c.path, "missing"),
    ]


# -- queries and export -------------------------------------------------------------------------


def test_list_latest_and_exports(reg: Register, tmp_path: Path) -> None:
    first = issue_and_write(reg, tmp_path, req("onkologi", date="2024-01-10"))
    issue_and_write(reg, tmp_path, req("hjärta", date="2024-02-01"))
    second = issue_and_write(reg, tmp_path, req("onkologi", date="2024-03-01"))
    reg.reserve([req("onkologi", date="2024-04-01")], "RS", paths_in(tmp_path))  # pending
    assert [i.dnr for i in reg.list("onkologi")] == [first.dnr, second.dnr, "RS 2024-00004"]
    assert reg.latest_for("onkologi").dnr == second.dnr
    assert reg.latest_for("okänt") is None

    rows = issues_as_dicts(reg.list("onkologi"))
    assert {"dnr", "council", "date", "decided", "status", "path", "sha256", "supersedes"} <= set(
        rows[0]
    )
    assert rows[0]["reason"] is None

    done = [i for i in reg.list() if i.status != "pending"]
    csv_rows = diarium_csv_rows(done, "Uppdragshandling", "Regionstyrelsen", lambda i: i.council)
    assert list(csv_rows[0]) == list(DIARIUM_COLUMNS)
    assert csv_rows[0] == {
        "Diarienummer": "RS 2024-00001",
        "Datum": "2024-01-10",
        "Ärendemening": "Uppdragshandling för Samordningsråd onkologi",
        "Dokumenttyp": "Uppdragshandling",
        "Avsändare": "Regionstyrelsen",
        "Mottagare": "onkologi",
        "Status": "utkast",
        "Beslutsdatum": "",
        "Ersätter": "",
        "Ersatt av": "",
        "Makuleringsskäl": "",
    }
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=DIARIUM_COLUMNS)
    writer.writeheader()
    writer.writerows(csv_rows)
    assert buffer.getvalue().count("\n") == 4


def test_get_accepts_sloppy_spelling_and_refuses_malformed(reg: Register, tmp_path: Path) -> None:
    issue = issue_and_write(reg, tmp_path, req())
    assert reg.get("rs 2024 – 1").dnr == issue.dnr
    assert reg.get("RS 2024-00002") is None
    with pytest.raises(UsageError):
        reg.get("RS 2024-00001-4")
