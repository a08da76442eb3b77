"""The register in the browser: every number, its history, its files; verify, void, set the
next number and export for the official diarium.

The views call the same functions as ``uppdrag register`` and ``uppdrag verify``
(:mod:`generator.register_operations`, :mod:`generator.diarium`), so a refusal reads as on the
command line.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from generator import diarium, register_operations
from generator.dnr import DiaryNumber
from generator.exceptions import UppdragError
from generator.i18n import _
from generator.register import DIARIUM_COLUMNS, STATUSES, Issue
from generator.web import job_lock, job_progress, job_state, jobs
from generator.web.access import current_user, requires
from generator.web.context import get_register, get_workspace, register_option, state_dir

bp = Blueprint("diarium", __name__, template_folder="templates", url_prefix="/diarium")

#: Rows of the register shown on one page (a register of many years has thousands).
PAGE_SIZE = 100
#: How long a request waits for a background job before it shows the progress page instead.
QUICK_JOB_SECONDS = 0.1
#: The longest reason for voiding that is accepted (it goes into the register for ever).
MAX_REASON = 500


def _register_arg() -> Path | None:
    value = register_option()
    return None if value is None else Path(value)


def shown_path(path: Path | str) -> str:
    """A path as the workspace's users know it: relative to the workspace folder."""
    try:
        return str(Path(path).resolve().relative_to(get_workspace().root.resolve()))
    except ValueError:
        return str(path)


def _issue_or_404(dnr: str) -> Issue:
    number = str(DiaryNumber.parse(dnr))  # a malformed number is the user's error (400)
    issue = get_register().get(number)
    if issue is None:
        abort(404)
    return issue


