"""Read YAML data files with line numbers, refusing what a data file never needs.

ruamel.yaml's round-trip loader keeps the line and column of every key and item, so that every
later error (schema, unknown clause, bad text) can name ``file:line:column``.  Anchors and aliases
are refused before the document is composed: data files do not need them, and refusing them
makes alias bombs ("billion laughs") impossible.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent

from generator.exceptions import DataError, Problem
from generator.i18n import _

MAX_FILE_BYTES = 1_000_000


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
    except ValueError:
        return str(path)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def read_text(path: Path, display: str) -> str:
    """Read a data file as UTF-8 text, refusing binary, huge and empty files with a clear problem."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError([Problem(display, None, None, "", _("file not found"))]) from None
    except OSError as err:
        raise DataError([Problem(display, None, None, "", _("cannot read the file: {error}").format(
            error=err.strerror))]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise DataError([Problem(display, None, None, "", _(
            "the file is larger than {limit} bytes; a data file is never that big").format(
                limit=MAX_FILE_BYTES))])
    if b"\x00" in raw:
        raise DataError([Problem(display, None, None, "", _(
            "the file is not text (it contains binary data)"))])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise DataError([Problem(display, line, None, "", _(
            "the file is not UTF-8 text; save it as UTF-8"))]) from None
    if not text.strip():
        raise DataError([Problem(display, None, None, "", _("the file is empty"))])
    return text


def load_yaml(path: Path) -> Loaded:
    """Parse ``path``; every syntax problem becomes a :class:`DataError` naming line and column."""
    display = display_path(path)
    text = read_text(path, display)
    yaml = _yaml()
    try:
        for event in yaml.parse(text):
            if isinstance(event, AliasEvent):
                mark = event.start_mark
                raise DataError([Problem(display, mark.line + 1, mark.column + 1, "", _(
                    "anchors and aliases (&, *) are not allowed in data files"))])
        data = yaml.load(text)
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        message = _describe_yaml_error(err)
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        raise DataError([Problem(display, line, column, "", message)]) from None
    except YAMLError as err:  # pragma: no cover - unmarked errors are rare
        raise DataError([Problem(display, None, None, "", str(err))]) from None
    return Loaded(path=path, data=data, display=display)


def _describe_yaml_error(err: MarkedYAMLError) -> str:
    problem = (err.problem or "").lower()
    if "tab" in problem or "'\\t'" in problem:
        return _("tab characters cannot be used for indentation; use spaces")
    if "duplicate key" in problem or "found duplicate key" in str(err).lower():
        return _("the same key appears twice")
    if "mapping values are not allowed" in problem:
        return _("a ':' in a text value; put the text in quotes")
    if "could not find expected ':'" in problem or "expected <block end>" in problem:
        return _("the indentation or structure is wrong here")
    return _("the file is not valid YAML: {problem}").format(problem=err.problem or err)


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
    """Line and column of the value at ``path`` (as jsonschema reports it), or of its nearest parent."""
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
