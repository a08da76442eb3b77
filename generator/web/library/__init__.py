"""The clause library and the re-issue after a change to it.

Each clause with the councils that use it and those with their own version; a clause's text
edited with a word diff of what changes before it is saved (:mod:`generator.library_edit`);
then the re-issue: reason and date, the dry run, the run itself as a background job
(:mod:`generator.web.jobs`), and the summary with the review copies.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

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

from generator import dates, library_edit
from generator.diarium import guess_mime
from generator.exceptions import DataError, EditConflict, UppdragError
from generator.i18n import _
from generator.web import job_lock, job_state, jobs
from generator.web.access import current_user, requires
from generator.web.context import get_workspace, register_option, state_dir
from generator.web.errors import status_of
from generator.web.library import work
from generator.writer import inside

bp = Blueprint("library", __name__, template_folder="templates", url_prefix="/bibliotek")

#: How long a request waits for a background job before it shows the progress page instead.
QUICK_JOB_SECONDS = 0.1
#: The longest reason for a re-issue (it is written into every new number's record).
MAX_REASON = 500


def _register_arg() -> Path | None:
    value = register_option()
    return None if value is None else Path(value)


def _errors_of(err: UppdragError, target: str) -> list[dict[str, str]]:
    messages = [str(p) for p in err.problems] if isinstance(err, DataError) else [str(err)]
    return [{"target": target, "message": m} for m in messages]


@bp.get("/")
@requires("läsare")
def index() -> str:
    clauses = library_edit.clause_index(get_workspace())
    return render_template("library/index.html", clauses=clauses, running=_running())


def _running() -> job_state.Job | None:
    return job_lock.current(state_dir())


def _clause_or_404(clause_id: str) -> library_edit.ClauseInfo:
    info = library_edit.clause_info(get_workspace(), clause_id)
    if info is None:
        abort(404)
    return info


@bp.get("/klausul/<clause_id>")
@requires("läsare")
def clause(clause_id: str) -> str:
    info = _clause_or_404(clause_id)
    return render_template(
        "library/clause.html",
        clause=info,
        text=info.value if info.editable else "",
        version=library_edit.version(get_workspace().library_path),
        errors=[],
    )


@bp.post("/klausul/<clause_id>/granska")
@requires("förvaltare")
def review(clause_id: str) -> tuple[str, int] | str:
    """The word diff of the proposed text, and the button that saves it (nothing written yet)."""
    info = _clause_or_404(clause_id)
    text = request.form.get("text", "")
    version = request.form.get("version", "")
    try:
        proposal = library_edit.propose(get_workspace(), clause_id, text)
    except UppdragError as err:
        page = render_template(
            "library/clause.html",
            clause=info,
            text=text,
            version=version,
            errors=_errors_of(err, "text"),
        )
        return page, 400
    return render_template(
        "library/review.html",
        clause=info,
        proposal=proposal,
        ops=[(op.kind, op.text) for op in proposal.words],
        version=version or proposal.version,
    )


@bp.post("/klausul/<clause_id>/spara")
@requires("förvaltare")
def save(clause_id: str) -> Response | tuple[str, int]:
    info = _clause_or_404(clause_id)
    text = request.form.get("text", "")
    running = _running()
    try:
        if running is not None:
            raise job_lock.JobBusy(
                _("{user} is running “{title}” (since {started}); wait until it is done.").format(
                    user=running.user, title=running.title, started=running.started
                )
            )
        user = current_user()
        library_edit.save_text(
            get_workspace(),
            clause_id,
            text,
            request.form.get("version", ""),
            author=user.name if user else None,
            register=Path(register_option()) if register_option() else None,
        )
    except UppdragError as err:
        page = render_template(
            "library/clause.html",
            clause=info,
            text=text,
            version=library_edit.version(get_workspace().library_path),
            errors=_errors_of(err, "text"),
            theirs=err.theirs if isinstance(err, EditConflict) else None,
        )
        return page, status_of(err)
    flash(
        _("Clause {id} is saved. Re-issue the mandates of the councils that use it.").format(
            id=clause_id
        ),
        "success",
    )
    return redirect(url_for("library.reissue_form", klausul=clause_id), code=303)


# -- re-issue ---------------------------------------------------------------------------------


def _reissue_input() -> tuple[str, str, list[dict[str, str]], dt.date | None]:
    reason = request.form.get("reason", "").strip()
    date_text = request.form.get("date", "").strip()
    errors: list[dict[str, str]] = []
    if not reason:
        errors.append({"target": "reason", "message": _("Say why the mandates are re-issued.")})
    elif len(reason) > MAX_REASON:
        errors.append(
            {
                "target": "reason",
                "message": _("The reason may be at most {count} characters.").format(
                    count=MAX_REASON
                ),
            }
        )
    date = None
    try:
        date = dates.parse_date(date_text, _("Date"))
    except UppdragError as err:
        errors.append({"target": "date", "message": str(err)})
    return reason, date_text, errors, date


@bp.get("/omutgivning")
@requires("läsare")
def reissue_form() -> str:
    return render_template(
        "library/reissue.html",
        reason=request.args.get("reason", ""),
        date=dates.iso(dates.today()),
        clause_id=request.args.get("klausul", ""),
        errors=[],
        running=_running(),
    )


def _start(kind: str, title: str, make: Any, next_endpoint: str) -> Response | tuple[str, int]:
    reason, date_text, errors, date = _reissue_input()
    if errors or date is None:
        page = render_template(
            "library/reissue.html",
            reason=reason,
            date=date_text,
            clause_id="",
            errors=errors,
            running=_running(),
        )
        return page, 400
    user = current_user()
    state = state_dir()
    workspace = get_workspace()
    job_work = make(workspace, reason, date, _register_arg(), current_app.config.get("JOBS"))
    job_id = jobs.new_id()
    jobs.start(
        state,
        kind,
        title,
        user.name if user else "?",
        job_work,
        next_url=url_for(next_endpoint, job_id=job_id),
        job_id=job_id,
    )
    # A few councils are done at once: straight to the result, no progress page.
    done = jobs.wait(state, job_id, timeout=QUICK_JOB_SECONDS)
    if done is not None and done.status == "done":
        return redirect(done.next_url, code=303)
    return redirect(url_for("progress.show", job_id=job_id), code=303)


@bp.post("/omutgivning/prova")
@requires("förvaltare")
def reissue_plan_start() -> Response | tuple[str, int]:
    return _start("reissue-plan", _("Dry run of the re-issue"), work.dry_run, "library.plan")


@bp.post("/omutgivning/kor")
@requires("förvaltare")
def reissue_run_start() -> Response | tuple[str, int]:
    changed_only = request.form.get("changed_only") == "1"

    def make(*args: Any) -> jobs.Work:
        return work.run(*args, changed_only=changed_only)

    return _start("reissue", _("Re-issue of the mandates"), make, "library.summary")


def _finished(job_id: str, kind: str) -> job_state.Job:
    try:
        job = job_state.load(state_dir(), job_id)
    except FileNotFoundError:
        job = None
    if job is None or job.kind != kind:
        abort(404)
    return job


@bp.get("/omutgivning/<job_id>/plan")
@requires("läsare")
def plan(job_id: str) -> Response | str:
    job = _finished(job_id, "reissue-plan")
    if job.status != "done":
        return redirect(url_for("progress.show", job_id=job.id), code=303)
    return render_template("library/plan.html", job=job, result=job.result, running=_running())


@bp.get("/omutgivning/<job_id>/sammanfattning")
@requires("läsare")
def summary(job_id: str) -> Response | str:
    job = _finished(job_id, "reissue")
    if job.status != "done":
        return redirect(url_for("progress.show", job_id=job.id), code=303)
    return render_template("library/summary.html", job=job, result=job.result)


@bp.get("/omutgivning/<job_id>/granskning/<int:index>")
@requires("läsare")
def review_copy(job_id: str, index: int) -> Response:
    """A review copy the re-issue wrote: only those its summary lists, only in output/."""
    job = _finished(job_id, "reissue")
    outcomes = job.result.get("outcomes", [])
    if not 0 <= index < len(outcomes) or not outcomes[index].get("review"):
        abort(404)
    path = inside(get_workspace().output_dir, Path(outcomes[index]["review"]))
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype=guess_mime(path), as_attachment=True, download_name=path.name)
