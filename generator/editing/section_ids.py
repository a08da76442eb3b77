"""The id of a council's own section: it follows the heading until the section has been issued.

An own section gets its id from its first heading (:func:`generator.editing.parts.section_id`).
While the section has never been in an issued document, a changed heading gives it the id the
new heading would have given, so that a file never keeps ``budget`` for a section now called
"Ekonomi och uppföljning".  Once an issued document has the section, its id stays whatever its
heading becomes: the id is the section's name in every later version of the file, the one a
re-issue's readers and the history follow.

"Issued" is read from what the council's registered documents say: the section is taken as issued
when a paragraph of one of them is its saved heading.  A section whose id is not the one its
saved heading gives was named otherwise (by hand, by the import, or by an earlier heading that
was issued) and keeps it too; so does every own section of a council with an issued document that
cannot be read.  In doubt an id stays: a name that does not follow its heading costs nothing, a
renamed issued section would.
"""

from __future__ import annotations

import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree
from ruamel.yaml.comments import CommentedMap

from generator.editing.document import Path as DocPath
from generator.editing.parts import section_id
from generator.i18n import _
from generator.workspace import Library

#: The paragraphs of a council's issued documents, or None when one of them cannot be read.
Issued = Callable[[], "set[str] | None"]


@dataclass(frozen=True)
class OwnSection:
    """An own section (not a standard one) of the document: where it is and its heading."""

    path: DocPath
    key: str
    heading: str


def own_sections(document: Any, library: Library) -> Iterator[OwnSection]:
    """Every own section with a heading, subsections too, in the document's order."""

    def walk(table: Any, path: DocPath) -> Iterator[OwnSection]:
        if not isinstance(table, dict):
            return
        for key, value in table.items():
            if not isinstance(value, dict):
                continue
            heading = value.get("rubrik")
            if str(key) not in library.titles and isinstance(heading, str):
                yield OwnSection(path + [key], str(key), str(heading))
            yield from walk(value.get("underavsnitt"), path + [key, "underavsnitt"])

    if isinstance(document, dict):
        yield from walk(document.get("avsnitt"), ["avsnitt"])


def _table(document: Any, path: DocPath) -> Any:
    node = document
    for step in path[:-1]:
        node = node[step]
    return node


def _find(document: Any, path: DocPath) -> Any:
    node = document
    for step in path:
        if not isinstance(node, dict) or step not in node:
            return None
        node = node[step]
    return node


@dataclass
class Context:
    """What decides an own section's id: the file as saved, the document with the changes of
    shape only (``shaped``: where a section added in the form got its first heading), the
    library and the council's issued documents."""

    saved: Any
    shaped: Callable[[], Any]
    library: Library
    issued: Issued


def standing(section: OwnSection, context: Context) -> str:
    """Why ``section``'s id follows its heading or stays: ``new`` (not in the file as saved),
    ``follows`` (its id is the one its saved heading gives, and no issued document has that
    heading), ``issued``, ``named`` (an id of its own) or ``unknown`` (an issued document of the
    council could not be read)."""
    saved = context.saved
    before = _find(saved, section.path)
    if not isinstance(before, dict):
        return "new"
    heading = before.get("rubrik")
    if not isinstance(heading, str):
        return "named"
    taken = (set(_table(saved, section.path)) - {section.key}) | set(context.library.titles)
    if section_id(str(heading), taken) != section.key:
        return "named"
    found = context.issued()
    if found is None:
        return "unknown"
    return "issued" if str(heading).strip() in found else "follows"


def first_heading(section: OwnSection, context: Context) -> str | None:
    """The heading the section had before the secretary's texts: as saved, or as added."""
    for document in (context.saved, context.shaped()):
        before = _find(document, section.path)
        if isinstance(before, dict):
            heading = before.get("rubrik")
            return str(heading) if isinstance(heading, str) else None
    return None


def next_id(document: Any, section: OwnSection, library: Library) -> str:
    """The id ``section``'s heading gives it now, among the other sections of its table."""
    taken = (set(_table(document, section.path)) - {section.key}) | set(library.titles)
    return section_id(section.heading, taken)


def _renamed(document: Any, section: OwnSection, context: Context, why: str) -> str | None:
    """The id ``section`` gets on saving, when its heading was changed and its id follows."""
    if why not in FOLLOWING or first_heading(section, context) == section.heading:
        return None
    new = next_id(document, section, context.library)
    return new if new != section.key else None


