"""Read an ordinary data file with libyaml, and leave everything unusual to the authority.

:func:`generator.loader.load_yaml` (ruamel's pure-Python round-trip parser, which keeps line and
column for every message) costs 10–25 ms a file; a batch of a thousand councils spent most of its
time there.  A council that is right needs no line numbers, so it is read here first, with
PyYAML's C parser (~0.5 ms), into plain dicts, lists and text.  This reading is trusted only where
it cannot differ from the round-trip loader's, and gives up (returns None) on anything else, so
that the round-trip loader reads the file and reports what is wrong in its usual words:

- anchors, aliases, tags, directives, explicit document markers, flow collections (``[a]``,
  ``{a: b}``), a key that is not text, a key written twice, nesting deeper than
  :data:`~generator.loader.guard.MAX_DEPTH`, a second document, a syntax error;
- a plain value that the YAML 1.1 or 1.2 rules could read as something other than text (null,
  yes/no, numbers in any notation, dates, ``<<``, ``=``): a value in a council file is text, and
  deciding the rest is the authority's job;
- characters on which two parsers could disagree: tabs, a carriage return that is not part of a
  CRLF line end, NEL, the Unicode line and paragraph separators, a byte order mark inside the
  text, and backslash escapes in double-quoted text.

``tests/test_fastpath.py`` checks, for every file of the test corpus, the real data and generated
files, that this reading either gives up or gives exactly the round-trip loader's data.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.events import (
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)

from generator.exceptions import DataError
from generator.loader import Loaded
from generator.loader.guard import MAX_DEPTH, glued_key
from generator.loader.messages import display_path
from generator.loader.text import RAW_BAD_CHAR, read_text

#: libyaml's parser; without libyaml this reading would be no faster than the authority's.
_LOADER = getattr(yaml, "CSafeLoader", None)
_PLAIN = ""
#: Plain values that a YAML resolver (1.1 or 1.2, ruamel's or PyYAML's) may read as something
#: other than text.  A superset on purpose: such a value sends the file to the round-trip loader.
_MAYBE_NOT_TEXT = re.compile(
    r"""(?:
        ~ | null | Null | NULL
      | (?i: y | yes | n | no | true | false | on | off )
      | [-+]? [._0-9] [-+0-9a-zA-Z_.:]*  # numbers in every notation (-_1 too), .inf, .nan, dates
      | [0-9]{4} - [0-9]{1,2} - [0-9]{1,2} [Tt\x20] .*  # a date with a time
      | << | =
    )\Z""",
    re.VERBOSE | re.DOTALL,
)
#: Characters on which libyaml and ruamel may read a file differently (see the module docstring);
#: a carriage return only when it does not end a line with a line feed.
_SUSPECT_CHARS = ("\t", "\x85", "\u2028", "\u2029", "\ufeff")
_LONE_CR = re.compile("\r(?!\n)")
_AWAITING_KEY = object()


class _Unusual(Exception):
    """The file holds something this reading leaves to the round-trip loader."""


def available() -> bool:
    """Whether PyYAML was built with libyaml (``yaml.__with_libyaml__``)."""
    return _LOADER is not None


def load(path: Path) -> Loaded | None:
    """``path`` read the quick way, or None when :func:`generator.loader.load_yaml` must read it
    (for the data, or for the words of what is wrong: an unreadable file, a control character)."""
    display = display_path(path)
    try:
        text = read_text(path, display)
    except DataError:
        return None
    if RAW_BAD_CHAR.search(text):
        return None
    data = parse(text)
    return None if data is None else Loaded(path=path, data=data, display=display)


def parse(text: str) -> Any | None:
    """The data of ``text`` as dicts, lists and str; None when the round-trip loader must read it.

    Never raises: what this reading cannot take, the round-trip loader reads or refuses with a
    line number.
    """
    if _LOADER is None or _suspect(text):
        return None
    try:
        return _compose(yaml.parse(text, Loader=_LOADER))
    except Exception:  # noqa: BLE001 - _Unusual, a syntax error, or anything unforeseen
        return None


def _suspect(text: str) -> bool:
    """Whether ``text`` holds a character or an escape that two parsers could read differently.

    Plain substring tests (each a fast scan) rather than one regex with an alternative, which
    Python's engine tries at every position of the text.
    """
    if any(char in text for char in _SUSPECT_CHARS):
        return True
    if "\r" in text and _LONE_CR.search(text):
        return True
    return "\\" in text and '"' in text


def _text(event: ScalarEvent) -> str:
    """A scalar that is surely text under every YAML resolver, or :class:`_Unusual`."""
    if event.anchor is not None or event.tag is not None:
        raise _Unusual
    value = event.value
    if event.style == _PLAIN and (not value or _MAYBE_NOT_TEXT.match(value)):
        raise _Unusual
    if event.style == _PLAIN and ":" in value and glued_key(value) is not None:
        raise _Unusual  # "klausul:syfte.samverka": the authority names the missing space
    return value


def _compose(events: Any) -> Any:
    """Build the data from the parser's events, without recursion; :class:`_Unusual` on anything
    but one block-style document of text, lists and tables with text keys."""
    containers: list[Any] = []  # the open lists and tables, innermost last
    keys: list[Any] = []  # for each open table, the key waiting for its value
    root: Any = None
    documents = 0

    def add(value: Any) -> None:
        nonlocal root
        if not containers:
            root = value
            return
        parent = containers[-1]
        if type(parent) is list:
            parent.append(value)
        elif keys[-1] is _AWAITING_KEY:
            if type(value) is not str or value in parent:
                raise _Unusual  # a list or table as a key, or a key written twice
            keys[-1] = value
        else:
            parent[keys[-1]] = value
            keys[-1] = _AWAITING_KEY

    for event in events:
        kind = type(event)
        if kind is ScalarEvent:
            add(_text(event))
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.anchor is not None or event.tag is not None or event.flow_style:
                raise _Unusual
            if len(containers) >= MAX_DEPTH:
                raise _Unusual
            container: Any = {} if kind is MappingStartEvent else []
            add(container)
            containers.append(container)
            keys.append(_AWAITING_KEY)
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            containers.pop()
            keys.pop()
        elif kind is DocumentStartEvent:
            documents += 1
            if documents > 1 or event.explicit or event.version or event.tags:
                raise _Unusual
        elif kind is DocumentEndEvent:
            if event.explicit:
                raise _Unusual
        elif kind is not StreamStartEvent and kind is not StreamEndEvent:
            raise _Unusual  # an alias
    if documents != 1 or not isinstance(root, dict):
        raise _Unusual  # no document (only comments), or text or a list at the top
    return root
