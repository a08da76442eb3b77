"""What every command shares: turning errors into messages, paths as the user sees them, tables,
CSV, and printing what a command wrote (with its archive copies).  The options several commands
take are in :mod:`generator.cli.options`, the progress bar in :mod:`generator.cli.progress`.

Nothing here does the work; the commands call :mod:`generator.issuing` and friends.
"""

from __future__ import annotations

import functools
import os
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any

import click

from generator.cli.options import SEPARATORS
from generator.cli.progress import Progress
from generator.i18n import _

#: Exit status when the reader of the output went away (``uppdrag register list | head``): the
#: shell's own for a process ended by SIGPIPE, so a script still sees that the output was cut.
BROKEN_PIPE_EXIT = 141


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
