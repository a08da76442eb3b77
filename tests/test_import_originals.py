"""The originals of a batch import, after it: kept, recorded, checked, and fairly compared with.

A text export is recorded in the register as the original of the earlier issue it was imported
as, with its own SHA-256, so that ``uppdrag verify`` checks it and ``register show`` lists it.  A
Word original laid out unlike the template (head block in the page header or in table cells, no
title line) is compared by its first re-issue on what it says, not on where Word put it: an
unchanged library changes no council, a changed clause exactly the councils that have it.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from pathlib import Path

import pytest

from generator.diff.document import document_paragraphs, ignore_head
from generator.exceptions import RegisterError
from generator.register import Register
from generator.register.tables import _SCHEMA
from generator.said import comparison_ignore, said_paragraphs
from tests.conftest import REPO, describe
from tests.import_corpus import CORPUS, COUNCILS, blocks, build_docx, make_workspace
from tests.test_import_batch import IDS, corpus_sentences

TITLE = "Uppdragshandling för\nsamordningsråd"
REISSUE = ["reissue", "--all", "--dry-run", "--reason", "Ny text", "--date", "2026-11-22"]


@pytest.fixture
def region(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_workspace(tmp_path / "ws", REPO)
    (root / "in").mkdir()
    monkeypatch.chdir(root)
    monkeypatch.delenv("UPPDRAG_REGISTER", raising=False)
    return root


def head_of(council: str) -> dict[str, str]:
    return dict(b[1].split(": ", 1) for b in blocks(council) if b[0] == "head" and ": " in b[1])


# -- a text export is a recorded original ---------------------------------------------------


def test_a_text_export_is_recorded_as_the_original_of_its_issue(region: Path, uppdrag) -> None:
    for council in ("hjarta", "diabetes"):
        (region / "in" / f"{council}.txt").write_bytes((CORPUS / f"{council}.txt").read_bytes())
    result = uppdrag("import", "in")
    assert result.exit_code == 0, describe(["import", "in"], result)

    dnr = head_of("hjarta")["Diarienummer"]
    sha = hashlib.sha256((CORPUS / "hjarta.txt").read_bytes()).hexdigest()
    kept = region / "output" / "2023" / "RN_2023-00112_hjarta_original.txt"
    assert kept.read_bytes() == (CORPUS / "hjarta.txt").read_bytes()
    assert f"kept as the original of {dnr}: output/2023/{kept.name} (SHA-256 {sha[:16]})" in (
        result.output
    )
    show = uppdrag("register", "show", dnr)
    assert show.exit_code == 0, describe(["register", "show", dnr], show)
    assert f"  original  output/2023/{kept.name}  {sha}" in show.output
    assert f"original kept: output/2023/{kept.name}" in show.output
    # The Word file the re-issue compares with is recorded as before, beside it.
    docx = r"  beslutad  output/2023/RN_2023-00112_hjarta\.docx  [0-9a-f]{64}"
    assert re.search(docx, show.output)

    verify = uppdrag("verify")
    assert verify.exit_code == 0, describe(["verify"], verify)
    assert "All 4 issued files are as registered." in verify.output

    kept.write_bytes(kept.read_bytes().replace(b"Region Norrvik", b"Region Sydvik", 1))
    changed = uppdrag("verify")
    assert changed.exit_code == 1
    assert f"MODIFIED  {dnr}  output/2023/{kept.name}" in changed.output
    assert "1 of 4 issued files differ from the register." in changed.output
    kept.unlink()
    gone = uppdrag("verify")
    assert gone.exit_code == 1 and f"MISSING  {dnr}  output/2023/{kept.name}" in gone.output

    # Never overwritten: importing it again is refused before anything is written.
    (region / "in" / "diabetes.txt").unlink()
    again = uppdrag("import", "in", "-o", "data/councils/hjarta-igen.yaml")
    assert again.exit_code != 0 and "Traceback" not in again.output
    assert not kept.exists() and not (region / "data/councils/hjarta-igen.yaml").exists()


def test_a_kept_original_is_recorded_once_and_never_forgotten(tmp_path: Path) -> None:
    from generator.register import Request

    path = tmp_path / "r.sqlite"
    with Register(path) as reg:
        [issue] = reg.reserve(
            [Request("hjarta", "2023-03-01", None, "Uppdrag", dnr="RN 2023-00112")],
            "RN",
            lambda req, number: str(tmp_path / "a.docx"),
        )
        reg.complete(issue.dnr, str(tmp_path / "a.docx"), "0" * 64)
        reg.record_original(issue.dnr, tmp_path / "a.txt", "1" * 64)
        with pytest.raises(RegisterError, match="already recorded"):
            reg.record_original(issue.dnr, tmp_path / "a.txt", "2" * 64)
        with pytest.raises(RegisterError, match="already recorded"):
            reg.record_original(issue.dnr, tmp_path / "a.docx", "2" * 64)
        with pytest.raises(RegisterError, match="not in the register"):
            reg.record_original("RN 2023-00999", tmp_path / "b.txt", "2" * 64)
        assert [(k.dnr, k.sha256) for k in reg.originals(issue.dnr)] == [(issue.dnr, "1" * 64)]
    db = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="never forgotten"):
        db.execute("DELETE FROM originals")
    with pytest.raises(sqlite3.IntegrityError, match="never changes"):
        db.execute("UPDATE originals SET sha256 = 'x'")
    db.close()


def test_a_register_of_schema_1_gets_the_originals_table(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    for statement in _SCHEMA:
        db.execute(statement)
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    with Register(path) as reg:
        assert reg.originals() == []
        assert reg.verify() == []
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] >= 5
    db.close()


# -- the first re-issue compares what the originals say -------------------------------------

LAYOUTS = [
    pytest.param("header", False, id="head-in-page-header-no-title"),
    pytest.param("header", True, id="head-in-page-header"),
    pytest.param("cells", False, id="head-in-table-cells-no-title"),
    pytest.param("textbox", False, id="head-in-text-box-no-title"),
]


@pytest.mark.parametrize(("head", "title"), LAYOUTS)
def test_the_first_reissue_after_importing_other_layouts_is_fair(
    region: Path, uppdrag, head: str, title: bool
) -> None:
    for council in COUNCILS:
        build_docx(council, region / "in" / f"{council}.docx", head=head, title=title)
    result = uppdrag("import", "in")
    assert result.exit_code == 0, describe(["import", "in"], result)
    assert "Documents that render back line for line: 5 of 5" in result.output

    # The original is the earlier issue's file, and it reads as the document reads.
    original = region / "output" / "2023" / "RN_2023-00112_hjarta.docx"
    assert original.read_bytes() == (region / "in" / "hjarta.docx").read_bytes()
    said = said_paragraphs(original)
    assert said[: 2 if title else 1] == ([TITLE] if title else []) + [
        f"Datum: {head_of('hjarta')['Datum']}"
    ]
    assert "Ansvarsområde: Verksamhet hjärtsjukvård, Hälso- och sjukvård" in said
    assert not any(re.fullmatch(r"Sida \d+ av \d+", line) for line in said)

    unchanged = uppdrag(*REISSUE)
    assert unchanged.exit_code == 0, describe(REISSUE, unchanged)
    assert "changes since" not in unchanged.output, unchanged.output
    listed = re.search(r"Not affected \(text unchanged\): (.*)", unchanged.output)
    assert listed and set(listed[1].split(", ")) == set(IDS.values())

    users = {
        IDS[c]
        for c in COUNCILS
        if "Nominera representanter till nationella programområden." in corpus_sentences(c)
    }
    library = region / "data" / "klausuler.yaml"
    library.write_text(
        library.read_text("utf-8").replace(
            "till nationella programområden", "till nationella och regionala programområden"
        ),
        "utf-8",
    )
    plan = uppdrag(*REISSUE)
    assert plan.exit_code == 0, describe(REISSUE, plan)
    assert set(re.findall(r"^(\S+): changes since", plan.output, re.MULTILINE)) == users
    assert len(re.findall(r"^1 paragraph changed:", plan.output, re.MULTILINE)) == len(users)
    assert re.search(r"\{\+ ?och regionala ?\+\}", plan.output), plan.output


def test_a_title_is_still_compared_with_a_title() -> None:
    """Only a missing title is left out: a changed one, or a changed head, is a change."""
    import datetime as dt

    from generator.mandate import load_mandate
    from generator.render import Stamp, render_docx
    from generator.template import CompiledTemplate
    from generator.workspace import Workspace

    ws = Workspace(REPO)
    settings = ws.load_settings()
    mandate = load_mandate(ws.councils_dir / "onkologi.yaml", ws.load_library(), settings)
    template = CompiledTemplate.load(ws.template_path)
    docx = render_docx(template, mandate, settings, Stamp(dt.date(2024, 5, 21), "RS 2024-00784"))
    ours = document_paragraphs(docx)
    assert said_paragraphs(docx) == ours  # a document of this product reads as it always did
    assert ours[0].startswith("Uppdragshandling") and ignore_head(ours[1])
    retitled = ["Uppdragsbeskrivning för\nsamordningsråd", *ours[1:]]
    assert comparison_ignore(ours, retitled, retitled[0])(retitled[0]) is False
    untitled = ours[1:]
    assert comparison_ignore(untitled, ours, ours[0])(ours[0]) is True
    assert comparison_ignore(untitled, ours, ours[0])(ours[3]) is False
