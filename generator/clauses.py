"""Merge a council file with the clause library into a :class:`~generator.model.Mandate`.

A council file references standard texts by id (``klausul: syfte.samverka``) and adds its own; a
clause may be one text or a list of blocks, and may itself reference other clauses.  Every problem
(an unknown clause, a list clause used inside a sentence, a section without a title) is collected
with its line so that a secretary sees all of them at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.exceptions import DataError, Problem
from generator.i18n import _
from generator.loader import Loaded, load_yaml, node_position, position
from generator.model import Item, Mandate, Settings
from generator.schema import COUNCIL_SCHEMA, field_name, suggest, validate
from generator.workspace import Library

BLOCK_KINDS = ("klausul", "stycke", "punkter", "fält", "rader")


@dataclass
class _Merger:
    loaded: Loaded
    library: Library
    overrides: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)
    used: set[str] = field(default_factory=set)
    lists: int = 0

    # -- problems -------------------------------------------------------------------------
    def problem(self, node: Any, key: Any, path: list[Any], message: str) -> None:
        line, col = position(node, key)
        if line is None:
            line, col = node_position(node)
        self.problems.append(Problem(self.loaded.display, line, col, field_name(path), message))

    # -- clauses --------------------------------------------------------------------------
    def clause(self, clause_id: str, node: Any, key: Any, path: list[Any]) -> Any | None:
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
            msg = _("unknown clause '{id}' – did you mean '{guess}'?").format(id=clause_id, guess=guess)
        else:
            msg = _("unknown clause '{id}'; it is not in {library}").format(
                id=clause_id, library=self.library.loaded.display)
        self.problem(node, key, path, msg)
        return None

    def text_clause(self, clause_id: str, node: Any, key: Any, path: list[Any],
                    seen: tuple[str, ...]) -> str:
        """A clause used inside a sentence, a list item or a field: it must be one text."""
        if clause_id in seen:
            self.problem(node, key, path, _("clause '{id}' refers to itself").format(id=clause_id))
            return ""
        value = self.clause(clause_id, node, key, path)
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        if isinstance(value, list) and len(value) == 1:
            only = value[0]
            if isinstance(only, str):
                return only
            if isinstance(only, dict) and set(only) == {"klausul"}:
                return self.text_clause(only["klausul"], only, "klausul", path,
                                        seen + (clause_id,))
        self.problem(node, key, path, _(
            "clause '{id}' holds several paragraphs and cannot stand inside a paragraph, a list "
            "item or a field").format(id=clause_id))
        return ""

    def parts(self, value: Any, node: Any, key: Any, path: list[Any],
              seen: tuple[str, ...] = ()) -> str:
        """``stycke``/``text``: one text, or a list of texts and clauses joined by a space."""
        if isinstance(value, str):
            return value.strip()
        out: list[str] = []
        for i, part in enumerate(value):
            if isinstance(part, str):
                out.append(part.strip())
            else:
                out.append(self.text_clause(part["klausul"], part, "klausul", path + [i, "klausul"],
                                            seen).strip())
        return " ".join(p for p in out if p)

    # -- blocks ---------------------------------------------------------------------------
    def blocks(self, blocks: Any, path: list[Any], seen: tuple[str, ...] = ()) -> list[Item]:
        items: list[Item] = []
        for i, block in enumerate(blocks or []):
            items.extend(self.block(blocks, i, block, path + [i], seen))
        return items

    def block(self, parent: Any, index: int, block: Any, path: list[Any],
              seen: tuple[str, ...]) -> list[Item]:
        if isinstance(block, str):
            return [Item("paragraph", block.strip())]
        kinds = [k for k in BLOCK_KINDS if k in block]
        if "text" in block and "fält" not in block:
            self.problem(block, "text", path + ["text"], _(
                "'text' belongs to a field; write 'fält: <ledtext>' beside it"))
            return []
        if len(kinds) != 1:
            self.problem(parent, index, path, _(
                "a block holds exactly one of {kinds}; found {found}").format(
                    kinds=", ".join(BLOCK_KINDS), found=", ".join(kinds) or "–"))
            return []
        kind = kinds[0]
        if kind == "klausul":
            clause_id = block["klausul"]
            if clause_id in seen:
                self.problem(block, "klausul", path + ["klausul"],
                             _("clause '{id}' refers to itself").format(id=clause_id))
                return []
            value = self.clause(clause_id, block, "klausul", path + ["klausul"])
            if value is None:
                return []
            if isinstance(value, str):
                return [Item("paragraph", value.strip())]
            return self.blocks(value, path, seen + (clause_id,))
        if kind == "stycke":
            return [Item("paragraph", self.parts(block["stycke"], block, "stycke",
                                                 path + ["stycke"], seen))]
        if kind == "fält":
            if "text" not in block:
                self.problem(block, "fält", path, _("the field '{label}' has no 'text'").format(
                    label=block["fält"]))
                return []
            text = self.parts(block["text"], block, "text", path + ["text"], seen)
            return [Item("field", text, label=str(block["fält"]).strip().rstrip(":"))]
        if kind == "rader":
            return [Item("paragraph", "\n".join(str(line).strip() for line in block["rader"]))]
        # punkter
        index_of_list = self.lists
        self.lists += 1
        return [Item("bullet", text, list_index=index_of_list)
                for text in self.list_items(block["punkter"], path + ["punkter"], seen)]

    def list_items(self, items: Any, path: list[Any], seen: tuple[str, ...] = ()) -> list[str]:
        out = []
        for i, item in enumerate(items or []):
            if isinstance(item, str):
                out.append(item.strip())
            elif "klausul" in item:
                out.append(self.text_clause(item["klausul"], item, "klausul",
                                            path + [i, "klausul"], seen).strip())
            else:
                out.append(self.parts(item["stycke"], item, "stycke", path + [i, "stycke"], seen))
        return out

    # -- sections -------------------------------------------------------------------------
    def section(self, parent: Any, key: str, value: Any, level: int, path: list[Any]) -> list[Item]:
        if isinstance(value, list):
            value = {"innehåll": value}
            title = None
        else:
            title = value.get("rubrik")
        if title is None:
            title = self.library.titles.get(key)
        if title is None:
            guess = suggest(key, list(self.library.titles))
            if guess:
                msg = _("unknown section '{key}' – did you mean '{guess}'? (an own section needs "
                        "'rubrik')").format(key=key, guess=guess)
            else:
                msg = _("the section '{key}' is not a standard section and has no 'rubrik'").format(
                    key=key)
            self.problem(parent, key, path, msg)
            return []
        items = [Item("heading", str(title).strip(), level=level)]
        items.extend(self.blocks(value.get("innehåll"), path + ["innehåll"]))
        subsections = value.get("underavsnitt") or {}
        for sub_key, sub_value in subsections.items():
            items.extend(self.section(subsections, sub_key, sub_value, level + 1,
                                      path + ["underavsnitt", sub_key]))
        return items


def council_id(path: Path) -> str:
    """The council's id is its file name: ``data/councils/onkologi.yaml`` → ``onkologi``."""
    return path.stem


def build_mandate(loaded: Loaded, library: Library, settings: Settings) -> Mandate:
    """Validate one council file and resolve its clauses; raise :class:`DataError` with every
    problem found."""
    problems = validate(loaded, COUNCIL_SCHEMA)
    if problems:
        raise DataError(problems)
    data = loaded.data
    merger = _Merger(loaded, library, dict(data.get("klausuler") or {}))
    body = merger.blocks(data.get("inledning"), ["inledning"])
    sections = data["avsnitt"]
    for key, value in sections.items():
        body.extend(merger.section(sections, key, value, 1, ["avsnitt", key]))
    distribution = merger.list_items(data.get("sändlista"), ["sändlista"])
    for clause_id in merger.overrides:
        if clause_id not in merger.used:
            merger.problem(data["klausuler"], clause_id, ["klausuler", clause_id], _(
                "the council's own version of clause '{id}' is never used").format(id=clause_id))
    if merger.problems:
        merger.problems.sort(key=lambda p: (p.line or 0, p.column or 0))
        raise DataError(merger.problems)
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


def load_mandate(path: Path, library: Library, settings: Settings) -> Mandate:
    return build_mandate(load_yaml(path), library, settings)
