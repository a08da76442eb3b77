"""The changes a secretary makes in the editor, applied to the round-trip document.

Each change is a small value (:class:`Edit`) naming the place it applies to, so that a form can
carry the changes not yet saved and apply them again to the file it was loaded from: text edits
never change the document's shape, and the changes that do (remove, move, add, replace a clause
by the council's own wording) are applied in the order they were made.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from generator.editing import parts
from generator.editing.document import (
    Path,
    bad_form,
    decode,
    encode,
    fresh,
    get,
    new_map,
    new_seq,
    parent_of,
    put_tail,
    set_text,
    take_tail,
)
from generator.exceptions import UsageError
from generator.i18n import _
from generator.schema import CLAUSE_ID
from generator.workspace import Library

#: The changes that alter the document's shape, and what they take.
ACTIONS = (
    "remove",
    "up",
    "down",
    "own",
    "add",
    "clause",
    "part",
    "section",
    "content",
    "version",
)


@dataclass(frozen=True)
class Edit:
    """One change: ``action`` (``text`` or one of :data:`ACTIONS`) at the place ``where``.

    ``value`` is the new text (``text``), the kind of thing to add (``add``: stycke, punkter,
    fält, rader, del, punkt, rad), the clause id (``clause``; ``version`` starts the council's
    own version of the clause at ``where``), the optional part to add
    (``part``: uppdragsgivare, inledning, sändlista) or the section to add (``section``:
    ``std:<id>`` or ``own:<heading>``, see :mod:`generator.editing.parts`).
    """

    action: str
    where: str
    value: str = ""

    @property
    def structural(self) -> bool:
        return self.action != "text"


def dumps(edits: list[Edit]) -> str:
    """The structural changes not yet saved, for a hidden field of the form."""
    return json.dumps([asdict(e) for e in edits if e.structural], ensure_ascii=False)


def loads(text: str) -> list[Edit]:
    if not text:
        return []
    try:
        raw = json.loads(text)
        edits = [Edit(str(e["action"]), str(e["where"]), str(e.get("value", ""))) for e in raw]
    except (ValueError, KeyError, TypeError):
        raise bad_form() from None
    if any(e.action not in ACTIONS for e in edits):
        raise bad_form()
    return edits


def _new_item(kind: str) -> Any:
    """What ``add`` puts in a list: an empty text or block for the secretary to fill in."""
    if kind in ("stycke", "del", "punkt", "rad"):
        return ""
    if kind == "punkter":
        return new_map(punkter=new_seq(""))
    if kind == "fält":
        return new_map(fält="", text="")
    if kind == "rader":
        return new_map(rader=new_seq(""))
    raise bad_form()


def _clause_value(document: Any, library: Library, clause_id: str) -> Any:
    own = document.get("klausuler") if isinstance(document, dict) else None
    if isinstance(own, dict) and clause_id in own:
        return own[clause_id]
    if clause_id in library.clauses:
        return library.clauses[clause_id]
    raise UsageError(_("unknown clause '{id}'").format(id=clause_id))


def _own_wording(document: Any, library: Library, path: Path) -> None:
    """Put the clause at ``path`` as the council's own text (or blocks) in its place."""
    container, index = parent_of(document, path)
    node = container[index]
    if not isinstance(container, list) or not isinstance(node, dict) or "klausul" not in node:
        raise bad_form()
    value = _clause_value(document, library, str(node["klausul"]))
    in_blocks = _is_block_list(path)
    if isinstance(value, str):
        container[index] = fresh(value)
    elif isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
        container[index] = fresh(value[0])
    elif isinstance(value, list) and in_blocks:
        del container[index]
        for offset, block in enumerate(value):
            container.insert(index + offset, fresh(block))
    else:
        raise bad_form()


def _is_block_list(path: Path) -> bool:
    """Whether the list holding ``path`` is a list of blocks (where a list clause may stand)."""
    holder = path[:-1]
    return bool(holder) and (
        holder == ["inledning"]
        or holder[-1] == "innehåll"
        or (len(holder) >= 2 and holder[-2] in ("avsnitt", "underavsnitt"))
        or (len(holder) == 2 and holder[0] == "klausuler")
    )


