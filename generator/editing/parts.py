"""The parts of a council file that a form may add, remove or move as a whole.

A council file may lack its optional parts (``uppdragsgivare``, the introduction, the distribution
list) and the secretary may want a section or subsection more, or one fewer, or in another place.
These changes reshape a table rather than a list, so they are kept here, apart from the list edits
of :mod:`generator.editing.edits`.  New parts are put where the data format puts them (the
introduction after the head, the distribution list after the sections) and get the blank lines the
hand-written files have between their parts, so that the rest of the file stays byte for byte.
"""

from __future__ import annotations

import re
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from generator.editing.document import (
    Path,
    bad_form,
    fresh,
    get,
    new_map,
    new_seq,
    parent_of,
    put_tail,
    styled,
    take_tail,
)
from generator.schema import SECTION_ID
from generator.workspace import Library

#: The optional top-level parts a form can add, and the order of all parts in a council file.
TOP_PARTS = ("uppdragsgivare", "inledning", "sändlista")
_ORDER = (
    "namn",
    "ansvarsområde",
    "uppdragsgivare",
    "uppdragstagare",
    "inledning",
    "avsnitt",
    "sändlista",
    "klausuler",
)
#: The id of an own section whose heading gives none (an empty heading, say).
OWN_SECTION = "eget-avsnitt"
_NOT_IN_ID = re.compile(r"[^a-z0-9åäö]+")


# -- what follows a part: blank lines and comments -------------------------------------------


def _take_after(container: Any, key: Any) -> Any:
    """What follows the value at ``key`` of ``container`` (see :func:`take_tail`)."""
    value = container[key]
    if isinstance(value, CommentedMap | CommentedSeq):
        return take_tail(value) if len(value) else None
    holder = CommentedMap() if isinstance(container, CommentedMap) else CommentedSeq()
    # A scalar's following comment is kept by its container under its key: borrow a one-entry
    # view of it so that the same cut applies.
    return _borrowed(container, key, holder, take_tail)


def _put_after(container: Any, key: Any, rest: Any) -> None:
    if rest is None:
        return
    value = container[key]
    if isinstance(value, CommentedMap | CommentedSeq):
        if len(value):
            put_tail(value, rest)
        return
    holder = CommentedMap() if isinstance(container, CommentedMap) else CommentedSeq()
    _borrowed(container, key, holder, lambda node: put_tail(node, rest))


def _borrowed(container: Any, key: Any, holder: Any, work: Any) -> Any:
    if isinstance(holder, CommentedMap):
        holder[key] = container[key]
        spot: Any = key
    else:
        holder.append(container[key])
        spot = 0
    if key in container.ca.items:
        holder.ca.items[spot] = container.ca.items[key]
    out = work(holder)
    if spot in holder.ca.items:
        container.ca.items[key] = holder.ca.items[spot]
    else:
        container.ca.items.pop(key, None)
    return out


def _blank_after(container: Any, key: Any) -> None:
    """Make sure a blank line (or what the file had there) follows the value at ``key``."""
    rest = _take_after(container, key)
    _put_after(container, key, "\n" if rest is None else rest)


def _has_after(container: Any, key: Any) -> bool:
    rest = _take_after(container, key)
    _put_after(container, key, rest)
    return rest is not None


# -- the optional top-level parts ------------------------------------------------------------


def add_part(document: Any, name: str) -> bool:
    """Add the optional part ``name`` (:data:`TOP_PARTS`) where the data format puts it."""
    if name not in TOP_PARTS or not isinstance(document, CommentedMap):
        raise bad_form()
    if name in document:
        return False
    keys = list(document.keys())
    at = _place(keys, name)
    if name == "uppdragsgivare":
        # A head field: on the line after the one before it, taking over what followed that one.
        before = keys[at - 1] if at else None
        rest = _take_after(document, before) if before is not None else None
        document.insert(at, name, "")
        _put_after(document, name, rest)
        return True
    _insert_part(document, name, new_seq(""), at, keys)
    return True


