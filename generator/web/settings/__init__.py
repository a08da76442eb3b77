"""The organisation's settings and the Word template, for the förvaltare to change.

The views only parse the form and call :mod:`generator.settings_edit` (the template's pages:
:mod:`generator.web.settings.template`); every save holds the workspace's job lock
(:func:`generator.web.jobs.exclusive`), so it never happens under a re-issue's feet, and goes
through the history, so the version before it is kept.  A refused save (:class:`EditConflict`)
is answered by the history's conflict page with both versions.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from generator import settings_edit
from generator.exceptions import DataError, UppdragError
from generator.i18n import _
from generator.web import jobs
from generator.web.access import current_user, requires
from generator.web.context import get_workspace, register_option, state_dir

bp = Blueprint("settings", __name__, template_folder="templates", url_prefix="/installningar")


def _register_arg() -> Path | None:
    value = register_option()
    return None if value is None else Path(value)


def _author() -> str:
    user = current_user()
    return user.name if user else "?"


def _errors(err: UppdragError, default: str) -> list[dict[str, str]]:
    if isinstance(err, DataError):
        return [
            {"target": settings_edit.field_of(p) or default, "message": str(p)}
            for p in err.problems
        ]
    return [{"target": default, "message": str(err)}]


def _form(values: dict[str, str], version: str | None, errors: list[dict[str, str]]) -> str:
    by_field: dict[str, list[str]] = {}
    for error in errors:
        by_field.setdefault(error["target"], []).append(error["message"])
    return render_template(
        "settings/index.html",
        values=values,
        version=version or "",
        errors=errors,
        by_field=by_field,
    )


@bp.get("/")
@requires("läsare")
def index() -> str:
    values, version = settings_edit.current(get_workspace())
    return _form(values, version, [])


@bp.post("/")
@requires("förvaltare")
def save() -> Response | tuple[str, int]:
    values = {name: request.form.get(name, "") for name, _keys in settings_edit.FIELDS}
    version = request.form.get("version") or None
    try:
        with jobs.exclusive(state_dir(), "settings", _("Saving the settings"), _author()):
            settings_edit.save_settings(
                get_workspace(),
                values,
                version,
                author=_author(),
                reason=request.form.get("reason", ""),
                register=_register_arg(),
            )
    except DataError as err:
        return _form(values, version, _errors(err, "organisation")), 422
    flash(_("The settings are saved; the previous version is kept in the history."), "success")
    return redirect(url_for("settings.index"), 303)


from generator.web.settings import template as _template  # noqa: E402,F401 - the template's views
