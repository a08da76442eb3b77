"""Issue 3 through the command line: numbers from the register, files never overwritten,
decide/void/verify, exports, drafts, crash recovery and bad data.

Each test works in a fresh copy of data/ and templates/ (the ``workspace`` fixture) and checks what
a secretary or registrar would: the exit code, the printed path, the file on disk and its SHA-256,
the register's rows (``register list --format json``) and the text of the document.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from generator.register import Register
from tests.conftest import REPO, describe
from tests.docx_text import docx_lines

Run = Callable[..., Result]
DATE = "2024-05-21"
PLACEHOLDER = "(ifylls av beslutsfattaren vid godkännande)"
MODIFIED = ("MODIFIED", "ÄNDRAD", "ÄNDRAT")
MISSING = ("MISSING", "SAKNAS", "SAKNAD")


def sha(path: Path | str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def ok(result: Result, *args: str) -> Result:
    assert result.exit_code == 0, describe(list(args), result)
    return result


def printed_path(result: Result) -> Path:
    """The last line a command printed, the file it wrote, as an absolute path (the command may
    print it relative to the current folder)."""
    return (Path.cwd() / result.stdout.strip().splitlines()[-1]).resolve()


def rows(uppdrag: Run, *extra: str) -> list[dict]:
    result = ok(uppdrag("register", "list", "--format", "json", *extra))
    return json.loads(result.stdout)


def row(uppdrag: Run, dnr: str, *extra: str) -> dict:
    found = [r for r in rows(uppdrag, *extra) if r["dnr"] == dnr]
    assert len(found) == 1, dnr
    return found[0]


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with its SHA-256 (sqlite side files left out)."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): sha(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(("-wal", "-shm", ".sqlite"))
    }


def render(uppdrag: Run, council: str = "onkologi", *options: str) -> Result:
    args = ("render", council, "--date", DATE, *options)
    return ok(uppdrag(*args), *args)


# -- allocation ---------------------------------------------------------------------------------


def test_render_allocates_the_next_number_and_registers_the_file(
    workspace: Path, uppdrag: Run
) -> None:
    first = render(uppdrag)
    expected = workspace / "output" / "2024" / "RS_2024-00001_onkologi.docx"
    assert printed_path(first) == expected
    assert expected.is_file()
    assert "Diarienummer: RS 2024-00001" in docx_lines(expected)
    entry = row(uppdrag, "RS 2024-00001")
    assert entry["status"] == "utkast"
    assert entry["council"] == "onkologi"
    assert entry["date"] == DATE
    assert entry["decided"] is None
    assert Path(entry["path"]) == expected
    assert entry["sha256"] == sha(expected)

    second = render(uppdrag)
    expected2 = workspace / "output" / "2024" / "RS_2024-00002_onkologi.docx"
    assert printed_path(second) == expected2
    assert row(uppdrag, "RS 2024-00002")["sha256"] == sha(expected2)
    assert [r["dnr"] for r in rows(uppdrag)] == ["RS 2024-00001", "RS 2024-00002"]


def test_render_without_date_uses_today_in_stockholm(workspace: Path, uppdrag: Run) -> None:
    from generator.dates import today

    day = today()
    result = ok(uppdrag("render", "onkologi"))
    path = workspace / "output" / str(day.year) / f"RS_{day.year}-00001_onkologi.docx"
    assert printed_path(result) == path
    entry = row(uppdrag, f"RS {day.year}-00001")
    assert entry["date"] == day.isoformat()
    assert f"Datum: {day.isoformat()}" in docx_lines(path)


def test_given_number_is_normalised(workspace: Path, uppdrag: Run) -> None:
    result = render(uppdrag, "onkologi", "--dnr", "RS 2024 – 00784")
    path = workspace / "output" / "2024" / "RS_2024-00784_onkologi.docx"
    assert printed_path(result) == path
    assert "Diarienummer: RS 2024-00784" in docx_lines(path)
    assert [r["dnr"] for r in rows(uppdrag)] == ["RS 2024-00784"]
    # The series continues after a number given from outside.
    assert printed_path(render(uppdrag)).name == "RS_2024-00785_onkologi.docx"


def test_malformed_number_is_refused_and_nothing_changes(workspace: Path, uppdrag: Run) -> None:
    render(uppdrag)
    before_rows, before_files = rows(uppdrag), tree(workspace / "output")
    result = uppdrag("render", "onkologi", "--date", DATE, "--dnr", "nonsense")
    assert result.exit_code == 2, describe(["render", "--dnr", "nonsense"], result)
    assert "nonsense" in result.output and "RS 2024-00784" in result.output  # the expected form
    assert "Traceback" not in result.output
    assert rows(uppdrag) == before_rows
    assert tree(workspace / "output") == before_files


def test_malformed_number_in_a_fresh_workspace_writes_nothing(
    workspace: Path, uppdrag: Run
) -> None:
    result = uppdrag("render", "onkologi", "--date", DATE, "--dnr", "nonsense")
    assert result.exit_code == 2
    assert not (workspace / "output").exists()


# -- never overwrite ----------------------------------------------------------------------------


def test_an_issued_number_is_not_given_again(workspace: Path, uppdrag: Run) -> None:
    path = printed_path(render(uppdrag, "onkologi", "--dnr", "RS 2024-00784"))
    digest, before_rows, before_files = sha(path), rows(uppdrag), tree(workspace / "output")
    result = uppdrag("render", "onkologi", "--date", "2024-06-01", "--dnr", "RS 2024-00784")
    assert result.exit_code != 0
    assert "reissue" in result.output
    assert "RS 2024-00784" in result.output
    assert sha(path) == digest
    assert rows(uppdrag) == before_rows
    assert tree(workspace / "output") == before_files


@pytest.mark.parametrize("registered", [True, False], ids=["issued-file", "own-file"])
def test_output_onto_an_existing_file_is_refused(
    workspace: Path, uppdrag: Run, registered: bool
) -> None:
    target = workspace / "mandat.docx"
    if registered:
        render(uppdrag, "onkologi", "-o", str(target))
    else:
        target.write_bytes(b"a secretary's own document")
    digest, before_rows = sha(target), rows(uppdrag)
    result = uppdrag("render", "primarvard", "--date", DATE, "-o", str(target))
    assert result.exit_code != 0
    assert str(target.name) in result.output
    assert sha(target) == digest
    assert rows(uppdrag) == before_rows


def test_a_draft_never_overwrites_an_issued_file(workspace: Path, uppdrag: Run) -> None:
    issued = printed_path(render(uppdrag))
    digest = sha(issued)
    result = uppdrag("render", "onkologi", "--draft", "-o", str(issued))
    assert result.exit_code != 0
    assert sha(issued) == digest


# -- which register -----------------------------------------------------------------------------


def test_register_option_is_honoured(workspace: Path, uppdrag: Run) -> None:
    custom = workspace / "diarier" / "min.sqlite"
    render(uppdrag, "onkologi", "--register", str(custom))
    assert custom.is_file()
    assert not (workspace / "output" / "diarium.sqlite").exists()
    assert [r["dnr"] for r in rows(uppdrag, "--register", str(custom))] == ["RS 2024-00001"]
    # The default register knows nothing of it, and does not start over next to its document.
    refused = uppdrag("register", "list")
    assert refused.exit_code == 3 and "is missing, but" in refused.output
    assert not (workspace / "output" / "diarium.sqlite").exists()


def test_register_environment_variable_is_honoured(workspace: Path, uppdrag: Run) -> None:
    custom = workspace / "delad" / "diarium.sqlite"
    env = {"UPPDRAG_REGISTER": str(custom)}
    ok(uppdrag("render", "onkologi", "--date", DATE, env=env))
    assert custom.is_file()
    assert not (workspace / "output" / "diarium.sqlite").exists()
    listed = json.loads(ok(uppdrag("register", "list", "--format", "json", env=env)).stdout)
    assert [r["dnr"] for r in listed] == ["RS 2024-00001"]
    # --register wins over the variable: a new register is refused next to the documents of
    # another, whose numbers it would give again.
    other = workspace / "annan.sqlite"
    refused = uppdrag("render", "primarvard", "--date", DATE, "--register", str(other), env=env)
    assert refused.exit_code == 3 and str(other) in refused.output
    assert not other.exists()
    listed = json.loads(ok(uppdrag("register", "list", "--format", "json", env=env)).stdout)
    assert [r["council"] for r in listed] == ["onkologi"]


def test_set_next_continues_the_official_series(workspace: Path, uppdrag: Run) -> None:
    result = ok(uppdrag("register", "set-next", "RS 2026-01234"))
    assert "RS 2026-01234" in result.output
    path = printed_path(ok(uppdrag("render", "primarvard", "--date", "2026-02-03")))
    assert path == workspace / "output" / "2026" / "RS_2026-01234_primarvard.docx"
    assert "Diarienummer: RS 2026-01234" in docx_lines(path)
    assert row(uppdrag, "RS 2026-01234")["date"] == "2026-02-03"
    # Other years are not affected, and the series cannot be set back over a used number.
    assert printed_path(render(uppdrag)).name == "RS_2024-00001_onkologi.docx"
    assert uppdrag("register", "set-next", "RS 2026-01000").exit_code != 0
    assert printed_path(ok(uppdrag("render", "onkologi", "--date", "2026-02-04"))).name == (
        "RS_2026-01235_onkologi.docx"
    )


# -- decide and void ----------------------------------------------------------------------------


def test_decide_writes_the_decided_version_beside_the_draft(workspace: Path, uppdrag: Run) -> None:
    draft = printed_path(render(uppdrag))
    draft_sha = sha(draft)
    result = ok(uppdrag("decide", "RS 2024-00001", "--date", "2024-06-10"))
    decided = printed_path(result)
    assert decided == draft.with_name("RS_2024-00001_onkologi_beslutad.docx")
    assert decided.is_file()
    lines = docx_lines(decided)
    assert "Datum för beslut: 2024-06-10" in lines
    assert not any(PLACEHOLDER in line for line in lines)
    # The draft is the record of what was issued: untouched.
    assert sha(draft) == draft_sha
    assert f"Datum för beslut: {PLACEHOLDER}" in docx_lines(draft)

    entry = row(uppdrag, "RS 2024-00001")
    assert entry["status"] == "beslutad"
    assert entry["decided"] == "2024-06-10"
    assert entry["sha256"] == sha(decided)
    shown = ok(uppdrag("register", "show", "RS 2024-00001")).output
    assert draft.name in shown and decided.name in shown
    assert draft_sha in shown and sha(decided) in shown
    assert ok(uppdrag("verify")).exit_code == 0

    again = uppdrag("decide", "RS 2024-00001", "--date", "2024-06-11")
    assert again.exit_code != 0
    assert "beslutad" in again.output
    assert "Datum för beslut: 2024-06-10" in docx_lines(decided)
    assert row(uppdrag, "RS 2024-00001")["decided"] == "2024-06-10"


def test_decide_before_the_document_date_is_refused(workspace: Path, uppdrag: Run) -> None:
    draft = printed_path(render(uppdrag))
    result = uppdrag("decide", "RS 2024-00001", "--date", "2024-05-01")
    assert result.exit_code == 2
    assert "2024-05-01" in result.output and DATE in result.output
    assert sorted(p.name for p in draft.parent.iterdir()) == [draft.name]
    assert row(uppdrag, "RS 2024-00001")["status"] == "utkast"


def test_a_voided_number_cannot_be_decided(workspace: Path, uppdrag: Run) -> None:
    draft = printed_path(render(uppdrag))
    ok(uppdrag("register", "void", "RS 2024-00001", "--reason", "Fel råd"))
    result = uppdrag("decide", "RS 2024-00001", "--date", "2024-06-10")
    assert result.exit_code != 0
    assert "makulerad" in result.output
    assert sorted(p.name for p in draft.parent.iterdir()) == [draft.name]
    assert row(uppdrag, "RS 2024-00001")["status"] == "makulerad"


def test_void_records_the_reason_and_keeps_the_file(workspace: Path, uppdrag: Run) -> None:
    path = printed_path(render(uppdrag))
    digest = sha(path)
    missing = uppdrag("register", "void", "RS 2024-00001")
    assert missing.exit_code == 2
    assert "--reason" in missing.output
    assert row(uppdrag, "RS 2024-00001")["status"] == "utkast"

    result = ok(uppdrag("register", "void", "RS 2024-00001", "--reason", "Skickat till fel råd"))
    assert "RS 2024-00001" in result.output
    entry = row(uppdrag, "RS 2024-00001")
    assert entry["status"] == "makulerad"
    assert entry["reason"] == "Skickat till fel råd"
    assert "Skickat till fel råd" in ok(uppdrag("register", "show", "RS 2024-00001")).output
    assert sha(path) == digest  # voiding deletes nothing
    # A voided number is never handed out again.
    assert printed_path(render(uppdrag)).name == "RS_2024-00002_onkologi.docx"


# -- verify -------------------------------------------------------------------------------------


def test_verify_finds_modified_and_missing_files(workspace: Path, uppdrag: Run) -> None:
    onkologi = printed_path(render(uppdrag, "onkologi"))
    primarvard = printed_path(render(uppdrag, "primarvard"))
    clean = ok(uppdrag("verify"))
    assert "2" in clean.output

    with onkologi.open("ab") as fh:
        fh.write(b"\0")
    primarvard.unlink()
    result = uppdrag("verify")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    changed = [line for line in lines if onkologi.name in line]
    gone = [line for line in lines if primarvard.name in line]
    assert len(changed) == 1 and any(word in changed[0] for word in MODIFIED), result.output
    assert "RS 2024-00001" in changed[0]
    assert len(gone) == 1 and any(word in gone[0] for word in MISSING), result.output
    assert "RS 2024-00002" in gone[0]


# -- listing and export -------------------------------------------------------------------------

LIST_COLUMNS = [
    "Diarienummer",
    "Råd",
    "Datum",
    "Beslutsdatum",
    "Status",
    "Ärendemening",
    "Fil",
    "SHA-256",
    "Ersätter",
    "Ersatt av",
    "Skäl",
]
EXPORT_COLUMNS = [
    "Diarienummer",
    "Datum",
    "Ärendemening",
    "Dokumenttyp",
    "Avsändare",
    "Mottagare",
    "Status",
    "Beslutsdatum",
    "Ersätter",
    "Ersatt av",
    "Makuleringsskäl",
]


def _csv(text: str, separator: str = ";") -> tuple[list[str], list[dict[str, str]]]:
    """A CSV as a Swedish Excel reads it: it must start with the UTF-8 BOM."""
    assert text.startswith("\ufeff"), "without the BOM Excel shows å, ä and ö wrongly"
    reader = csv.DictReader(io.StringIO(text[1:]), delimiter=separator)
    records = list(reader)
    return list(reader.fieldnames or []), records


def test_list_csv_and_export(workspace: Path, uppdrag: Run) -> None:
    render(uppdrag, "onkologi")
    render(uppdrag, "primarvard")
    header, records = _csv(ok(uppdrag("register", "list", "--format", "csv")).stdout)
    assert header == LIST_COLUMNS
    assert [r["Diarienummer"] for r in records] == ["RS 2024-00001", "RS 2024-00002"]
    assert records[0]["Status"] == "utkast"

    header, records = _csv(ok(uppdrag("register", "export")).stdout)
    assert header == EXPORT_COLUMNS
    assert records[0] == {
        "Diarienummer": "RS 2024-00001",
        "Datum": DATE,
        "Ärendemening": "Uppdragshandling för Samordningsråd onkologi",
        "Dokumenttyp": "Uppdragshandling",
        "Avsändare": "Karin Looström Muth",
        "Mottagare": "Ordförande, samordningsråd onkologi",
        "Status": "utkast",
        "Beslutsdatum": "",
        "Ersätter": "",
        "Ersatt av": "",
        "Makuleringsskäl": "",
    }
    target = workspace / "export.csv"
    ok(uppdrag("register", "export", "-o", str(target)))
    assert _csv(target.read_text("utf-8"))[0] == EXPORT_COLUMNS


def test_export_has_decision_replacement_and_void_columns(workspace: Path, uppdrag: Run) -> None:
    render(uppdrag, "onkologi")  # RS 2024-00001
    render(uppdrag, "primarvard")  # RS 2024-00002
    ok(uppdrag("decide", "RS 2024-00001", "--date", "2024-06-03"))
    ok(uppdrag("reissue", "onkologi", "--reason", "Ny rutin", "--date", "2024-06-10"))
    # The old mandate stays in force until its replacement is decided; then it is ersatt.
    ok(uppdrag("decide", "RS 2024-00003", "--date", "2024-06-12"))
    ok(uppdrag("register", "void", "RS 2024-00002", "--reason", "Fel råd"))
    header, records = _csv(ok(uppdrag("register", "export")).stdout)
    by_number = {r["Diarienummer"]: r for r in records}
    assert by_number["RS 2024-00001"]["Beslutsdatum"] == "2024-06-03"
    assert by_number["RS 2024-00001"]["Ersatt av"] == "RS 2024-00003"
    assert by_number["RS 2024-00001"]["Makuleringsskäl"] == ""
    assert by_number["RS 2024-00003"]["Ersätter"] == "RS 2024-00001"
    assert by_number["RS 2024-00002"]["Status"] == "makulerad"
    assert by_number["RS 2024-00002"]["Makuleringsskäl"] == "Fel råd"
    # Other spreadsheets: a comma or a tab, as asked.
    comma = ok(uppdrag("register", "export", "--separator", ",")).stdout
    assert _csv(comma, ",")[0] == EXPORT_COLUMNS
    tab = ok(uppdrag("register", "list", "--format", "csv", "--separator", "tab")).stdout
    assert _csv(tab, "\t")[0] == LIST_COLUMNS


def test_list_csv_header_does_not_depend_on_the_content(workspace: Path, uppdrag: Run) -> None:
    header, records = _csv(ok(uppdrag("register", "list", "--format", "csv")).stdout)
    assert records == []
    assert header == LIST_COLUMNS


def test_list_filters_by_council(workspace: Path, uppdrag: Run) -> None:
    render(uppdrag, "onkologi")
    render(uppdrag, "primarvard")
    render(uppdrag, "onkologi")
    listed = rows(uppdrag, "--council", "onkologi")
    assert [(r["dnr"], r["council"]) for r in listed] == [
        ("RS 2024-00001", "onkologi"),
        ("RS 2024-00003", "onkologi"),
    ]
    table = ok(uppdrag("register", "list", "--council", "primarvard")).output
    assert "RS 2024-00002" in table and "RS 2024-00001" not in table


# -- draft --------------------------------------------------------------------------------------


def test_draft_is_not_registered(workspace: Path, uppdrag: Run) -> None:
    result = ok(uppdrag("render", "onkologi", "--draft", "--date", DATE))
    path = printed_path(result)
    assert path.is_file()
    assert "Diarienummer: (tilldelas vid registrering)" in docx_lines(path)
    with zipfile.ZipFile(path) as archive:
        headers = [n for n in archive.namelist() if n.startswith("word/header")]
        assert any(b"UTKAST" in archive.read(n) for n in headers)
    assert not (workspace / "output" / "diarium.sqlite").exists()
    assert rows(uppdrag) == []
    # The next registered render still starts the series at 1.
    assert printed_path(render(uppdrag)).name == "RS_2024-00001_onkologi.docx"


# -- crash between allocation and write ---------------------------------------------------------

CRASH = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from generator.issuing import default_path
    from generator.register import Register, Request

    write = sys.argv[1] == "write"
    reg = Register("output/diarium.sqlite")
    request = Request(council="onkologi", date="2024-05-21", decided=None,
                      subject="Uppdragshandling för Samordningsråd onkologi")
    [issue] = reg.reserve([request], "RS",
                          lambda req, dnr: str(default_path(Path("output"), dnr, req.council)))
    if write:
        import hashlib
        data = b"written before the crash"
        reg.record_hashes([(issue.dnr, issue.path, hashlib.sha256(data).hexdigest())])
        Path(issue.path).parent.mkdir(parents=True, exist_ok=True)
        Path(issue.path).write_bytes(data)
    print(issue.dnr, issue.path, sep="\t", flush=True)
    os._exit(17)  # no complete(), no close(): as if the machine died here
    """
)


