"""What every command shares: turning errors into messages, dates, paths as the user sees them,
tables, CSV and the progress bar.

Nothing here does the work; the commands call :mod:`generator.main` and friends.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any

import click

from generator.i18n import _


def echo_error(message: str) -> None:
    click.secho(message, fg="red", err=True)


class Group(click.Group):
    """Turns user errors into messages and internal errors into a short note plus a report."""

    def invoke(self, ctx: click.Context) -> Any:
        from generator.exceptions import UppdragError

        resolved_folder.cache_clear()  # folders are resolved once per command, not for ever
        outermost = not isinstance(sys.stdout, PipeSafe)
        stdout = sys.stdout if isinstance(sys.stdout, PipeSafe) else PipeSafe(sys.stdout)
        sys.stdout = stdout  # type: ignore[assignment]
        try:
            return super().invoke(ctx)
        except UppdragError as err:
            header = error_header(err)
            if header:
                echo_error(header)
            echo_error(str(err))
            if getattr(err, "internal", False):
                echo_error(
                    _("Full report of the internal error: {path}").format(path=write_report())
                )
            ctx.exit(err.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            echo_error(_("Interrupted."))
            ctx.exit(130)
        except Exception:
            report = write_report()
            echo_error(
                _(
                    "Internal error in uppdrag (not a mistake in your data). What was issued "
                    "before it is in the register (uppdrag verify). Full report: {path}"
                ).format(path=report)
            )
            ctx.exit(70)
        finally:
            if outermost:
                sys.stdout = stdout._stream
            if outermost and stdout.broken:
                echo_error(
                    _(
                        "The output was closed before everything was shown; the command went "
                        "on to the end, and what it did is in the register (uppdrag register "
                        "list)."
                    )
                )


class PipeSafe:
    """Standard output that a reader may close (``uppdrag reissue … | head``): what cannot be
    written any more is dropped, and the command goes on with its work, instead of stopping half
    way with an error about a pipe."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.broken = False

    def write(self, text: str) -> int:
        if not self.broken:
            try:
                self._stream.write(text)
            except BrokenPipeError:
                self._closed()
        return len(text)

    def flush(self) -> None:
        if not self.broken:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._closed()

    def _closed(self) -> None:
        self.broken = True
        try:  # Python's own flush at exit would fail on the closed pipe: point it at nothing
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):
            pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def error_header(err: Exception) -> str:
    from generator.exceptions import DataError
    from generator.i18n import ngettext

    if isinstance(err, DataError):
        count = len(err.problems)
        return ngettext(
            "The data has {count} problem; nothing was written:",
            "The data has {count} problems; nothing was written:",
            count,
        ).format(count=count)
    return ""


def write_report() -> str:
    fd, path = tempfile.mkstemp(prefix="uppdrag-fel-", suffix=".txt")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(f"uppdrag {' '.join(sys.argv[1:])}\n\n")
        traceback.print_exc(file=fh)
    return path


def date_option(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    from generator.dates import parse_date

    return parse_date(value, f"--{param.name}")


def workspace():
    from generator.workspace import Workspace

    return Workspace.here()


def print_paths(paths: list[Path], pdf: bool) -> None:
    """Print each written file, and with --pdf convert them all in one LibreOffice run."""
    for path in paths:
        click.echo(display(path))
    if pdf and paths:
        from generator.pdf import convert_to_pdf

        for path in convert_to_pdf(paths):
            click.echo(display(path))


def display(path: Path) -> str:
    """A path as the secretary typed the workspace: relative to the current folder if inside it."""
    try:
        return str(resolved(path).relative_to(resolved_folder(Path.cwd())))
    except ValueError:
        return str(path)


def resolved(path: Path) -> Path:
    """``path.resolve()``, with its folder resolved once: a batch prints thousands of files from
    a few folders, and resolving each costs a system call per component of its path."""
    if path.name in ("", ".", "..") or path.is_symlink():
        return path.resolve()
    return resolved_folder(path.parent) / path.name


@functools.lru_cache(maxsize=64)
def resolved_folder(folder: Path) -> Path:
    return folder.resolve()


register_option = click.option(
    "--register",
    "register",
    type=click.Path(dir_okay=False, path_type=Path),
    help=_("Diary register (default: $UPPDRAG_REGISTER or output/diarium.sqlite)."),
)


def write_csv(rows: list[dict[str, Any]], columns: list[str], output: Path | None = None) -> None:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    if output is None:
        click.echo(buffer.getvalue(), nl=False)
    else:
        output.write_text(buffer.getvalue(), encoding="utf-8-sig")
        click.echo(str(output))


def table(rows: list[dict[str, str]], columns: list[tuple[str, str]]) -> None:
    widths = {k: max([len(h)] + [len(str(r[k])) for r in rows]) for k, h in columns}
    click.echo("  ".join(h.ljust(widths[k]) for k, h in columns).rstrip())
    for row in rows:
        click.echo("  ".join(str(row[k]).ljust(widths[k]) for k, _h in columns).rstrip())


class Progress:
    """A progress bar on a terminal; plain lines when the output goes to a file or a pipe."""

    def __init__(self) -> None:
        self.tty = sys.stdout.isatty()
        self.bar: Any = None

    def start(self, label: str, total: int) -> None:
        if self.tty:
            self.bar = click.progressbar(length=total, label=label, show_pos=True)
            self.bar.__enter__()
        else:
            click.echo(f"{label} ({total})")

    def advance(self, item: str) -> None:
        if self.bar is not None:
            self.bar.update(1)
        else:
            click.echo(f"  {item}")

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
