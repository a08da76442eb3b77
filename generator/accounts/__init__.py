"""Accounts for shared use of a workspace: people, roles, passwords, log-in and sessions.

Plain functions over the workspace's database (:class:`~generator.register.workspace_db.
WorkspaceDB`); ``uppdrag user`` and the web front end's log-in pages are thin faces over them.
"""

from __future__ import annotations

from pathlib import Path

from generator.accounts.sessions import LogIn, log_in, log_out, session_account
from generator.accounts.users import (
    Account,
    account_events,
    add_user,
    any_accounts,
    disable_user,
    enable_user,
    get_user,
    list_users,
    set_password,
    set_role,
)
from generator.register.workspace_db import WorkspaceDB


def open_db(path: str | Path, actor: str | None = None) -> WorkspaceDB:
    """The workspace's database at ``path`` (the register file)."""
    return WorkspaceDB(path, actor=actor)


__all__ = [
    "Account",
    "LogIn",
    "WorkspaceDB",
    "account_events",
    "add_user",
    "any_accounts",
    "disable_user",
    "enable_user",
    "get_user",
    "list_users",
    "log_in",
    "log_out",
    "open_db",
    "session_account",
    "set_password",
    "set_role",
]
