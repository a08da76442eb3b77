"""Merge a council file with the clause library into a :class:`~generator.model.Mandate`.

A council file references standard texts by id (``klausul: syfte.samverka``) and adds its own; a
clause may be one text or a list of blocks, and may itself reference other clauses.  Every problem
(an unknown clause, a list clause used inside a sentence, a section without a title) is collected
with its line so that a secretary sees all of them at once.

The merge runs even when the schema found problems, so that a misspelt section or an unknown
clause is reported together with them; it therefore takes nothing for granted about the shape of
the data and passes over what the schema already reported.  A problem inside a clause is reported
where the clause is written: the council's ``klausuler:`` or the clause library's file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import fastyaml
from generator.exceptions import DataError, Problem
from generator.i18n import _
from generator.loader import Loaded, load_yaml
from generator.loader.messages import shown
from generator.loader.positions import node_position, position
from generator.model import Item, Mandate, Settings
from generator.schema import CLAUSE_ID, COUNCIL_SCHEMA, field_name, holds, suggest, validate
from generator.workspace import Library

BLOCK_KINDS = ("klausul", "stycke", "punkter", "fält", "rader")
_BLOCK_KEYS = frozenset(BLOCK_KINDS) | {"text"}
_CLAUSE_ID = re.compile(CLAUSE_ID)


def _is_id(value: Any) -> bool:
    return isinstance(value, str) and _CLAUSE_ID.search(value) is not None


@dataclass
class _Merger:
    loaded: Loaded
    library: Library
    overrides: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)
    used: set[str] = field(default_factory=set)
    lists: int = 0

    # -- problems -------------------------------------------------------------------------
    def problem(
        self, node: Any, key: Any, path: list[Any], message: str, src: str | None = None
    ) -> None:
        """A problem at ``node[key]`` in the file ``src`` (the council file unless named)."""
        line, col = position(node, key)
        if line is None:
            line, col = node_position(node)
        self.problems.append(
            Problem(src or self.loaded.display, line, col, field_name(path), message)
        )

    # -- clauses --------------------------------------------------------------------------
    def clause(
        self, clause_id: str, node: Any, key: Any, path: list[Any], src: str | None = None
    ) -> Any | None:
        """The clause's value (the council's own version first), or None with a problem."""
        if clause_id in self.overrides:
            self.used.add(clause_id)
            return self.overrides[clause_id]
        if clause_id in self.library.clauses:
            self.used.add(clause_id)
            return self.library.clauses[clause_id]
        known = list(self.library.clauses) + list(self.overrides)
        guess = suggest(clause_id, known)
        if guess:
            msg = _("unknown clause '{id}' – did you mean '{guess}'?").format(
                id=shown(clause_id), guess=guess
            )
        else:
            msg = _("unknown clause '{id}'; it is not in {library}").format(
                id=shown(clause_id), library=self.library.loaded.display
            )
        self.problem(node, key, path, msg, src)
        return None

    def source(self, clause_id: str) -> tuple[str, list[Any]]:
        """The file and field where a clause is written, for problems inside it."""
        if clause_id in self.overrides:
            return self.loaded.display, ["klausuler", clause_id]
        return self.library.loaded.display, ["klausuler", clause_id]

    def text_clause(
        self,
        clause_id: str,
        node: Any,
        key: Any,
        path: list[Any],
        seen: tuple[str, ...],
        src: str | None = None,
    ) -> str:
        """A clause used inside a sentence, a list item or a field: it must be one text."""
        if clause_id in seen:
            self.problem(
                node,
                key,
                path,
                _("clause '{id}' refers to itself").format(id=shown(clause_id)),
                src,
            )
            return ""
        value = self.clause(clause_id, node, key, path, src)
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        if isinstance(value, list) and len(value) == 1:
            only = value[0]
            if isinstance(only, str):
                return only
            if isinstance(only, dict) and set(only) == {"klausul"} and _is_id(only["klausul"]):
                inner_src, inner_path = self.source(clause_id)
                return self.text_clause(
                    only["klausul"],
                    only,
                    "klausul",
                    inner_path + [0, "klausul"],
                    seen + (clause_id,),
                    inner_src,
                )
        if not isinstance(value, list):
            return ""  # the schema reported the clause's own value
        self.problem(
            node,
            key,
            path,
            _(
                "clause '{id}' holds several paragraphs and cannot stand inside a paragraph, "
                "a list item or a field"
            ).format(id=shown(clause_id)),
            src,
        )
        return ""

    def parts(
        self,
        value: Any,
        node: Any,
        key: Any,
        path: list[Any],
        seen: tuple[str, ...] = (),
        src: str | None = None,
    ) -> str:
        """``stycke``/``text``: one text, or a list of texts and clauses joined by a space."""
        if isinstance(value, str):
            return value.strip()
        if not isinstance(value, list):
            return ""
        out: list[str] = []
        for i, part in enumerate(value):
            if isinstance(part, str):
                out.append(part.strip())
            elif isinstance(part, dict) and set(part) == {"klausul"} and _is_id(part["klausul"]):
                out.append(
                    self.text_clause(
                        part["klausul"], part, "klausul", path + [i, "klausul"], seen, src
                    ).strip()
                )
        return " ".join(p for p in out if p)

    # -- blocks ---------------------------------------------------------------------------
    def blocks(
        self, blocks: Any, path: list[Any], seen: tuple[str, ...] = (), src: str | None = None
    ) -> list[Item]:
        if not isinstance(blocks, list):
            return []
        items: list[Item] = []
        for i, block in enumerate(blocks):
            items.extend(self.block(blocks, i, block, path + [i], seen, src))
        return items

    def block(
        self,
        parent: Any,
        index: int,
        block: Any,
        path: list[Any],
        seen: tuple[str, ...],
        src: str | None = None,
    ) -> list[Item]:
        if isinstance(block, str):
            return [Item("paragraph", block.strip())]
        if not isinstance(block, dict) or not block or not set(block) <= _BLOCK_KEYS:
            return []  # the schema reported it
        kinds = [k for k in BLOCK_KINDS if k in block]
        if "text" in block and "fält" not in block:
            self.problem(
                block,
                "text",
                path + ["text"],
                _("'text' belongs to a field; write 'fält: <ledtext>' beside it"),
                src,
            )
            return []
        if len(kinds) != 1:
            self.problem(
                parent,
                index,
                path,
                _("a block holds exactly one of {kinds}; found {found}").format(
                    kinds=", ".join(BLOCK_KINDS), found=", ".join(kinds) or "–"
                ),
                src,
            )
            return []
        kind = kinds[0]
        if kind == "klausul":
            clause_id = block["klausul"]
            if not _is_id(clause_id):
                return []
            if clause_id in seen:
                self.problem(
                    block,
                    "klausul",
                    path + ["klausul"],
                    _("clause '{id}' refers to itself").format(id=shown(clause_id)),
                    src,
                )
                return []
            value = self.clause(clause_id, block, "klausul", path + ["klausul"], src)
            if isinstance(value, str):
                return [Item("paragraph", value.strip())]
            inner_src, inner_path = self.source(clause_id)
            return self.blocks(value, inner_path, seen + (clause_id,), inner_src)
        if kind == "stycke":
            return [
                Item(
                    "paragraph",
                    self.parts(block["stycke"], block, "stycke", path + ["stycke"], seen, src),
                )
            ]
        if kind == "fält":
            label = block["fält"]
            if not isinstance(label, str):
                return []
            if "text" not in block:
                self.problem(
                    block,
                    "fält",
                    path,
                    _("the field '{label}' has no 'text'").format(label=shown(label)),
                    src,
                )
                return []
            text = self.parts(block["text"], block, "text", path + ["text"], seen, src)
            return [Item("field", text, label=label.strip().rstrip(":"))]
        if kind == "rader":
            lines = block["rader"]
            if not isinstance(lines, list):
                return []
            return [
                Item(
                    "paragraph", "\n".join(line.strip() for line in lines if isinstance(line, str))
                )
            ]
        # punkter
        if not isinstance(block["punkter"], list):
            return []
        index_of_list = self.lists
        self.lists += 1
        return [
            Item("bullet", text, list_index=index_of_list)
            for text in self.list_items(block["punkter"], path + ["punkter"], seen, src)
        ]

    def list_items(
        self, items: Any, path: list[Any], seen: tuple[str, ...] = (), src: str | None = None
    ) -> list[str]:
        if not isinstance(items, list):
            return []
        out = []
        for i, item in enumerate(items):
            if isinstance(item, str):
                out.append(item.strip())
            elif not isinstance(item, dict) or len(item) != 1:
                continue
            elif "klausul" in item:
                if _is_id(item["klausul"]):
                    out.append(
                        self.text_clause(
                            item["klausul"], item, "klausul", path + [i, "klausul"], seen, src
                        ).strip()
                    )
            elif "stycke" in item:
                out.append(
                    self.parts(item["stycke"], item, "stycke", path + [i, "stycke"], seen, src)
                )
        return out

    # -- sections -------------------------------------------------------------------------
    def section(self, parent: Any, key: str, value: Any, level: int, path: list[Any]) -> list[Item]:
        if isinstance(value, list):
            content, content_path = value, path
            title = None
            subsections: Any = {}
        elif isinstance(value, dict):
            content, content_path = value.get("innehåll"), path + ["innehåll"]
            title = value.get("rubrik")
            subsections = value.get("underavsnitt") or {}
        else:
            return []  # the schema reported it
        if title is not None and not isinstance(title, str):
            return []
        if title is None:
            title = self.library.titles.get(key)
        if title is None:
            guess = suggest(key, list(self.library.titles))
            if guess:
                msg = _(
                    "unknown section '{key}' – did you mean '{guess}'? (an own section needs "
                    "'rubrik')"
                ).format(key=shown(key), guess=guess)
            else:
                msg = _("the section '{key}' is not a standard section and has no 'rubrik'").format(
                    key=shown(key)
                )
            self.problem(parent, key, path, msg)
            self.blocks(content, content_path)  # its content's problems are reported all the same
            return []
        items = [Item("heading", str(title).strip(), level=level)]
        items.extend(self.blocks(content, content_path))
        if isinstance(subsections, dict):
            for sub_key, sub_value in subsections.items():
                if isinstance(sub_key, str):
                    items.extend(
                        self.section(
                            subsections,
                            sub_key,
                            sub_value,
                            level + 1,
                            path + ["underavsnitt", sub_key],
                        )
                    )
        return items


def council_id(path: Path) -> str:
    """The council's id is its file name: ``data/councils/onkologi.yaml`` → ``onkologi``."""
    return path.stem


