"""How a message names a file, a field and a value.

Every problem a secretary reads names the file as they would type it, the field as a dotted path
with 1-based items, and quotes the value short and with invisible characters made visible.  The
loader, the schema check, the clause library and the importers all name things the same way, so
these helpers stand apart from any one of them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from generator.i18n import _

#: How much of a value a message shows.
SHOWN_CHARS = 60


def display_path(path: Path) -> str:
    """The path as a secretary would type it: relative to the workspace when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def shown(value: Any) -> str:
    """``value`` as a message may quote it: short, and with invisible characters made visible.

    A message must stay readable (not a 900 KB line) and must not carry control characters to the
    terminal (an escape sequence in a key could recolour or hide the rest of the output).
    """
    text = value if isinstance(value, str) else str(value)
    cut = text[:SHOWN_CHARS]
    out = "".join(c if c.isprintable() or c == " " else f"<U+{ord(c):04X}>" for c in cut)
    return out + ("…" if len(text) > SHOWN_CHARS else "")


def field_name(path: list[Any]) -> str:
    """``['avsnitt', 'syfte', 0, 'klausul']`` → ``avsnitt.syfte[1].klausul`` (1-based items)."""
    out = ""
    for key in path:
        if isinstance(key, int) and not isinstance(key, bool):
            out += f"[{key + 1}]"
        else:
            out += ("." if out else "") + shown(key)
    return out


def kind_of(value: Any) -> str:
    """What a secretary would call the kind of ``value``: text, a number, a list, …"""
    if value is None:
        return _("nothing")
    if isinstance(value, bool):
        return _("yes/no")
    if isinstance(value, str):
        return _("text")
    if isinstance(value, dt.date | dt.datetime):
        return _("a date")
    if isinstance(value, int | float):
        return _("a number")
    if isinstance(value, dict):
        return _("a table of keys (key: value)")
    if isinstance(value, list | tuple):
        return _("a list (lines starting with '- ')")
    return _("something else")
