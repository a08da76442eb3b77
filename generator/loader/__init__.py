"""Read YAML data files with line numbers, refusing what a data file never needs.

ruamel.yaml's round-trip loader keeps the line and column of every key and item, so that every
later error (schema, unknown clause, bad text) can name ``file:line:column``.

Before a document is composed, its events are read once and refused when they hold what a data
file never needs and an attacker would:

- anchors and aliases (``&``, ``*``): refusing them makes alias bombs ("billion laughs")
  impossible, and the first one stops the reading at once;
- tags (``!!python/object``, ``!secret``, even ``!!str``): nothing but plain text, numbers, lists
  and tables is ever constructed (the round-trip loader would not run code, but it would make a
  ``TaggedScalar`` of a tagged value, which is never data);
- nesting deeper than :data:`~.guard.MAX_DEPTH`: ruamel's composer is recursive (10,000 nested
  lists would raise ``RecursionError``) and its scanner slows down with depth, so the reading
  stops as soon as the limit is passed.

After composing, every key must be text (``1: x``, ``[a]: b`` and ``~: x`` are refused).

This package holds the reading itself; its parts stand in modules of their own, one concern each:
:mod:`.text` (the file as text, the characters no text may hold), :mod:`.guard` (the checks
above), :mod:`.yaml_errors` (a syntax error in a secretary's words), :mod:`.positions` (line and
column of a key) and :mod:`.messages` (how a message names a file, a field and a value).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from generator.exceptions import DataError, Problem
from generator.i18n import _
from generator.loader.guard import check_events, check_keys
from generator.loader.messages import display_path, field_name, shown
from generator.loader.positions import value_spots
from generator.loader.text import RAW_BAD_CHAR, bad_char_message, read_text
from generator.loader.yaml_errors import (
    describe_yaml_error,
    error_mark,
    is_tab_error,
    reader_problem,
)
from generator.typing_mistakes import find_mistakes, mistake_near

#: At most this many raw characters are reported one by one.
_MAX_RAW_PROBLEMS = 20


@dataclass
class Loaded:
    """A parsed data file: its data and where it came from (for messages)."""

    path: Path
    data: Any
    display: str


def round_trip_yaml() -> YAML:
    """The ruamel round-trip reader every data file is read with (duplicate keys refused)."""
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def load_yaml(path: Path) -> Loaded:
    """Parse ``path``; every problem becomes a :class:`DataError` naming line and column."""
    display = display_path(path)
    text = read_text(path, display)
    if RAW_BAD_CHAR.search(text):
        raise DataError(raw_char_problems(text, display))
    return parse_text(path, text, display)


def load_text(text: str, path: Path, display: str) -> Loaded:
    """Parse ``text`` as if it were the file ``path``: for a file about to be written (``init``),
    checked before anything is written."""
    if RAW_BAD_CHAR.search(text):
        raise DataError(raw_char_problems(text, display))
    return parse_text(path, text, display)


def parse_text(path: Path, text: str, display: str) -> Loaded:
    yaml = round_trip_yaml()
    problems: list[Problem] = []
    try:
        problems.extend(check_events(yaml, text, display))
        if problems:
            raise DataError(problems)
        data = yaml.load(text)
    except MarkedYAMLError as err:
        mark = error_mark(err)
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        # The parser stops where it gives up; the secretary's mistake is often a line or two
        # before, and its advice is about that mistake (see generator/typing_mistakes.py).
        mistake = None if is_tab_error(err) else mistake_near(text, line)
        if mistake is not None:
            problems.append(Problem(display, mistake.line, mistake.column, "", mistake.message))
        else:
            problems.append(Problem(display, line, column, "", describe_yaml_error(err)))
        raise DataError(problems) from None
    except ReaderError as err:
        problems.append(reader_problem(err, text, display))
        raise DataError(problems) from None
    except YAMLError as err:  # pragma: no cover - unmarked errors are rare
        problems.append(
            _whole_file(
                display, _("the file is not valid YAML: {problem}").format(problem=shown(str(err)))
            )
        )
        raise DataError(problems) from None
    except (TypeError, IndexError, ValueError, AttributeError, KeyError):
        # ruamel.yaml itself fails on a few odd texts (``a: -_``, ``? - a:``) instead of naming
        # them; whatever the parser trips over is still the file's mistake, not the program's.
        found = find_mistakes(text)
        if found:
            first = found[0]
            problems.append(Problem(display, first.line, first.column, "", first.message))
            raise DataError(problems) from None
        problems.append(
            _whole_file(
                display,
                _(
                    "the file could not be read as YAML; check the quotes, the colons and the "
                    "indentation"
                ),
            )
        )
        raise DataError(problems) from None
    except RecursionError:  # pragma: no cover - MAX_DEPTH keeps the composer far from the limit
        raise DataError([_whole_file(display, _("the data is nested too deeply"))]) from None
    key_problems = check_keys(data, display)
    if key_problems:
        raise DataError(key_problems)
    return Loaded(path=path, data=data, display=display)


def _whole_file(display: str, message: str) -> Problem:
    """A problem with no line or column: the parser could not say where."""
    return Problem(display, None, None, "", message)


def raw_char_problems(text: str, display: str) -> list[Problem]:
    """A problem for each control character written into the file as it is, naming its field.

    The field is found by reading the file with each such character replaced by a space (the
    same length, so every position stays) and taking the key or item that starts last before
    the character.  When even that text cannot be read, the line and column are given alone.
    """
    try:
        data = parse_text(Path(display), RAW_BAD_CHAR.sub(" ", text), display).data
    except DataError:
        data = None
    spots = sorted(value_spots(data))
    problems = []
    for match in list(RAW_BAD_CHAR.finditer(text))[:_MAX_RAW_PROBLEMS]:
        offset = match.start()
        line = text.count("\n", 0, offset)
        column = offset - (text.rfind("\n", 0, offset) + 1)
        field = ""
        for spot_line, spot_column, spot_path in spots:
            if (spot_line, spot_column) > (line, column):
                break
            field = field_name(spot_path)
        problems.append(
            Problem(display, line + 1, column + 1, field, bad_char_message(match.group()))
        )
    return problems
