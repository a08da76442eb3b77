"""Typing mistakes as a secretary makes them, each reported on the line where it was made.

Every file of ``tests/corpus/typing/`` is the same small council with one mistake in it; its first
line says which line is wrong (``# Rad 4: …``).  Each is rendered with the CLI in a fresh
workspace: the command must refuse it (exit 2, nothing written), and its first problem must name
that line, with advice that fits the mistake (not the parser's words, not advice about quotation
marks for a missing colon).  ``correct/hjarta.yaml`` is the file without mistakes: it renders, and
no rule finds a mistake in it or in any real data file (no false alarms).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.typing_mistakes import find_mistakes

REPO = Path(__file__).resolve().parents[1]
TYPING = Path(__file__).parent / "corpus" / "typing"
CASES = sorted(p.name for p in TYPING.glob("*.yaml"))

#: What the message must say for each mistake (English originals; the Swedish are tested below).
ADVICE = {
    "colon_in_text.yaml": "put the whole text in quotes",
    "equals_instead_of_colon.yaml": "write a colon, not '='",
    "indent_item_too_far.yaml": "indentation",
    "indent_item_too_little.yaml": "indentation",
    "indent_key_too_far.yaml": "indented more than the one above it",
    "indent_section_outdented.yaml": "is a section: indent it under 'avsnitt:'",
    "indent_text_of_field.yaml": "indentation",
    "item_without_dash.yaml": "lacks the dash of a list item",
    "missing_colon.yaml": "the colon after 'uppdragsgivare' is missing",
    "missing_colon_field.yaml": "the colon after 'fält' is missing",
    "missing_colon_section.yaml": "the colon after 'uppdragsbeskrivning' is missing",
    "nested_double_quotes.yaml": "a quotation mark inside quoted text",
    "nested_single_quotes.yaml": "a quotation mark inside quoted text",
    "no_space_after_colon.yaml": "no space after the colon; write 'ansvarsområde: Verksamhet",
    "no_space_after_colon_first.yaml": "no space after the colon; write 'namn: Samordningsråd",
    "no_space_after_colon_nested.yaml": "no space after the colon; write 'klausul: syfte",
    "no_space_after_dash.yaml": "needs a space after the dash",
    "quote_then_text.yaml": "text follows the closing quotation mark",
    "tab_indentation.yaml": "tab characters cannot be used for indentation",
    "unclosed_bracket.yaml": "'[' here starts a list",
    "unclosed_quote.yaml": "a quotation mark opened here is never closed",
}


def expected_line(name: str) -> int:
    first = (TYPING / name).read_text("utf-8").splitlines()[0]
    match = re.match(r"# Rad (\d+): ", first)
    assert match, f"{name} must start with '# Rad N: what is wrong'"
    return int(match.group(1))


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("data", "templates"):
        shutil.copytree(REPO / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("UPPDRAG_REGISTER", raising=False)
    return tmp_path


def render(workspace: Path, source: Path, env: dict[str, str]):
    from generator.cli import main

    shutil.copy(source, workspace / "data" / "councils" / "hjarta.yaml")
    return CliRunner().invoke(main, ["render", "hjarta", "--date", "2026-03-02"], env=env)


def test_the_corpus_is_big_enough_and_every_case_has_its_advice() -> None:
    assert len(CASES) >= 15
    assert set(CASES) == set(ADVICE)


@pytest.mark.parametrize("name", CASES)
def test_the_mistake_is_named_on_its_line(name: str, workspace: Path) -> None:
    result = render(workspace, TYPING / name, {"LANGUAGE": "en"})
    assert result.exit_code == 2, result.output
    problems = [line for line in result.output.splitlines() if "hjarta.yaml:" in line]
    assert problems, result.output
    assert re.match(rf"data/councils/hjarta\.yaml:{expected_line(name)}:\d+: ", problems[0]), (
        f"expected line {expected_line(name)}:\n{result.output}"
    )
    assert ADVICE[name] in problems[0], result.output
    assert "not valid YAML" not in result.output and "expected" not in problems[0]
    assert not (workspace / "output").exists()


def test_the_figure_every_line_right() -> None:
    """The issue's figure: the share of the corpus reported on the right line (100 %)."""
    from generator.exceptions import DataError
    from generator.loader import load_yaml
    from generator.schema import COUNCIL_SCHEMA
    from generator.validation import validate

    right = 0
    for name in CASES:
        try:
            problems = validate(load_yaml(TYPING / name), COUNCIL_SCHEMA)
        except DataError as err:
            problems = err.problems
        right += bool(problems) and problems[0].line == expected_line(name)
    assert right == len(CASES), f"{right} of {len(CASES)} on the right line"


@pytest.mark.parametrize(
    ("name", "swedish"),
    [
        ("missing_colon.yaml", "kolon"),
        ("no_space_after_colon_first.yaml", "mellanslag efter kolon"),
        ("nested_double_quotes.yaml", "citattecken"),
    ],
)
def test_the_advice_is_swedish_by_default(name: str, swedish: str, workspace: Path) -> None:
    result = render(workspace, TYPING / name, {"LANGUAGE": "sv"})
    assert result.exit_code == 2
    assert swedish in result.output, result.output


def test_the_correct_file_renders(workspace: Path) -> None:
    result = render(workspace, TYPING / "correct" / "hjarta.yaml", {"LANGUAGE": "en"})
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "path",
    [
        *sorted((REPO / "data").rglob("*.yaml")),
        *sorted((REPO / "tests" / "corpus" / "valid").glob("*.yaml")),
        TYPING / "correct" / "hjarta.yaml",
    ],
    ids=lambda p: p.name,
)
def test_no_false_alarm_in_right_files(path: Path) -> None:
    assert find_mistakes(path.read_text("utf-8-sig")) == []
