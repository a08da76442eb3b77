"""The start page: every council with its current mandate, and the way to everything else."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from generator import overview
from generator.web.access import requires
from generator.web.context import get_register, get_workspace

bp = Blueprint("start", __name__, template_folder="templates")


@bp.get("/")
@requires("läsare")
def index() -> str:
    workspace = get_workspace()
    paths = workspace.council_files()  # listed once, for the list and for the check's stamp
    checked = overview.checked(workspace, paths)
    text = request.args.get("q", "").strip()[:200]
    remarks = request.args.get("anmarkningar") == "ja"
    listing = overview.listing(
        workspace,
        get_register(),
        checked,
        text=text,
        remarks=remarks,
        page=request.args.get("sida", 1, type=int) or 1,
        paths=paths,
    )
    return render_template(
        "start/index.html",
        listing=listing,
        rows=listing.rows,
        text=text,
        remarks=remarks,
        args={k: v for k, v in request.args.items() if k != "sida"},
        checked=checked,
        has=set(current_app.view_functions),
    )
