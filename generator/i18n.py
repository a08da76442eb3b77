"""Message catalogs: Swedish by default, English when the locale asks for it.

Messages are written in English in the code (gettext convention) and translated into Swedish in
``generator/locale/sv``.  The secretaries work in Swedish, so Swedish is the default even under the
C/POSIX locale; only a ``LANGUAGE``/``LC_ALL``/``LC_MESSAGES``/``LANG`` that names English switches
to the English originals.
"""

from __future__ import annotations

import gettext
import os
from functools import cache
from pathlib import Path

DOMAIN = "uppdrag"
LOCALE_DIR = Path(__file__).parent / "locale"


def ui_language(environ: dict[str, str] | None = None) -> str:
    """Return ``"en"`` or ``"sv"`` from the usual locale variables, Swedish unless English is asked."""
    env = os.environ if environ is None else environ
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if not value:
            continue
        first = value.split(":")[0].lower()
        if first.startswith("en"):
            return "en"
        if first.startswith("sv") or first in ("c", "posix") or first.startswith("c."):
            return "sv"
        return "sv"
    return "sv"


@cache
def _translations(language: str) -> gettext.NullTranslations:
    if language == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def _(message: str) -> str:
    """Translate ``message`` into the user's language."""
    return _translations(ui_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations(ui_language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it yet (translated where shown)."""
    return message
