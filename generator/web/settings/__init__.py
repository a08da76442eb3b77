"""The organisation's settings and the Word template, for the förvaltare to change.

The views only parse the form and call :mod:`generator.settings_edit`; every save holds the
workspace's job lock (:func:`generator.web.jobs.exclusive`), so it never happens under a
re-issue's feet, and goes through the history, so the version before it is kept.  A refused save
(:class:`EditConflict`) is answered by the history's conflict page with both versions.
"""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from werkzeug.wrappers import Response

from generator import history, settings_edit
from generator.exceptions import DataError, UppdragError
from generator.i18n import _
from generator.web import jobs
from generator.web.access import current_user, requires
from generator.web.context import get_workspace, register_option, state_dir
from generator.web.errors import status_of

bp = Blueprint("settings", __name__, template_folder="templates", url_prefix="/installningar")

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


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


def _template_page(errors: list[dict[str, str]]) -> str:
    workspace = get_workspace()
    path = workspace.template_path
    return render_template(
        "settings/template.html",
        errors=errors,
        exists=path.is_file(),
        size=path.stat().st_size if path.is_file() else 0,
        label=history.key(workspace, path),
    )


@bp.get("/mall")
@requires("förvaltare")
def template() -> str:
    return _template_page([])


@bp.get("/mall/uppdragshandling.docx")
@requires("förvaltare")
def template_file() -> Response:
    path = get_workspace().template_path
    return send_file(path, mimetype=DOCX_MIME, as_attachment=True, download_name=path.name)


@bp.post("/mall")
@requires("förvaltare")
def template_upload() -> Response | tuple[str, int]:
    sent = request.files.get("template")
    if sent is None or not sent.filename:
        errors = [{"target": "template", "message": _("Choose a Word file (.docx) to upload.")}]
        return _template_page(errors), 400
    original = Path(sent.filename).name
    if Path(original).suffix.lower() != ".docx":
        message = _("{name} is not a Word file (.docx).").format(name=original)
        return _template_page([{"target": "template", "message": message}]), 400
    folder = state_dir() / "uploads" / f"mall-{secrets.token_hex(12)}"
    folder.mkdir(parents=True, mode=0o700)
    path = folder / "uppdragshandling.docx"
    try:
        sent.save(path)
        with jobs.exclusive(state_dir(), "template", _("Replacing the template"), _author()):
            settings_edit.replace_template(
                get_workspace(),
                path,
                original,
                author=_author(),
                reason=request.form.get("reason", ""),
                register=_register_arg(),
            )
    except DataError as err:
        return _template_page(_errors(err, "template")), 422
    except jobs.JobBusy as err:
        return _template_page(_errors(err, "template")), status_of(err)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    flash(
        _("The template is replaced; the previous one is kept in the history."),
        "success",
    )
    return redirect(url_for("settings.template"), 303)
