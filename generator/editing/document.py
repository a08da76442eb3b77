"""A council file as ruamel.yaml's round-trip document: read, addressed by path, written back.

The web editor changes a council file the way a careful person would by hand: only the values it
was asked to change, with every comment, blank line, quote and folded line of the rest kept as it
was.  ruamel.yaml's round-trip mode keeps them; the settings here (indentation, quotes, no
re-wrapping) are the ones that give the hand-written files back byte for byte.

A place in the document is a :data:`Path` (``["avsnitt", "syfte", 0]``), written in forms as
``avsnitt/syfte/0``: section and clause ids never hold a ``/``, and whether a step is a key or an
index is decided by the node it is taken in, so ``2024`` is a key in a table and an index in a list.
"""

from __future__ import annotations

import hashlib
import io
import textwrap
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import FoldedScalarString

from generator.exceptions import UsageError
from generator.i18n import _

Path = list[Any]
#: A text longer than this (and on one line) is written folded (``>-``), as the files are.
FOLD_WIDTH = 92


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a plain scalar; folded ones keep their own line breaks
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_duplicate_keys = False
    return yaml


def version_of(data: bytes) -> str:
    """The version a form was loaded from: the SHA-256 of the file's bytes."""
    return hashlib.sha256(data).hexdigest()


def parse(text: str) -> Any:
    """The round-trip document of a council file's text (already checked by the loader)."""
    try:
        return _yaml().load(text)
    except YAMLError:
        raise UsageError(_("the council file could not be read as YAML; reload the page")) from None


def dump(document: Any) -> str:
    """The document as text, untouched parts exactly as they were read."""
    out = io.StringIO()
    _yaml().dump(document, out)
    return out.getvalue()


def encode(path: Path) -> str:
    """``["avsnitt", "syfte", 0]`` → ``avsnitt/syfte/0``: the name of a place in a form."""
    return "/".join(str(step) for step in path)


def bad_form() -> UsageError:
    return UsageError(
        _("the form does not fit the council file any more; reload the page and try again")
    )


def decode(document: Any, name: str) -> Path:
    """A form's place name back to a path, checked against the document: every step exists."""
    path: Path = []
    node = document
    for step in name.split("/") if name else []:
        if isinstance(node, list):
            if not step.isdigit() or int(step) >= len(node):
                raise bad_form()
            path.append(int(step))
            node = node[int(step)]
        elif isinstance(node, dict):
            if step not in node:
                raise bad_form()
            path.append(step)
            node = node[step]
        else:
            raise bad_form()
    return path


def get(document: Any, path: Path) -> Any:
    node = document
    for step in path:
        node = node[step]
    return node


def parent_of(document: Any, path: Path) -> tuple[Any, Any]:
    """The container of the node at ``path`` and the node's key or index in it."""
    if not path:
        raise bad_form()
    return get(document, path[:-1]), path[-1]


def styled(new: str, old: Any = None) -> str:
    """``new`` as it should be written: folded like the files' long texts, plain otherwise.

    A one-line text longer than :data:`FOLD_WIDTH` is folded at spaces (``>-``), so that the file
    stays readable by hand; a text with a line break, or with spaces at its ends, is left to
    ruamel to quote.
    """
    foldable = (
        len(new) > FOLD_WIDTH
        and "\n" not in new
        and new == new.strip()
        and "  " not in new
        and not new.startswith(("#", "-", ">", "|", "'", '"', "%", "@", "`", "!", "&", "*"))
    )
    if not foldable:
        return new
    folded = FoldedScalarString(new)
    positions, at = [], 0
    for line in textwrap.wrap(new, FOLD_WIDTH, break_long_words=False, break_on_hyphens=False):
        at += len(line)
        if at < len(new):
            positions.append(at)  # the space after this line
        at += 1
    folded.fold_pos = positions  # type: ignore[attr-defined]
    return folded


def set_text(document: Any, path: Path, value: str) -> bool:
    """Put ``value`` at ``path`` (an existing text); False when it was already so."""
    container, key = parent_of(document, path)
    old = container[key]
    if not isinstance(old, str):
        raise bad_form()
    if str(old) == value:
        return False
    container[key] = styled(value, old)
    return True


def new_map(**items: Any) -> CommentedMap:
    out = CommentedMap()
    for key, value in items.items():
        out[key] = value
    return out


def new_seq(*items: Any) -> CommentedSeq:
    return CommentedSeq(list(items))