@bp.get("/")
@requires("läsare")
def index() -> str:
    issues = get_register().list()
    wanted = diarium.Search(
        text=request.args.get("q", "").strip()[:200],
        council=request.args.get("rad", "").strip(),
        status=request.args.get("status", "").strip(),
        year=request.args.get("ar", "").strip(),
    )
    found = diarium.search(issues, wanted)
    pages = max(1, -(-len(found) // PAGE_SIZE))
    page = min(max(request.args.get("sida", 1, type=int) or 1, 1), pages)
    return render_template(
        "diarium/index.html",
        rows=found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        found=len(found),
        total=len(issues),
        wanted=wanted,
        councils=sorted({i.council for i in issues}),
        statuses=STATUSES,
        years=diarium.years(issues),
        page=page,
        pages=pages,
        args={k: v for k, v in request.args.items() if k != "sida"},
    )


@bp.get("/nummer/<dnr>")
@requires("läsare")
def show(dnr: str) -> str:
    issue = _issue_or_404(dnr)
    events = [
        {**event, "text": diarium.describe_event(event, shown_path)}
        for event in get_register().history(issue.dnr)
    ]
    return render_template("diarium/show.html", issue=issue, events=events, shown=shown_path)


@bp.get("/nummer/<dnr>/fil/<int:index>")
@requires("läsare")
def download(dnr: str, index: int) -> Response:
    issue = _issue_or_404(dnr)
    _record, path, mime = diarium.downloadable(issue, index, get_workspace().output_dir)
    return send_file(path, mimetype=mime, as_attachment=True, download_name=path.name)


@bp.route("/nummer/<dnr>/makulera", methods=["GET", "POST"])
@requires("registrator")
def void(dnr: str) -> BaseResponse | tuple[str, int] | str:
    issue = _issue_or_404(dnr)
    errors: list[dict[str, str]] = []
    reason = request.form.get("reason", "").strip()
    if request.method == "POST":
        if not reason:
            errors.append({"target": "reason", "message": _("Say why the number is voided.")})
        elif len(reason) > MAX_REASON:
            errors.append(
                {
                    "target": "reason",
                    "message": _("The reason may be at most {count} characters.").format(
                        count=MAX_REASON
                    ),
                }
            )
        if not errors:
            register_operations.void(get_workspace(), issue.dnr, reason, register=_register_arg())
            flash(
                _("{dnr} is voided (makulerad): {reason}").format(dnr=issue.dnr, reason=reason),
                "success",
            )
            return redirect(url_for("diarium.show", dnr=issue.dnr), code=303)
    page = render_template("diarium/void.html", issue=issue, reason=reason, errors=errors)
    return (page, 400) if errors else page


@bp.get("/kontroll")
@requires("registrator")
def verify() -> str:
    return render_template(
        "diarium/verify.html", results=None, running=job_lock.current(state_dir())
    )


@bp.post("/kontroll")
@requires("registrator")
def verify_start() -> BaseResponse:
    """Verify as a background job: hashing thousands of files takes longer than a page may."""
    workspace, register = get_workspace(), _register_arg()

    def verify_work(progress: job_progress.JobProgress) -> dict[str, Any]:
        results = diarium.verify(workspace, register, progress)
        return {"results": [{"dnr": d, "path": p, "state": s} for d, p, s in results]}

    user = current_user()
    job_id = jobs.new_id()
    jobs.start(
        state_dir(),
        "verify",
        _("Verify the issued files"),
        user.name if user else "?",
        verify_work,
        next_url=url_for("diarium.verify_result", job_id=job_id),
        job_id=job_id,
    )
    # A small register is verified at once: straight to the result, no progress page.
    done = jobs.wait(state_dir(), job_id, timeout=QUICK_JOB_SECONDS)
    if done is not None and done.status == "done":
        return redirect(done.next_url, code=303)
    return redirect(url_for("progress.show", job_id=job_id), code=303)


@bp.get("/kontroll/<job_id>")
@requires("registrator")
def verify_result(job_id: str) -> BaseResponse | str:
    try:
        job = job_state.load(state_dir(), job_id)
    except FileNotFoundError:
        job = None
    if job is None or job.kind != "verify":
        abort(404)
    if job.status != "done":
        return redirect(url_for("progress.show", job_id=job.id), code=303)
    found = job.result.get("results", [])
    # What differs from the register first; a page of PAGE_SIZE files (a register holds many).
    bad = [r for r in found if r["state"] != "ok"]
    ordered = bad + [r for r in found if r["state"] == "ok"]
    pages = max(1, -(-len(ordered) // PAGE_SIZE))
    page = min(max(request.args.get("sida", 1, type=int) or 1, 1), pages)
    shown = ordered[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return render_template(
        "diarium/verify.html",
        results=[{**r, "path": shown_path(r["path"])} for r in shown],
        bad=len(bad),
        total=len(found),
        page=page,
        pages=pages,
        job=job,
        running=None,
    )


@bp.route("/nasta-nummer", methods=["GET", "POST"])
@requires("registrator")
def set_next() -> BaseResponse | tuple[str, int] | str:
    errors: list[dict[str, str]] = []
    value = request.form.get("dnr", "").strip()
    if request.method == "POST":
        try:
            number = str(DiaryNumber.parse(value))
            register_operations.set_next(get_workspace(), number, register=_register_arg())
        except UppdragError as err:
            errors.append({"target": "dnr", "message": str(err)})
        else:
            flash(_("The next number will be {dnr}.").format(dnr=number), "success")
            return redirect(url_for("diarium.index"), code=303)
    page = render_template("diarium/set_next.html", value=value, errors=errors)
    return (page, 400) if errors else page


@bp.get("/export.csv")
@requires("registrator")
def export() -> Response:
    from generator.editing.shared import settings  # kept while installningar.yaml is unchanged

    workspace = get_workspace()
    rows = diarium.diarium_rows(workspace, register=_register_arg(), settings=settings(workspace))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(DIARIUM_COLUMNS), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    # With a byte order mark, as `uppdrag register export -o`: Excel then reads it as UTF-8.
    return Response(
        "\ufeff" + buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=diarium.csv"},
    )
