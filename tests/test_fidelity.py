"""The generator must reproduce the user's two decided documents word for word.

The seeds in ``tests/seeds`` are markdown exports of the real Word documents; the rendered .docx
is read back as plain text and compared with them.  The head block (title, date, diary number,
organisation, council, the three head fields) may be laid out in any order, e.g. in a table, so it
is compared as a multiset; everything after it must match line for line.
"""

from __future__ import annotations

import difflib
import shutil
import traceback
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.docx_text import docx_hyperlinks, docx_lines, normalise_lines, normalise_seed, seed_links

REPO = Path(__file__).resolve().parents[1]
SEEDS = Path(__file__).parent / "seeds"
HEAD_END = "Uppdragstagare:"

CASES = [
    pytest.param("onkologi", ["--date", "2024-05-21", "--dnr", "RS 2024-00784"], id="onkologi"),
    pytest.param(
        "primarvard",
        ["--date", "2025-09-29", "--dnr", "RS 2025-03200", "--decided", "2025-10-06"],
        id="primarvard",
    ),
]


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the repository's data and templates, so a run can never touch the real ones."""
    for name in ("data", "templates"):
        shutil.copytree(REPO / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _render(council: str, options: list[str], workspace: Path) -> Path:
    from generator.cli import main  # imported here so that collection works while cli is missing

    out = workspace / "out" / f"{council}.docx"
    args = ["render", f"data/councils/{council}.yaml", *options]
    args += ["-o", str(out), "--register", str(workspace / "register.sqlite")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, _describe(args, result)
    assert out.is_file(), _describe(args, result)
    return out


def _describe(args: list[str], result: Result) -> str:
    text = f"uppdrag {' '.join(args)}\nexit code {result.exit_code}\n{result.output}"
    if result.exc_info is not None and not isinstance(result.exception, SystemExit):
        text += "".join(traceback.format_exception(*result.exc_info))
    return text


def _split_head(lines: list[str]) -> tuple[list[str], list[str]]:
    """Head block (up to and including the "Uppdragstagare:" line) and the rest."""
    for i, line in enumerate(lines):
        if line.startswith(HEAD_END):
            return lines[: i + 1], lines[i + 1 :]
    return [], lines


def _diff(expected: list[str], actual: list[str], what: str) -> str:
    return f"{what} differs from the seed (- seed, + docx):\n" + "\n".join(
        difflib.unified_diff(expected, actual, "seed", "docx", lineterm="", n=2)
    )


@pytest.mark.parametrize(("council", "options"), CASES)
def test_rendered_document_matches_seed(council: str, options: list[str], workspace: Path) -> None:
    expected = normalise_seed((SEEDS / f"{council}.txt").read_text(encoding="utf-8"))
    actual = normalise_lines(docx_lines(_render(council, options, workspace)))

    expected_head, expected_body = _split_head(expected)
    actual_head, actual_body = _split_head(actual)
    assert expected_head, f"seed {council}.txt has no {HEAD_END!r} line"
    assert actual_head, _diff(expected, actual, f"No {HEAD_END!r} line; the whole document")
    assert sorted(actual_head) == sorted(expected_head), _diff(
        sorted(expected_head), sorted(actual_head), "Head block (sorted)"
    )
    assert actual_body == expected_body, _diff(expected_body, actual_body, "Body")


@pytest.mark.parametrize(("council", "options"), CASES)
def test_hyperlinks_keep_the_seed_targets(
    council: str, options: list[str], workspace: Path
) -> None:
    """The text comparison cannot see a link's address; onkologi's is http, primärvård's https."""
    expected = seed_links((SEEDS / f"{council}.txt").read_text(encoding="utf-8"))
    actual = [
        (" ".join(text.split()), url)
        for text, url in docx_hyperlinks(_render(council, options, workspace))
    ]
    assert actual == expected
