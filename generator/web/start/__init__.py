"""The start page: every council with its current mandate, and the way to everything else."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from generator import overview
from generator.web.access import requires
from generator.web.context import get_register, get_workspace

bp = Blueprint("start", __name__, template_folder="templates")


@bp.get("/")
@requires("läsare")
def index() -> str:
    workspace = get_workspace()
    rows = overview.councils(workspace, get_register())
    return render_template(
        "start/index.html",
        rows=rows,
        checked=overview.checked(workspace),
        has=set(current_app.view_functions),
    )
