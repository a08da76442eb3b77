"""Issue 12: the diarium tells the truth.  Recovery completes only files it can prove it wrote,
a lost register never starts over next to issued documents, nothing is written through a link.

Each test first builds the situation the issue describes (a planted link, a hand-made file, a
deleted register, …) and then checks what a registrar would: the exit code and message, the
register's rows and events, and that the foreign file is left exactly as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import Result

from generator.register import Register, Request
from tests.conftest import describe

Run = Callable[..., Result]
DATE = "2026-03-02"


def ok(result: Result, *args: str) -> Result:
    assert result.exit_code == 0, describe(list(args), result)
    return result


def rows(uppdrag: Run) -> dict[str, dict]:
    result = ok(uppdrag("register", "list", "--format", "json"))
    return {r["dnr"]: r for r in json.loads(result.stdout)}


def history(register: Path, dnr: str) -> list[dict]:
    with Register(register) as reg:
        return reg.history(dnr)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def render(uppdrag: Run, council: str = "onkologi", *options: str) -> Result:
    return uppdrag("render", council, "--date", DATE, *options)


def reserve_and_abandon(register: Path, path: Path, council: str = "onkologi") -> str:
    """A number reserved for ``path`` by a process that then died (its pid is not alive)."""
    with Register(register) as reg:
        [issue] = reg.reserve(
            [Request(council, DATE, None, f"Uppdragshandling för {council}")],
            "RS",
            lambda _request, _dnr: str(path),
        )
    with sqlite3.connect(register) as conn:
        conn.execute("UPDATE files SET pid = 999999999 WHERE dnr = ?", (issue.dnr,))
    return issue.dnr


# -- 1. recovery adopts no foreign file ----------------------------------------------------------


def test_a_planted_link_at_a_pending_place_is_not_adopted(workspace: Path, uppdrag: Run) -> None:
    ok(render(uppdrag, "onkologi"))
    register = workspace / "output" / "diarium.sqlite"
    other = workspace / "elsewhere.docx"
    other.write_bytes((workspace / "output/2026/RS_2026-00001_onkologi.docx").read_bytes())
    target = workspace / "output/2026/RS_2026-00002_primarvard.docx"
    dnr = reserve_and_abandon(register, target, "primarvard")
    target.symlink_to(other)

    result = ok(render(uppdrag, "primarvard"))
    assert f"{dnr}: not completed" in result.output and "not written by uppdrag" in result.output
    entry = rows(uppdrag)[dnr]
    assert entry["status"] == "makulerad"
    assert str(target) in entry["reason"] and "symbolic link" in entry["reason"]
    assert target.is_symlink() and os.readlink(target) == str(other)  # left as it was
    checked = uppdrag("verify")
    assert checked.exit_code == 1
    assert "UNKNOWN  output/2026/RS_2026-00002_primarvard.docx" in checked.output


def test_a_hand_made_decided_file_is_not_adopted(workspace: Path, uppdrag: Run) -> None:
    ok(render(uppdrag, "onkologi"))
    register = workspace / "output" / "diarium.sqlite"
    draft = workspace / "output/2026/RS_2026-00001_onkologi.docx"
    decided = draft.with_name(draft.stem + "_beslutad.docx")
    with Register(register) as reg:
        reg.add_decided("RS 2026-00001", DATE, str(decided), "0" * 64)
    with sqlite3.connect(register) as conn:
        conn.execute("UPDATE files SET pid = 999999999 WHERE state = 'pending'")
    decided.write_bytes(b"made by hand")

    result = uppdrag("verify")
    assert result.exit_code == 1  # the hand-made file is in the output folder, unregistered
    assert "RS 2026-00001: not completed" in result.output
    assert str(decided) in result.output
    assert f"UNKNOWN  output/2026/{decided.name}" in result.output
    entry = rows(uppdrag)["RS 2026-00001"]
    assert entry["status"] == "utkast"
    assert entry["path"] == str(draft)
    dropped = history(register, "RS 2026-00001")[-1]
    assert dropped["event"] == "pending_file_dropped"
    assert "not the document written" in dropped["detail"]["reason"]
    assert decided.read_bytes() == b"made by hand"
    # decide still works: it does not build on the foreign file, and never overwrites it.
    refused = uppdrag("decide", "RS 2026-00001", "--date", DATE)
    assert refused.exit_code != 0 and str(decided.name) in refused.output


def test_another_registers_document_is_not_adopted(workspace: Path, uppdrag: Run) -> None:
    ok(render(uppdrag, "onkologi"))
    register = workspace / "output" / "diarium.sqlite"
    foreign = (workspace / "output/2026/RS_2026-00001_onkologi.docx").read_bytes()
    target = workspace / "output/2026/RS_2026-00002_primarvard.docx"
    dnr = reserve_and_abandon(register, target, "primarvard")
    target.write_bytes(foreign)  # its header says RS 2026-00001, another council

    ok(uppdrag("register", "list"))
    entry = rows(uppdrag)[dnr]
    assert entry["status"] == "makulerad" and str(target) in entry["reason"]
    assert target.read_bytes() == foreign


def test_a_file_this_program_wrote_is_still_completed(workspace: Path, uppdrag: Run) -> None:
    register = workspace / "output" / "diarium.sqlite"
    target = workspace / "output/2026/RS_2026-00001_onkologi.docx"
    dnr = reserve_and_abandon(register, target)
    data = b"the document as rendered"
    with Register(register) as reg:
        reg.record_hashes([(dnr, str(target), hashlib.sha256(data).hexdigest())])
    target.parent.mkdir(parents=True)
    target.write_bytes(data)
    with Register(register) as reg:
        assert reg.recover(workspace / "output") == [(dnr, "completed")]
        assert reg.get(dnr).status == "utkast"


def test_a_file_in_a_linked_folder_is_not_completed(tmp_path: Path) -> None:
    output, outside = tmp_path / "output", tmp_path / "outside"
    outside.mkdir()
    output.mkdir()
    (output / "2026").symlink_to(outside)
    register = output / "diarium.sqlite"
    target = output / "2026" / "RS_2026-00001_onkologi.docx"
    dnr = reserve_and_abandon(register, target)
    data = b"x"
    with Register(register) as reg:
        reg.record_hashes([(dnr, str(target), hashlib.sha256(data).hexdigest())])
    (outside / target.name).write_bytes(data)
    with Register(register) as reg:
        assert reg.recover(output, stale_after=timedelta(hours=1)) == [(dnr, "foreign")]
        assert "symbolic link" in (reg.get(dnr).reason or "")


def test_a_refusal_before_writing_uses_no_number(workspace: Path, uppdrag: Run) -> None:
    ok(render(uppdrag, "primarvard"))
    planted = workspace / "output/2026/RS_2026-00002_onkologi.docx"
    planted.write_bytes(b"someone else's")
    refused = render(uppdrag, "onkologi")
    assert refused.exit_code == 3 and str(planted) in refused.output
    assert "no number was used" in refused.output
    assert planted.read_bytes() == b"someone else's"
    register = workspace / "output" / "diarium.sqlite"
    with Register(register) as reg:
        assert [i.dnr for i in reg.list()] == ["RS 2026-00001"] and reg.pending() == []
    # Nothing is left for the next command to "complete" with the foreign file.
    planted.unlink()
    ok(render(uppdrag, "onkologi"))
    assert rows(uppdrag)["RS 2026-00002"]["status"] == "utkast"


# -- 2. a lost register never starts over ------------------------------------------------------


def _issued(uppdrag: Run, workspace: Path) -> Path:
    ok(render(uppdrag, "onkologi"))
    ok(render(uppdrag, "primarvard"))
    return workspace / "output" / "diarium.sqlite"


@pytest.mark.parametrize("how", ["deleted", "emptied"])
def test_a_lost_register_refuses_to_give_numbers_again(
    workspace: Path, uppdrag: Run, how: str
) -> None:
    register = _issued(uppdrag, workspace)
    before = sorted(p.name for p in (workspace / "output").rglob("*.docx"))
    if how == "deleted":
        register.unlink()
    else:
        register.write_bytes(b"")
    for args in (
        ("render", "onkologi", "--date", DATE),
        ("reissue", "--all", "--reason", "Ny policy", "--date", DATE),
        ("reissue", "--all", "--reason", "Ny policy", "--date", DATE, "--dry-run"),
        ("verify",),
        ("register", "list"),
    ):
        result = uppdrag(*args)
        assert result.exit_code == 3, describe(list(args), result)
        assert "holds 2 issued documents" in result.output, result.output
        assert "uppdrag register backup" in result.output
        assert "Traceback" not in result.output
    assert sorted(p.name for p in (workspace / "output").rglob("*.docx")) == before
    assert register.exists() == (how == "emptied")
    if how == "emptied":
        assert register.read_bytes() == b""  # nothing was written into it


def test_a_register_restored_from_its_backup_verifies(workspace: Path, uppdrag: Run) -> None:
    register = _issued(uppdrag, workspace)
    copy = workspace / "backup.sqlite"
    made = ok(uppdrag("register", "backup", str(copy)))
    assert "backup.sqlite" in made.output
    refused = uppdrag("register", "backup", str(copy))
    assert refused.exit_code == 3 and "never replaces" in refused.output
    register.unlink()
    copy.rename(register)
    assert "All 2 issued files are as registered" in ok(uppdrag("verify")).output
    ok(render(uppdrag, "onkologi"))
    assert "RS 2026-00003" in rows(uppdrag)


def test_a_damaged_register_is_a_clear_error_and_stays_as_it_is(
    workspace: Path, uppdrag: Run
) -> None:
    register = _issued(uppdrag, workspace)
    data = bytearray(register.read_bytes())
    page = 4096 * 3  # the fourth page: the table of numbers (issues), as it is created
    data[page : page + 8] = b"\x2a" * 8  # its page header: no valid type of b-tree page
    register.write_bytes(bytes(data))
    before = sha(register)
    for args in (("verify",), ("render", "onkologi", "--date", DATE), ("register", "list")):
        result = uppdrag(*args)
        assert result.exit_code == 3, describe(list(args), result)
        assert "is damaged" in result.output and "Traceback" not in result.output
    assert sha(register) == before


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [("issues", "date", "igår"), ("issues", "dnr", "RS 26-1"), ("files", "sha256", "zz")],
)
def test_a_damaged_value_is_named(
    workspace: Path, uppdrag: Run, table: str, column: str, value: str
) -> None:
    register = _issued(uppdrag, workspace)
    with sqlite3.connect(register) as conn:
        conn.execute("DROP TRIGGER IF EXISTS issues_number_fixed")  # as a hand edit would
        conn.execute(f"UPDATE {table} SET {column} = ? WHERE id = 1", (value,))
    for args in (("register", "list"), ("verify",)):
        result = uppdrag(*args)
        assert result.exit_code == 3, describe(list(args), result)
        assert f"{table} row 1, column {column}: '{value}'" in result.output, result.output


def test_a_damaged_counter_is_named(workspace: Path, uppdrag: Run) -> None:
    register = _issued(uppdrag, workspace)
    with sqlite3.connect(register) as conn:
        conn.execute("UPDATE series SET next_serial = 'tre'")
    result = render(uppdrag, "onkologi")
    assert result.exit_code == 3 and "column next_serial: 'tre'" in result.output
    assert "Traceback" not in result.output


def test_a_damaged_event_is_named(workspace: Path, uppdrag: Run) -> None:
    register = _issued(uppdrag, workspace)
    with sqlite3.connect(register) as conn:
        conn.execute("DROP TRIGGER events_no_update")
        conn.execute("UPDATE events SET detail = '{not json' WHERE id = 1")
    result = uppdrag("register", "show", "RS 2026-00001")
    assert result.exit_code == 3 and "events row 1, column detail" in result.output


# -- 3. the batch key is the content, not the day ----------------------------------------------

REASON = "Ny rutin för att utse ordförande"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _live_of(uppdrag: Run, council: str) -> list[str]:
    """The council's newest numbers of the line: live, and not replaced by a live draft."""
    found = rows(uppdrag)
    live = [d for d, r in found.items() if r["status"] in ("utkast", "beslutad")]
    replaced = {found[d]["supersedes"] for d in live}
    return [d for d in live if found[d]["council"] == council and d not in replaced]


