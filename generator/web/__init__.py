"""The web face of uppdrag: the same plain functions as the CLI, in Swedish pages.

Built like Flask's own tutorial app: :func:`create_app` is the application factory, each area of
the product is a blueprint with its own templates, and :mod:`generator.web.context` is the one seam
through which views reach the workspace and the register (tests replace it by configuration).
Views only parse the form, call a plain function and render what it returned; the rules live in
the package, so the browser and the command line keep the same promises.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from generator.i18n import N_, _

#: The blueprints, one per area, each a package of this one exposing ``bp``.  Registered in this
#: order; the start page first.
BLUEPRINTS = (
    "start",
    "councils",
    "importing",
    "diarium",
    "library",
    "auth",
    "progress",
    "history",
    "settings",
)

#: Uploads (an imported .docx) are refused above this size before they are read.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def create_app(workspace: Path | str, config: Mapping[str, Any] | None = None) -> Flask:
    """A Flask app serving the workspace at ``workspace`` (the folder with data/ and templates/).

    ``config`` overrides the defaults (tests pass ``TESTING`` and their own ``SECRET_KEY``).
    """
    from generator.web import access, context, errors, i18n, security

    app = Flask(__name__)
    root = Path(workspace).resolve()
    app.config.from_mapping(
        WORKSPACE=str(root),
        MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES,
        ALLOWED_HOSTS=("127.0.0.1", "localhost", "::1"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="uppdrag_session",
        WTF_CSRF_TIME_LIMIT=None,  # a form left open over lunch still saves
        WTF_CSRF_SSL_STRICT=True,
    )
    if config:
        app.config.update(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = security.secret_key(root)

    i18n.init_app(app)  # first: even a refused request is answered in the user's language
    security.init_app(app)
    context.init_app(app)
    access.init_app(app)
    errors.init_app(app)
    for name in BLUEPRINTS:
        module = _blueprint_module(name)
        if module is not None:
            app.register_blueprint(module.bp)
    app.context_processor(lambda: {"nav_links": lambda: nav_links(app)})
    return app


#: The main menu: endpoint and label, shown for the areas that exist.
NAVIGATION = (
    ("start.index", N_("Councils")),
    ("library.index", N_("Clause library")),
    ("diarium.index", N_("Register")),
    ("importing.index", N_("Import")),
    ("history.index", N_("History")),
    ("auth.accounts", N_("Accounts")),
    ("settings.index", N_("Settings")),
)


def nav_links(app: Flask) -> list[tuple[str, str]]:
    """The menu entries whose page exists and that the person may see, with their labels in the
    request's language."""
    from generator.web.access import can

    def may_see(endpoint: str) -> bool:
        needed = getattr(app.view_functions[endpoint], "required_role", None)
        return needed is None or can(needed)

    return [
        (endpoint, _(label))
        for endpoint, label in NAVIGATION
        if endpoint in app.view_functions and may_see(endpoint)
    ]


def _blueprint_module(name: str) -> Any:
    """The blueprint package ``generator.web.<name>``, or None while that area is not built."""
    try:
        return importlib.import_module(f"generator.web.{name}")
    except ModuleNotFoundError as err:
        if err.name == f"generator.web.{name}":
            return None
        raise
