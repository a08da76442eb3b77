"""Check data files against their schemas and explain every problem in a secretary's words.

jsonschema finds the problems; this module turns each into a :class:`Problem` with the file, line,
column and field, a translated message, and for a misspelt key the key that was probably meant.
All problems of a file are reported at once.  Whether there is any problem at all is first asked
of the schema compiled to Python by fastjsonschema (:func:`holds`), which answers for a right file
in a fraction of jsonschema's time; jsonschema, which lists every problem with its path, is
imported and run only for a file with problems.  The schemas themselves are in
:mod:`generator.schema`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from generator.exceptions import Problem
from generator.i18n import N_, _
from generator.loader import Loaded
from generator.loader.messages import field_name, kind_of, shown
from generator.loader.positions import position, walk_path
from generator.loader.text import BAD_TEXT_CHAR, bad_char_message
from generator.schema import CLAUSE_ID, DIARY_SERIES, SECTION_ID

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

_TYPE_NAMES = {
    "string": N_("text"),
    "object": N_("a table of keys (key: value)"),
    "array": N_("a list (lines starting with '- ')"),
    "integer": N_("a whole number"),
    "number": N_("a number"),
    "boolean": N_("yes/no"),
    "null": N_("nothing"),
}

#: What a value of each pattern looks like, for the message when a value does not match.
_PATTERN_HINTS = {
    CLAUSE_ID: N_(
        "'{value}' cannot be a clause id: use lowercase letters, digits, '.' and '-', "
        "as in syfte.samverka"
    ),
    SECTION_ID: N_(
        "'{value}' cannot be a section id: use lowercase letters, digits and '-', as in syfte"
    ),
    DIARY_SERIES: N_("'{value}' cannot be a diary series: use 1 to 6 capital letters, as in RS"),
}

Hint = Callable[[list[Any], str], "str | None"]


__all__ = ["holds", "suggest", "validate"]


def _type_name(value: Any) -> str:
    return kind_of(value)


def suggest(word: str, choices: list[str]) -> str | None:
    """The closest known word, for 'did you mean …?'."""
    if not isinstance(word, str) or len(word) > 200:
        return None
    matches = difflib.get_close_matches(
        word, [c for c in choices if isinstance(c, str)], n=1, cutoff=0.6
    )
    return matches[0] if matches else None


def unknown_key_message(key: str, choices: list[str]) -> str:
    if " " in key.strip():
        # No key has a space: this is a text with a colon in it ("Följa upp: resultatet").
        return _(
            "'{key}: …' reads as a key because of the colon; if it is text, put the whole "
            "text in quotes"
        ).format(key=shown(key))
    guess = suggest(key, choices)
    if guess:
        return _("unknown key '{key}' – did you mean '{guess}'?").format(
            key=shown(key), guess=guess
        )
    return _("unknown key '{key}'; allowed keys: {allowed}").format(
        key=shown(key), allowed=", ".join(sorted(choices))
    )


def _leaf_errors(error: ValidationError) -> list[ValidationError]:
    """For anyOf, pick the branch that got furthest, so the message is about the real mistake."""
    if error.validator != "anyOf" or not error.context:
        return [error]
    by_branch: dict[int, list[ValidationError]] = {}
    for sub in error.context:
        by_branch.setdefault(sub.relative_schema_path[0], []).append(sub)

    def branch_matches_type(errors: list[ValidationError]) -> bool:
        return not any(e.validator == "type" and not e.relative_path for e in errors)

    candidates = [errs for errs in by_branch.values() if branch_matches_type(errs)]
    if not candidates:
        return [error]
    best = max(candidates, key=lambda errs: max(len(e.absolute_path) for e in errs))
    out: list[ValidationError] = []
    for sub in best:
        out.extend(_leaf_errors(sub))
    return out


def _missing(error: ValidationError) -> str:
    """The required key a ``required`` error is about (one error per missing key)."""
    instance = error.instance if isinstance(error.instance, dict) else {}
    for key in error.validator_value:
        if key not in instance and f"'{key}'" in error.message:
            return str(key)
    return next((str(k) for k in error.validator_value if k not in instance), "")


def _pattern_message(error: ValidationError) -> str:
    value = error.instance if isinstance(error.instance, str) else str(error.instance)
    pattern = str(error.validator_value)
    bad = BAD_TEXT_CHAR.search(value)
    if bad is not None:
        return bad_char_message(bad.group())
    if "\n" in pattern and "\n" in value:
        return bad_char_message("\n")
    if pattern == r"\S":
        return _("must not be empty")
    if not value.strip():
        return _("must not be empty")
    hint = _PATTERN_HINTS.get(pattern)
    if hint is not None:
        return _(hint).format(value=shown(value))
    return _("'{value}' is not allowed here").format(value=shown(value))


def _message(error: ValidationError) -> str:
    v = error.validator
    if v == "type":
        return _("expected {expected}, found {found}").format(
            expected=_(_TYPE_NAMES.get(str(error.validator_value), str(error.validator_value))),
            found=_type_name(error.instance),
        )
    if v == "anyOf":
        expected = error.schema.get("x-expected", N_("text"))
        return _("expected {expected}, found {found}").format(
            expected=_(expected), found=_type_name(error.instance)
        )
    if v == "required":
        return _("the field '{field}' is missing").format(field=_missing(error))
    if v == "pattern":
        return _pattern_message(error)
    if v == "enum":
        return _("expected one of {choices}, found '{value}'").format(
            choices=", ".join(str(c) for c in error.validator_value), value=shown(error.instance)
        )
    if v == "maxLength":
        return _("the text is too long ({length} characters; at most {limit})").format(
            length=len(error.instance), limit=error.validator_value
        )
    if v in ("minItems", "minProperties"):
        return _("must not be empty")
    if v == "maxProperties":
        return _("only one of {keys} may stand here").format(
            keys=", ".join(shown(k) for k in error.instance)
        )
    # Every keyword the schemas use is explained above; this is a guard, never jsonschema's text.
    return _("this value is not allowed here")


def validate(loaded: Loaded, schema: dict[str, Any], *, hint: Hint | None = None) -> list[Problem]:
    """All schema problems of one loaded file, ordered by line.

    ``hint(path, key)`` may explain an unknown key that resembles none of the keys allowed where
    it stands (a section written outside ``avsnitt:``); it returns None to leave the usual message.
    """
    if holds(loaded.data, schema):
        return []
    from jsonschema import Draft202012Validator  # only for data with problems: ~70 ms to import

    validator = Draft202012Validator(schema)
    problems: list[Problem] = []
    data = loaded.data
    if not isinstance(data, dict):
        line, col = (1, 1)
        return [
            Problem(
                loaded.display,
                line,
                col,
                "",
                _(
                    "expected a table of keys (key: value) at the top of the file, found {found}"
                ).format(found=_type_name(data)),
            )
        ]
    # A required key that is missing because it is misspelt is reported once, as the misspelling.
    misspelt: set[tuple[tuple[Any, ...], str]] = set()
    missing: list[tuple[tuple[Any, ...], str, Problem]] = []
    for top in validator.iter_errors(data):
        for error in _leaf_errors(top):
            path = list(error.absolute_path)
            if error.validator == "additionalProperties" and isinstance(error.instance, dict):
                allowed = list(error.schema.get("properties", {}))
                extra = [k for k in error.instance if k not in allowed]
                parent = _resolve(data, path)
                for key in extra:
                    line, col = position(parent, key)
                    guess = suggest(str(key), allowed)
                    message = None
                    if guess is None and hint is not None:
                        message = hint(path, str(key))
                    if guess is not None:
                        misspelt.add((tuple(path), guess))
                    problems.append(
                        Problem(
                            loaded.display,
                            line,
                            col,
                            field_name(path + [key]),
                            message or unknown_key_message(str(key), allowed),
                        )
                    )
                continue
            if "propertyNames" in error.absolute_schema_path:
                # The error is about a key (a section or clause id), not about a value.
                parent = _resolve(data, path)
                line, col = position(parent, error.instance)
                problems.append(
                    Problem(
                        loaded.display,
                        line,
                        col,
                        field_name(path + [error.instance]),
                        _message(error),
                    )
                )
                continue
            line, col = walk_path(data, path)
            problem = Problem(loaded.display, line, col, field_name(path), _message(error))
            if error.validator == "required":
                missing.append((tuple(path), _missing(error), problem))
                continue
            problems.append(problem)
    problems.extend(p for path, key, p in missing if (path, key) not in misspelt)
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    return _dedupe(problems)


_compiled: dict[int, tuple[dict[str, Any], Callable[[Any], Any]]] = {}


def holds(data: Any, schema: dict[str, Any]) -> bool:
    """Whether ``data`` satisfies ``schema``: most data files are right, and for a right file
    this is all :func:`validate` needs to know."""
    import fastjsonschema

    found = _compiled.get(id(schema))
    if found is None or found[0] is not schema:
        # The schemas use no keyword newer than draft 7 ($defs is only a place for $ref).
        check = fastjsonschema.compile(
            {**schema, "$schema": "http://json-schema.org/draft-07/schema#"}
        )
        found = _compiled[id(schema)] = (schema, check)
    try:
        found[1](data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def _resolve(data: Any, path: list[Any]) -> Any:
    node = data
    for key in path:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for p in problems:
        key = (p.line, p.column, p.field, p.message)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out
