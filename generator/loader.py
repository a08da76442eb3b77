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
- nesting deeper than :data:`MAX_DEPTH`: ruamel's composer is recursive (10,000 nested lists
  would raise ``RecursionError``) and its scanner slows down with depth, so the reading stops as
  soon as the limit is passed.

After composing, every key must be text (``1: x``, ``[a]: b`` and ``~: x`` are refused).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    NodeEvent,
    ScalarEvent,
)
from ruamel.yaml.reader import ReaderError

from generator.exceptions import DataError, Problem
from generator.i18n import _
from generator.typing_mistakes import find_mistakes, mistake_near

MAX_FILE_BYTES = 1_000_000
#: Deeper than any data file needs (a sub-subsection's bullet list is about 13 levels deep), and
#: far below what Python's recursion limit and the YAML scanner's speed allow.
MAX_DEPTH = 32
_STR_TAG = "tag:yaml.org,2002:str"
#: Characters no text may hold, as a regex character range: control characters (C0 but line
#: feed, which is a line break in text; DEL; C1), and what XML cannot hold at all (lone surrogates,
#: U+FFFE, U+FFFF).  The schema's text patterns are built from it.
FORBIDDEN_CHARS = r"\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
BAD_TEXT_CHAR = re.compile(f"[{FORBIDDEN_CHARS}]")
#: The forbidden characters that ruamel's reader refuses when they stand in the file as they are
#: (not written as an escape such as "\\a"); found first, so that the field can be named.
RAW_BAD_CHAR = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
#: At most this many raw characters are reported one by one.
_MAX_RAW_PROBLEMS = 20
#: How much of a value a message shows.
SHOWN_CHARS = 60


@dataclass
class Loaded:
    """A parsed data file: its data and where it came from (for messages)."""

    path: Path
    data: Any
    display: str


