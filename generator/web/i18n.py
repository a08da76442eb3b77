"""Swedish pages, English when the browser asks for it: the same catalogs as the CLI.

Templates use ``{{ _("...") }}`` and ``{% trans %}`` (Jinja's i18n extension) with the functions of
:mod:`generator.i18n`; the language of each request is chosen from ``Accept-Language`` (Swedish
unless English is preferred) and applied to every message the product raises while it runs.
"""

from __future__ import annotations

from flask import Flask, g, request

from generator import i18n
from generator.dates import local_time


def request_language() -> str:
    """``"sv"`` or ``"en"``: Swedish unless the browser prefers English to Swedish."""
    best = request.accept_languages.best_match(["sv", "en"], default="sv")
    return best or "sv"


def _begin() -> None:
    g.language = request_language()
    g.language_token = i18n.set_language(g.language)


def _end(_error: BaseException | None = None) -> None:
    token = g.pop("language_token", None)
    if token is not None:
        i18n.reset_language(token)


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(i18n._, i18n.ngettext, newstyle=False)  # type: ignore[attr-defined]
    app.before_request(_begin)
    app.teardown_request(_end)
    app.jinja_env.globals["page_language"] = lambda: g.get("language", "sv")
    app.jinja_env.globals["local_time"] = local_time  # a recorded UTC time as Swedish time
