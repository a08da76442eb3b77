"""Message catalogs: Swedish by default, English when the locale asks for it.

Messages are written in English in the code (gettext convention) and translated into Swedish in
``generator/locale/sv``.  The secretaries work in Swedish, so Swedish is the default even under the
C/POSIX locale; only a ``LANGUAGE``/``LC_ALL``/``LC_MESSAGES``/``LANG`` that names English switches
to the English originals.

Two catalogs live there: ``uppdrag`` (this program's messages) and ``click`` (click's own messages:
"Usage:", "Error: Missing option …", "Show this message and exit.").  See
:func:`install_click_translations` for why click needs the second one.
"""

from __future__ import annotations

import gettext
import importlib
import os
import re
import sys
from contextvars import ContextVar, Token
from functools import cache
from pathlib import Path

DOMAIN = "uppdrag"
CLICK_DOMAIN = "click"
LOCALE_DIR = Path(__file__).parent / "locale"


#: The language chosen for the work in progress (a web request), over the process's locale.
_language: ContextVar[str | None] = ContextVar("uppdrag_language", default=None)


def set_language(language: str) -> Token[str | None]:
    """Speak ``language`` ("sv" or "en") in this context (a web request) until reset."""
    return _language.set(language)


def reset_language(token: Token[str | None]) -> None:
    _language.reset(token)


def ui_language(environ: dict[str, str] | None = None) -> str:
    """``"en"`` or ``"sv"`` from the usual locale variables: Swedish unless English is asked.

    A language set with :func:`set_language` (the web app, per request) comes first.
    """
    if environ is None:
        chosen = _language.get()
        if chosen is not None:
            return chosen
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


# -- click's own messages --------------------------------------------------------------------

# click's modules that translate with a module-level ``_`` (gettext.gettext) or ``ngettext``.
_CLICK_MODULES = (
    "core",
    "decorators",
    "exceptions",
    "formatting",
    "parser",
    "termui",
    "types",
    "utils",
    "shell_completion",
    "_termui_impl",
)
# Windows only: patched if click has loaded it, never imported here.
_CLICK_WINDOWS_MODULES = ("_winconsole",)


@cache
def _click_translations(language: str) -> gettext.NullTranslations:
    if language == "en":
        return gettext.NullTranslations()
    return gettext.translation(CLICK_DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def click_gettext(message: str) -> str:
    """click's ``_``: its message in the user's language (Swedish unless English is asked)."""
    return _click_translations(ui_language()).gettext(message)


def click_ngettext(singular: str, plural: str, n: int) -> str:
    """click's ``ngettext``: its message in the user's language, singular or plural by ``n``."""
    return _click_translations(ui_language()).ngettext(singular, plural, n)


def install_click_translations() -> None:
    """Make click's own messages ("Usage:", "Error: Missing option …") follow :func:`ui_language`.

    click marks its messages with the standard library's ``gettext.gettext``, bound at import as
    ``_`` (and ``ngettext``) in each of its modules.  Those read the default gettext domain
    "messages" through the process locale; nothing ships a Swedish catalog for that domain, and
    under the C/POSIX locale (cron jobs, containers, a fresh terminal) gettext never even looks
    for Swedish.  So the help and the errors of a Swedish program would come out in English.

    Instead, this replaces those module-level names with :func:`click_gettext` and
    :func:`click_ngettext`, which look click's messages up in our own ``click`` catalog
    (``locale/sv/LC_MESSAGES/click.mo``, extracted from the installed click and translated here)
    with the same language rule as our messages: Swedish by default, English when the locale
    asks for it.  The language is decided at each message, not here, so it is safe to call once
    at import (before the commands are declared: ``click.Path`` names its kind when created) and
    again (it is idempotent).  A missing catalog falls back to click's English.
    """
    for name in _CLICK_MODULES:
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:  # a click without that module
            continue
        _patch_click_module(module)
    for name in _CLICK_WINDOWS_MODULES:
        module = sys.modules.get(f"click.{name}")
        if module is not None:
            _patch_click_module(module)
    _patch_click_quotes()


def quoted(text: str) -> str:
    """``text`` in the quotation marks of the user's language: ”…” in Swedish, '…' in English."""
    return f"'{text}'" if ui_language() == "en" else f"”{text}”"


_SINGLE_QUOTED = re.compile(r"'([^']*)'")


def _requote(text: str) -> str:
    """click's '…' around an option's name, as :func:`quoted` writes them."""
    if ui_language() == "en" or not isinstance(text, str):
        return text
    return _SINGLE_QUOTED.sub(lambda m: quoted(m.group(1)), text)


def _patch_click_quotes() -> None:
    """click quotes names and values in its errors with ASCII '…' in code, not in its messages
    ("Missing option '--reason'", "'x' is not one of 'tabell', 'json'"): in Swedish they become
    ”…”, the one quotation mark of every other message.  Every error message of click is made
    by a ``format_message`` of its exception classes, so those are wrapped, once; the language
    is decided at each message."""
    import click.exceptions

    for value in vars(click.exceptions).values():
        if isinstance(value, type) and issubclass(value, click.exceptions.ClickException):
            original = value.__dict__.get("format_message")
            if original is not None and not getattr(original, "_requoted", False):
                value.format_message = _requoting(original)  # type: ignore[method-assign]


def _requoting(function):  # type: ignore[no-untyped-def]
    def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
        return _requote(function(*args, **kwargs))

    wrapper._requoted = True  # type: ignore[attr-defined]
    wrapper.__doc__ = function.__doc__
    return wrapper


def _patch_click_module(module: object) -> None:
    if getattr(module, "_", None) in (gettext.gettext, click_gettext):
        module._ = click_gettext  # type: ignore[attr-defined]
    if getattr(module, "ngettext", None) in (gettext.ngettext, click_ngettext):
        module.ngettext = click_ngettext  # type: ignore[attr-defined]
