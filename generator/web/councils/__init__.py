"""A council's page: its mandate as a form beside its preview, and issuing and deciding it.

The views parse the form and call the plain functions of :mod:`generator.editing`,
:mod:`generator.issuing` and :mod:`generator.decisions` (the ones ``uppdrag render``, ``decide``
and ``new`` call), so the browser
keeps the promises of the command line: the same checks and messages, nothing written while
anything is wrong, an issued file never overwritten.
"""

from __future__ import annotations

import re
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from werkzeug.wrappers import Response

from generator import dates
from generator.editing import library as clause_library
from generator.editing import shared
from generator.editing.new import create_council
from generator.editing.preview import council_preview
from generator.editing.submit import Submission, open_form, submit
from generator.exceptions import DataError, UppdragError, UsageError
from generator.i18n import _
from generator.web.access import current_user, requires
from generator.web.context import get_register, get_workspace, register_option, state_dir
from generator.web.errors import status_of

bp = Blueprint("councils", __name__, template_folder="templates", url_prefix="/rad")

_ID = re.compile(r"^[a-z0-9][a-z0-9\-_]*\Z")


def council_path(council: str) -> Path:
    """The file of the council named in the address; 404 for anything else."""
    path = get_workspace().councils_dir / f"{council}.yaml"
    if not _ID.match(council) or not path.is_file():
        abort(404)
    return path


def _register() -> Path | None:
    option = register_option()
    return Path(option) if option else None


def _author() -> str:
    user = current_user()
    return user.name if user else ""


def _preview(path: Path) -> tuple[str | None, list[str]]:
    try:
        return council_preview(get_workspace(), path), []
    except DataError as err:
        return None, [str(p) for p in err.problems]


def _page(council: str, path: Path, state: Submission, status: int = 200):  # type: ignore[no-untyped-def]
    workspace = get_workspace()
    # The clause picker's search: posted with the form (keeping what is unsaved) or in the URL.
    query = request.values.get("q", "").strip()
    target = request.values.get("target", "")
    hits = clause_library.search(shared.library(workspace), query) if query else []
    preview, preview_problems = _preview(path)
    latest = get_register().latest_for(council)
    name = state.form.head[0].value if state.form and state.form.head else council
    return (
        render_template(
            "councils/edit.html",
            council=council,
            name=name,
            state=state,
            form=state.form,
            query=query,
            target=target,
            hits=hits,
            preview=preview,
            preview_problems=preview_problems,
            latest=latest,
            today=dates.iso(dates.today()),
            images=_images(council),
            draft_exists=_draft_path(council).is_file(),
        ),
        status,
    )


@bp.get("/<council>")
@requires("läsare")
def edit(council: str):  # type: ignore[no-untyped-def]
    path = council_path(council)
    return _page(council, path, open_form(get_workspace(), path, _register()))


@bp.post("/<council>")
@requires("sekreterare")
def save(council: str):  # type: ignore[no-untyped-def]
    path = council_path(council)
    state = submit(get_workspace(), path, request.form, _author(), _register())
    if state.status in ("saved", "unchanged"):
        flash(_("Saved.") if state.status == "saved" else _("Nothing was changed."), "success")
        return redirect(url_for("councils.edit", council=council, _anchor="radform"))
    if state.status == "conflict":
        from generator.history import versions
        from generator.web.auth.people import database

        saved = versions(database(), get_workspace(), path)  # a hand edit is kept here too
        now = saved[-1] if saved else None
        return render_template("councils/conflict.html", council=council, state=state, now=now), 409
    return _page(council, path, state, 422 if state.status == "invalid" else 200)


@bp.get("/<council>/forhandsvisning")
@requires("läsare")
def preview(council: str):  # type: ignore[no-untyped-def]
    """The preview alone, for the page's script to refresh after a save."""
    from generator.editing.document import version_of

    path = council_path(council)
    html, problems = _preview(path)
    response = current_app.make_response(
        render_template("councils/preview.html", preview=html, preview_problems=problems)
    )
    response.headers["X-Council-Version"] = version_of(path.read_bytes())
    response.headers["Cache-Control"] = "no-store"
    return response


# -- page images ---------------------------------------------------------------------------------


def _image_dir(council: str) -> Path:
    return state_dir() / "sidbilder" / council


def _images(council: str) -> list[str]:
    folder = get_workspace().root / ".uppdrag" / "sidbilder" / council
    if not folder.is_dir():
        return []
    return sorted(
        (p.name for p in folder.glob(f"{council}_utkast-sida-*.png")),
        key=lambda n: int(n.rsplit("-", 1)[1].split(".")[0]),
    )


@bp.post("/<council>/sidbilder")
@requires("läsare")
def make_images(council: str) -> Response:
    from generator import issuing
    from generator.pdf import preview_png

    council_path(council)
    [written] = issuing.render(
        get_workspace(), [council], draft=True, output_dir=state_dir() / "sidbilder"
    )
    preview_png(written.path, _image_dir(council), dpi=60)
    return redirect(url_for("councils.edit", council=council, _anchor="sidbilder"))


@bp.get("/<council>/sidbilder/<name>")
@requires("läsare")
def image(council: str, name: str):  # type: ignore[no-untyped-def]
    council_path(council)
    if name not in _images(council):
        abort(404)
    return send_file(_image_dir(council) / name, mimetype="image/png", max_age=0)


