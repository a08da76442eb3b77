"""The council file as a form, in the document's own order: what the editor page shows.

Built from the round-trip document, so that every field names the place in the file it edits
(see :mod:`generator.editing.document`) and every problem of the schema or the merge can be shown
next to the field it is about.  Standard clauses are shown with their text, read-only; the
council's own texts are fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.editing.document import Path, encode
from generator.editing.parts import TOP_PARTS
from generator.exceptions import Problem
from generator.i18n import N_, _
from generator.workspace import Library

HEAD_FIELDS = (
    ("namn", N_("Name")),
    ("ansvarsområde", N_("Area of responsibility")),
    ("uppdragsgivare", N_("Commissioned by")),
    ("uppdragstagare", N_("Commissioned to")),
)

#: What can be added to each kind of list, and the label of the choice.
ADDABLE = {
    "blocks": (
        ("stycke", N_("a paragraph")),
        ("punkter", N_("a bullet list")),
        ("fält", N_("a field (Label: text)")),
        ("rader", N_("lines")),
    ),
    "parts": (("del", N_("a sentence")),),
    "items": (("punkt", N_("a bullet")),),
    "lines": (("rad", N_("a line")),),
}


@dataclass
class Field:
    """One text the secretary writes: its place, label, value and the problems found there."""

    path: Path
    label: str
    value: str
    multiline: bool = True
    errors: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return "t|" + encode(self.path)

    @property
    def id(self) -> str:
        return "f-" + ".".join(str(s) for s in self.path)


@dataclass
class Element:
    """One member of a list: a text, a standard clause, or a block holding a list of its own."""

    path: Path
    kind: str  # text, clause, stycke, punkter, fält, rader, other
    text: Field | None = None
    label: Field | None = None
    clause_id: str = ""
    clause_text: str = ""
    own_version: bool = False
    replaceable: bool = False
    children: ListNode | None = None
    first: bool = False
    last: bool = False
    #: A table without ``innehåll``: a paragraph can be put under its heading.
    may_add_content: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return encode(self.path)

    @property
    def id(self) -> str:
        return "e-" + ".".join(str(s) for s in self.path)


@dataclass
class ListNode:
    path: Path
    role: str  # blocks, parts, items, lines
    elements: list[Element] = field(default_factory=list)
    title: str = ""

    @property
    def key(self) -> str:
        return encode(self.path)

    @property
    def id(self) -> str:
        return "l-" + ".".join(str(s) for s in self.path)

    def choices(self) -> list[tuple[str, str]]:
        return [(kind, _(label)) for kind, label in ADDABLE[self.role]]


@dataclass
class Section:
    key: str
    path: Path
    title: str
    level: int
    title_field: Field | None = None
    content: ListNode | None = None
    subsections: list[Section] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    first: bool = False
    last: bool = False
    #: A table without ``innehåll``: a paragraph can be put under its heading.
    may_add_content: bool = False
    #: An own section: what its id is and whether it follows the heading (see section_ids).
    id_note: str = ""

    @property
    def where(self) -> str:
        """Its place in the file as the form names it: ``avsnitt/syfte``."""
        return encode(self.path)

    @property
    def id(self) -> str:
        return "s-" + ".".join(str(s) for s in self.path)


@dataclass
class Form:
    """The whole file as a form, and the problems that belong to no field of it."""

    head: list[Field]
    intro: ListNode | None
    sections: list[Section]
    distribution: ListNode | None
    own_clauses: list[Field]
    #: The council's own versions of clauses that are lists of blocks: (clause id, its blocks).
    own_lists: list[tuple[str, ListNode]] = field(default_factory=list)
    #: The optional parts the file lacks (uppdragsgivare, inledning, sändlista).
    missing: list[str] = field(default_factory=list)
    #: The standard sections (id, heading) and the places (where, label) for "add a section".
    new_sections: list[tuple[str, str]] = field(default_factory=list)
    section_places: list[tuple[str, str]] = field(default_factory=list)
    other_errors: list[str] = field(default_factory=list)
    summary: list[dict[str, str]] = field(default_factory=list)

    def lists(self) -> list[tuple[ListNode, str]]:
        """Every list a standard clause can be put in, in document order, with a label that says
        where it is (for the clause picker)."""
        out: list[tuple[ListNode, str]] = []

        def walk(node: ListNode | None, where: str) -> None:
            if node is None:
                return
            if node.role in ("blocks", "items", "parts"):
                out.append((node, where))
            for number, element in enumerate(node.elements, start=1):
                if element.children is not None:
                    walk(element.children, f"{where} › {element.children.title} {number}")

        def walk_section(section: Section, where: str) -> None:
            walk(section.content, where)
            for sub in section.subsections:
                walk_section(sub, f"{where} › {sub.title}")

        walk(self.intro, _("Introduction"))
        for section in self.sections:
            walk_section(section, section.title)
        walk(self.distribution, _("The mandate is sent to"))
        return out

    def all_sections(self) -> list[Section]:
        out: list[Section] = []

        def walk(sections: list[Section]) -> None:
            for section in sections:
                out.append(section)
                walk(section.subsections)

        walk(self.sections)
        return out


class _Builder:
    def __init__(self, data: Any, library: Library, id_notes: dict[str, str]) -> None:
        self.data = data
        self.library = library
        self.id_notes = id_notes
        own = data.get("klausuler") if isinstance(data, dict) else None
        self.overrides: dict[str, Any] = dict(own) if isinstance(own, dict) else {}

    def clause_text(self, clause_id: str) -> tuple[str, bool]:
        """The clause's text as the document will show it, and whether the council overrides it."""
        if clause_id in self.overrides:
            return flatten(self.overrides[clause_id]), True
        if clause_id in self.library.clauses:
            return flatten(self.library.clauses[clause_id]), False
        return "", False

    def text(self, path: Path, value: Any, label: str, multiline: bool = True) -> Field:
        return Field(path, label, str(value), multiline)

    def listing(self, items: Any, path: Path, role: str, title: str = "") -> ListNode:
        node = ListNode(path, role, title=title)
        if not isinstance(items, list):
            return node
        for i, item in enumerate(items):
            element = self.element(item, path + [i], role)
            element.first = i == 0
            element.last = i == len(items) - 1
            node.elements.append(element)
        return node

    def element(self, item: Any, path: Path, role: str) -> Element:
        if isinstance(item, str):
            label = {
                "blocks": _("Paragraph"),
                "parts": _("Sentence"),
                "items": _("Bullet"),
                "lines": _("Line"),
            }[role]
            return Element(path, "text", text=self.text(path, item, label, role != "lines"))
        if not isinstance(item, dict) or len(item) == 0:
            return Element(path, "other")
        if set(item) == {"klausul"} and isinstance(item["klausul"], str):
            clause_id = item["klausul"]
            text, own = self.clause_text(clause_id)
            known = clause_id in self.overrides or clause_id in self.library.clauses
            return Element(
                path,
                "clause",
                clause_id=clause_id,
                clause_text=text,
                own_version=own,
                replaceable=known,
            )
        if "fält" in item and isinstance(item["fält"], str):
            element = Element(
                path, "fält", label=self.text(path + ["fält"], item["fält"], _("Label"), False)
            )
            value = item.get("text")
            if isinstance(value, str):
                element.text = self.text(path + ["text"], value, _("Text"))
            elif isinstance(value, list):
                element.children = self.listing(value, path + ["text"], "parts", _("Text"))
            return element
        if "stycke" in item and len(item) == 1:
            value = item["stycke"]
            element = Element(path, "stycke")
            if isinstance(value, str):
                element.text = self.text(path + ["stycke"], value, _("Paragraph"))
            else:
                element.children = self.listing(
                    value, path + ["stycke"], "parts", _("Paragraph of sentences")
                )
            return element
        if "punkter" in item and len(item) == 1:
            return Element(
                path,
                "punkter",
                children=self.listing(
                    item["punkter"], path + ["punkter"], "items", _("Bullet list")
                ),
            )
        if "rader" in item and len(item) == 1:
            return Element(
                path,
                "rader",
                children=self.listing(item["rader"], path + ["rader"], "lines", _("Lines")),
            )
        return Element(path, "other")

    def section(self, key: str, value: Any, path: Path, level: int) -> Section:
        title = self.library.titles.get(key, key)
        section = Section(key, path, title, level, id_note=self.id_notes.get(encode(path), ""))
        if isinstance(value, list):
            section.content = self.listing(value, path, "blocks")
        elif isinstance(value, dict):
            if isinstance(value.get("rubrik"), str):
                section.title = str(value["rubrik"])
                section.title_field = self.text(
                    path + ["rubrik"], value["rubrik"], _("Heading"), False
                )
            if isinstance(value.get("innehåll"), list):
                section.content = self.listing(value["innehåll"], path + ["innehåll"], "blocks")
            section.may_add_content = "innehåll" not in value
            subs = value.get("underavsnitt")
            if isinstance(subs, dict):
                for sub_key, sub_value in subs.items():
                    section.subsections.append(
                        self.section(
                            str(sub_key), sub_value, path + ["underavsnitt", sub_key], level + 1
                        )
                    )
        _mark_ends(section.subsections)
        return section

    def build(self) -> Form:
        data = self.data if isinstance(self.data, dict) else {}
        head = [
            self.text([key], data[key], _(label), False)
            for key, label in HEAD_FIELDS
            if isinstance(data.get(key), str)
        ]
        intro = (
            self.listing(data["inledning"], ["inledning"], "blocks", _("Introduction"))
            if isinstance(data.get("inledning"), list)
            else None
        )
        sections = []
        if isinstance(data.get("avsnitt"), dict):
            for key, value in data["avsnitt"].items():
                sections.append(self.section(str(key), value, ["avsnitt", key], 1))
        distribution = (
            self.listing(data["sändlista"], ["sändlista"], "items", _("The mandate is sent to"))
            if isinstance(data.get("sändlista"), list)
            else None
        )
        _mark_ends(sections)
        own_clauses = [
            self.text(["klausuler", key], value, key)
            for key, value in self.overrides.items()
            if isinstance(value, str)
        ]
        own_lists = [
            (str(key), self.listing(value, ["klausuler", key], "blocks", str(key)))
            for key, value in self.overrides.items()
            if isinstance(value, list)
        ]
        form = Form(head, intro, sections, distribution, own_clauses, own_lists)
        if isinstance(self.data, dict):
            form.missing = [part for part in TOP_PARTS if part not in self.data]
            if isinstance(data.get("avsnitt"), dict):
                form.new_sections = list(self.library.titles.items())
                form.section_places = [("avsnitt", _("as a section of its own"))] + [
                    (s.where, _("as a subsection of {title}").format(title=s.title))
                    for s in sections
                    if _may_have_subsections(data["avsnitt"][s.key])
                ]
        return form


