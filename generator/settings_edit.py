"""The organisation's settings changed from the web, safely.

:func:`save_settings` writes ``data/installningar.yaml`` with ruamel round-trip (the comments
beside each value stay as they were), checked with the same :data:`SETTINGS_SCHEMA` and messages
as every command, through :mod:`generator.history` (the version before it kept, with author,
time and reason; a save on top of a newer file refused with both versions).  The Word template
is replaced and restored by :mod:`generator.template_edit`.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from generator import history
from generator.exceptions import DataError, Problem
from generator.i18n import _
from generator.loader import parse_text, round_trip_yaml
from generator.loader.messages import display_path
from generator.loader.text import read_text
from generator.schema import SETTINGS_SCHEMA
from generator.validation import validate
from generator.workspace import Workspace

#: The form's fields: the name in the form and the path of the value in the settings file.
FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("organisation", ("organisation",)),
    ("diarieserie", ("diarieserie",)),
    ("dokumenttitel", ("dokumenttitel",)),
    ("dokumenttyp", ("dokumenttyp",)),
    ("undertecknare-namn", ("undertecknare", "namn")),
    ("undertecknare-titel", ("undertecknare", "titel")),
    ("datumformat", ("datumformat",)),
)
#: Fields that may be left empty (the file then has no such key, and the default applies).
OPTIONAL = frozenset({"dokumenttyp", "datumformat"})


def field_of(problem: Problem) -> str:
    """The form field a problem of the settings file is about ("" when none)."""
    dotted = problem.field.replace("[", ".").replace("]", "")
    for name, keys in FIELDS:
        if dotted == ".".join(keys) or dotted.startswith(".".join(keys) + "."):
            return name
    return ""


def _get(data: Any, keys: tuple[str, ...]) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def current(workspace: Workspace) -> tuple[dict[str, str], str | None]:
    """The form's values as the file holds them now, and the version the form remembers."""
    path = workspace.settings_path
    text = read_text(path, display_path(path))
    data = round_trip_yaml().load(text) or {}
    values = {}
    for name, keys in FIELDS:
        value = _get(data, keys)
        values[name] = "" if value is None else str(value)
    return values, history.current_digest(path)


def normalise(value: str) -> str:
    """A value from a form as the file holds it: Unix line ends, no surrounding space."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def new_text(path: Path, values: dict[str, str]) -> str:
    """The settings file's text with the form's values, its comments and order kept."""
    yaml = round_trip_yaml()
    yaml.width = 4096
    yaml.preserve_quotes = True
    data = yaml.load(read_text(path, display_path(path)))
    if not isinstance(data, dict):
        data = {}
    for name, keys in FIELDS:
        value = normalise(values.get(name, ""))
        parent = data
        for key in keys[:-1]:
            if not isinstance(parent.get(key), dict):
                parent[key] = {}
            parent = parent[key]
        if not value and name in OPTIONAL:
            parent.pop(keys[-1], None)
        elif parent.get(keys[-1]) != value:
            parent[keys[-1]] = value
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def check(path: Path, text: str) -> None:
    """What loading the settings would say of ``text``: :class:`DataError`, file, line, field."""
    display = display_path(path)
    problems = validate(parse_text(path, text, display), SETTINGS_SCHEMA)
    if problems:
        raise DataError(problems)


def save_settings(
    workspace: Workspace,
    values: dict[str, str],
    base: str | None,
    *,
    author: str | None = None,
    reason: str = "",
    register: Path | None = None,
) -> history.Version:
    """Write the form's values into the settings file if it is still at ``base`` (its SHA-256
    when the form was loaded); nothing is written when a value is wrong (:class:`DataError`) or
    the file changed meanwhile (:class:`EditConflict` with both texts)."""
    path = workspace.settings_path
    candidate = new_text(path, values)
    check(path, candidate)
    return history.save_file(
        workspace,
        path,
        candidate.encode("utf-8"),
        base=base,
        author=author,
        reason=normalise(reason) or _("settings"),
        register=register,
    )


__all__ = [
    "FIELDS",
    "check",
    "current",
    "field_of",
    "new_text",
    "save_settings",
]