def display_path(path: Path) -> str:
    """The path as a secretary would type it: relative to the workspace when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def shown(value: Any) -> str:
    """``value`` as a message may quote it: short, and with invisible characters made visible.

    A message must stay readable (not a 900 KB line) and must not carry control characters to the
    terminal (an escape sequence in a key could recolour or hide the rest of the output).
    """
    text = value if isinstance(value, str) else str(value)
    cut = text[:SHOWN_CHARS]
    out = "".join(c if c.isprintable() or c == " " else f"<U+{ord(c):04X}>" for c in cut)
    return out + ("…" if len(text) > SHOWN_CHARS else "")


def field_name(path: list[Any]) -> str:
    """``['avsnitt', 'syfte', 0, 'klausul']`` → ``avsnitt.syfte[1].klausul`` (1-based items)."""
    out = ""
    for key in path:
        if isinstance(key, int) and not isinstance(key, bool):
            out += f"[{key + 1}]"
        else:
            out += ("." if out else "") + shown(key)
    return out


def bad_char_message(char: str) -> str:
    """Why ``char`` cannot stand in a data file's text, in a secretary's words."""
    code = ord(char)
    if char == "\t":
        return _("contains a tab character; use spaces instead")
    if char == "\n":
        return _("contains a line break; this value must be on one line")
    if 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF):
        return _(
            "contains a character that a Word document cannot hold (U+{code:04X}); remove it"
        ).format(code=code)
    return _("contains an invisible control character (U+{code:04X}); remove it").format(code=code)


def kind_of(value: Any) -> str:
    """What a secretary would call the kind of ``value``: text, a number, a list, …"""
    if value is None:
        return _("nothing")
    if isinstance(value, bool):
        return _("yes/no")
    if isinstance(value, str):
        return _("text")
    if isinstance(value, dt.date | dt.datetime):
        return _("a date")
    if isinstance(value, int | float):
        return _("a number")
    if isinstance(value, dict):
        return _("a table of keys (key: value)")
    if isinstance(value, list | tuple):
        return _("a list (lines starting with '- ')")
    return _("something else")


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def read_text(path: Path, display: str) -> str:
    """Read a data file as UTF-8 text; refuse binary, huge and empty files with a clear problem."""

    def refuse(message: str, line: int | None = None, column: int | None = None) -> DataError:
        return DataError([Problem(display, line, column, "", message)])

    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)  # never more: the path may be /dev/zero
    except FileNotFoundError:
        raise refuse(_("file not found")) from None
    except IsADirectoryError:
        raise refuse(_("this is a folder, not a data file")) from None
    except OSError as err:
        raise refuse(_("cannot read the file: {error}").format(error=err.strerror or err)) from None
    if len(raw) > MAX_FILE_BYTES:
        raise refuse(
            _("the file is larger than {limit} bytes; a data file is never that big").format(
                limit=MAX_FILE_BYTES
            )
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise refuse(_("the file is saved as UTF-16; save it as UTF-8"))
    if b"\x00" in raw:
        raise refuse(_("the file is not text (it contains binary data)"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        line_start = raw.rfind(b"\n", 0, err.start) + 1
        column = len(raw[line_start : err.start].decode("utf-8", "replace")) + 1
        raise refuse(
            _("the file is not UTF-8 text (it may be Latin-1 or Windows-1252); save it as UTF-8"),
            line,
            column,
        ) from None
    if not text.strip():
        raise refuse(_("the file is empty"))
    return text


def load_yaml(path: Path) -> Loaded:
    """Parse ``path``; every problem becomes a :class:`DataError` naming line and column."""
    display = display_path(path)
    text = read_text(path, display)
    if RAW_BAD_CHAR.search(text):
        raise DataError(_raw_char_problems(text, display))
    return _parse(path, text, display)


def load_text(text: str, path: Path, display: str) -> Loaded:
    """Parse ``text`` as if it were the file ``path``: for a file about to be written (``init``),
    checked before anything is written."""
    if RAW_BAD_CHAR.search(text):
        raise DataError(_raw_char_problems(text, display))
    return _parse(path, text, display)


def _parse(path: Path, text: str, display: str) -> Loaded:
    yaml = _yaml()
    problems: list[Problem] = []
    try:
        problems.extend(_check_events(yaml, text, display))
        if problems:
            raise DataError(problems)
        data = yaml.load(text)
    except MarkedYAMLError as err:
        mark = _error_mark(err)
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        # The parser stops where it gives up; the secretary's mistake is often a line or two
        # before, and its advice is about that mistake (see generator/typing_mistakes.py).
        mistake = None if _is_tab_error(err) else mistake_near(text, line)
        if mistake is not None:
            problems.append(Problem(display, mistake.line, mistake.column, "", mistake.message))
        else:
            problems.append(Problem(display, line, column, "", _describe_yaml_error(err)))
        raise DataError(problems) from None
    except ReaderError as err:
        problems.append(_reader_problem(err, text, display))
        raise DataError(problems) from None
    except YAMLError as err:  # pragma: no cover - unmarked errors are rare
        problems.append(
            Problem(
                display,
                None,
                None,
                "",
                _("the file is not valid YAML: {problem}").format(problem=shown(str(err))),
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
            Problem(
                display,
                None,
                None,
                "",
                _(
                    "the file could not be read as YAML; check the quotes, the colons and the "
                    "indentation"
                ),
            )
        )
        raise DataError(problems) from None
    except RecursionError:  # pragma: no cover - MAX_DEPTH keeps the composer far from the limit
        raise DataError(
            [Problem(display, None, None, "", _("the data is nested too deeply"))]
        ) from None
    key_problems = _check_keys(data, display)
    if key_problems:
        raise DataError(key_problems)
    return Loaded(path=path, data=data, display=display)


def _check_events(yaml: YAML, text: str, display: str) -> list[Problem]:
    """Problems with tags; raise at once on an anchor, an alias or too deep nesting."""
    problems: list[Problem] = []
    depth = 0
    for event in yaml.parse(text):
        mark = event.start_mark
        line, column = mark.line + 1, mark.column + 1
        if isinstance(event, AliasEvent) or (isinstance(event, NodeEvent) and event.anchor):
            problems.append(
                Problem(
                    display,
                    line,
                    column,
                    "",
                    _(
                        "anchors and aliases (&, *) are not allowed in data files; "
                        "write the text out"
                    ),
                )
            )
            raise DataError(problems)
        if isinstance(event, ScalarEvent) and event.style is None:
            key = glued_key(event.value)
            if key is not None:
                problems.append(
                    Problem(
                        display,
                        line,
                        column + len(key) + 1,
                        "",
                        _("there is no space after the colon; write '{key}: {value}'").format(
                            key=key, value=shown(event.value[len(key) + 1 :])
                        ),
                    )
                )
        tag = getattr(event, "tag", None)
        if tag is not None and str(tag) == _STR_TAG:
            problems.append(
                Problem(
                    display,
                    line,
                    column,
                    "",
                    _("write the text in quotes instead of the tag '!!str'"),
                )
            )
        elif tag is not None:
            problems.append(
                Problem(
                    display,
                    line,
                    column,
                    "",
                    _("the tag '{tag}' is not allowed in data files; remove it").format(
                        tag=shown(_short_tag(str(tag)))
                    ),
                )
            )
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                problems.append(
                    Problem(
                        display,
                        line,
                        column,
                        "",
                        _(
                            "the data is nested more than {limit} levels deep; "
                            "a data file never needs that"
                        ).format(limit=MAX_DEPTH),
                    )
                )
                raise DataError(problems)
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
    return problems


def glued_key(value: str) -> str | None:
    """``klausul`` of the text ``klausul:syfte.samverka``: a key of the data format glued to its
    value.  Such a line is valid YAML (one text), but never what a secretary meant."""
    key, colon, rest = value.partition(":")
    if colon and rest[:1] not in ("", " ", "/") and key in _data_keys():
        return key
    return None


@functools.cache
def _data_keys() -> frozenset[str]:
    """Every key the data files' schemas know (namn, klausul, stycke, fält, …)."""
    from generator.schema import COUNCIL_SCHEMA, LIBRARY_SCHEMA, SETTINGS_SCHEMA

    keys: set[str] = set()
    stack: list[Any] = [COUNCIL_SCHEMA, LIBRARY_SCHEMA, SETTINGS_SCHEMA]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            keys.update(
                node.get("properties", {}) if isinstance(node.get("properties"), dict) else ()
            )
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return frozenset(keys)