def _insert_part(document: Any, name: str, value: Any, at: int, keys: list[Any]) -> None:
    """Put the new part ``name`` at ``at`` among the file's parts (``keys``), with the blank
    lines the hand-written files have between their parts."""
    if at == len(keys):  # the last part of the file: it takes over the file's end
        rest = take_tail(document) if keys else None
        document.insert(at, name, value)
        if at:
            _blank_after(document, keys[at - 1])
        put_tail(document, rest)
        return
    # Between two parts: after the blank line (and comments) that follow the one before, then a
    # blank line of its own before the next.
    before = keys[at - 1] if at else None
    rest = _take_after(document, before) if before is not None else None
    document.insert(at, name, value)
    if before is not None:
        _put_after(document, before, "\n")
    _put_after(document, name, rest if rest is not None else "\n")


def add_own_version(document: Any, clause_id: str, library: Library) -> bool:
    """Start the council's own version of the standard clause ``clause_id``: its standard text
    (or blocks) under ``klausuler``, the part made at the end of the file if need be."""
    if not isinstance(document, CommentedMap) or clause_id not in library.clauses:
        raise bad_form()
    own = document.get("klausuler")
    value = fresh(library.clauses[clause_id])
    if own is None:
        keys = list(document.keys())
        _insert_part(
            document, "klausuler", new_map(**{clause_id: value}), _place(keys, "klausuler"), keys
        )
        return True
    if not isinstance(own, CommentedMap):
        raise bad_form()
    if clause_id in own:
        return False
    rest = take_tail(own)
    own[clause_id] = value
    put_tail(own, rest)
    return True


def _place(keys: list[Any], name: str) -> int:
    """Where the part ``name`` goes among ``keys``: after every part the format puts before it."""
    rank = _ORDER.index(name)
    at = 0
    for i, key in enumerate(keys):
        if key in _ORDER and _ORDER.index(key) < rank:
            at = i + 1
    return at


#: The optional top-level lists that go when their last member does: the data format lets them be
#: left out, and a file that lacks them reads as if they had never been there.
EMPTIED_GO = ("inledning", "sändlista")


def drop_part(document: Any, name: str, rest: Any) -> None:
    """Take the optional part ``name`` out of the file, emptied; ``rest`` is what followed its
    last line (from :func:`take_tail`, taken before the last member went).

    The reverse of :func:`add_part`: the part before it gets what followed this one (the blank
    line and comments before the next part, or the file's end) instead of its own blank line.
    """
    if name not in EMPTIED_GO or not isinstance(document, CommentedMap) or name not in document:
        raise bad_form()
    keys = list(document.keys())
    at = keys.index(name)
    before = keys[at - 1] if at else None
    del document[name]
    document.ca.items.pop(name, None)
    if before is None:
        return
    _take_after(document, before)  # its blank line before this part
    if at == len(keys) - 1:  # it ended the file: what ends the file now ends the part before
        put_tail(document, rest)
    else:
        _put_after(document, before, rest)


# -- sections --------------------------------------------------------------------------------


def _sections_at(document: Any, path: Path) -> tuple[Any, int]:
    """The table of sections a new section goes in (``avsnitt``, or a section's
    ``underavsnitt``, made if need be), and the level of its sections."""
    if path == ["avsnitt"]:
        table = get(document, path)
        if not isinstance(table, CommentedMap):
            raise bad_form()
        return table, 1
    if len(path) != 2 or path[0] != "avsnitt":
        raise bad_form()  # subsections only of a section of the first level
    container, key = parent_of(document, path)
    value = container[key]
    if isinstance(value, CommentedSeq):
        # A section written as a list of blocks becomes a table with that list as its content.
        rest = _take_after(container, key)
        table = new_map(innehåll=value)
        container[key] = table
        _put_after(container, key, rest)
        value = table
    if not isinstance(value, CommentedMap):
        raise bad_form()
    subs = value.get("underavsnitt")
    if subs is None:
        rest = _take_after(container, key)
        value["underavsnitt"] = subs = CommentedMap()
        _put_after(container, key, rest)
    if not isinstance(subs, CommentedMap):
        raise bad_form()
    return subs, 2


