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
def serve(host: str, port: int, threads: int) -> None:
    import waitress

    from generator.web import create_app

    root = workspace().root
    workspace().load_settings()  # refuse at once, with the usual message, outside a workspace
    app = create_app(root, {"ALLOWED_HOSTS": _allowed_hosts(host)})
    address = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    click.echo(
        _("uppdrag serves {folder} at {address} (Ctrl+C stops it)").format(
            folder=root, address=address
        )
    )
    waitress.serve(app, host=host, port=port, threads=threads, ident="uppdrag")


def _allowed_hosts(host: str) -> tuple[str, ...]:
    """The names the server answers to: this machine's, plus the address it was told to use."""
    names = {"127.0.0.1", "localhost", "::1"}
    if host not in ("0.0.0.0", "::"):
        names.add(host)
    else:
        import socket

        names.update({socket.gethostname(), socket.getfqdn()})
    return tuple(sorted(names))
