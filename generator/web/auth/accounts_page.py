"""The förvaltare's page of accounts: who may use the workspace, with which role.

The same plain functions as ``uppdrag user`` (:mod:`generator.accounts`); every change is
recorded with the name of the förvaltare who made it.  The recent log-in failures are shown, so
that a locked name or a guessing attempt is seen.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from generator import accounts
from generator.accounts import throttle
from generator.exceptions import UsageError
from generator.i18n import _
from generator.register.tables import ROLES
from generator.register.workspace_db import WorkspaceDB
from generator.web.access import current_user, requires


def _db() -> WorkspaceDB:
    """The database, opened with the acting förvaltare's name for the account events."""
    from generator.register_access import register_path
    from generator.web.context import get_workspace, register_option

    user = current_user()
    return WorkspaceDB(
        register_path(get_workspace(), register_option()), actor=user.name if user else None
    )


def _page(errors: list[dict[str, str]] | None = None, form: dict[str, str] | None = None) -> Any:
    with _db() as db:
        people = accounts.list_users(db)
        with db.read() as conn:
            failures = [a for a in throttle.attempts(conn) if a["outcome"] != "ok"][-20:]
    return render_template(
        "auth/accounts.html",
        people=people,
        roles=ROLES,
        failures=list(reversed(failures)),
        errors=errors or [],
        form=form or {},
    ), (400 if errors else 200)


@requires("förvaltare")
def index() -> Any:
    return _page()


@requires("förvaltare")
def add() -> Any:
    form = {k: request.form.get(k, "") for k in ("name", "role")}
    password, again = request.form.get("password", ""), request.form.get("password2", "")
    if password != again:
        return _page([{"target": "losenord2", "message": _("The two passwords differ.")}], form)
    first = False
    try:
        with _db() as db:
            first = not accounts.any_accounts(db)
            account = accounts.add_user(db, form["name"], form["role"], password)
    except UsageError as err:
        return _page([{"target": "konto-namn", "message": str(err)}], form)
    flash(
        _("Account {name} added with role {role}.").format(name=account.name, role=account.role),
        "success",
    )
    if first:
        flash(_("From now on everyone logs in, you too."), "success")
    return redirect(url_for("auth.accounts"), 303)


@requires("förvaltare")
def change(name: str) -> Response:
    action = request.form.get("action", "")
    with _db() as db:
        if action == "disable":
            account = accounts.disable_user(db, name)
            flash(_("Account {name} is disabled.").format(name=account.name), "success")
        elif action == "enable":
            account = accounts.enable_user(db, name)
            flash(_("Account {name} is enabled.").format(name=account.name), "success")
        elif action == "role":
            account = accounts.set_role(db, name, request.form.get("role", ""))
            flash(
                _("{name} now has role {role}.").format(name=account.name, role=account.role),
                "success",
            )
        else:
            raise UsageError(_("Unknown action."))
    return redirect(url_for("auth.accounts"), 303)


def register_routes(bp: Any) -> None:
    bp.add_url_rule("/konton", "accounts", index, methods=["GET"])
    bp.add_url_rule("/konton", "accounts_add", add, methods=["POST"])
    bp.add_url_rule("/konton/<name>", "accounts_change", change, methods=["POST"])