def _short_tag(tag: str) -> str:
    """``tag:yaml.org,2002:python/object`` as it was written: ``!!python/object``."""
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag


def _check_keys(data: Any, display: str) -> list[Problem]:
    """Every key of every table must be text; walked without recursion."""
    problems: list[Problem] = []
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if not isinstance(key, str):
                    line, column = position(node, key)
                    problems.append(
                        Problem(
                            display,
                            line,
                            column,
                            "",
                            _(
                                "a key must be text, found {found} ({key}); "
                                "put it in quotes if it is meant as text"
                            ).format(found=kind_of(key), key=shown(_key_text(key))),
                        )
                    )
                stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    return problems


def _key_text(key: Any) -> str:
    if key is None:
        return "~"
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, tuple | list):
        return "[" + ", ".join(_key_text(k) for k in key) + "]"
    if isinstance(key, dict):
        return "{…}"
    return str(key)


def _raw_char_problems(text: str, display: str) -> list[Problem]:
    """A problem for each control character written into the file as it is, naming its field.

    The field is found by reading the file with each such character replaced by a space (the
    same length, so every position stays) and taking the key or item that starts last before
    the character.  When even that text cannot be read, the line and column are given alone.
    """
    try:
        data = _parse(Path(display), RAW_BAD_CHAR.sub(" ", text), display).data
    except DataError:
        data = None
    spots = sorted(_value_spots(data))
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


def _value_spots(data: Any) -> Iterator[tuple[int, int, list[Any]]]:
    """0-based line, column and path of every key and list item, walked without recursion."""
    stack: list[tuple[Any, list[Any]]] = [(data, [])]
    while stack:
        node, path = stack.pop()
        if isinstance(node, CommentedMap):
            for key, value in node.items():
                line, column = position(node, key)
                if line is not None and column is not None:
                    yield line - 1, column - 1, path + [key]
                stack.append((value, path + [key]))
        elif isinstance(node, CommentedSeq):
            for index, value in enumerate(node):
                line, column = position(node, index)
                if line is not None and column is not None:
                    yield line - 1, column - 1, path + [index]
                stack.append((value, path + [index]))


