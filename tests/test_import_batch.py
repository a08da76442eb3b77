"""A whole region on board: its mandates imported as one batch, the clause library learned.

The corpus (``tests/import_corpus``) is five mandates of a fictional organisation saved as Word
saves them.  From a library with no clauses, every document must render back line for line, every
sentence two or more of them share must be kept once, in the library, and in no council file, and
the near-variants must be reported and kept; a change to one learned clause must then reach exactly
the councils that have it.  The shared sentences, the variants and the users of a clause are found
here from the text exports on the test's own terms, not with the importer under test.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from generator.exceptions import DataError, UsageError
from generator.importer.batch import import_batch
from generator.importer.learn import in_library, library_keys
from generator.importer.library_file import add_clauses
from generator.importer.variants import near, word_diff
from generator.mandate import load_mandate
from generator.render import Stamp, render_docx
from generator.template import CompiledTemplate
from generator.workspace import Workspace
from tests.conftest import REPO, describe
from tests.docx_text import docx_lines, fold, normalise_lines
from tests.import_corpus import CORPUS, COUNCILS, blocks, build_docx, make_workspace

FIELD = re.compile(r"^(Ordförande|Deltagare|Adjungerande deltagare|Mötesfrekvens|Undergrupper): ")
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])")
#: Council ids as the import names them (from the council's name in the document).
IDS = {c: c for c in COUNCILS} | {"barn": "barn-och-unga"}


def corpus_sentences(council: str) -> set[str]:
    """The sentences of a mandate's body and distribution list (labels, titles, head block,
    decision date and signature left out), read from its text export."""
    out: set[str] = set()
    for kind, text, _n in blocks(council):
        if kind in ("title", "head") or kind.startswith("heading"):
            continue
        if text.startswith("Datum för beslut:") or text.startswith("Anna Berglund\n"):
            continue
        out.update(fold(s) for s in SENTENCE.split(FIELD.sub("", text)))
    return out


def shared_sentences() -> set[str]:
    counts: dict[str, int] = {}
    for council in COUNCILS:
        for s in corpus_sentences(council):
            counts[s] = counts.get(s, 0) + 1
    return {s for s, n in counts.items() if n >= 2}


def strings(node: Any) -> list[str]:
    """Every text value of a council file (keys, clause ids and labels too: they are short)."""
    if isinstance(node, dict):
        return [s for v in node.values() for s in strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in strings(v)]
    return [fold(node)] if isinstance(node, str) else []


def rows(uppdrag) -> list[dict]:
    result = uppdrag("register", "list", "--format", "json")
    assert result.exit_code == 0, describe(["register", "list"], result)
    return json.loads(result.output)


@pytest.fixture
def region(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Region Norrvik's workspace with an empty library, its mandates as .docx under in/."""
    root = make_workspace(tmp_path / "ws", REPO)
    (root / "in").mkdir()
    for council in COUNCILS:
        build_docx(council, root / "in" / f"{council}.docx")
    monkeypatch.chdir(root)
    monkeypatch.delenv("UPPDRAG_REGISTER", raising=False)
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "in" not in p.relative_to(root).parts[:1]
    }