def _may_have_subsections(value: Any) -> bool:
    return isinstance(value, list) or (
        isinstance(value, dict) and isinstance(value.get("underavsnitt", {}), dict)
    )


def _mark_ends(sections: list[Section]) -> None:
    for i, section in enumerate(sections):
        section.first, section.last = i == 0, i == len(sections) - 1


def flatten(value: Any) -> str:
    """A clause's text as one reads it: its paragraphs one after the other."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return "\n".join(t for t in (flatten(v) for v in value) if t)
    if isinstance(value, dict):
        if "klausul" in value:
            return f"[{value['klausul']}]"
        return "\n".join(t for t in (flatten(v) for v in value.values()) if t)
    return ""


def build_form(
    data: Any,
    library: Library,
    problems: list[Problem] | None = None,
    *,
    display: str = "",
    id_notes: dict[str, str] | None = None,
) -> Form:
    """The form of a council document, with ``problems`` placed at the fields they are about.

    A problem is placed at the innermost field or element whose place in the file its field name
    starts with; one that belongs to no field (a problem in the clause library, say) is listed
    only in the summary.  ``id_notes`` says beside own sections' headings what their ids do
    (:func:`generator.editing.section_ids.notes`).
    """
    from generator.editing.placing import place

    form = _Builder(data, library, id_notes or {}).build()
    if problems:
        place(form, problems, display)
    return form
