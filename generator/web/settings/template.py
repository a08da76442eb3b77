"""The Word template's page: the template now, every earlier version, replace and restore.

The views only parse the form and call :mod:`generator.template_edit`.  Both forms that change
the template carry the version the page showed (``version``: its SHA-256), so that a template
replaced by someone else meanwhile is refused (409, naming who and when) rather than silently
replaced; both hold the workspace's job lock, so neither runs under a re-issue's feet.  A
restore is asked for on a page of its own, with a reason, and makes a new version.
"""

from __future__ import annotations

import io
import secrets
import shutil
from pathlib import Path
from typing import Any

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from werkzeug.wrappers import Response

from generator import history, template_edit
from generator.exceptions import DataError, TemplateChanged, UppdragError, UsageError
from generator.i18n import _
from generator.web import job_lock, jobs
from generator.web.access import requires
from generator.web.context import get_workspace, state_dir
from generator.web.errors import status_of
from generator.web.settings import _author, _errors, _register_arg, bp

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

#: The most characters a reason may have (it is kept with the version for ever).
MAX_REASON = 500


def _rows(versions: list[history.Version], now: str | None) -> list[dict[str, Any]]:
    """The versions newest first, each with whether it is the template now and, for a restored
    one, the number of the version it restored."""
    numbers = {v.id: v.number for v in versions}
    return [
        {
            "version": v,
            "current": index == 0 and v.sha256 == now,
            "restored_from": numbers.get(v.restored_from) if v.restored_from else None,
        }
        for index, v in enumerate(reversed(versions))
    ]


def _template_page(errors: list[dict[str, str]]) -> str:
    workspace = get_workspace()
    path = workspace.template_path
    versions = template_edit.template_versions(workspace, _register_arg())
    now = history.current_digest(path)
    return render_template(
        "settings/template.html",
        errors=errors,
        exists=now is not None,
        size=path.stat().st_size if now is not None else 0,
        label=history.key(workspace, path),
        version=now or "",
        rows=_rows(versions, now),
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


def _version_or_404(number: int) -> history.Version:
    try:
        return template_edit.template_version(get_workspace(), number, _register_arg())
    except UsageError:
        abort(404)


@bp.get("/mall/version/<int:number>")
@requires("förvaltare")
def template_old(number: int) -> Response:
    found = _version_or_404(number)
    stem = get_workspace().template_path.stem
    return send_file(
        io.BytesIO(found.content),
        mimetype=DOCX_MIME,
        as_attachment=True,
        download_name=f"{stem}-version-{number}.docx",
    )


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
            template_edit.replace_template(
                get_workspace(),
                path,
                original,
                base=request.form.get("version") or None,
                author=_author(),
                reason=request.form.get("reason", ""),
                register=_register_arg(),
            )
    except DataError as err:
        return _template_page(_errors(err, "template")), 422
    except (job_lock.JobBusy, TemplateChanged) as err:
        return _template_page(_errors(err, "template")), status_of(err)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    flash(
        _("The template is replaced; the previous one is kept in the history."),
        "success",
    )
    return redirect(url_for("settings.template"), 303)


def _restore_page(
    found: history.Version, version: str, reason: str, errors: list[dict[str, str]]
) -> str:
    workspace = get_workspace()
    versions = template_edit.template_versions(workspace, _register_arg())
    return render_template(
        "settings/template_restore.html",
        found=found,
        latest=versions[-1] if versions else None,
        version=version,
        reason=reason,
        errors=errors,
        label=history.key(workspace, workspace.template_path),
    )


@bp.route("/mall/aterstall/<int:number>", methods=["GET", "POST"])
@requires("förvaltare")
def template_restore(number: int) -> Response | tuple[str, int] | str:
    found = _version_or_404(number)
    if request.method == "GET":
        # the version the template page showed, passed on by its link (else: what is there now)
        shown = request.args.get("version")
        now = history.current_digest(get_workspace().template_path) or ""
        return _restore_page(found, now if shown is None else shown, "", [])
    version = request.form.get("version", "")
    reason = request.form.get("reason", "").strip()
    message = ""
    if not reason:
        message = _("Say why the template is restored.")
    elif len(reason) > MAX_REASON:
        message = _("The reason may be at most {count} characters.").format(count=MAX_REASON)
    if message:
        errors = [{"target": "reason", "message": message}]
        return _restore_page(found, version, reason, errors), 400
    try:
        with jobs.exclusive(state_dir(), "template", _("Restoring the template"), _author()):
            restored = template_edit.restore_template(
                get_workspace(),
                number,
                base=version or None,
                author=_author(),
                reason=reason,
                register=_register_arg(),
            )
    except TemplateChanged as err:
        return _template_page(_errors(err, "")), status_of(err)
    except DataError as err:
        return _restore_page(found, version, reason, _errors(err, "")), 422
    except UppdragError as err:  # a job runs; the version is the template now
        return _restore_page(found, version, reason, _errors(err, "")), status_of(err)
    flash(
        _("Version {old} of the template is restored as version {new}.").format(
            old=number, new=restored.number
        ),
        "success",
    )
    return redirect(url_for("settings.template"), 303)
