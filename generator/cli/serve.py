"""``uppdrag serve``: the web front end for this workspace, on this machine by default."""

from __future__ import annotations

import click

from generator.cli.base import workspace
from generator.i18n import _


@click.command(
    short_help=_("Start the web front end for this workspace."),
    help=_(
        "Start the web front end for this workspace and print its address. Only this "
        "machine can reach it unless --host says otherwise."
    ),
)
@click.option(
    "--host",
    default="127.0.0.1",
    metavar=_("ADDRESS"),
    show_default=True,
    help=_("Address to listen on (127.0.0.1: only this machine)."),
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8080,
    show_default=True,
    metavar=_("PORT"),
    help=_("The port to listen on."),
)
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    default=8,
    show_default=True,
    metavar="N",
    help=_("How many requests are served at once."),
)
@click.option(
    "--trust-proxy",
    "proxies",
    multiple=True,
    metavar=_("ADDRESS"),
    help=_(
        "Address (or network, e.g. 10.0.0.0/24) of a reverse proxy whose user name and "
        "forwarded headers are believed; may be given more than once."
    ),
)
@click.option(
    "--user-header",
    default="REMOTE_USER",
    metavar=_("HEADER"),
    show_default=True,
    help=_("Where the trusted proxy puts the user name: REMOTE_USER or a header name."),
)
@click.option(
    "--server-name",
    "names",
    multiple=True,
    metavar=_("NAME"),
    help=_("A further host name the server answers to (the name people use via the proxy)."),
)
def serve(
    host: str,
    port: int,
    threads: int,
    proxies: tuple[str, ...] = (),
    user_header: str = "REMOTE_USER",
    names: tuple[str, ...] = (),
) -> None:
    import waitress

    from generator.web import create_app

    root = workspace().root
    workspace().load_settings()  # refuse at once, with the usual message, outside a workspace
    config = {
        "ALLOWED_HOSTS": tuple(sorted({*_allowed_hosts(host), *names})),
        "TRUSTED_PROXIES": _networks(proxies),
        "PROXY_USER_HEADER": user_header,
    }
    app = create_app(root, config)
    address = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    click.echo(
        _("uppdrag serves {folder} at {address} (Ctrl+C stops it)").format(
            folder=root, address=address
        )
    )
    click.echo(_access_note())
    waitress.serve(app, host=host, port=port, threads=threads, ident="uppdrag")


def _access_note() -> str:
    """Who may come in: everyone logs in once accounts exist, else only this machine."""
    from generator.accounts import any_accounts, open_db
    from generator.register_access import register_path

    with open_db(register_path(workspace(), None)) as db:
        if any_accounts(db):
            return _("Accounts are set up: everyone logs in.")
    return _(
        "No accounts: only this machine is served, without log-in "
        "(uppdrag user add NAME --role ROLE sets them up)."
    )


def _allowed_hosts(host: str) -> tuple[str, ...]:
    """The names the server answers to: this machine's, plus the address it was told to use."""
    names = {"127.0.0.1", "localhost", "::1"}
    if host not in ("0.0.0.0", "::"):
        names.add(host)
    else:
        import socket

        names.update({socket.gethostname(), socket.getfqdn()})
    return tuple(sorted(names))


def _networks(proxies: tuple[str, ...]) -> tuple[str, ...]:
    """The proxy addresses, checked now so that a typo is a clear error, not a silent no."""
    import ipaddress

    from generator.exceptions import UsageError

    for address in proxies:
        try:
            ipaddress.ip_network(address, strict=False)
        except ValueError:
            raise UsageError(
                _("“{address}” is not an IP address or network (--trust-proxy).").format(
                    address=address
                )
            ) from None
    return proxies
