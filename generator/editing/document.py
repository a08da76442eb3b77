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

import copy
import hashlib
import io
import textwrap
import threading
from collections import OrderedDict
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


#: Documents by the version of the text they dump to: parsing a council file with the round-trip
#: loader costs several times what copying a parsed one does, and every press of a button starts
#: from the text of the file (or of the form) that was parsed a moment ago.
_documents: OrderedDict[str, Any] = OrderedDict()
_documents_lock = threading.Lock()
_KEEP = 32


def remember(version: str, document: Any) -> None:
    """Keep ``document``, parsed from the text of ``version``, to be copied for later edits.

    It must be as parsed: never changed and never dumped (ruamel marks the comments it has
    written, and a copy of a dumped document writes them in the wrong places).
    """
    with _documents_lock:
        _documents[version] = document
        _documents.move_to_end(version)
        while len(_documents) > _KEEP:
            _documents.popitem(last=False)


def load(text: str, *, for_editing: bool = True) -> Any:
    """The document of ``text``: a copy to change (``for_editing``), or the shared one to read."""
    version = version_of(text.encode("utf-8"))
    with _documents_lock:
        found = _documents.get(version)
    if found is None:
        found = parse(text)
        remember(version, found)
    return copy.deepcopy(found) if for_editing else found


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


# -- the blank lines and comments after a list ---------------------------------------------------
# ruamel keeps what follows a value (its line's end, a blank line, the comments before the next
# key) as a comment of the last value of a block, however deep.  Left there, a list's closing blank
# line would travel with its last item when it moves, or vanish with it; so a change of a list's
# shape takes that trailing part off first and gives it to whatever is last afterwards.


def _tail_spot(node: Any) -> tuple[Any, Any] | None:
    """The innermost container and key whose following comment ends ``node``'s text."""
    while True:
        if isinstance(node, CommentedMap) and len(node):
            key = list(node.keys())[-1]
        elif isinstance(node, CommentedSeq) and len(node):
            key = len(node) - 1
        else:
            return None
        value = node[key]
        if isinstance(value, CommentedMap | CommentedSeq) and len(value):
            node = value
            continue
        return node, key


def _slot(container: Any) -> int:
    return 2 if isinstance(container, CommentedMap) else 0


def take_tail(node: Any) -> Any:
    """Detach what follows the end of ``node``'s last line (blank lines, comments); None if
    nothing does.  The comment on the last line itself stays where it is."""
    spot = _tail_spot(node)
    if spot is None:
        return None
    container, key = spot
    entry = container.ca.items.get(key)
    if not entry or len(entry) <= _slot(container) or entry[_slot(container)] is None:
        return None
    token = entry[_slot(container)]
    value = token.value
    if _is_block(container[key]):  # a block scalar ends its own last line
        entry[_slot(container)] = None
        return value or None
    cut = value.find("\n")
    if cut < 0 or cut == len(value) - 1:
        return None
    rest = value[cut + 1 :]
    token.value = value[: cut + 1]
    if token.value == "\n":
        entry[_slot(container)] = None
        if all(part is None for part in entry):
            del container.ca.items[key]
    return rest


def put_tail(node: Any, rest: Any) -> None:
    """Give ``rest`` (from :func:`take_tail`) to what now ends ``node``."""
    if rest is None:
        return
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    spot = _tail_spot(node)
    if spot is None:
        return
    container, key = spot
    slot = _slot(container)
    entry = container.ca.items.setdefault(key, [None] * (4 if slot == 2 else 2))
    while len(entry) <= slot:
        entry.append(None)
    if entry[slot] is not None:
        entry[slot].value = entry[slot].value + rest
    else:
        lead = "" if _is_block(container[key]) else "\n"
        entry[slot] = CommentToken(lead + rest, CommentMark(0), None)


def _is_block(value: Any) -> bool:
    from ruamel.yaml.scalarstring import LiteralScalarString

    return isinstance(value, FoldedScalarString | LiteralScalarString)


def fresh(value: Any) -> Any:
    """A copy of ``value`` (from the clause library, say) without the comments and layout of the
    file it came from, its texts styled as :func:`styled` writes them."""
    if isinstance(value, dict):
        out = CommentedMap()
        for key, item in value.items():
            out[str(key)] = fresh(item)
        return out
    if isinstance(value, list):
        return CommentedSeq([fresh(item) for item in value])
    if isinstance(value, str):
        return styled(str(value).strip())
    return value