# -- drafts, issue, decision ---------------------------------------------------------------------


def _draft_path(council: str) -> Path:
    from generator.writer import safe_name

    return get_workspace().output_dir / "utkast" / f"{safe_name(council)}_utkast.docx"


@bp.post("/<council>/utkast")
@requires("sekreterare")
def draft(council: str) -> Response:
    from generator import issuing

    council_path(council)
    issuing.render(get_workspace(), [council], draft=True, register=_register())
    flash(_("A draft without a diary number was made."), "success")
    return redirect(url_for("councils.edit", council=council, _anchor="utgivning"))


@bp.get("/<council>/utkast.docx")
@requires("läsare")
def draft_file(council: str):  # type: ignore[no-untyped-def]
    council_path(council)
    path = _draft_path(council)
    if not path.is_file():
        abort(404)
    return send_file(path, as_attachment=True, download_name=path.name, max_age=0)


@bp.get("/<council>/ge-ut")
@requires("sekreterare")
def confirm_issue(council: str) -> str:
    council_path(council)
    latest = get_register().latest_for(council)
    return render_template(
        "councils/issue.html", council=council, latest=latest, today=dates.iso(dates.today())
    )


@bp.post("/<council>/ge-ut")
@requires("sekreterare")
def issue(council: str) -> Response:
    from generator import issuing
    from generator.pdf import make_pdfs
    from generator.register_access import register_path

    council_path(council)
    if request.form.get("confirm") != "yes":
        raise UsageError(_("confirm that a diary number is to be taken"))
    [written] = issuing.render(get_workspace(), [council], register=_register())
    if request.form.get("pdf") == "yes":
        try:
            made = make_pdfs(
                [written.path],
                register=register_path(get_workspace(), register_option()),
                root=get_workspace().root,
            )
            problems = [failure.problem for failure in made.failed]
        except UppdragError as err:
            problems = [str(err)]
        for problem in problems:
            flash(
                _("{dnr} was issued, but no PDF/A was made: {error}").format(
                    dnr=written.dnr, error=problem
                ),
                "error",
            )
    return redirect(url_for("councils.issued", council=council, dnr=written.dnr))


def _issue_of(council: str, dnr: str):  # type: ignore[no-untyped-def]
    found = get_register().get(dnr)
    if found is None or found.council != council:
        abort(404)
    return found


@bp.get("/<council>/handling/<dnr>")
@requires("läsare")
def issued(council: str, dnr: str) -> str:
    council_path(council)
    return _issued_page(council, _issue_of(council, dnr))


def _issued_page(council: str, found, decide_error: str = "", date: str = ""):  # type: ignore[no-untyped-def]
    files = [f for f in found.files if f.state == "written" and Path(f.path).is_file()]
    pdfs = {f.path: Path(f.path).with_suffix(".pdf").is_file() for f in files}
    return render_template(
        "councils/issued.html",
        council=council,
        issue=found,
        files=files,
        pdfs=pdfs,
        decide_error=decide_error,
        date=date,
    )


@bp.get("/<council>/handling/<dnr>/<kind>.<suffix>")
@requires("läsare")
def issued_file(council: str, dnr: str, kind: str, suffix: str):  # type: ignore[no-untyped-def]
    """A file of an issued number, as the register records it (nothing else is served)."""
    council_path(council)
    found = _issue_of(council, dnr)
    match = [f for f in found.files if f.kind == kind and f.state == "written"]
    if not match or suffix not in ("docx", "pdf"):
        abort(404)
    path = Path(match[-1].path)
    if suffix == "pdf":
        path = path.with_suffix(".pdf")
    output = get_workspace().output_dir.resolve()
    if not path.resolve().is_relative_to(output) or not path.is_file():
        abort(404)
    return send_file(path, as_attachment=True, download_name=path.name, max_age=0)


@bp.post("/<council>/beslut")
@requires("sekreterare")
def decide(council: str):  # type: ignore[no-untyped-def]
    from generator import decisions

    council_path(council)
    found = _issue_of(council, request.form.get("dnr", ""))
    text = request.form.get("date", "").strip()
    try:
        decided = dates.parse_date(text, _("Date of the decision"))
        decisions.decide(get_workspace(), found.dnr, decided, register=_register())
    except UppdragError as err:
        return _issued_page(council, found, str(err), text), status_of(err)
    flash(_("The decision date was filled in."), "success")
    return redirect(url_for("councils.issued", council=council, dnr=found.dnr))


# -- a new council -------------------------------------------------------------------------------


@bp.get("/nytt")
@requires("sekreterare")
def new() -> str:
    return render_template("councils/new.html", values={}, problems={})


@bp.post("/nytt")
@requires("sekreterare")
def create():  # type: ignore[no-untyped-def]
    values = {"id": request.form.get("id", ""), "name": request.form.get("name", "")}
    path, problems = create_council(get_workspace(), values["id"], values["name"])
    if path is None:
        return render_template("councils/new.html", values=values, problems=problems), 422
    from generator.history import record_written

    record_written(
        get_workspace(), path, author=_author(), reason=_("new council"), register=_register()
    )
    flash(
        _("The council was made from the standard clauses. Fill in what is marked ATT FYLLA I."),
        "success",
    )
    return redirect(url_for("councils.edit", council=path.stem))