def _reader_problem(err: ReaderError, text: str, display: str) -> Problem:
    """A character ruamel's reader refuses (a raw control character), with its line and column."""
    position_ = err.position if isinstance(err.position, int) else None
    line = column = None
    if position_ is not None and 0 <= position_ <= len(text):
        line = text.count("\n", 0, position_) + 1
        column = position_ - (text.rfind("\n", 0, position_) + 1) + 1
    char = err.character
    if isinstance(char, int):
        message = bad_char_message(chr(char))
    else:
        message = _("the file is not UTF-8 text; save it as UTF-8")
    return Problem(display, line, column, "", message)


def _error_mark(err: MarkedYAMLError) -> Any:
    """The mark a secretary should look at: where an unclosed quote or bracket was opened."""
    context = (err.context or "").lower()
    if err.context_mark is not None and any(
        word in context for word in ("quoted scalar", "flow sequence", "flow mapping")
    ):
        return err.context_mark
    return err.problem_mark or err.context_mark


def _is_tab_error(err: MarkedYAMLError) -> bool:
    problem = (err.problem or "").lower()
    return "tab" in problem or "'\\t'" in problem


def _describe_yaml_error(err: MarkedYAMLError) -> str:
    problem = (err.problem or "").lower()
    context = (err.context or "").lower()
    if "tab" in problem or "'\\t'" in problem:
        return _("tab characters cannot be used for indentation; use spaces")
    if "duplicate key" in problem or "found duplicate key" in str(err).lower():
        match = re.search(r'duplicate key "(.*?)" with value', err.problem or "")
        if match:
            return _("the key '{key}' appears twice in the same table").format(
                key=shown(match.group(1))
            )
        return _("the same key appears twice")
    if "quoted scalar" in context:
        return _("a quotation mark opened here is never closed")
    if "flow sequence" in context:
        if "<stream end>" in problem:
            return _("a '[' opened here is never closed with ']'")
        return _(
            "a '[' here starts a list on one line that is not closed on it; if the '[' belongs "
            "to the text, put the whole text in quotes"
        )
    if "flow mapping" in context:
        if "<stream end>" in problem:
            return _("a '{' opened here is never closed with '}'")
        return _(
            "a '{' here starts a table on one line that is not closed on it; if the '{' belongs "
            "to the text, put the whole text in quotes"
        )
    if "another document" in problem or "single document" in context:
        return _(
            "a data file holds one document; remove the line '---' and what follows, or "
            "move it to a file of its own"
        )
    if "mapping values are not allowed" in problem:
        return _("a ':' in a text value; put the text in quotes")
    if "could not find expected ':'" in problem or "expected <block end>" in problem:
        return _("the indentation or structure is wrong here")
    return _("the file is not valid YAML: {problem}").format(problem=shown(err.problem or err))


def position(node: Any, key: Any) -> tuple[int | None, int | None]:
    """1-based line and column of ``node[key]`` (a key of a mapping or an index of a list)."""
    try:
        if isinstance(node, CommentedMap):
            line, col = node.lc.key(key)
        elif isinstance(node, CommentedSeq):
            line, col = node.lc.item(key)
        else:
            return None, None
    except (KeyError, IndexError, TypeError, AttributeError):
        return None, None
    return line + 1, col + 1


def node_position(node: Any) -> tuple[int | None, int | None]:
    """1-based line and column where a mapping or list starts."""
    lc = getattr(node, "lc", None)
    if lc is None or lc.line is None:
        return None, None
    return lc.line + 1, lc.col + 1


def walk_path(root: Any, path: Iterator[Any] | list[Any]) -> tuple[int | None, int | None]:
    """Line and column of the value at ``path`` (as jsonschema reports it), or of its nearest
    parent."""
    node = root
    best: tuple[int | None, int | None] = node_position(root)
    for key in path:
        pos = position(node, key)
        if pos[0] is not None:
            best = pos
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
    return best
