"""What a data file never needs and an attacker would: refused before and after composing.

Before a document is composed, its events are read once (:func:`check_events`): anchors and
aliases stop the reading at once (no alias bomb can be built), tags are refused (nothing but
text, numbers, lists and tables is ever constructed), and so is nesting deeper than
:data:`MAX_DEPTH` (ruamel's composer is recursive and its scanner slows down with depth).  A key
of the data format glued to its value (``klausul:syfte``) is valid YAML but never meant, so it is
named here too.  After composing, :func:`check_keys` makes sure every key is text.
"""

from __future__ import annotations

import functools
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    NodeEvent,
    ScalarEvent,
)

from generator.exceptions import DataError, Problem
from generator.i18n import _
from generator.loader.messages import kind_of, shown
from generator.loader.positions import position

#: Deeper than any data file needs (a sub-subsection's bullet list is about 13 levels deep), and
#: far below what Python's recursion limit and the YAML scanner's speed allow.
MAX_DEPTH = 32
_STR_TAG = "tag:yaml.org,2002:str"


def check_events(yaml: YAML, text: str, display: str) -> list[Problem]:
    """Problems with tags; raise at once on an anchor, an alias or too deep nesting."""
    problems: list[Problem] = []

    def found(line: int, column: int, message: str) -> None:
        problems.append(Problem(display, line, column, "", message))

    depth = 0
    for event in yaml.parse(text):
        mark = event.start_mark
        line, column = mark.line + 1, mark.column + 1
        if isinstance(event, AliasEvent) or (isinstance(event, NodeEvent) and event.anchor):
            found(
                line,
                column,
                _("anchors and aliases (&, *) are not allowed in data files; write the text out"),
            )
            raise DataError(problems)
        if isinstance(event, ScalarEvent) and event.style is None:
            key = glued_key(event.value)
            if key is not None:
                found(
                    line,
                    column + len(key) + 1,
                    _("there is no space after the colon; write '{key}: {value}'").format(
                        key=key, value=shown(event.value[len(key) + 1 :])
                    ),
                )
        tag = getattr(event, "tag", None)
        if tag is not None and str(tag) == _STR_TAG:
            found(line, column, _("write the text in quotes instead of the tag '!!str'"))
        elif tag is not None:
            found(
                line,
                column,
                _("the tag '{tag}' is not allowed in data files; remove it").format(
                    tag=shown(_short_tag(str(tag)))
                ),
            )
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                found(
                    line,
                    column,
                    _(
                        "the data is nested more than {limit} levels deep; "
                        "a data file never needs that"
                    ).format(limit=MAX_DEPTH),
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


def check_keys(data: Any, display: str) -> list[Problem]:
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
