"""``uppdrag user``: the accounts of the web front end, kept in the workspace's database.

Run by whoever administers the server; the changes are recorded under their OS user.  Passwords
are asked twice without echo, or read from standard input (one line) when it is not a terminal,
for scripts; they are never printed or logged.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.cli.base import Group, table, workspace
from generator.cli.options import register_option
from generator.i18n import _
from generator.register.tables import ROLES

ROLE_CHOICE = click.Choice(ROLES)


def _db(register: Path | None):  # type: ignore[no-untyped-def]
    from generator.accounts import open_db
    from generator.register_access import register_path

    return open_db(register_path(workspace(), register and str(register)))


def _password() -> str:
    """The new password: asked twice on a terminal, else the first line of standard input."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    return click.prompt(
        _("Password"),
        hide_input=True,
        confirmation_prompt=_("Repeat the password"),
    )


@click.group(
    cls=Group,
    short_help=_("Accounts of the web front end."),
    help=_("Accounts of the web front end: add, list, disable, passwords."),
)
def user() -> None:
    pass


@user.command(
    "add",
    short_help=_("Add an account with a role; asks for its password."),
    help=_("Add an account with a role; asks for its password."),
)
@click.argument("name", metavar=_("NAME"))
@click.option(
    "--role", type=ROLE_CHOICE, required=True, help=_("What the person may do (the role).")
)
@register_option
def user_add(name: str, role: str, register: Path | None) -> None:
    from generator.accounts import add_user

    with _db(register) as db:
        account = add_user(db, name, role, _password())
    click.echo(_("Account {name} added with role {role}.").format(name=account.name, role=role))


@user.command(
    "list",
    short_help=_("List the accounts and their roles."),
    help=_("List the accounts and their roles."),
)
@register_option
def user_list(register: Path | None) -> None:
    from generator.accounts import list_users
    from generator.register_access import register_path

    if not register_path(workspace(), register and str(register)).exists():
        accounts = []  # reading never creates a register (an empty one would look like a diarium)
    else:
        with _db(register) as db:
            accounts = list_users(db)
    if not accounts:
        click.echo(_("No accounts: the web front end serves only this machine, without log-in."))
        return
    columns = [("name", _("Name")), ("role", _("Role")), ("state", _("State"))]
    rows = [
        {
            "name": a.name,
            "role": a.role,
            "state": _("disabled") if a.disabled else _("active"),
        }
        for a in accounts
    ]
    table(rows, columns)


@user.command(
    "disable",
    short_help=_("Disable an account; its open sessions end at once."),
    help=_("Disable an account; its open sessions end at once."),
)
@click.argument("name", metavar=_("NAME"))
@register_option
def user_disable(name: str, register: Path | None) -> None:
    from generator.accounts import disable_user

    with _db(register) as db:
        account = disable_user(db, name)
    click.echo(_("Account {name} is disabled.").format(name=account.name))


@user.command(
    "enable",
    short_help=_("Enable a disabled account again."),
    help=_("Enable a disabled account again."),
)
@click.argument("name", metavar=_("NAME"))
@register_option
def user_enable(name: str, register: Path | None) -> None:
    from generator.accounts import enable_user

    with _db(register) as db:
        account = enable_user(db, name)
    click.echo(_("Account {name} is enabled.").format(name=account.name))


@user.command(
    "passwd",
    short_help=_("Set a new password; ends the person's open sessions."),
    help=_("Set a new password; ends the person's open sessions."),
)
@click.argument("name", metavar=_("NAME"))
@register_option
def user_passwd(name: str, register: Path | None) -> None:
    from generator.accounts import get_user, set_password

    with _db(register) as db:
        if get_user(db, name) is None:  # before asking for a password it could not use
            from generator.exceptions import UsageError

            raise UsageError(_("There is no account “{name}”.").format(name=name))
        account = set_password(db, name, _password())
    click.echo(_("The password of {name} is changed.").format(name=account.name))


@user.command(
    "role", short_help=_("Give an account another role."), help=_("Give an account another role.")
)
@click.argument("name", metavar=_("NAME"))
@click.argument("role", metavar=_("ROLE"), type=ROLE_CHOICE)
@register_option
def user_role(name: str, role: str, register: Path | None) -> None:
    from generator.accounts import set_role

    with _db(register) as db:
        account = set_role(db, name, role)
    click.echo(_("{name} now has role {role}.").format(name=account.name, role=account.role))
