"""Where a key or an item stands in a data file, from ruamel.yaml's round-trip data.

The round-trip loader keeps the line and column of every key and item; these helpers read them
back so that every later check (schema, unknown clause, bad text) can name ``file:line:column``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq


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


def value_spots(data: Any) -> Iterator[tuple[int, int, list[Any]]]:
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
