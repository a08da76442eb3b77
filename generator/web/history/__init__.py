"""The history of each data file: its versions, a diff between any two, and restoring one.

Councils are restored by a sekreterare, the clause library and the settings by a förvaltare, as
they are edited.  A restore is a save like any other (:func:`generator.history.restore`): it
makes a new version, and it is refused, with both texts shown, when the file changed after the
page was loaded.  The same conflict page answers every save that :class:`EditConflict` refuses.
A council file deleted on disk keeps its page: the deletion is a step of its history ("raderad"),
and its last version is restored like any other.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from generator import history
from generator.exceptions import EditConflict, UppdragError
from generator.i18n import _
from generator.web.access import current_user, requires
from generator.web.auth.people import database
from generator.web.context import get_workspace

bp = Blueprint("history", __name__, template_folder="templates")

#: The workspace-wide files and the role that edits them (councils: sekreterare).
SHARED_FILES = {"klausuler": "förvaltare", "installningar": "förvaltare"}


def _path(kind: str, name: str) -> Path:
    """The data file of a history URL; 404 for anything that is not one."""
    workspace = get_workspace()
    if kind == "rad":
        path = workspace.councils_dir / f"{name}.yaml"
        if "/" in name or "\\" in name or name.startswith("."):
            abort(404)
        if not path.is_file() and not history.has_history(database(), workspace, path):
            abort(404)  # a deleted council with versions still has its history
        return path
    if name == "klausuler":
        return workspace.library_path
    if name == "installningar":
        return workspace.settings_path
    abort(404)


def _author() -> str | None:
    user = current_user()
    return user.name if user else None


def _label(path: Path) -> str:
    return history.key(get_workspace(), path)


def _file_page(kind: str, name: str) -> str:
    workspace = get_workspace()
    path = _path(kind, name)
    versions = history.versions(database(), workspace, path)
    newest = len(versions)
    try:
        old = int(request.args.get("fran", newest - 1 if newest > 1 else newest))
        new = int(request.args.get("till", newest))
    except ValueError:
        abort(400)
    diff = None
    if versions and 1 <= old <= newest and 1 <= new <= newest:
        diff = history.diff_versions(versions[old - 1], versions[new - 1])
    base = history.current_digest(path)
    return render_template(
        "history/file.html",
        kind=kind,
        name=name,
        label=_label(path),
        versions=list(reversed(versions)),
        steps=_steps(versions, history.deletions_of(database(), workspace, path), base),
        old=old,
        new=new,
        diff=diff,
        base=base or "",
        restore_role="sekreterare" if kind == "rad" else SHARED_FILES[name],
    )


def _steps(
    versions: list[history.Version], deletions: list[history.Deletion], now: str | None
) -> list[dict[str, Any]]:
    """The file's history newest first: each version, and each time the file was found deleted
    (after the version it followed); ``current`` marks what the file is now."""
    numbers = {v.id: v.number for v in versions}
    steps: list[tuple[float, dict[str, Any]]] = [
        (v.id, {"version": v, "deletion": None, "current": False}) for v in versions
    ]
    steps += [
        (
            d.last_version + 0.5,
            {
                "version": None,
                "deletion": d,
                "current": False,
                "after": numbers.get(d.last_version),
            },
        )
        for d in deletions
    ]
    ordered = [step for _key, step in sorted(steps, key=lambda item: item[0], reverse=True)]
    if ordered:
        newest = ordered[0]
        newest["current"] = newest["deletion"] is not None or (
            newest["version"] is not None and newest["version"].sha256 == now
        )
    return ordered


def _version_page(kind: str, name: str, number: int) -> str:
    path = _path(kind, name)
    try:
        found = history.version(database(), get_workspace(), path, number)
    except Exception:  # noqa: BLE001 - UsageError: no such version
        abort(404)
    return render_template(
        "history/version.html", kind=kind, name=name, label=_label(path), version=found
    )


def _restore(kind: str, name: str, number: int) -> Response:
    from generator.web import job_lock
    from generator.web.context import state_dir

    path = _path(kind, name)
    running = job_lock.current(state_dir())
    if running is not None:  # a re-issue reads the data files: not under its feet
        raise job_lock.JobBusy(
            _("{user} is running “{title}” (since {started}); wait until it is done.").format(
                user=running.user, title=running.title, started=running.started
            )
        )
    base = request.form.get("base") or None
    restored = history.restore(
        database(),
        get_workspace(),
        path,
        number,
        base=base,
        reason=request.form.get("reason", ""),
        author=_author(),
    )
    flash(
        _("Version {old} is restored as version {new}.").format(old=number, new=restored.number),
        "success",
    )
    return redirect(url_for(f"history.{'council' if kind == 'rad' else 'shared'}", name=name), 303)


@bp.get("/historik")
@requires("läsare")
def index() -> str:
    workspace = get_workspace()
    history.notice_all(database(), workspace)  # hand edits and deletions show up here at once
    deleted = history.deleted_data_files(database(), workspace)
    paths = history.data_files(workspace) + [workspace.root / label for label in deleted]
    files = []
    for path in paths:
        versions = history.versions(database(), workspace, path)
        kind, name = ("rad", path.stem) if path.parent == workspace.councils_dir else ("", "")
        if not kind:
            name = "klausuler" if path == workspace.library_path else "installningar"
        files.append(
            {
                "label": _label(path),
                "kind": kind,
                "name": name,
                "latest": versions[-1],
                "count": len(versions),
                "deleted": deleted.get(_label(path)),
            }
        )
    return render_template("history/index.html", files=files)


@bp.get("/historik/rad/<name>")
@requires("läsare")
def council(name: str) -> str:
    return _file_page("rad", name)


@bp.get("/historik/rad/<name>/version/<int:number>")
@requires("läsare")
def council_version(name: str, number: int) -> str:
    return _version_page("rad", name, number)


@bp.post("/historik/rad/<name>/aterstall/<int:number>")
@requires("sekreterare")
def council_restore(name: str, number: int) -> Response:
    return _restore("rad", name, number)


@bp.get("/historik/<any(klausuler, installningar):name>")
@requires("läsare")
def shared(name: str) -> str:
    return _file_page("", name)


@bp.get("/historik/<any(klausuler, installningar):name>/version/<int:number>")
@requires("läsare")
def shared_version(name: str, number: int) -> str:
    return _version_page("", name, number)


@bp.post("/historik/<any(klausuler, installningar):name>/aterstall/<int:number>")
@requires("förvaltare")
def shared_restore(name: str, number: int) -> Response:
    return _restore("", name, number)


def conflict_page(err: EditConflict) -> tuple[str, int]:
    """Both versions, side by side with what differs, for any save that was refused."""
    diff = history.diff_texts(err.theirs or "", err.mine)
    referrer = request.referrer or ""
    back = referrer if referrer.startswith(request.host_url) else url_for("start.index")
    return render_template("history/conflict.html", err=err, diff=diff, back=back), 409


#: How often (seconds) the data files are looked at for hand edits, at most.
NOTICE_EVERY = 10.0


def _notice_hand_edits() -> None:
    """Keep files edited by hand on disk as versions, looked at every few seconds at most, so
    that two hand edits in a row are both kept even if nobody opens the history between them."""
    from flask import current_app

    if request.endpoint == "static" or request.endpoint is None or current_user() is None:
        return  # nobody logged in: nothing is recorded on their behalf
    state = current_app.extensions.setdefault("uppdrag_history", {"last": 0.0})
    now = time.monotonic()
    if now - state["last"] < NOTICE_EVERY:
        return
    state["last"] = now
    try:
        history.notice_all(database(), get_workspace())
    except UppdragError:
        pass  # no data folder (yet): the page itself says what is wrong


@bp.record_once
def _setup(state: Any) -> None:
    state.app.register_error_handler(EditConflict, conflict_page)
    state.app.before_request(_notice_hand_edits)