def apply(document: Any, edits: list[Edit], library: Library) -> bool:
    """Apply ``edits`` to ``document`` in order; whether anything changed."""
    changed = False
    for edit in edits:
        changed |= _apply_one(document, edit, library)
    return changed


def _apply_one(document: Any, edit: Edit, library: Library) -> bool:
    path = decode(document, edit.where)
    if edit.action == "text":
        return set_text(document, path, edit.value.replace("\r\n", "\n"))
    if edit.action == "part":
        if path:
            raise bad_form()
        return parts.add_part(document, edit.value)
    if edit.action == "section":
        return parts.add_section(document, path, edit.value, library)
    if edit.action == "content":
        return parts.add_content(document, path)
    if edit.action == "version":  # the council's own version of the clause at ``where``
        node = get(document, path)
        if not isinstance(node, dict) or not isinstance(node.get("klausul"), str):
            raise bad_form()
        return parts.add_own_version(document, str(node["klausul"]), library)
    if edit.action in ("remove", "up", "down") and parts.is_section(path):
        if isinstance(get(document, path[:-1]), dict):
            return parts.move_section(document, path, edit.action)
    # The list whose shape changes keeps its closing blank lines and comments at its end.
    holder = get(document, path if edit.action in ("add", "clause") else path[:-1])
    rest = take_tail(holder)
    try:
        changed = _change_shape(document, path, edit, library)
    except BaseException:
        put_tail(holder, rest)
        raise
    if edit.action == "remove" and not holder and path[:-1] in ([p] for p in parts.EMPTIED_GO):
        parts.drop_part(document, path[0], rest)  # emptied: as if the list were never there
    else:
        put_tail(holder, rest)
    return changed


def _change_shape(document: Any, path: Path, edit: Edit, library: Library) -> bool:
    if edit.action in ("add", "clause"):
        target = get(document, path)
        if not isinstance(target, list):
            raise bad_form()
        if edit.action == "add":
            target.append(_new_item(edit.value))
        else:
            import re

            if not re.search(CLAUSE_ID, edit.value):
                raise bad_form()
            _clause_value(document, library, edit.value)  # refuse an unknown id at once
            target.append(new_map(klausul=edit.value))
        return True
    container, index = parent_of(document, path)
    if not isinstance(container, list):
        raise bad_form()
    if edit.action == "remove":
        del container[index]
    elif edit.action == "up":
        if index == 0:
            return False
        container[index - 1], container[index] = container[index], container[index - 1]
    elif edit.action == "down":
        if index >= len(container) - 1:
            return False
        container[index + 1], container[index] = container[index], container[index + 1]
    elif edit.action == "own":
        _own_wording(document, library, path)
    else:
        raise bad_form()
    return True


def texts_from_form(form: dict[str, str]) -> list[Edit]:
    """The text fields of a posted form (``t|<place>``) as edits."""
    return [Edit("text", name[2:], value) for name, value in form.items() if name.startswith("t|")]


def action_from_form(form: dict[str, str]) -> Edit | None:
    """The button pressed (``action`` = ``remove|<place>``, ``add|<place>`` …), or None: save."""
    raw = form.get("action", "save")
    if raw == "save":
        return None
    verb, _sep, rest = raw.partition("|")
    if verb not in ACTIONS or not _sep:
        raise bad_form()
    if verb == "add":
        return Edit("add", rest, form.get("kind|" + rest, "stycke"))
    if verb == "part":
        return Edit("part", "", rest)
    if verb == "section":
        choice = form.get("section|" + rest, "")
        where = form.get("place|" + rest, rest)  # a section of its own, or a subsection of one
        if choice == "own":
            return Edit("section", where, "own:" + form.get("heading|" + rest, ""))
        return Edit("section", where, "std:" + choice)
    if verb == "clause":
        where, _s, clause_id = rest.rpartition("|")
        return Edit("clause", where, clause_id)
    return Edit(verb, rest)


__all__ = [
    "ACTIONS",
    "Edit",
    "action_from_form",
    "apply",
    "dumps",
    "encode",
    "loads",
    "texts_from_form",
]