def _crash(workspace: Path, mode: str) -> tuple[str, Path]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "LANGUAGE": "en"}
    done = subprocess.run(
        [sys.executable, "-c", CRASH, mode],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 17, done.stderr
    dnr, _, path = done.stdout.strip().partition("\t")
    return dnr, Path(path)


def test_a_number_left_pending_by_a_crash_is_voided(workspace: Path, uppdrag: Run) -> None:
    dnr, path = _crash(workspace, "no-write")
    assert dnr == "RS 2024-00001" and not path.exists()
    with Register(workspace / "output" / "diarium.sqlite") as reg:
        assert reg.get(dnr).status == "pending"

    result = render(uppdrag, "primarvard")
    assert dnr in result.output
    assert "voided" in result.output or "makulera" in result.output
    entry = row(uppdrag, dnr)
    assert entry["status"] == "makulerad"
    assert entry["reason"]
    shown = ok(uppdrag("register", "show", dnr)).output
    assert "makulerad" in shown and entry["reason"] in shown
    # The voided number is not reused.
    assert printed_path(result).name == "RS_2024-00002_primarvard.docx"


def test_a_file_written_before_a_crash_is_completed(workspace: Path, uppdrag: Run) -> None:
    dnr, path = _crash(workspace, "write")
    assert path.is_file()
    result = render(uppdrag, "primarvard")
    assert dnr in result.output
    assert "completed" in result.output or "slutför" in result.output
    entry = row(uppdrag, dnr)
    assert entry["status"] == "utkast"
    assert entry["sha256"] == sha(path)
    assert ok(uppdrag("verify")).exit_code == 0


# -- bad data -----------------------------------------------------------------------------------


def _misspelt(workspace: Path) -> tuple[Path, int]:
    source = (workspace / "data" / "councils" / "onkologi.yaml").read_text("utf-8")
    broken = source.replace("\nansvarsområde:", "\nansvarsomrade:", 1)
    assert broken != source
    path = workspace / "data" / "councils" / "felstavad.yaml"
    path.write_text(broken, "utf-8")
    line = broken.splitlines().index(
        next(ln for ln in broken.splitlines() if ln.startswith("ansvarsomrade:"))
    )
    return path, line + 1


def test_misspelt_key_is_named_with_a_suggestion(workspace: Path, uppdrag: Run) -> None:
    _path, line = _misspelt(workspace)
    result = uppdrag("render", "data/councils/felstavad.yaml", "--date", DATE)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert f"data/councils/felstavad.yaml:{line}:1" in result.output
    problem = next(ln for ln in result.output.splitlines() if f":{line}:1" in ln)
    assert "ansvarsomrade" in problem and "'ansvarsområde'" in problem
    assert "did you mean" in problem or "menade du" in problem
    assert not (workspace / "output").exists()  # not even the register


def test_misspelt_key_leaves_an_existing_register_alone(workspace: Path, uppdrag: Run) -> None:
    render(uppdrag)
    before_rows, before_files = rows(uppdrag), tree(workspace / "output")
    _misspelt(workspace)
    result = uppdrag("render", "onkologi", "felstavad", "--date", DATE)
    assert result.exit_code == 2
    assert rows(uppdrag) == before_rows
    assert tree(workspace / "output") == before_files


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("tabbar", b"namn: Samordningsr\xc3\xa5d tab\n\tansvarsomr\xc3\xa5de: x\n"),
        ("tom", b""),
        ("binar", b"PK\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00!\x00\xff\xfe"),
    ],
)
def test_unreadable_council_file_is_a_data_error(
    workspace: Path, uppdrag: Run, name: str, content: bytes
) -> None:
    (workspace / "data" / "councils" / f"{name}.yaml").write_bytes(content)
    result = uppdrag("render", name, "--date", DATE)
    assert result.exit_code == 2, describe(["render", name], result)
    assert "Traceback" not in result.output
    assert f"data/councils/{name}.yaml" in result.output
    assert not (workspace / "output").exists()