def test_a_second_change_on_the_same_day_is_issued(workspace: Path, uppdrag: Run) -> None:
    ok(render(uppdrag, "onkologi"))
    ok(render(uppdrag, "primarvard"))
    clauses = workspace / "data" / "klausuler.yaml"
    _edit(clauses, "(RS 2019-03137-40)", "(RS 2026-00042-7)")
    args = ("reissue", "--all", "--reason", REASON, "--date", "2026-03-09")
    first = ok(uppdrag(*args))
    assert "already re-issued" not in first.output
    # Another clause edited the same day, the same command again: the new text is issued.
    _edit(workspace / "data/councils/onkologi.yaml", "Gruppen består", "Gruppen utgörs")
    dry = ok(uppdrag(*args, "--dry-run"))
    assert "onkologi: changes since RS 2026-00003" in dry.output, dry.output
    assert "primarvard: already re-issued in this batch as RS 2026-00004" in dry.output
    ok(uppdrag(*args))
    [onkologi] = _live_of(uppdrag, "onkologi")
    assert onkologi == "RS 2026-00005"
    assert rows(uppdrag)[onkologi]["supersedes"] == "RS 2026-00003"
    assert _live_of(uppdrag, "primarvard") == ["RS 2026-00004"]
    # The same text again is the same batch: nothing more is issued.
    again = ok(uppdrag(*args))
    assert again.output.count("already re-issued") == 2
    assert len(rows(uppdrag)) == 5


