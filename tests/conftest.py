"""Fixtures shared by the test files: a throw-away workspace and the ``uppdrag`` command."""

from __future__ import annotations

import os
import shutil
import traceback
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the repository's data/ and templates/ as the current folder, no register set."""
    for name in ("data", "templates"):
        shutil.copytree(REPO / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("UPPDRAG_REGISTER", raising=False)
    return tmp_path


def describe(args: list[str], result: Result) -> str:
    """What a failed assertion on a command should show: the command, exit code and output."""
    text = f"uppdrag {' '.join(args)}\nexit code {result.exit_code}\n{result.output}"
    if result.exc_info is not None and not isinstance(result.exception, SystemExit):
        text += "".join(traceback.format_exception(*result.exc_info))
    return text


@pytest.fixture
def uppdrag() -> Callable[..., Result]:
    """Run ``uppdrag ARGS`` in-process with English messages: ``uppdrag("render", "onkologi")``."""
    from generator.cli import main

    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        return CliRunner().invoke(main, list(args), env={"LANGUAGE": "en", **(env or {})})

    return run


@pytest.fixture(autouse=True)
def english_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests assert on the English message originals; the Swedish catalog has its own tests
    (tests/test_i18n.py), which set the locale explicitly."""
    monkeypatch.setenv("LANGUAGE", "en")


# Property-based tests: reproducible in CI (the same examples every run), searching locally.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")