def _section_hint(library: Library):
    """Explain a top-level key that is a section written outside ``avsnitt:``."""

    def hint(path: list[Any], key: str) -> str | None:
        if path:
            return None
        if key in library.titles:
            return _("'{key}' is a section: indent it under 'avsnitt:'").format(key=shown(key))
        guess = suggest(key, list(library.titles))
        if guess:
            return _(
                "unknown key '{key}' – did you mean the section '{guess}' (under 'avsnitt:')?"
            ).format(key=shown(key), guess=guess)
        return None

    return hint


def build_mandate(loaded: Loaded, library: Library, settings: Settings) -> Mandate:
    """Validate one council file and resolve its clauses; raise :class:`DataError` with every
    problem found."""
    problems = validate(loaded, COUNCIL_SCHEMA, hint=_section_hint(library))
    return _resolve(loaded, library, settings, problems)


def _resolve(
    loaded: Loaded, library: Library, settings: Settings, problems: list[Problem]
) -> Mandate:
    """Merge a council with the library; raise :class:`DataError` with the schema's ``problems``
    and the merge's own, or give the mandate when there are none."""
    data = loaded.data
    if not isinstance(data, dict):
        raise DataError(problems)
    own = data.get("klausuler")
    merger = _Merger(loaded, library, dict(own) if isinstance(own, dict) else {})
    body = merger.blocks(data.get("inledning"), ["inledning"])
    sections = data.get("avsnitt")
    if isinstance(sections, dict):
        for key, value in sections.items():
            if isinstance(key, str):
                body.extend(merger.section(sections, key, value, 1, ["avsnitt", key]))
    distribution = merger.list_items(data.get("sändlista"), ["sändlista"])
    if not problems:
        # With schema problems some references were passed over: "never used" could be wrong.
        for clause_id in merger.overrides:
            if clause_id not in merger.used:
                merger.problem(
                    own,
                    clause_id,
                    ["klausuler", clause_id],
                    _("the council's own version of clause '{id}' is never used").format(
                        id=shown(clause_id)
                    ),
                )
    # What the schema reported at a place is not reported again by the merge.
    reported = {(p.file, p.line, p.column) for p in problems}
    problems += [p for p in merger.problems if (p.file, p.line, p.column) not in reported]
    if problems:
        problems.sort(key=lambda p: (p.file != loaded.display, p.file, p.line or 0, p.column or 0))
        raise DataError(_unique(problems))
    return Mandate(
        council_id=council_id(loaded.path),
        name=str(data["namn"]).strip(),
        responsibility=str(data["ansvarsområde"]).strip(),
        issuer=str(data.get("uppdragsgivare") or settings.signatory_name).strip(),
        recipient=str(data["uppdragstagare"]).strip(),
        body=body,
        distribution=distribution,
        source=loaded.display,
        clauses_used=merger.used,
    )


def _unique(problems: list[Problem]) -> list[Problem]:
    """The same problem once, even when a clause with a problem is used in several places."""
    seen: set[str] = set()
    out = []
    for p in problems:
        if str(p) not in seen:
            seen.add(str(p))
            out.append(p)
    return out


def load_mandate(path: Path, library: Library, settings: Settings) -> Mandate:
    """The mandate of the council file ``path``, or :class:`DataError` with every problem.

    The quick way first (libyaml and a compiled schema check: ~1 ms); the round-trip loader and
    jsonschema, which name the line, column and field of every problem, whenever the quick way
    finds anything unusual or wrong.  Both give the same mandate for a right file.
    """
    mandate = _quick_mandate(path, library, settings)
    if mandate is not None:
        return mandate
    return build_mandate(load_yaml(path), library, settings)


def _quick_mandate(path: Path, library: Library, settings: Settings) -> Mandate | None:
    """The mandate when the file reads the quick way and has no problem at all, else None.

    A problem found here is not reported: the caller reads the file again the way that can say
    where it is.
    """
    loaded = fastyaml.load(path)
    if loaded is None or not holds(loaded.data, COUNCIL_SCHEMA):
        return None
    try:
        return _resolve(loaded, library, settings, [])
    except DataError:
        return None
