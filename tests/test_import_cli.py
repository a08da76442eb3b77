"""``uppdrag import`` and ``uppdrag new`` end to end: the council file, the register, re-issue."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import REPO, describe
from tests.docx_text import docx_lines


def rows(uppdrag) -> list[dict]:
    result = uppdrag("register", "list", "--format", "json")
    assert result.exit_code == 0, describe(["register", "list"], result)
    return json.loads(result.output)


def test_import_records_the_source_as_the_earlier_issue_and_reissue_replaces_it(
    workspace: Path, uppdrag
) -> None:
    (workspace / "data/councils/primarvard.yaml").unlink()
    args = ["import", str(REPO / "tests/seeds/primarvard.txt")]
    result = uppdrag(*args)
    assert result.exit_code == 0, describe(args, result)
    assert (workspace / "data/councils/primarvard.yaml").exists()
    [row] = [r for r in rows(uppdrag) if r["council"] == "primarvard"]
    assert (row["dnr"], row["date"], row["decided"], row["status"]) == (
        "RS 2025-03200",
        "2025-09-29",
        "2025-10-06",
        "beslutad",
    )
    lines = docx_lines(Path(row["path"]))
    assert "Diarienummer: RS 2025-03200" in lines
    assert "Datum för beslut: 2025-10-06" in lines

    library = workspace / "data/klausuler.yaml"
    library.write_text(
        library.read_text("utf-8").replace(
            "särskild rutin, (RS 2019-03137-40)", "särskild rutin (RS 2026-00042)"
        ),
        "utf-8",
    )
    args = ["reissue", "primarvard", "--reason", "Ny rutin", "--date", "2026-11-22"]
    result = uppdrag(*args)
    assert result.exit_code == 0, describe(args, result)
    by_dnr = {r["dnr"]: r for r in rows(uppdrag)}
    assert by_dnr["RS 2025-03200"]["status"] == "beslutad"  # in force until the new is decided
    new = by_dnr["RS 2026-00001"]
    assert new["supersedes"] == "RS 2025-03200"
    text = docx_lines(Path(new["path"]))
    assert "Ersätter: RS 2025-03200" in text
    assert any("särskild rutin (RS 2026-00042)" in line for line in text)
    decided = uppdrag("decide", "RS 2026-00001", "--date", "2026-11-29")
    assert decided.exit_code == 0, describe(["decide"], decided)
    assert {r["dnr"]: r for r in rows(uppdrag)}["RS 2025-03200"]["status"] == "ersatt"


def test_import_refuses_a_number_already_in_the_register(workspace: Path, uppdrag) -> None:
    render = ["render", "onkologi", "--date", "2024-05-21", "--dnr", "RS 2024-00784"]
    assert uppdrag(*render).exit_code == 0
    before = rows(uppdrag)
    args = ["import", str(REPO / "tests/seeds/onkologi.txt"), "-o", "data/councils/onk2.yaml"]
    result = uppdrag(*args)
    assert result.exit_code != 0, describe(args, result)
    assert "RS 2024-00784" in result.output
    assert not (workspace / "data/councils/onk2.yaml").exists()
    assert rows(uppdrag) == before


def test_import_never_overwrites_a_council_file(workspace: Path, uppdrag) -> None:
    before = (workspace / "data/councils/onkologi.yaml").read_bytes()
    result = uppdrag("import", str(REPO / "tests/seeds/onkologi.txt"))
    assert result.exit_code == 2
    assert "-o" in result.output
    assert (workspace / "data/councils/onkologi.yaml").read_bytes() == before
    assert not (workspace / "output/diarium.sqlite").exists()


def test_new_council_lists_what_to_fill_in_and_cannot_be_issued_until_filled(
    workspace: Path, uppdrag
) -> None:
    result = uppdrag("new", "hjarta", "--name", "Samordningsråd hjärta")
    assert result.exit_code == 0, describe(["new"], result)
    path = workspace / "data/councils/hjarta.yaml"
    assert "Samordningsråd hjärta" in path.read_text("utf-8")
    assert "hjarta.yaml:5: ansvarsområde" in result.output

    refused = uppdrag("render", "hjarta")
    assert refused.exit_code == 2
    assert "ATT FYLLA I" in refused.output
    assert not (workspace / "output").exists() or rows(uppdrag) == []

    draft = uppdrag("render", "hjarta", "--draft")
    assert draft.exit_code == 0, describe(["render", "--draft"], draft)

    again = uppdrag("new", "hjarta", "--name", "Samordningsråd hjärta")
    assert again.exit_code == 2
    assert "Traceback" not in again.output


def test_new_refuses_an_id_that_is_not_a_file_name(workspace: Path, uppdrag) -> None:
    result = uppdrag("new", "../evil", "--name", "X")
    assert result.exit_code == 2
    assert not (workspace / "evil.yaml").exists()
