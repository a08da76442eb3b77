"""The progress of a background job: a page that follows it, and its status as JSON.

The page works without JavaScript (the ``Refresh`` header reloads it while the job runs; no
inline script, which the CSP forbids); ``static/jobs.js`` polls the JSON status instead and
updates the bar in place.  A finished job's page leads on to its result.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, redirect, render_template

from generator.web import job_state
from generator.web.access import requires
from generator.web.context import state_dir

bp = Blueprint("progress", __name__, template_folder="templates", url_prefix="/jobb")

#: Seconds between reloads of the progress page without JavaScript.
REFRESH_SECONDS = 2


def _job_or_404(job_id: str) -> job_state.Job:
    try:
        job = job_state.load(state_dir(), job_id)
    except FileNotFoundError:
        job = None
    if job is None:
        abort(404)
    return job


@bp.get("/<job_id>")
@requires("läsare")
def show(job_id: str) -> Response | str:
    job = _job_or_404(job_id)
    if job.status == "done" and job.next_url:
        return redirect(job.next_url, code=303)  # type: ignore[return-value]
    response = Response(render_template("progress/show.html", job=job))
    if job.running:
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response


@bp.get("/<job_id>/status")
@requires("läsare")
def status(job_id: str) -> Response:
    job = _job_or_404(job_id)
    response = jsonify(job.status_dict())
    response.headers["Cache-Control"] = "no-store"
    return response
