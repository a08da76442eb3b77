"""``uppdrag init`` and finding the workspace: a newcomer's first steps.

A new workspace comes from the package alone, with the organisation's own values checked against
the schema before anything is written; an existing workspace is never overwritten.  A command run
in a sub-folder of a workspace uses it, as git uses the repository above; a command run outside
any refuses with exit 2 and creates nothing, in particular no empty register.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from tests.docx_text import docx_lines

REPO = Path(__file__).resolve().parents[1]
OPTIONS = [
    "--organisation",
    "Region Exempel",
    "--series",
    "RX",
    "--signatory",
    "Anna Andersson",
    "--signatory-title",
    "Hälso- och sjukvårdsdirektör",
]


@pytest.fixture
def empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "tom"
    folder.mkdir()
    monkeypatch.chdir(folder)
    monkeypatch.delenv("UPPDRAG_REGISTER", raising=False)
    return folder


def files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def test_init_makes_a_workspace_that_renders(empty: Path, uppdrag) -> None:
    result = uppdrag("init", "arbete", *OPTIONS)
    assert result.exit_code == 0, result.output
    root = empty / "arbete"
    assert files_under(root) == {
        "README.md",
        "data",
        "data/installningar.yaml",
        "data/klausuler.yaml",
        "data/councils",
        "data/councils/onkologi.yaml",
        "templates",
        "templates/uppdragshandling.docx",
        "output",
    }
    settings = yaml.safe_load((root / "data" / "installningar.yaml").read_text("utf-8"))
    assert settings["organisation"] == "Region Exempel"
    assert settings["diarieserie"] == "RX"
    assert settings["undertecknare"] == {
        "namn": "Anna Andersson",
        "titel": "Hälso- och sjukvårdsdirektör",
    }
    council = yaml.safe_load((root / "data" / "councils" / "onkologi.yaml").read_text("utf-8"))
    assert council["uppdragsgivare"] == "Anna Andersson"
    assert (root / "data" / "klausuler.yaml").read_bytes() == (
        REPO / "data" / "klausuler.yaml"
    ).read_bytes()
    assert (root / "templates" / "uppdragshandling.docx").read_bytes() == (
        REPO / "templates" / "uppdragshandling.docx"
    ).read_bytes()
    readme = (root / "README.md").read_text("utf-8")
    assert "Region Exempel" in readme and "uppdrag render onkologi --draft" in readme

    os.chdir(root / "data" / "councils")  # found from a sub-folder, like git
    result = uppdrag("render", "onkologi", "--date", "2026-03-02")
    assert result.exit_code == 0, result.output
    document = root / "output" / "2026" / "RX_2026-00001_onkologi.docx"
    assert document.is_file(), result.output
    text = "\n".join(docx_lines(document))
    assert "RX 2026-00001" in text
    assert "Anna Andersson" in text and "Hälso- och sjukvårdsdirektör" in text
    assert "Karin Looström Muth" not in text


def test_init_asks_for_what_is_not_given(empty: Path, uppdrag) -> None:
    from click.testing import CliRunner

    from generator.cli import main

    answers = "Region Exempel\nrx 1\nRX\nAnna Andersson\nDirektör\n"  # a wrong series first
    result = CliRunner().invoke(main, ["init"], input=answers, env={"LANGUAGE": "en"})
    assert result.exit_code == 0, result.output
    assert "The organisation's name:" in result.output
    assert "'rx 1' cannot be a diary series" in result.output  # explained, and asked again
    assert result.output.count("Diary series (capital letters, e.g. RS):") == 2
    settings = yaml.safe_load((empty / "data" / "installningar.yaml").read_text("utf-8"))
    assert settings["undertecknare"]["titel"] == "Direktör"


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("--series", "rs 1", "cannot be a diary series"),
        ("--organisation", "", "--organisation"),
        ("--signatory", "Anna\nAndersson", "--signatory"),
    ],
)
def test_init_refuses_bad_values_and_writes_nothing(
    empty: Path, uppdrag, option: str, value: str, words: str
) -> None:
    args = list(OPTIONS)
    args[args.index(option) + 1] = value
    result = uppdrag("init", "arbete", *args)
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"Error: {option}: "), result.output
    assert words in result.output
    assert not (empty / "arbete").exists()


def test_init_never_overwrites_a_workspace(empty: Path, uppdrag) -> None:
    assert uppdrag("init", *OPTIONS).exit_code == 0
    settings = empty / "data" / "installningar.yaml"
    settings.write_text(settings.read_text("utf-8") + "# own edit\n", "utf-8")
    before = {p: p.read_bytes() for p in empty.rglob("*") if p.is_file()}
    result = uppdrag("init", *OPTIONS)
    assert result.exit_code == 2
    assert "already has data, templates, output, README.md" in result.output
    assert "never overwrites" in result.output
    assert {p: p.read_bytes() for p in empty.rglob("*") if p.is_file()} == before


def test_init_refuses_a_workspace_inside_a_workspace(empty: Path, uppdrag) -> None:
    assert uppdrag("init", *OPTIONS).exit_code == 0
    result = uppdrag("init", "data/councils/ny", *OPTIONS)
    assert result.exit_code == 2
    assert "is inside the workspace" in result.output
    assert not (empty / "data" / "councils" / "ny").exists()


#: Every command that needs a workspace, as a newcomer might type it in the wrong folder.
OUTSIDE = [
    ["render", "onkologi"],
    ["render", "onkologi", "--draft"],
    ["decide", "RS 2026-00001", "--date", "2026-12-01"],
    ["reissue", "--all", "--reason", "x"],
    ["check"],
    ["new", "hjarta", "--name", "Samordningsråd hjärta"],
    ["verify"],
    ["register", "list"],
    ["register", "list", "--format", "csv"],
    ["register", "show", "RS 2026-00001"],
    ["register", "void", "RS 2026-00001", "--reason", "x"],
    ["register", "set-next", "RS 2026-01234"],
    ["register", "export"],
]


@pytest.mark.parametrize("args", OUTSIDE, ids=" ".join)
def test_outside_a_workspace_every_command_refuses(empty: Path, uppdrag, args: list[str]) -> None:
    result = uppdrag(*args)
    assert result.exit_code == 2, result.output
    assert "is not in a workspace" in result.output
    assert "uppdrag init" in result.output
    assert list(empty.iterdir()) == [], "nothing may be created outside a workspace"


@pytest.mark.parametrize(
    "args",
    [["register", "list"], ["verify"], ["register", "export"], ["register", "show", "RS 2026-1"]],
    ids=" ".join,
)
def test_reading_a_new_workspace_creates_no_register(
    workspace: Path, uppdrag, args: list[str]
) -> None:
    result = uppdrag(*args)
    assert result.exit_code in (0, 3), result.output
    assert not (workspace / "output" / "diarium.sqlite").exists()
    assert not (workspace / "output").exists() or not any((workspace / "output").iterdir())


def test_a_named_register_that_does_not_exist_is_a_mistake(workspace: Path, uppdrag) -> None:
    result = uppdrag("register", "list", "--register", "stavfel.sqlite")
    assert result.exit_code == 3
    assert "there is no register stavfel.sqlite" in result.output
    assert not (workspace / "stavfel.sqlite").exists()


def test_an_empty_register_says_so(workspace: Path, uppdrag) -> None:
    listed = uppdrag("register", "list")
    assert listed.exit_code == 0
    assert "No number has been issued yet" in listed.output
    verified = uppdrag("verify")
    assert verified.exit_code == 0
    assert "No number has been issued yet" in verified.output