def wanted_ids(document: Any, context: Context) -> list[tuple[DocPath, str]]:
    """The own sections whose id should follow their changed heading now: (path, new id).
    Nothing is changed (the document may still be dumped as it is)."""
    out = []
    for section in own_sections(document, context.library):
        new = _renamed(document, section, context, standing(section, context))
        if new is not None:
            out.append((section.path, new))
    return out


#: The standings (:func:`standing`) of a section whose id follows its heading.
FOLLOWING = ("new", "follows")


def rename(document: Any, path: DocPath, new: str) -> None:
    """Give the section at ``path`` the id ``new``, in its place, with its comments."""
    table = _table(document, path)
    if not isinstance(table, CommentedMap):
        return
    old = path[-1]
    at = list(table.keys()).index(old)
    value = table[old]
    comment = table.ca.items.pop(old, None)
    del table[old]
    table.insert(at, new, value)
    if comment is not None:
        table.ca.items[new] = comment


def follow_headings(document: Any, context: Context) -> list[tuple[str, str]]:
    """Give every own section whose id follows its changed heading the id of that heading; the
    (old, new) ids changed.  Deepest first, so that a section's path stays right while its
    subsections are renamed; each id is made unique among the ids its table has by then."""
    changed = []
    for path, _new in sorted(wanted_ids(document, context), key=lambda w: -len(w[0])):
        section = OwnSection(path, str(path[-1]), str(_find(document, path)["rubrik"]))
        new = next_id(document, section, context.library)
        if new != section.key:
            rename(document, path, new)
            changed.append((section.key, new))
    return changed


def notes(document: Any, context: Context) -> dict[str, str]:
    """What the form says beside each own section's heading about its id, by the section's place
    in the form (``avsnitt/budget``)."""
    from generator.editing.document import encode

    out = {}
    for section in own_sections(document, context.library):
        why = standing(section, context)
        new = _renamed(document, section, context, why)
        if new is not None:
            text = _(
                "Id: {id}, {new} when saved. It follows the heading until the section has been "
                "in an issued mandate."
            )
        elif why in FOLLOWING:
            text = _(
                "Id: {id}. It follows the heading until the section has been in an issued mandate."
            )
        elif why == "issued":
            text = _(
                "Id: {id}. The section is in an issued mandate, so its id stays when the heading "
                "changes: later issues are compared by it."
            )
        elif why == "unknown":
            text = _(
                "Id: {id}. An issued mandate of the council could not be read, so the id stays "
                "when the heading changes."
            )
        else:
            text = _("Id: {id}. The id was given in the file and stays when the heading changes.")
        out[encode(section.path)] = text.format(id=section.key, new=new)
    return out


def issued_of(register: Path, council: str) -> Issued:
    """:func:`issued_paragraphs`, read when first asked for and then remembered."""
    found: list[set[str] | None] = []

    def issued() -> set[str] | None:
        if not found:
            found.append(issued_paragraphs(register, council))
        return found[0]

    return issued


#: The paragraphs of issued files by (path, SHA-256 the register records): an issued file is never
#: overwritten, so what it says is read once, not on every page of the council.
_read: OrderedDict[tuple[str, str], frozenset[str]] = OrderedDict()
_read_lock = threading.Lock()
_KEEP = 256


def _paragraphs(path: Path, sha256: str | None) -> frozenset[str]:
    """What the issued file ``path`` says, a paragraph (or line of a text export) each."""
    key = (str(path), sha256 or "")
    with _read_lock:
        found = _read.get(key)
    if found is not None and sha256:
        return found
    if path.suffix.lower() == ".docx":
        from generator.diff.document import document_paragraphs

        found = frozenset(p.strip() for p in document_paragraphs(path))
    else:
        found = frozenset(line.strip() for line in path.read_text("utf-8").splitlines())
    with _read_lock:
        _read[key] = found
        while len(_read) > _KEEP:
            _read.popitem(last=False)
    return found


def issued_paragraphs(register: Path, council: str) -> set[str] | None:
    """Every paragraph of the council's registered documents (Word files, and the kept originals
    of an import); None when one of them cannot be read.  No register: nothing issued."""
    if not register.is_file():
        return set()
    from generator.register import Register

    with Register(register) as reg:
        issues = reg.list(council)
        files = [(Path(f.path), f.sha256) for i in issues for f in i.files if f.state == "written"]
        files += [(Path(o.path), o.sha256) for i in issues for o in reg.originals(i.dnr)]
    out: set[str] = set()
    for path, sha256 in files:
        try:
            out |= _paragraphs(path, sha256)
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, etree.LxmlError):
            return None
    return out