def test_a_region_is_brought_on_board_from_an_empty_library(region: Path, uppdrag) -> None:
    before = snapshot(region)
    dry = uppdrag("import", "in", "--dry-run")
    assert dry.exit_code == 0, describe(["import", "in", "--dry-run"], dry)
    assert snapshot(region) == before, "a dry run wrote something"
    assert "Would write: data/councils/psykiatri.yaml" in dry.output

    result = uppdrag("import", "in")
    assert result.exit_code == 0, describe(["import", "in"], result)
    assert dry.output.split("Would write:")[0] == result.output.split("Written:")[0]

    ws = Workspace(region)
    settings = ws.load_settings()
    library = ws.load_library()
    template = CompiledTemplate.load(ws.template_path)
    library_text = " ".join(fold(v) for v in library_keys(library))
    councils = {
        c: YAML(typ="safe").load(ws.councils_dir.joinpath(f"{IDS[c]}.yaml").read_text())
        for c in COUNCILS
    }
    by_dnr = {r["dnr"]: r for r in rows(uppdrag)}

    # Every document renders back line for line, head block and all.
    for council in COUNCILS:
        original = region / "in" / f"{council}.docx"
        head = dict(b[1].split(": ", 1) for b in blocks(council) if b[0] == "head" and ": " in b[1])
        decided = next(b[1] for b in blocks(council) if b[1].startswith("Datum för beslut:"))
        stamp = Stamp(
            dt.date.fromisoformat(head["Datum"]),
            head["Diarienummer"],
            dt.date.fromisoformat(decided.split(": ")[1]),
        )
        mandate = load_mandate(ws.councils_dir / f"{IDS[council]}.yaml", library, settings)
        rendered = region / f"{council}.rendered.docx"
        rendered.write_bytes(render_docx(template, mandate, settings, stamp))
        assert normalise_lines(docx_lines(rendered)) == normalise_lines(docx_lines(original))

        # The original is kept byte for byte as the council's earlier issue, its SHA-256 recorded.
        row = by_dnr[head["Diarienummer"]]
        assert (row["council"], row["date"], row["status"]) == (
            IDS[council],
            head["Datum"],
            "beslutad",
        )
        assert Path(row["path"]).read_bytes() == original.read_bytes()
        assert row["sha256"] == hashlib.sha256(original.read_bytes()).hexdigest()

    # Every sentence two or more share is in the library once, and in no council file.
    shared = shared_sentences()
    assert len(shared) > 25
    for sentence in sorted(shared):
        assert library_text.count(sentence) == 1, sentence
        for council, data in councils.items():
            assert not any(sentence in s for s in strings(data)), (council, sentence)

    # Each variant is reported with its word diff and kept in its council's own text.
    for diff in (
        "[-rör-] {+berör+}",
        "[-vid behov.-] {+när det behövs.+}",
        "[-företräder.-] {+representerar.+}",
    ):
        assert diff in result.output
    assert re.search(r"4 councils have their own variant of syfte\.", result.output)
    overrides = [
        (IDS[c], v) for c in COUNCILS for v in (councils[c].get("klausuler") or {}).values()
    ]
    assert len(overrides) >= 7
    for council, text in overrides:  # every own version kept is reported, side by side
        assert f"    {council}: {fold(text)}" in result.output
    own = " ".join(strings(councils["psykiatri"].get("klausuler")))
    assert "som berör flera förvaltningar" in own and "när det behövs" in own

    # The figures: all render back, under a third of the words, no shared sentence copied.
    assert "Documents that render back line for line: 5 of 5" in result.output
    words = re.search(r"Words in the council files: (\d+) of the documents' (\d+)", result.output)
    assert words and int(words[1]) * 3 < int(words[2])
    assert "Shared sentences left copied in council files: 0 of" in result.output

    # A change to one learned clause reaches exactly the councils that have it.
    users = {
        IDS[c]
        for c in COUNCILS
        if "Nominera representanter till nationella programområden." in corpus_sentences(c)
    }
    assert users == {"diabetes", "hjarta", "rehabilitering"}
    path = ws.library_path
    path.write_text(
        path.read_text("utf-8").replace(
            "till nationella programområden", "till nationella och regionala programområden"
        ),
        "utf-8",
    )
    args = ["reissue", "--all", "--dry-run", "--reason", "Ny text", "--date", "2026-11-22"]
    plan = uppdrag(*args)
    assert plan.exit_code == 0, describe(args, plan)
    changed = set(re.findall(r"^(\S+): changes since", plan.output, re.MULTILINE))
    assert changed == users
    unaffected = re.search(r"Not affected \(text unchanged\): (.*)", plan.output)
    assert unaffected and set(unaffected[1].split(", ")) == set(IDS.values()) - users


def test_the_seeds_with_the_existing_library_learn_nothing_already_there(
    workspace: Path, uppdrag
) -> None:
    ws = Workspace(workspace)
    hand_written = {p.stem: YAML(typ="safe").load(p.read_text("utf-8")) for p in ws.council_files()}
    for p in ws.council_files():
        p.unlink()
    library = ws.load_library()
    report = import_batch(ws, [REPO / "tests/seeds"], dry_run=True)
    known = library_keys(library)
    for clause_id, text in report.learned.items():
        assert clause_id not in library.clauses
        assert not in_library(text, known), (clause_id, text)
    # What the hand-written files take from the library, the import takes too.
    for council, data in hand_written.items():
        refs = set(re.findall(r"'klausul': '([^']+)'", str(data)))
        recognised = {c for c, users in report.recognised.items() if council in users}
        assert refs <= recognised, refs - recognised
    assert report.figures.rendered_back == report.figures.documents == 2
    assert report.figures.shared_left == []
    assert not ws.councils_dir.joinpath("onkologi.yaml").exists()  # a dry run writes nothing

    result = uppdrag("import", str(REPO / "tests/seeds"))
    assert result.exit_code == 0, describe(["import"], result)
    settings, library = ws.load_settings(), ws.load_library()
    template = CompiledTemplate.load(ws.template_path)
    from tests.test_import import _assert_same_as_seed, _seed_stamp

    for council in ("onkologi", "primarvard"):
        date, dnr, decided = _seed_stamp(council)
        mandate = load_mandate(ws.councils_dir / f"{council}.yaml", library, settings)
        out = workspace / f"{council}.docx"
        out.write_bytes(render_docx(template, mandate, settings, Stamp(date, dnr, decided)))
        _assert_same_as_seed(out, council)
        [row] = [r for r in rows(uppdrag) if r["council"] == council]
        kept = Path(row["path"]).with_name(Path(row["path"]).stem + "_original.txt")
        assert kept.read_bytes() == (REPO / f"tests/seeds/{council}.txt").read_bytes()


