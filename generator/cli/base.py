"""What every command shares: turning errors into messages, dates, paths as the user sees them,
tables, CSV, the progress bar, and the options several commands take (one declaration each, so
that their help reads alike everywhere).

Nothing here does the work; the commands call :mod:`generator.issuing` and friends.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from generator.i18n import _

#: The date format the options take, as their help shows it (ÅÅÅÅ-MM-DD in Swedish).
DATE_METAVAR = _("YYYY-MM-DD")
#: Exit status when the reader of the output went away (``uppdrag register list | head``): the
#: shell's own for a process ended by SIGPIPE, so a script still sees that the output was cut.
BROKEN_PIPE_EXIT = 141
#: A command's function, as click's decorators take and give it back.
FC = TypeVar("FC", bound=Callable[..., Any])


def echo_error(message: str) -> None:
    """One error, in the one style of every message: the prefix "Error:" ("Fel:") once."""
    click.secho(_("Error: {message}").format(message=message), fg="red", err=True)


class Group(click.Group):
    """Turns user errors into messages and internal errors into a short note plus a report.

    Every command added gets click's usage words ("[OPTIONS]", "COMMAND [ARGS]...") in the
    user's language, also those of command modules that do not know about it.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", _("[OPTIONS]"))
        kwargs.setdefault("subcommand_metavar", _("COMMAND [ARGS]..."))
        super().__init__(*args, **kwargs)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        if cmd.options_metavar == "[OPTIONS]":
            cmd.options_metavar = _("[OPTIONS]")
        if isinstance(cmd, click.Group) and cmd.subcommand_metavar == "COMMAND [ARGS]...":
            cmd.subcommand_metavar = _("COMMAND [ARGS]...")
        super().add_command(cmd, name)

    def invoke(self, ctx: click.Context) -> Any:
        from generator.exceptions import UppdragError

        resolved_folder.cache_clear()  # folders are resolved once per command, not for ever
        outermost = not isinstance(sys.stdout, PipeSafe)
        stdout = sys.stdout if isinstance(sys.stdout, PipeSafe) else PipeSafe(sys.stdout)
        sys.stdout = stdout  # type: ignore[assignment]
        try:
            result = super().invoke(ctx)
            if ctx.parent is None:
                sys.stdout.flush()  # a broken pipe shows here, not after the command has returned
            return result
        except BrokenPipeError:
            _quiet_stdout()
            ctx.exit(BROKEN_PIPE_EXIT)
        except UppdragError as err:
            header = error_header(err)
            echo_error(header or str(err))
            if header:
                click.secho(str(err), fg="red", err=True)
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
                    "internal error in uppdrag (not a mistake in your data). What was issued "
                    "before it is in the register (uppdrag verify). Full report: {path}"
                ).format(path=report)
            )
            ctx.exit(70)
        finally:
            if outermost:
                sys.stdout = stdout._stream
            if outermost and stdout.broken and not stdout.quiet:
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
        self.quiet = False  # a read-only command: it simply ends, as `cat` does

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
        ctx = click.get_current_context(silent=True)
        if ctx is not None and getattr(ctx.command, "read_only", False):
            # Nothing is left to do once nobody reads: end quietly (exit 141, like `cat`).
            self.quiet = True
            raise BrokenPipeError

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _quiet_stdout() -> None:
    """After a broken pipe: nothing more reaches the reader, and Python's flush at exit must not
    complain about it either (it would print "Exception ignored … BrokenPipeError")."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # pragma: no cover - no real stdout (tests)
        pass


def read_only(command: click.Command) -> click.Command:
    """Mark a command that only shows things: when its reader goes away it ends quietly, while a
    command that changes things goes on to the end (see :class:`PipeSafe`)."""
    command.read_only = True  # type: ignore[attr-defined]
    return command


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

    # The option as the user typed it: decide's --date is stored as "decided".
    long_names = [o for o in param.opts if o.startswith("--")] or [f"--{param.name}"]
    return parse_date(value, long_names[0])


#: What an option decorator is: it takes the command's function and gives it back, with a parameter.
Decorator = Callable[[FC], FC]


def date_flag(*names: str, help_text: str, required: bool = False) -> Decorator:
    """A date option: typed as ÅÅÅÅ-MM-DD (shown so in the help), given to the command as a date."""
    return click.option(
        *names, callback=date_option, metavar=DATE_METAVAR, required=required, help=help_text
    )


#: ``--date`` of a command that issues documents: the date they carry.
document_date_option = date_flag(
    "--date", "date", help_text=_("Document date (default: today, Stockholm time).")
)


def workspace():
    from generator.workspace import Workspace

    return Workspace.here()


def print_paths(
    paths: list[Path],
    pdf: bool,
    *,
    pdf_jobs: int | None = None,
    register: Path | None = None,
    drafts: bool = False,
) -> None:
    """Print each written file, and with --pdf make their archive copies (a LibreOffice pool)."""
    for path in paths:
        click.echo(display(path))
    if pdf and paths:
        make_pdfs(paths, jobs=pdf_jobs, register=register, drafts=drafts)


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


#: ``--separator`` of the CSV commands: the word for each choice, and the character.
SEPARATORS = {";": ";", ",": ",", "tab": "\t"}

separator_option = click.option(
    "--separator",
    type=click.Choice(list(SEPARATORS)),
    default=";",
    show_default=True,
    help=_("Column separator: ; opens in a Swedish Excel by double-click; , or tab for others."),
)


def write_csv(
    rows: list[dict[str, Any]],
    columns: list[str],
    output: Path | None = None,
    separator: str = ";",
) -> None:
    """CSV a spreadsheet opens into columns: UTF-8 with a BOM (Excel reads å, ä, ö right only
    then), semicolons by default (a Swedish Excel expects them, as the decimal mark is a comma),
    on the screen or into a file alike, so that ``> lista.csv`` works as well as ``-o``."""
    import csv
    import io

    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.DictWriter(
        buffer, fieldnames=columns, extrasaction="ignore", delimiter=SEPARATORS[separator]
    )
    writer.writeheader()
    writer.writerows(rows)
    if output is None:
        click.echo(buffer.getvalue(), nl=False)
    else:
        output.write_text(buffer.getvalue(), encoding="utf-8")
        click.echo(str(output))


def table(rows: list[dict[str, str]], columns: list[tuple[str, str]]) -> None:
    widths = {k: max([len(h)] + [len(str(r[k])) for r in rows]) for k, h in columns}
    click.echo("  ".join(h.ljust(widths[k]) for k, h in columns).rstrip())
    for row in rows:
        click.echo("  ".join(str(row[k]).ljust(widths[k]) for k, _h in columns).rstrip())


class Progress:
    """A progress bar with the count and the time left on a terminal; plain lines when the
    output goes to a file or a pipe (each item, and every few seconds the count and time left).
    """

    #: Seconds between two count lines in plain mode.
    EVERY = 5.0

    def __init__(self) -> None:
        self.tty = sys.stdout.isatty()
        self.bar: Any = None
        self.pace: Any = None
        self.said = 0.0

    def start(self, label: str, total: int) -> None:
        from generator.progress import Pace

        self.pace = Pace(total)
        self.said = self.pace.began
        if self.tty:
            self.bar = click.progressbar(length=total, label=label, show_pos=True, show_eta=True)
            self.bar.__enter__()
        else:
            click.echo(f"{label} ({total})")

    def advance(self, item: str) -> None:
        if self.pace is not None:
            self.pace.advance()
        if self.bar is not None:
            self.bar.update(1)
            return
        click.echo(f"  {item}")
        pace = self.pace
        if pace is not None and pace.done < pace.total and pace.clock() - self.said >= self.EVERY:
            self.said = pace.clock()
            left = pace.remaining_seconds() or 0.0
            click.echo(
                _("  {done}/{total}, about {seconds} s left").format(
                    done=pace.done, total=pace.total, seconds=round(left)
                )
            )

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
        self.pace = None


def make_pdfs(
    paths: list[Path], *, jobs: int | None, register: Path | None, drafts: bool = False
) -> None:
    """Archive copies of ``paths`` (:func:`generator.pdf.make_pdfs`), printed; the failed ones
    named one line each, and then exit code 4."""
    from generator.pdf import make_pdfs as make
    from generator.register_access import register_path

    result = make(
        paths,
        register=register_path(workspace(), register and str(register)),
        jobs=jobs,
        progress=Progress(),
        drafts=drafts,
        root=workspace().root,
    )
    report_pdfs(result)


def report_pdfs(result: Any) -> None:
    """Print the PDFs a stage made; name each failed document in one line; fail if any did."""
    from generator.exceptions import ConversionError
    from generator.i18n import ngettext

    for path in result.made:
        click.echo(display(path))
    for failure in result.failed:
        echo_error(f"{display(failure.source)}: {failure.problem}")
    if result.failed:
        count = len(result.failed)
        raise ConversionError(
            ngettext(
                "{count} document got no PDF; the {made} made are kept. "
                "uppdrag pdf --all-missing tries again.",
                "{count} documents got no PDF; the {made} made are kept. "
                "uppdrag pdf --all-missing tries again.",
                count,
            ).format(count=count, made=len(result.made) + len(result.present))
        )


pdf_jobs_option = click.option(
    "--pdf-jobs",
    type=click.IntRange(1, 64),
    metavar="N",
    help=_("LibreOffice processes for the PDFs (default: the number of cores)."),
)


def pdf_options(help_text: str) -> Decorator:
    """``--pdf`` (what it makes, in ``help_text``) followed by ``--pdf-jobs``: the pair every
    command that writes documents offers."""
    pdf = click.option("--pdf", is_flag=True, help=help_text)

    def decorate(command: FC) -> FC:
        return pdf(pdf_jobs_option(command))

    return decorate


#: ``--pdf`` and ``--pdf-jobs`` of a command that may write many documents.
each_pdf_options = pdf_options(_("Also a PDF/A-2 beside each document (LibreOffice)."))
