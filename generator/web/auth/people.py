"""Who is behind a request: the plug for :func:`generator.web.access.set_user_loader`.

Without accounts in the workspace, the app serves the person at this machine (a request from a
loopback address, not relayed by a proxy) under their OS user name with every role, as the
command line does; anyone else is asked to log in, which says that accounts must first be set
up.  Once any account exists, everybody logs in (or comes through a trusted proxy); the acting
person's name then goes on every register event and every saved version.
"""

from __future__ import annotations

import ipaddress
from datetime import timedelta

from flask import Flask, current_app, g, has_request_context, request

from generator import acting
from generator.accounts import WorkspaceDB, any_accounts, get_user, session_account
from generator.web import access
from generator.web.auth.proxy import ENVIRON_KEY

#: The cookie that holds the random session token (the Flask session holds only the CSRF token).
COOKIE = "uppdrag_login"


def database() -> WorkspaceDB:
    """The workspace's database for this request (the register file), closed at its end."""
    if "workspace_db" not in g:
        from generator.register_access import register_path
        from generator.web.context import get_workspace, register_option

        g.workspace_db = WorkspaceDB(register_path(get_workspace(), register_option()))
    return g.workspace_db


def _close(_error: BaseException | None = None) -> None:
    db = g.pop("workspace_db", None)
    if db is not None:
        db.close()


def idle_timeout() -> timedelta:
    return timedelta(minutes=float(current_app.config.get("SESSION_IDLE_MINUTES", 30)))


#: Headers a reverse proxy adds: a request carrying one came from elsewhere, whatever its peer.
FORWARDED = ("Forwarded", "X-Forwarded-For", "X-Real-IP")


def _at_this_machine() -> bool:
    """Whether the request comes from this machine itself, not through a proxy on it."""
    if any(name in request.headers for name in FORWARDED):
        return False
    try:
        address = request.remote_addr
        return address is not None and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def load_user() -> access.User | None:
    """The person of this request, or None (then a view asks them to log in)."""
    if not has_request_context():
        return access.local_user()
    db = database()
    proxied = request.environ.get(ENVIRON_KEY)
    if proxied:
        account = get_user(db, proxied)
        g.auth_mode = "proxy"
        if account is None or account.disabled:
            return None
        return access.User(account.name, account.role)
    if not any_accounts(db):
        g.auth_mode = "local"
        return access.local_user() if _at_this_machine() else None
    g.auth_mode = "session"
    account = session_account(db, request.cookies.get(COOKIE), idle_timeout())
    return None if account is None else access.User(account.name, account.role)


def _begin_acting() -> None:
    """Put the person's name on everything this request records."""
    if request.endpoint == "static":
        return
    user = access.current_user()
    if user is not None:
        g.acting_token = acting.begin(user.name)


def _end_acting(_error: BaseException | None = None) -> None:
    token = g.pop("acting_token", None)
    if token is not None:
        acting.end(token)


def init_app(app: Flask) -> None:
    access.set_user_loader(load_user)
    app.before_request(_begin_acting)
    app.teardown_request(_end_acting)
    app.teardown_appcontext(_close)
