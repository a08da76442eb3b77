"""Log-in and log-out, and who each request is: accounts for shared use of one workspace.

Sessions live on the server (:mod:`generator.accounts.sessions`): the browser holds a random
token in an ``HttpOnly``, ``SameSite=Lax`` cookie, ``Secure`` when the page came over HTTPS, and
every log-in makes a new one.  Failed log-ins are recorded and slowed down, then locked.  When
``TRUSTED_PROXIES`` is configured the proxy's user name is believed from those addresses only (see
:mod:`generator.web.auth.proxy`).  Registering this blueprint plugs the accounts into
:mod:`generator.web.access`; without accounts the app stays in the local single-user mode.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from werkzeug.wrappers import Response

from generator.accounts import any_accounts, log_in, log_out
from generator.i18n import _, ngettext
from generator.web import access
from generator.web.access import public
from generator.web.auth import accounts_page, people
from generator.web.auth.people import COOKIE, database

bp = Blueprint("auth", __name__, template_folder="templates")
accounts_page.register_routes(bp)


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie (it holds the CSRF token), ``Secure`` whenever served over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        from flask import has_request_context

        configured = bool(app.config.get("SESSION_COOKIE_SECURE"))
        return configured or (has_request_context() and request.is_secure)


@bp.record_once
def _setup(state: Any) -> None:
    app: Flask = state.app
    app.session_interface = SessionInterface()
    people.init_app(app)
    proxies = tuple(app.config.get("TRUSTED_PROXIES") or ())
    if proxies:
        from generator.web.auth.proxy import TrustedProxy

        header = str(app.config.get("PROXY_USER_HEADER") or "REMOTE_USER")
        app.wsgi_app = TrustedProxy(app.wsgi_app, proxies, header)  # type: ignore[method-assign]
    app.register_error_handler(401, _to_login)


def _safe_next(target: str | None) -> str:
    """Where to go after log-in: a path of this site only (never another site's address)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/"):
            if not target.startswith("//") and "\\" not in target:
                return target
    return url_for("start.index")


def _to_login(_err: Exception) -> Response:
    """Nobody logged in: to the log-in page, and back here afterwards (GET) or to the start."""
    target = request.full_path if request.method == "GET" else None
    if target and target.endswith("?"):
        target = target[:-1]
    return redirect(url_for("auth.login", next=target), code=303)


def _wait_text(wait: timedelta) -> str:
    seconds = max(1, math.ceil(wait.total_seconds()))
    if seconds < 120:
        return ngettext("{count} second", "{count} seconds", seconds).format(count=seconds)
    minutes = math.ceil(seconds / 60)
    return ngettext("{count} minute", "{count} minutes", minutes).format(count=minutes)


@bp.get("/logga-in")
@public
def login() -> str:
    accounts = any_accounts(database())
    return render_template(
        "auth/login.html",
        accounts=accounts,
        next=request.args.get("next", ""),
        name="",
        error=None,
    )


@bp.post("/logga-in")
@public
def login_post() -> Any:
    db = database()
    name = request.form.get("name", "")
    target = request.form.get("next", "")
    result = log_in(db, name, request.form.get("password", ""), request.remote_addr)
    if result.outcome == "ok" and result.token:
        log_out(db, request.cookies.get(COOKIE))  # a session from before ends: never two
        session.clear()  # a new CSRF token too: nothing from before log-in carries over
        response = redirect(_safe_next(target), code=303)
        response.set_cookie(
            COOKIE,
            result.token,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
            path="/",
        )
        return response
    messages = {
        "wrong": _("The name or the password is wrong."),
        "disabled": _("Your account is disabled. Ask the administrator."),
        "throttled": _("Too many failed log-ins. Wait {wait} and try again."),
        "locked": _(
            "Too many failed log-ins: log-in with this name is locked for {wait}, or until "
            "an administrator sets a new password."
        ),
    }
    error = messages[result.outcome].format(wait=_wait_text(result.wait))
    status = 429 if result.outcome in ("throttled", "locked") else 200
    page = render_template(
        "auth/login.html",
        accounts=any_accounts(db),
        next=target,
        name=" ".join(name.split())[:64],
        error=error,
    )
    return page, status


@bp.post("/logga-ut")
@public
def logout() -> Response:
    log_out(database(), request.cookies.get(COOKIE))
    session.clear()
    flash(_("You are logged out."), "success")
    response = redirect(url_for("auth.login"), code=303)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="Lax")
    return response


def signed_in_by_session() -> bool:
    """Whether this request's person logged in here (and so can log out)."""
    return g.get("auth_mode") == "session" and access.current_user() is not None


@bp.app_context_processor
def _account_helpers() -> dict[str, Any]:
    return {"signed_in_by_session": signed_in_by_session}
