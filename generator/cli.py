"""The ``uppdrag`` command: parse options, call :mod:`generator.main`, print what happened.

Nothing here does the work.  Heavy modules (docxtpl, lxml, jsonschema) are imported inside the
commands, so that ``uppdrag --help`` answers at once.  Every :class:`UppdragError` becomes its
message and exit code; anything else is an internal error, reported in one line with the path of
a full report.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any

import click

from generator.i18n import _


def _echo_error(message: str) -> None:
    click.secho(message, fg="red", err=True)


class Group(click.Group):
    """Turns user errors into messages and internal errors into a short note plus a report."""

    def invoke(self, ctx: click.Context) -> Any:
        from generator.exceptions import UppdragError

        try:
            return super().invoke(ctx)
        except UppdragError as err:
            header = _error_header(err)
            if header:
                _echo_error(header)
            _echo_error(str(err))
            ctx.exit(err.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            _echo_error(_("Interrupted."))
            ctx.exit(130)
        except Exception:
            report = _write_report()
            _echo_error(_("Internal error in uppdrag (not a mistake in your data). "
                          "Nothing was issued. Full report: {path}").format(path=report))
            ctx.exit(70)


def _error_header(err: Exception) -> str:
    from generator.exceptions import DataError

    if isinstance(err, DataError):
        count = len(err.problems)
        return _("The data has {count} problem(s); nothing was written:").format(count=count)
    return ""


def _write_report() -> str:
    fd, path = tempfile.mkstemp(prefix="uppdrag-fel-", suffix=".txt")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(f"uppdrag {' '.join(sys.argv[1:])}\n\n")
        traceback.print_exc(file=fh)
    return path


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    from generator.dates import parse_date

    return parse_date(value, f"--{param.name}")


def _workspace():
    from generator.workspace import Workspace

    return Workspace.here()


@click.group(cls=Group, help=_("Mandate documents (uppdragshandlingar) for coordination councils: "
                               "data in, dated and diary-numbered Word documents out."))
@click.version_option(package_name="uppdrag", message="uppdrag %(version)s")
def main() -> None:
    pass


@main.command(help=_("Render a new, dated and diary-numbered mandate for each council file."))
@click.argument("files", nargs=-1, required=True)
@click.option("--date", "date", callback=_date, metavar="YYYY-MM-DD",
              help=_("Document date (default: today, Stockholm time)."))
@click.option("--dnr", metavar='"RS 2024-00784"',
              help=_("A diary number assigned outside this tool (default: the next in the register)."))
@click.option("--decided", callback=_date, metavar="YYYY-MM-DD",
              help=_("Date of the decision (default: the placeholder to be filled in)."))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help=_("Output file (one council only)."))
@click.option("--output-dir", type=click.Path(file_okay=False, path_type=Path),
              help=_("Output folder (default: output/)."))
@click.option("--register", "register", type=click.Path(dir_okay=False, path_type=Path),
              help=_("Diary register (default: $UPPDRAG_REGISTER or output/diarium.sqlite)."))
@click.option("--draft", is_flag=True,
              help=_("A preview without a diary number; not registered."))
def render(files: tuple[str, ...], date: dt.date | None, dnr: str | None, decided: dt.date | None,
           output: Path | None, output_dir: Path | None, register: Path | None,
           draft: bool) -> None:
    from generator import main as work

    written = work.render(_workspace(), list(files), date=date, dnr=dnr, decided=decided,
                          output=output, output_dir=output_dir, register=register, draft=draft,
                          notify=click.echo)
    for item in written:
        click.echo(str(item.path))
