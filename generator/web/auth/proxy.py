"""Single sign-on through a reverse proxy: its user name trusted only from its own address.

A region's proxy (Apache, nginx, IIS) logs people in against the region's directory and passes
the name on, as the WSGI variable ``REMOTE_USER`` or in a header it sets (``X-Remote-User`` …).
A header can be sent by anyone, so the name is read only from requests whose peer address is one
of ``TRUSTED_PROXIES``; from there the ``X-Forwarded-For``/``-Proto`` headers are believed too
(the person's address, HTTPS).  The person's role still comes from ``uppdrag user``: a name the
proxy passes without an account gets nothing.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.middleware.proxy_fix import ProxyFix

#: Where the trusted name is left in the WSGI environ for the user loader.
ENVIRON_KEY = "uppdrag.proxy_user"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def networks(addresses: Iterable[str]) -> tuple[Network, ...]:
    """``["10.0.0.5", "192.0.2.0/24"]`` as networks (a single address is a /32 or /128)."""
    return tuple(ipaddress.ip_network(a.strip(), strict=False) for a in addresses if a.strip())


def trusted(peer: str | None, allowed: tuple[Network, ...]) -> bool:
    if not peer or not allowed:
        return False
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    return any(address in network for network in allowed)


class TrustedProxy:
    """WSGI middleware: the proxy's user name and forwarded headers, from trusted peers only."""

    def __init__(self, app: Callable[..., Any], proxies: Iterable[str], header: str) -> None:
        self.app = app
        self.allowed = networks(proxies)
        self.header = header
        self.fixed = ProxyFix(app, x_for=1, x_proto=1)

    def _name(self, environ: dict[str, Any]) -> str | None:
        if self.header.upper() == "REMOTE_USER":
            value = environ.get("REMOTE_USER")
        else:
            value = environ.get("HTTP_" + self.header.upper().replace("-", "_"))
        value = (value or "").strip()
        return value or None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        environ.pop(ENVIRON_KEY, None)
        if trusted(environ.get("REMOTE_ADDR"), self.allowed):
            name = self._name(environ)
            if name:
                environ[ENVIRON_KEY] = name
            return self.fixed(environ, start_response)
        return self.app(environ, start_response)