def test_documents_of_another_organisation_say_so(workspace: Path, uppdrag) -> None:
    args = ["import", str(CORPUS / "hjarta.txt"), str(CORPUS / "diabetes.txt"), "--dry-run"]
    result = uppdrag(*args)
    assert result.exit_code == 0, describe(args, result)
    assert (
        "The documents name the organisation Region Norrvik, the settings Västra Götalandsregionen"
        in result.output
    )
    own = uppdrag(
        *args,
        "--organisation",
        "Region Norrvik",
        "--signatory",
        "Anna Berglund",
        "--series",
        "RN",
        "--signatory-title",
        "Hälso- och sjukvårdsdirektör",
    )
    assert own.exit_code == 0, describe(args, own)
    assert "name the organisation" not in own.output
    assert "Anna Berglund" not in own.output.split("To check:")[-1]


def test_a_bad_document_stops_the_whole_batch(region: Path, uppdrag) -> None:
    # Every problem of every document at once; here a mandate without its head block and sections.
    (region / "in" / "trasig.txt").write_text("Rådet ska göra något.\n", "utf-8")
    (region / "in" / "gammal.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    before = snapshot(region)
    result = uppdrag("import", "in")
    assert result.exit_code == 2, describe(["import", "in"], result)
    assert "trasig.txt" in result.output and "Traceback" not in result.output
    assert "gammal.doc" in result.output
    assert snapshot(region) == before


def test_a_number_already_in_the_register_stops_the_batch(region: Path, uppdrag) -> None:
    args = ["import", "in/hjarta.docx", "-o", "data/councils/hjarta-forst.yaml"]
    first = uppdrag(*args)
    assert first.exit_code == 0, describe(args, first)
    before = snapshot(region)
    result = uppdrag("import", "in")
    assert result.exit_code == 3, describe(["import", "in"], result)
    assert "RN 2023-00112 (in/hjarta.docx) is already in the register" in result.output
    assert snapshot(region) == before
    refused = uppdrag("import", "in/hjarta.docx", "-o", "data/councils/hjarta-forst.yaml")
    assert refused.exit_code == 2
    assert "hjarta-forst.yaml already exists" in refused.output
    assert snapshot(region) == before


def test_a_single_document_dry_run_shows_the_file_and_writes_nothing(
    workspace: Path, uppdrag
) -> None:
    args = [
        "import",
        str(REPO / "tests/seeds/onkologi.txt"),
        "-o",
        "data/councils/onk2.yaml",
        "--dry-run",
    ]
    result = uppdrag(*args)
    assert result.exit_code == 0, describe(args, result)
    assert "The council file would read:" in result.output
    assert "    namn: Samordningsråd onkologi" in result.output
    assert "Would write: output/2024/RS_2024-00784_onk2.docx" in result.output
    assert not (workspace / "data/councils/onk2.yaml").exists()
    assert not (workspace / "output").exists()


def test_no_documents_is_a_clear_error(region: Path, uppdrag) -> None:
    (region / "empty").mkdir()
    result = uppdrag("import", "empty")
    assert result.exit_code == 2
    assert "no document to import" in result.output
    with pytest.raises(UsageError):
        import_batch(Workspace(region), [region / "empty"])


def test_learned_clauses_are_added_below_what_a_person_wrote() -> None:
    text = (REPO / "data/klausuler.yaml").read_text("utf-8")
    new = add_clauses(text, {"samband.nytt": ("En ny text. " * 12).strip()}, "Inlärda i ett test.")
    assert new.startswith(text.rstrip("\n"))
    assert "  # Inlärda i ett test." in new
    data = YAML(typ="safe").load(new)
    assert data["klausuler"]["samband.nytt"] == ("En ny text. " * 12).strip()
    empty = add_clauses("avsnitt:\n  syfte: Syfte\nklausuler: {}\n", {"syfte.x": "X y."}, "c")
    assert YAML(typ="safe").load(empty)["klausuler"] == {"syfte.x": "X y."}


def test_near_variants_are_a_few_words_apart() -> None:
    a = "Bereda frågor till koncernledningen vid behov."
    assert near(a, "Bereda frågor till koncernledningen när det behövs.")
    assert not near(a, a)
    assert not near(a, "Leda arbetet med den regionala hjärtsviktsprocessen.")
    assert not near(
        "De utses av respektive förvaltningschef.", "De utses av respektive sjukhusdirektör."
    )
    assert word_diff(a, "Bereda frågor till koncernledningen när det behövs.") == (
        "Bereda frågor till koncernledningen [-vid behov.-] {+när det behövs.+}"
    )


def test_the_batch_is_a_plain_function_that_writes_nothing_in_a_dry_run(region: Path) -> None:
    before = snapshot(region)
    report = import_batch(Workspace(region), [region / "in"], dry_run=True)
    assert snapshot(region) == before
    assert [d.council for d in report.documents] == sorted(IDS.values())
    assert report.figures.shared_left == []
    assert report.figures.word_share < 1 / 3
    assert {council for council, _v in report.variants} >= {"psykiatri"}
    with pytest.raises(DataError):
        shutil.copy(CORPUS / "hjarta.txt", region / "in" / "kopia.txt")
        (region / "in" / "kopia.txt").write_text("inget här\n", "utf-8")
        import_batch(Workspace(region), [region / "in"], dry_run=True)


def test_a_paragraph_inserted_into_a_library_clause_leaves_the_clause_recognised(
    workspace: Path, uppdrag
) -> None:
    from tests.docx_text import normalise_seed
    from tests.test_import import _seed_stamp, _split_head

    ws = Workspace(workspace)
    settings = ws.load_settings()
    before = {
        c: load_mandate(ws.councils_dir / f"{c}.yaml", ws.load_library(), settings).body
        for c in ("onkologi", "primarvard")
    }
    inserted = "Rådet samverkar särskilt med cancercentrum i frågor om vårdförlopp."
    text = (REPO / "tests/seeds/onkologi.txt").read_text("utf-8")
    text = text.replace("Klinisk ledning ska", f"{inserted}\n\nKlinisk ledning ska", 1)
    source = workspace / "onkologi-ny.txt"
    source.write_text(text, "utf-8")
    args = ["import", str(source), "-o", "data/councils/onk2.yaml"]
    result = uppdrag(*args)
    assert result.exit_code == 0, describe(args, result)
    assert "samband.standard is split into a clause per paragraph" in result.output

    data = YAML(typ="safe").load((ws.councils_dir / "onk2.yaml").read_text("utf-8"))
    copied = [s for s in strings(data) if "Klinisk ledning" in s or "Ställningstaganden" in s]
    assert copied == []
    assert fold(inserted) in strings(data["avsnitt"]["samband"])

    library = ws.load_library()
    template = CompiledTemplate.load(ws.template_path)
    date, dnr, decided = _seed_stamp("onkologi")
    mandate = load_mandate(ws.councils_dir / "onk2.yaml", library, settings)
    out = workspace / "onk2.docx"
    out.write_bytes(render_docx(template, mandate, settings, Stamp(date, dnr, decided)))
    assert _split_head(normalise_lines(docx_lines(out)))[1] == _split_head(normalise_seed(text))[1]
    # The councils that have the clause whole read as before, and a change to it reaches all.
    for council, body in before.items():
        assert load_mandate(ws.councils_dir / f"{council}.yaml", library, settings).body == body
    ws.library_path.write_text(
        ws.library_path.read_text("utf-8").replace(
            "Klinisk ledning ska", "Den kliniska ledningen ska"
        ),
        "utf-8",
    )
    library = ws.load_library()
    for council in ("onkologi", "primarvard", "onk2"):
        body = load_mandate(ws.councils_dir / f"{council}.yaml", library, settings).body
        assert any(i.text.startswith("Den kliniska ledningen ska") for i in body), council


def test_two_mandates_of_one_council_stop_the_batch(region: Path, uppdrag) -> None:
    shutil.copy(region / "in" / "hjarta.docx", region / "in" / "hjarta-kopia.docx")
    before = snapshot(region)
    result = uppdrag("import", "in")
    assert result.exit_code != 0
    assert "in/hjarta-kopia.docx" in result.output and "in/hjarta.docx" in result.output
    assert "Traceback" not in result.output
    assert snapshot(region) == before
