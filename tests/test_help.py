"""Swedish help everywhere: every command and subcommand, walked, has no English left.

The help of each command is read in a process of its own per language (help texts are translated
when the commands are declared, so one process cannot show both), under ``LANG=C.UTF-8`` for
Swedish and ``LANGUAGE=en`` for English.  A word that the Swedish help shares with the English
help is English left over (click's ``[OPTIONS]``, ``TEXT``, ``INTEGER RANGE``, a help line never
translated), unless it is one of the few words both languages write alike: names, abbreviations,
examples the user types.  Option names, paths and values in brackets are what the user types and
are left out of the comparison.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

WALK = r"""
import json, sys
from click.testing import CliRunner
from generator.cli import main

def walk(command, path):
    yield path, command
    for name in sorted(getattr(command, "commands", {})):
        yield from walk(command.commands[name], path + [name])

found = {}
for path, command in walk(main, []):
    result = CliRunner().invoke(main, path + ["--help"], prog_name="uppdrag")
    options = [
        [param.opts, bool(getattr(param, "help", None))]
        for param in command.params
        if getattr(param, "param_type_name", "") == "option"
    ]
    found[" ".join(path)] = {
        "exit": result.exit_code,
        "help": result.output,
        "options": options,
        "short": command.short_help,
    }
json.dump(found, sys.stdout)
"""

#: Words both languages write alike: product and file names, abbreviations, units, examples.
ALIKE = {
    "uppdrag",  # the program
    "uppdragshandlingar",  # the Swedish word, explained in the English help
    "makulera",
    # The roles of the web front end are Swedish words in both languages (see GLOSSARY.md).
    "läsare",
    "sekreterare",
    "registrator",
    "förvaltare",
    "proxy",  # Swedish too
    "via",  # Swedish too
    "REMOTE",  # REMOTE_USER, the variable a proxy sets: what the user types
    "USER",
    "original",  # Swedish too: the imported original document
    "prefix",  # Swedish too: the diary series prefix
    "diarium",
    "LibreOffice",
    "Word",
    "PDF",
    "A",  # PDF/A-2
    "PNG",
    "CSV",
    "JSON",
    "SHA",  # SHA-256
    "DNR",  # diary number, the registrar's abbreviation
    "DPI",
    "N",  # --jobs N
    "x",  # [1<=x<=64]
    "MM",  # ÅÅÅÅ-MM-DD
    "DD",
    "RS",  # the example series
    "Region",  # "Region Exempel", the example organisation
    "Exempel",
    "Samordningsråd",  # "Samordningsråd kirurgi", an example council name
    "kirurgi",
    "onkologi",
    "ATT",  # the marker ATT FYLLA I
    "FYLLA",
    "I",
    "README",
    "id",
    "ID",  # RÅDETS_ID
    "Excel",
    "tab",  # a value of --separator
    "in",  # "data in, … out": the same word in both
    "data",  # Swedish words spelt as the English ones
    "text",
    "standard",
    "import",
    "tabell",  # a value of --format, typed as it is
}


@cache
def helps(language: str) -> dict[str, dict]:
    locale = {"sv": {"LANG": "C.UTF-8"}, "en": {"LANG": "C.UTF-8", "LANGUAGE": "en"}}[language]
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
    }
    env.update(locale, COLUMNS="80", PYTHONPATH=str(REPO))
    result = subprocess.run(
        [sys.executable, "-c", WALK],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout)


def commands() -> list[str]:
    return sorted(helps("sv"))


@cache
def command_words() -> set[str]:
    """The commands' own names (render, set-next): typed as they are in either language."""
    return {part for name in helps("sv") for word in name.split() for part in word.split("-")}


def words(text: str) -> set[str]:
    """The words of a help text, without what the user types (commands, options, paths)."""
    kept = []
    for token in text.split():
        if (
            token.startswith(("-", "$", "[", '"', "”"))
            or "/" in token
            or "." in token.strip(".,:;)")
        ):
            continue
        kept.append(token)
    return set(re.findall(r"[^\W\d_]+", " ".join(kept))) - command_words()


def test_every_command_is_walked() -> None:
    names = commands()
    for expected in ("", "init", "render", "register", "register list", "register set-next"):
        assert expected in names
    assert all(entry["exit"] == 0 for entry in helps("sv").values())


@pytest.mark.parametrize("command", commands(), ids=lambda c: c or "uppdrag")
def test_swedish_help_has_no_english(command: str) -> None:
    swedish = helps("sv")[command]["help"]
    english = helps("en")[command]["help"]
    assert swedish != english
    left = sorted((words(swedish) & words(english)) - ALIKE)
    assert not left, f"English in the Swedish help of uppdrag {command}: {left}\n{swedish}"
    assert swedish.startswith(f"Användning: uppdrag {command}".rstrip() + " ")


def test_english_strings_in_swedish_help_figure() -> None:
    """The issue's figure: English words in the Swedish help of every command, in total: 0."""
    total = sum(
        len((words(helps("sv")[c]["help"]) & words(helps("en")[c]["help"])) - ALIKE)
        for c in commands()
    )
    assert total == 0


@pytest.mark.parametrize("command", commands(), ids=lambda c: c or "uppdrag")
def test_no_help_line_is_cut_off_and_every_option_is_explained(command: str) -> None:
    """click cuts a command's line in the list at the first full stop ("t.ex.") or at the width,
    mid-sentence, unless the command has a short help of its own that fits."""
    entry = helps("sv")[command]
    if command:
        assert entry["short"], f"uppdrag {command} needs short_help= (a line that fits)"
        assert len(entry["short"]) <= 60, entry["short"]
    listing = entry["help"].split("Kommandon:\n", 1)[1:] or [""]
    cut = [line for line in listing[0].splitlines() if line.rstrip().endswith("...")]
    assert not cut, f"cut-off lines in uppdrag {command} --help: {cut}"
    silent = [opts for opts, has_help in entry["options"] if not has_help]
    assert not silent, f"options without help text in uppdrag {command}: {silent}"