def test_a_batch_resumed_after_midnight_issues_no_council_twice(
    workspace: Path, uppdrag: Run
) -> None:
    ok(uppdrag("render", "onkologi", "--date", "2026-12-30"))
    ok(uppdrag("render", "primarvard", "--date", "2026-12-30"))
    _edit(workspace / "data" / "klausuler.yaml", "(RS 2019-03137-40)", "(RS 2026-00042-7)")
    # The batch got as far as onkologi on 31 December ...
    ok(uppdrag("reissue", "onkologi", "--reason", REASON, "--date", "2026-12-31"))
    # ... and is run again just after midnight.
    resumed = ok(uppdrag("reissue", "--all", "--reason", REASON, "--date", "2027-01-01"))
    assert "already re-issued in this batch" in resumed.output
    assert _live_of(uppdrag, "onkologi") == ["RS 2026-00003"]
    assert _live_of(uppdrag, "primarvard") == ["RS 2027-00001"]
    assert [d for d in rows(uppdrag) if d.startswith("RS 2027")] == ["RS 2027-00001"]


# -- 6. no write through a symbolic link -------------------------------------------------------


def test_a_linked_year_folder_gets_no_document_and_no_number(
    workspace: Path, uppdrag: Run, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (workspace / "output").mkdir()
    (workspace / "output" / "2026").symlink_to(outside, target_is_directory=True)
    refused = render(uppdrag, "onkologi")
    assert refused.exit_code == 3, refused.output
    assert "symbolic link" in refused.output and "no number was used" in refused.output
    assert list(outside.iterdir()) == []
    with Register(workspace / "output" / "diarium.sqlite") as reg:
        assert reg.list() == []


def test_a_folder_swapped_for_a_link_while_writing_is_not_followed(tmp_path: Path) -> None:
    from generator.exceptions import RegisterError
    from generator.writer import write_new, write_replaceable

    output, outside = tmp_path / "output", tmp_path / "outside"
    outside.mkdir()
    output.mkdir()
    (output / "2026").symlink_to(outside)
    for write in (write_new, write_replaceable):
        with pytest.raises(RegisterError, match="symbolic link"):
            write(output / "2026" / "RS_2026-00001_x.docx", b"doc", within=output)
    assert list(outside.iterdir()) == []
    # A link at the file's own name is never written through either.
    (output / "2027").mkdir()
    victim = outside / "victim.txt"
    victim.write_bytes(b"keep")
    (output / "2027" / "a.docx").symlink_to(victim)
    with pytest.raises(RegisterError, match="already exists"):
        write_new(output / "2027" / "a.docx", b"doc", within=output)
    write_replaceable(output / "2027" / "a.docx", b"new", within=output)  # replaces the link
    assert victim.read_bytes() == b"keep"
    assert not (output / "2027" / "a.docx").is_symlink()
    assert not list((output / "2027").glob(".*.tmp"))


def test_a_link_at_the_decided_path_is_refused(workspace: Path, uppdrag: Run) -> None:
    ok(render(uppdrag, "onkologi"))
    decided = workspace / "output/2026/RS_2026-00001_onkologi_beslutad.docx"
    victim = workspace / "victim.docx"
    victim.write_bytes(b"keep")
    decided.symlink_to(victim)
    refused = uppdrag("decide", "RS 2026-00001", "--date", DATE)
    assert refused.exit_code == 3 and str(decided) in refused.output
    assert victim.read_bytes() == b"keep"
    entry = rows(uppdrag)["RS 2026-00001"]
    assert entry["status"] == "utkast"
    with Register(workspace / "output" / "diarium.sqlite") as reg:
        assert reg.pending() == []


def test_a_link_as_the_drafts_folder_is_refused(
    workspace: Path, uppdrag: Run, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (workspace / "output").mkdir()
    (workspace / "output" / "utkast").symlink_to(outside, target_is_directory=True)
    refused = render(uppdrag, "onkologi", "--draft")
    assert refused.exit_code == 3 and "symbolic link" in refused.output
    assert list(outside.iterdir()) == []


def test_a_link_at_a_review_copy_is_not_written_through(workspace: Path, uppdrag: Run) -> None:
    ok(render(uppdrag, "onkologi"))
    _edit(workspace / "data" / "klausuler.yaml", "(RS 2019-03137-40)", "(RS 2026-00042-7)")
    victim = workspace / "victim.docx"
    victim.write_bytes(b"keep")
    review = workspace / "output/2026/RS_2026-00002_onkologi_andringar.docx"
    review.symlink_to(victim)
    result = uppdrag("reissue", "onkologi", "--reason", REASON, "--date", DATE)
    assert result.exit_code == 3 and str(review) in result.output, result.output
    assert victim.read_bytes() == b"keep"
    # The document itself was written and is recorded: the review copy is only a help.
    assert rows(uppdrag)["RS 2026-00002"]["status"] == "utkast"


# -- 4. a number being written is not voided under its writer ------------------------------------

HOLD = """
import sys, time
from generator.register import Register, Request
reg = Register(sys.argv[1])
[issue] = reg.reserve([Request("onkologi", "2026-03-02", None, "Uppdragshandling")], "RS",
                      lambda _r, dnr: sys.argv[2])
print(issue.dnr, flush=True)
time.sleep(60)
"""


def test_a_number_being_written_is_not_voided(workspace: Path, uppdrag: Run) -> None:
    import subprocess
    import sys

    from tests.conftest import REPO

    register = workspace / "output" / "diarium.sqlite"
    target = workspace / "output" / "2026" / "RS_2026-00001_onkologi.docx"
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(register), str(target)],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        dnr = child.stdout.readline().strip()
        refused = uppdrag("register", "void", dnr, "--reason", "fel")
        assert refused.exit_code == 3 and "still running" in refused.output
        assert f"process {child.pid}" in refused.output
        listed = ok(uppdrag("register", "list"))
        assert dnr in listed.output and "pending" in listed.output
        checked = ok(uppdrag("verify"))
        assert f"PENDING  {dnr}" in checked.output
    finally:
        child.kill()
        child.wait()
    # Its writer is gone: the next command settles it with a true reason.
    settled = ok(uppdrag("register", "list"))
    assert f"{dnr}: an interrupted issue was voided" in settled.output
    assert rows(uppdrag)[dnr]["status"] == "makulerad"


# -- 5. a batch that stops says what it issued ---------------------------------------------------


def _big_council(workspace: Path, name: str = "stor", size: int = 600_000) -> None:
    """A council whose document is bigger than ``size`` bytes: bullets of random words (which
    do not zip), each within the length a paragraph may have."""
    import random

    rng = random.Random(12)

    def words(count: int) -> str:
        letters = "abcdefghijklmnopqrstuvwxyz"
        return " ".join(
            "".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(count)
        )

    bullets = "".join(f"        - {words(2000)}\n" for _ in range(size // 14_000))
    text = (workspace / "data/councils/onkologi.yaml").read_text(encoding="utf-8")
    text = text.replace("Samordningsråd onkologi", f"Samordningsråd {name}")
    text = text.replace(
        "  uppdragsbeskrivning:\n", f"  uppdragsbeskrivning:\n    - punkter:\n{bullets}"
    )
    (workspace / f"data/councils/{name}.yaml").write_text(text, encoding="utf-8")


def _uppdrag_process(workspace: Path, *args: str, fsize: int | None = None, **popen):
    import resource
    import subprocess
    import sys

    from tests.conftest import REPO

    def limit() -> None:
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    env = {**os.environ, "PYTHONPATH": str(REPO), "LANGUAGE": "en"}
    env.pop("UPPDRAG_REGISTER", None)
    return subprocess.Popen(
        [sys.executable, "-m", "generator", *args],
        cwd=workspace,
        env=env,
        preexec_fn=limit,
        text=True,
        **popen,
    )


def test_a_file_too_big_for_the_disk_is_a_clear_error(workspace: Path, uppdrag: Run) -> None:
    import subprocess

    _big_council(workspace)
    ok(render(uppdrag, "primarvard"))  # the register exists before the limit applies
    child = _uppdrag_process(
        workspace,
        "render",
        "onkologi",
        "stor",
        "--date",
        DATE,
        fsize=300_000,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = child.communicate(timeout=120)
    assert child.returncode == 3, out + err
    assert "Internal error" not in err
    assert "Issuing stopped" in err and "Issued: 1 (RS 2026-00002)" in err
    assert "Not issued: 1 (RS 2026-00003)" in err and "File too large" in err
    found = rows(uppdrag)
    assert found["RS 2026-00002"]["status"] == "utkast"
    assert found["RS 2026-00003"]["status"] == "makulerad"
    assert "File too large" in found["RS 2026-00003"]["reason"]
    assert not (workspace / "output/2026/RS_2026-00003_stor.docx").exists()
    assert "All 2 issued files are as registered" in ok(uppdrag("verify")).output


def test_a_closed_pipe_is_not_an_internal_error(workspace: Path, uppdrag: Run) -> None:
    import subprocess

    ok(render(uppdrag, "onkologi"))
    ok(render(uppdrag, "primarvard"))
    _edit(workspace / "data" / "klausuler.yaml", "(RS 2019-03137-40)", "(RS 2026-00042-7)")
    child = _uppdrag_process(
        workspace,
        "reissue",
        "--all",
        "--reason",
        REASON,
        "--date",
        DATE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None
    child.stdout.close()  # as `uppdrag reissue … | head` does once it has read enough
    _, err = child.communicate(timeout=120)
    assert "Internal error" not in err and "Traceback" not in err, err
    assert "output was closed" in err
    found = rows(uppdrag)
    assert {found[d]["status"] for d in ("RS 2026-00003", "RS 2026-00004")} == {"utkast"}, err


# -- 7. superseding follows the law of the document --------------------------------------------


def test_a_decided_mandate_stays_in_force_until_its_replacement_is_decided(
    workspace: Path, uppdrag: Run
) -> None:
    register = workspace / "output" / "diarium.sqlite"
    ok(render(uppdrag, "onkologi", "--decided", DATE))
    _edit(workspace / "data" / "klausuler.yaml", "(RS 2019-03137-40)", "(RS 2026-00042-7)")
    ok(uppdrag("reissue", "onkologi", "--reason", REASON, "--date", "2026-04-01"))
    assert rows(uppdrag)["RS 2026-00001"]["status"] == "beslutad"
    assert rows(uppdrag)["RS 2026-00002"]["status"] == "utkast"
    # Voiding the undecided draft leaves the mandate in force as it was.
    ok(uppdrag("register", "void", "RS 2026-00002", "--reason", "fel text"))
    assert rows(uppdrag)["RS 2026-00001"]["status"] == "beslutad"

    ok(uppdrag("reissue", "onkologi", "--reason", "Andra försöket", "--date", "2026-04-02"))
    ok(uppdrag("decide", "RS 2026-00003", "--date", "2026-04-03"))
    found = rows(uppdrag)
    assert found["RS 2026-00001"]["status"] == "ersatt"
    assert found["RS 2026-00001"]["superseded_by"] == "RS 2026-00003"

    # Voiding the decided replacement asks for confirmation, then restores the old mandate.
    refused = uppdrag("register", "void", "RS 2026-00003", "--reason", "fel beslut")
    assert refused.exit_code == 3 and "--yes" in refused.output
    assert rows(uppdrag)["RS 2026-00003"]["status"] == "beslutad"
    done = ok(uppdrag("register", "void", "RS 2026-00003", "--reason", "fel beslut", "--yes"))
    assert "RS 2026-00001 is in force again: its status is beslutad" in done.output
    found = rows(uppdrag)
    assert found["RS 2026-00003"]["status"] == "makulerad"
    assert found["RS 2026-00001"]["status"] == "beslutad"
    assert found["RS 2026-00001"]["superseded_by"] is None
    undone = history(register, "RS 2026-00001")[-1]
    assert undone["event"] == "supersession_undone" and undone["detail"]["by"] == "RS 2026-00003"
    # The next re-issue replaces the mandate in force again.
    _edit(workspace / "data" / "klausuler.yaml", "(RS 2026-00042-7)", "(RS 2026-00042-8)")
    ok(uppdrag("reissue", "onkologi", "--reason", "Tredje", "--date", "2026-04-05"))
    assert rows(uppdrag)["RS 2026-00004"]["supersedes"] == "RS 2026-00001"


# -- 11. a template cannot take the machine down -------------------------------------------------

BOMBS = [
    "{{ 'a'*10**9 }}",
    "{{ 10**(10**10) }}",
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{% set ns = namespace(s='ab') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}"
    "{% endfor %}{{ ns.s|length }}",
    "{{ 'a'|center(10**9) }}",
    "{{ 'a'.ljust(10**9) }}",
    "{{ '{:>999999999}'.format(1) }}",
    "{{ '%999999999s' % 'a' }}",
    "{{ ('a'*100000)|replace('', 'bbbbbbbbbbbb') }}",
    "{{ [1]*10**8 }}",
    "{% set s = 'a'*1000 %}{% for a in s %}{% for b in s %}{% for c in s %}{% endfor %}"
    "{% endfor %}{% endfor %}",
]


def _template_with(workspace: Path, tag: str) -> None:
    import zipfile
    from xml.sax.saxutils import escape

    from tests.conftest import REPO

    source = REPO / "templates" / "uppdragshandling.docx"
    target = workspace / "templates" / "uppdragshandling.docx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            blob = zin.read(info.filename)
            if info.filename == "word/document.xml":
                xml = blob.decode("utf-8")
                at = xml.index("<w:body>") + len("<w:body>")
                paragraph = f"<w:p><w:r><w:t>{escape(tag)}</w:t></w:r></w:p>"
                blob = (xml[:at] + paragraph + xml[at:]).encode("utf-8")
            zout.writestr(info, blob)


@pytest.mark.parametrize("tag", BOMBS)
def test_a_template_bomb_is_refused_by_render_and_check(
    workspace: Path, uppdrag: Run, tag: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import generator.environment

    monkeypatch.setattr(generator.environment, "MAX_SECONDS", 0.5)
    _template_with(workspace, tag)
    refused = render(uppdrag, "onkologi")
    assert refused.exit_code == 2, refused.output
    assert "was stopped" in refused.output and "Traceback" not in refused.output
    assert not list((workspace / "output").rglob("*.docx"))
    checked = uppdrag("check")
    assert checked.exit_code != 0 and "was stopped" in checked.output, checked.output


def test_an_ordinary_template_is_within_the_limits(workspace: Path, uppdrag: Run) -> None:
    _template_with(workspace, "{{ 'ab'*3 }} {{ 2**10 }} {% for i in range(3) %}{{ i }}{% endfor %}")
    ok(render(uppdrag, "onkologi"))
    ok(uppdrag("check"))


# -- 10. paths relative to the workspace ---------------------------------------------------------


def test_a_moved_workspace_still_verifies(
    workspace: Path, uppdrag: Run, tmp_path_factory: pytest.TempPathFactory
) -> None:
    import shutil

    ok(render(uppdrag, "onkologi"))
    ok(render(uppdrag, "primarvard"))
    with sqlite3.connect(workspace / "output" / "diarium.sqlite") as conn:
        paths = [row[0] for row in conn.execute("SELECT path FROM files")]
    assert paths == [
        "output/2026/RS_2026-00001_onkologi.docx",
        "output/2026/RS_2026-00002_primarvard.docx",
    ]
    moved = tmp_path_factory.mktemp("restored") / "ws"
    shutil.copytree(workspace, moved)
    shutil.rmtree(workspace / "output")
    os.chdir(moved)
    assert "All 2 issued files are as registered" in ok(uppdrag("verify")).output
    ok(uppdrag("decide", "RS 2026-00001", "--date", DATE))
    assert rows(uppdrag)["RS 2026-00001"]["path"].startswith(str(moved))


def test_absolute_paths_of_an_older_register_are_made_relative(
    workspace: Path, uppdrag: Run
) -> None:
    ok(render(uppdrag, "onkologi"))
    register = workspace / "output" / "diarium.sqlite"
    absolute = str(workspace / "output/2026/RS_2026-00001_onkologi.docx")
    with sqlite3.connect(register) as conn:  # as version 1 recorded it
        conn.execute("UPDATE files SET path = ?, path_key = ?", (absolute, absolute))
    ok(uppdrag("verify"))
    with sqlite3.connect(register) as conn:
        assert conn.execute("SELECT path, path_key FROM files").fetchall() == [
            ("output/2026/RS_2026-00001_onkologi.docx",) * 2
        ]
        assert conn.execute("PRAGMA user_version").fetchone()[0] >= 2


def test_o_onto_another_numbers_standard_name_is_refused(workspace: Path, uppdrag: Run) -> None:
    target = workspace / "output/2026/RS_2026-00002_primarvard.docx"
    refused = render(uppdrag, "onkologi", "-o", str(target))
    assert refused.exit_code == 2 and "kept for the standard names" in refused.output
    assert not target.exists()
    ok(render(uppdrag, "onkologi", "-o", str(workspace / "eget-namn.docx")))
    ok(render(uppdrag, "primarvard"))
    assert rows(uppdrag)["RS 2026-00002"]["path"] == str(target)


# -- 9. external numbers are checked ------------------------------------------------------------


@pytest.mark.parametrize(
    ("dnr", "why"), [("KS 2026-00005", "not of the series RS"), ("RS 2025-00005", "of the year")]
)
def test_an_external_number_of_another_series_or_year_needs_force(
    workspace: Path, uppdrag: Run, dnr: str, why: str
) -> None:
    refused = render(uppdrag, "onkologi", "--dnr", dnr)
    assert refused.exit_code == 2 and why in refused.output and "--force" in refused.output
    assert not (workspace / "output" / "diarium.sqlite").exists()
    ok(render(uppdrag, "onkologi", "--dnr", dnr, "--force"))
    assert list(rows(uppdrag)) == [dnr]


def test_a_mistyped_external_number_is_voided_and_the_series_set_back(
    workspace: Path, uppdrag: Run
) -> None:
    register = workspace / "output" / "diarium.sqlite"
    ok(render(uppdrag, "onkologi"))
    ok(render(uppdrag, "primarvard", "--dnr", "RS 2026-00500"))  # meant RS 2026-00050
    moved = [e for e in history(register, "RS 2026-00500") if e["event"] == "series_moved"]
    assert moved and moved[0]["detail"] == {"previous_next": 2, "next": 501}
    ok(uppdrag("register", "void", "RS 2026-00500", "--reason", "felskrivet nummer"))
    assert history(register, "RS 2026-00500")[-1]["event"] == "series_set_back"
    ok(render(uppdrag, "primarvard"))
    assert "RS 2026-00002" in rows(uppdrag)
    # Once something is numbered after it, voiding does not move the series back.
    ok(render(uppdrag, "primarvard", "--dnr", "RS 2026-00600"))
    ok(render(uppdrag, "onkologi"))
    ok(uppdrag("register", "void", "RS 2026-00600", "--reason", "felskrivet nummer"))
    ok(render(uppdrag, "onkologi"))
    assert "RS 2026-00602" in rows(uppdrag)