def section_id(heading: str, taken: Any) -> str:
    """An id for an own section, made from its heading (``Budget och uppföljning`` →
    ``budget-och-uppföljning``), unique among ``taken``: ``eget-avsnitt`` when it gives none."""
    base = _NOT_IN_ID.sub("-", heading.casefold()).strip("-_")[:40].strip("-") or OWN_SECTION
    if not re.match(SECTION_ID, base):
        base = OWN_SECTION
    found, number = base, 2
    while found in taken:
        found, number = f"{base}-{number}", number + 1
    return found


def add_section(document: Any, path: Path, what: str, library: Library) -> bool:
    """Add a section at the end of the table at ``path``: ``std:<id>`` a standard section (its
    heading from the clause library), ``own:<heading>`` one of the council's own."""
    kind, _sep, value = what.partition(":")
    table, level = _sections_at(document, path)
    if kind == "std":
        if value not in library.titles:
            raise bad_form()
        key, content = value, new_seq("")
        if value in table:  # a second section of that heading: an own one, with the same heading
            key = section_id(value, set(table) | set(library.titles))
            content = new_map(rubrik=styled(library.titles[value]), innehåll=new_seq(""))
    elif kind == "own":
        heading = value.strip()
        key = section_id(heading, set(table) | set(library.titles))
        content = new_map(rubrik=styled(heading), innehåll=new_seq(""))
    else:
        raise bad_form()
    holder = _holder(document, path, table)
    rest = take_tail(holder)
    last = list(table.keys())[-1] if len(table) else None
    table[key] = content
    if last is not None and level == 1:
        _blank_after(table, last)
    put_tail(holder, rest)
    return True


def _holder(document: Any, path: Path, table: Any) -> Any:
    """The node whose end is the end of ``table``'s text: the table, or for a new subsection
    table at the end of its section, the section (whose following blank line it takes over)."""
    return table if path == ["avsnitt"] else get(document, path)


def move_section(document: Any, path: Path, action: str) -> bool:
    """Remove a section (``remove``) or swap it with its neighbour (``up``, ``down``)."""
    table, key = parent_of(document, path)
    if not isinstance(table, CommentedMap) or len(path) < 2:
        raise bad_form()
    if path[-2] not in ("avsnitt", "underavsnitt"):
        raise bad_form()
    keys = list(table.keys())
    index = keys.index(key)
    spaced = any(_has_after(table, k) for k in keys[:-1])
    rest = take_tail(table)
    try:
        if action == "remove":
            del table[key]
        elif action in ("up", "down"):
            other = index - 1 if action == "up" else index + 1
            if not 0 <= other < len(keys):
                return False
            value = table[key]
            del table[key]
            table.insert(other, key, value)
        else:
            raise bad_form()
        if spaced:  # the sections were apart: the one that is no longer last gets its blank line
            for k in list(table.keys())[:-1]:
                if not _has_after(table, k):
                    _blank_after(table, k)
    finally:
        if len(table):
            if rest is not None:
                take_tail(table)  # what ends the table is what ended it before, not twice
            put_tail(table, rest)
    return True


def add_content(document: Any, path: Path) -> bool:
    """Give a section written as a table without ``innehåll`` (only subsections, say) a first
    paragraph of its own, under its heading and before its subsections."""
    if not is_section(path):
        raise bad_form()
    section = get(document, path)
    if not isinstance(section, CommentedMap):
        raise bad_form()
    if "innehåll" in section:
        return False
    at = 1 if list(section.keys())[:1] == ["rubrik"] else 0
    if at == len(section):  # nothing after it: it takes over what followed the section
        rest = take_tail(section)
        section.insert(at, "innehåll", new_seq(""))
        put_tail(section, rest)
    else:
        section.insert(at, "innehåll", new_seq(""))
    return True


def is_section(path: Path) -> bool:
    """Whether ``path`` names a section (``avsnitt/<id>``, ``…/underavsnitt/<id>``)."""
    return len(path) >= 2 and path[-2] in ("avsnitt", "underavsnitt") and isinstance(path[-1], str)
