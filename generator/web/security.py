"""Safe even on 127.0.0.1: CSRF tokens, the Host header checked, strict security headers.

A page on another site can make the browser send requests to a server on the secretary's own
machine (cross-site request forgery), and a hostile DNS name can be pointed at 127.0.0.1 (DNS
rebinding).  So every state-changing request carries a CSRF token (Flask-WTF), requests whose
``Host`` is not one of ours are refused, and the pages forbid framing and foreign scripts.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask, Response, abort, current_app, request
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def secret_key(workspace: Path) -> str:
    """The workspace's key for signing sessions and CSRF tokens, made once and kept private.

    Kept in ``.uppdrag/secret_key`` (mode 0600) so that a restart of the server does not
    invalidate the forms that secretaries have open.
    """
    folder = workspace / ".uppdrag"
    folder.mkdir(mode=0o700, exist_ok=True)
    path = folder / "secret_key"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key


def _host_name(host: str) -> str:
    """``127.0.0.1:8080`` → ``127.0.0.1``; ``[::1]:8080`` → ``::1``."""
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def check_host() -> None:
    """Refuse a request whose Host header is not one this server answers to (DNS rebinding)."""
    allowed = current_app.config["ALLOWED_HOSTS"]
    if "*" in allowed:
        return
    if _host_name(request.host.lower()) not in allowed:
        abort(400, description="host")


def add_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    app.before_request(check_host)
    app.after_request(add_headers)
