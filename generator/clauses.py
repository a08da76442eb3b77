"""Merge a council file's parts with the clause library into the items of a mandate.

A council file references standard texts by id (``klausul: syfte.samverka``) and adds its own; a
clause may be one text or a list of blocks, and may itself reference other clauses.  Every problem
(an unknown clause, a list clause used inside a sentence, a section without a title) is collected
with its line so that a secretary sees all of them at once.

The merge runs even when the schema found problems, so that a misspelt section or an unknown
clause is reported together with them; it therefore takes nothing for granted about the shape of
the data and passes over what the schema already reported.  A problem inside a clause is reported
where the clause is written: the council's ``klausuler:`` or the clause library's file.  Turning a
whole file into a :class:`~generator.model.Mandate` is :mod:`generator.mandate`'s; the importer's
matcher resolves each library clause alone with a :class:`Merger`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from generator.exceptions import Problem
from generator.i18n import _
from generator.loader import Loaded
from generator.loader.messages import field_name, shown
from generator.loader.positions import node_position, position
from generator.model import Item
from generator.schema import CLAUSE_ID
from generator.validation import suggest
from generator.workspace import Library

BLOCK_KINDS = ("klausul", "stycke", "punkter", "fält", "rader")
_BLOCK_KEYS = frozenset(BLOCK_KINDS) | {"text"}
_CLAUSE_ID = re.compile(CLAUSE_ID)


def _is_id(value: Any) -> bool:
    """Whether ``value`` is a clause id: only then is a reference followed (the schema reports the
    rest)."""
    return isinstance(value, str) and _CLAUSE_ID.search(value) is not None


@dataclass
class Merger:
    """One council file's merge with the library: the items it gives and the problems it found.

    The clauses the council names (``used``) and its count of bullet lists (``lists``, which gives
    each list its own numbering in the document) are kept across sections, so one instance merges
    a whole file.
    """

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