def test_check_passes_the_shipped_data(workspace: Path, uppdrag: Run) -> None:
    result = uppdrag("check")
    assert result.exit_code == 0, describe(["check"], result)
    assert not [ln for ln in result.output.splitlines() if ln.startswith(("error:", "fel:"))]
    assert not (workspace / "output").exists()


def test_check_names_an_unknown_clause(workspace: Path, uppdrag: Run) -> None:
    source = (workspace / "data" / "councils" / "onkologi.yaml").read_text("utf-8")
    broken = source.replace("klausul: syfte.samverka\n", "klausul: syfte.samverkan\n", 1)
    assert broken != source
    (workspace / "data" / "councils" / "okand.yaml").write_text(broken, "utf-8")
    line = broken.splitlines().index("    - klausul: syfte.samverkan") + 1
    for args in (["check"], ["check", "data/councils/okand.yaml"], ["render", "okand"]):
        result = uppdrag(*args)
        assert result.exit_code == 2, describe(args, result)
        assert "Traceback" not in result.output
        problem = [ln for ln in result.output.splitlines() if "syfte.samverkan'" in ln]
        assert len(problem) == 1, describe(args, result)
        assert f"data/councils/okand.yaml:{line}:" in problem[0]
        assert "'syfte.samverka'" in problem[0]  # the suggestion
        assert "did you mean" in problem[0] or "menade du" in problem[0]
    assert not (workspace / "output").exists()
