"""The seam between views and the product: the workspace and the register of this request.

Like ``get_db`` in Flask's tutorial: a view asks :func:`get_workspace` or :func:`get_register`
and never builds paths or opens files itself.  The register is opened once per request and closed
at its end; tests point ``WORKSPACE`` (and, if they like, ``REGISTER``) at a throw-away folder.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, g

from generator.register import Register
from generator.workspace import Workspace


def get_workspace() -> Workspace:
    """The workspace this app serves."""
    if "workspace" not in g:
        g.workspace = Workspace(Path(current_app.config["WORKSPACE"]))
    return g.workspace


def register_option() -> str | None:
    """The register path to pass to the plain functions (None: the workspace's default)."""
    value = current_app.config.get("REGISTER")
    return None if value is None else str(value)


def get_register() -> Register:
    """The register of this request, opened on first use and closed when the request ends."""
    if "register" not in g:
        from generator.register_access import register_path
        from generator.web.access import current_user

        workspace = get_workspace()
        user = current_user()  # the person on every event this request records
        g.register = Register(
            register_path(workspace, register_option()),
            documents=workspace.output_dir,
            root=workspace.root,
            actor=user.name if user else None,
        )
    return g.register


def close_register(_error: BaseException | None = None) -> None:
    register = g.pop("register", None)
    if register is not None:
        register.close()


def state_dir() -> Path:
    """The folder for the web app's own state (secret key, background jobs): ``.uppdrag/``."""
    folder = get_workspace().root / ".uppdrag"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_register)
