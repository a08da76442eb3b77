"""Who is asking, and may they: the roles of the web front end, checked on the server.

Roles, each allowed everything the one before may do: **läsare** reads and downloads,
**sekreterare** edits councils, makes drafts, issues and decides, **registrator** voids, sets the
next number, exports and verifies, **förvaltare** edits the clause library, settings and
template, re-issues, imports and manages users.

Every view states the role it needs with :func:`requires`; templates ask :func:`can` so that a
page shows only what its reader may do.  Until accounts are set up (``uppdrag user``), the app runs
for the one person at this machine (``127.0.0.1``) under their OS user name, with every role: the
same trust as the command line.  :func:`set_user_loader` is where accounts plug in.
"""

from __future__ import annotations

import functools
import getpass
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, abort, g

from generator.register.tables import ROLES

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class User:
    """The person behind a request: the name recorded in the register, and their role."""

    name: str
    role: str


def allows(role: str, needed: str) -> bool:
    """Whether ``role`` may do what ``needed`` may (roles are ordered, each a superset)."""
    return ROLES.index(role) >= ROLES.index(needed)


def local_user() -> User | None:
    """Without accounts: whoever runs the server, with every role, as on the command line."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # pragma: no cover - no user name in some containers
        name = "uppdrag"
    return User(name=name, role=ROLES[-1])


_loader: Callable[[], User | None] = local_user


def set_user_loader(loader: Callable[[], User | None]) -> None:
    """Use ``loader`` to find the person of each request (None: nobody is logged in)."""
    global _loader
    _loader = loader


def current_user() -> User | None:
    if "user" not in g:
        g.user = _loader()
    return g.user


def can(needed: str) -> bool:
    """Whether the person of this request may do what role ``needed`` may (for templates)."""
    user = current_user()
    return user is not None and allows(user.role, needed)


def requires(needed: str) -> Callable[[F], F]:
    """Refuse the view (401 without a person, 403 without the role) before it does anything."""
    if needed not in ROLES:
        raise ValueError(f"unknown role {needed!r}")

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                abort(401)
            if not allows(user.role, needed):
                abort(403)
            return view(*args, **kwargs)

        checked.required_role = needed  # type: ignore[attr-defined]
        return checked  # type: ignore[return-value]

    return decorate


def public(view: F) -> F:
    """Mark a view that everyone may reach, logged in or not (the log-in page itself)."""
    view.required_role = None  # type: ignore[attr-defined]
    return view


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(can=can, current_user=current_user)
