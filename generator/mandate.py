"""Build a council's :class:`~generator.model.Mandate` from its file: validate, merge, check.

The schema's problems (:mod:`generator.validation`) and the merge's (:mod:`generator.clauses`)
are reported together, each once, in the order of the files; a mandate is given only when there
are none.  :func:`load_mandate` first tries the quick way (libyaml and the compiled schema check)
and falls back to the loader that can name where every problem is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator import fastyaml
from generator.clauses import Merger
from generator.exceptions import DataError, Problem
from generator.i18n import _
from generator.loader import Loaded, load_yaml
from generator.loader.messages import shown
from generator.model import Mandate, Settings
from generator.schema import COUNCIL_SCHEMA
from generator.validation import holds, suggest, validate
from generator.workspace import Library


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
    merger = Merger(loaded, library, dict(own) if isinstance(own, dict) else {})
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
