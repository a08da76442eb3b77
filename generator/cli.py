"""The ``uppdrag`` command: parse options, call :mod:`generator.main`, print what happened.

Nothing here does the work.  Heavy modules (docxtpl, lxml, jsonschema) are imported inside the
commands, so that ``uppdrag --help`` answers at once.  Every :class:`UppdragError` becomes its
message and exit code; anything else is an internal error, reported in one line with the path of
a full report.
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

from generator.i18n import _, install_click_translations

# Before any decorator runs: click fixes some words (click.Path's "file") when commands are built.
install_click_translations()


def _echo_error(message: str) -> None:
    click.secho(message, fg="red", err=True)


class Group(click.Group):
    """Turns user errors into messages and internal errors into a short note plus a report."""

    def invoke(self, ctx: click.Context) -> Any:
        from generator.exceptions import UppdragError

        _resolved_folder.cache_clear()  # folders are resolved once per command, not for ever
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
            _echo_error(
                _(
                    "Internal error in uppdrag (not a mistake in your data). "
                    "Nothing was issued. Full report: {path}"
                ).format(path=report)
            )
            ctx.exit(70)


def _error_header(err: Exception) -> str:
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


@click.group(
    cls=Group,
    help=_(
        "Mandate documents (uppdragshandlingar) for coordination councils: "
        "data in, dated and diary-numbered Word documents out."
    ),
)
@click.version_option(package_name="uppdrag", message="uppdrag %(version)s")
def main() -> None:
    pass


@main.command(help=_("Render a new, dated and diary-numbered mandate for each council file."))
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--date",
    "date",
    callback=_date,
    metavar="YYYY-MM-DD",
    help=_("Document date (default: today, Stockholm time)."),
)
@click.option(
    "--dnr",
    metavar='"RS 2024-00784"',
    help=_("A diary number assigned outside this tool (default: the next in the register)."),
)
@click.option(
    "--decided",
    callback=_date,
    metavar="YYYY-MM-DD",
    help=_("Date of the decision (default: the placeholder to be filled in)."),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help=_("Output file (one council only)."),
)
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help=_("Output folder (default: output/)."),
)
@click.option(
    "--register",
    "register",
    type=click.Path(dir_okay=False, path_type=Path),
    help=_("Diary register (default: $UPPDRAG_REGISTER or output/diarium.sqlite)."),
)
@click.option("--draft", is_flag=True, help=_("A preview without a diary number; not registered."))
@click.option("--pdf", is_flag=True, help=_("Also a PDF/A-2 beside each document (LibreOffice)."))
def render(
    files: tuple[str, ...],
    date: dt.date | None,
    dnr: str | None,
    decided: dt.date | None,
    output: Path | None,
    output_dir: Path | None,
    register: Path | None,
    draft: bool,
    pdf: bool,
) -> None:
    from generator import main as work

    written = work.render(
        _workspace(),
        list(files),
        date=date,
        dnr=dnr,
        decided=decided,
        output=output,
        output_dir=output_dir,
        register=register,
        draft=draft,
        notify=click.echo,
    )
    _print_paths([item.path for item in written], pdf)


def _print_paths(paths: list[Path], pdf: bool) -> None:
    """Print each written file, and with --pdf convert them all in one LibreOffice run."""
    for path in paths:
        click.echo(_display(path))
    if pdf and paths:
        from generator.pdf import convert_to_pdf

        for path in convert_to_pdf(paths):
            click.echo(_display(path))


def _display(path: Path) -> str:
    """A path as the secretary typed the workspace: relative to the current folder if inside it."""
    try:
        return str(_resolved(path).relative_to(_resolved_folder(Path.cwd())))
    except ValueError:
        return str(path)


def _resolved(path: Path) -> Path:
    """``path.resolve()``, with its folder resolved once: a batch prints thousands of files from
    a few folders, and resolving each costs a system call per component of its path."""
    if path.name in ("", ".", "..") or path.is_symlink():
        return path.resolve()
    return _resolved_folder(path.parent) / path.name


@functools.lru_cache(maxsize=64)
def _resolved_folder(folder: Path) -> Path:
    return folder.resolve()


_register_option = click.option(
    "--register",
    "register",
    type=click.Path(dir_okay=False, path_type=Path),
    help=_("Diary register (default: $UPPDRAG_REGISTER or output/diarium.sqlite)."),
)


@main.command(
    help=_(
        "Fill in the decision date: writes the decided version of an issued draft "
        "as a new file of the same number."
    )
)
@click.argument("dnr")
@click.option(
    "--date",
    "decided",
    callback=_date,
    required=True,
    metavar="YYYY-MM-DD",
    help=_("Date of the decision."),
)
@_register_option
@click.option("--pdf", is_flag=True, help=_("Also a PDF/A-2 beside the document (LibreOffice)."))
def decide(dnr: str, decided: dt.date, register: Path | None, pdf: bool) -> None:
    from generator import main as work

    written = work.decide(_workspace(), dnr, decided, register=register, notify=click.echo)
    _print_paths([written.path], pdf)


@main.command(help=_("Check every issued file against the SHA-256 recorded in the register."))
@_register_option
def verify(register: Path | None) -> None:
    from generator import main as work

    results = work.verify(_workspace(), register=register)
    bad = [r for r in results if r[2] != "ok"]
    labels = {"modified": _("MODIFIED"), "missing": _("MISSING")}
    for dnr, path, state in bad:
        click.secho(f"{labels[state]}  {dnr}  {_display(Path(path))}", fg="red")
    if bad:
        click.echo(
            _("{bad} of {total} issued files differ from the register.").format(
                bad=len(bad), total=len(results)
            ),
            err=True,
        )
        sys.exit(1)
    from generator.i18n import ngettext

    click.echo(
        ngettext(
            "The issued file is as registered.",
            "All {total} issued files are as registered.",
            len(results),
        ).format(total=len(results))
    )


@main.group(cls=Group, help=_("Read and maintain the diary register (diarium)."))
def register() -> None:
    pass


@register.command("list", help=_("List the register's numbers."))
@click.option("--council", help=_("Only this council (its id, e.g. onkologi)."))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@_register_option
def register_list(council: str | None, fmt: str, register: Path | None) -> None:
    from generator import main as work
    from generator.register import issues_as_dicts

    rows = issues_as_dicts(work.list_issues(_workspace(), council=council, register=register))
    if fmt == "json":
        import json

        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        from generator.register import ISSUE_COLUMNS

        _write_csv(rows, list(ISSUE_COLUMNS))
    else:
        columns = [
            ("dnr", _("Number")),
            ("council", _("Council")),
            ("date", _("Date")),
            ("decided", _("Decided")),
            ("status", _("Status")),
            ("supersedes", _("Supersedes")),
        ]
        _table([{k: (r[k] or "") for k, _h in columns} for r in rows], columns)


@register.command("show", help=_("The whole history of one diary number."))
@click.argument("dnr")
@_register_option
def register_show(dnr: str, register: Path | None) -> None:
    from generator import main as work

    issue, events = work.show(_workspace(), dnr, register=register)
    click.echo(f"{issue.dnr}  {issue.subject}")
    click.echo(_("Status: {status}").format(status=issue.status))
    if issue.supersedes:
        click.echo(_("Supersedes: {dnr}").format(dnr=issue.supersedes))
    if issue.superseded_by:
        click.echo(_("Superseded by: {dnr}").format(dnr=issue.superseded_by))
    if issue.reason:
        click.echo(_("Reason: {reason}").format(reason=issue.reason))
    for f in issue.files:
        click.echo(f"  {f.kind:9} {_display(Path(f.path))}  {f.sha256 or ''}")
    click.echo(_("History:"))
    for event in events:
        click.echo(f"  {event['timestamp']}  {_describe_event(event)}  ({event['actor']})")


def _describe_event(event: dict[str, Any]) -> str:
    """One line of a number's history, in the registrar's words."""
    detail = event.get("detail") or {}
    path = _display(Path(detail["path"])) if detail.get("path") else ""
    texts = {
        "reserved": _("number taken for {subject}").format(subject=detail.get("subject", "")),
        "written": _("file written: {path}").format(path=path),
        "superseded": _("superseded by {dnr}: {reason}").format(
            dnr=detail.get("by", ""), reason=detail.get("reason") or "–"
        ),
        "supersede_skipped": _(
            "the number it replaces was not superseded (status {status})"
        ).format(status=detail.get("status", "")),
        "voided": _("voided: {reason}").format(reason=detail.get("reason", "")),
        "pending_file_dropped": _("an unwritten file was dropped: {path}").format(path=path),
        "decided_reserved": _("decision date {date} to be written: {path}").format(
            date=detail.get("decided", ""), path=path
        ),
        "set_next": _("next number set to {serial}").format(serial=detail.get("next", "")),
    }
    return texts.get(event["event"], event["event"])


@register.command("void", help=_("Void (makulera) a number, with a reason. Nothing is deleted."))
@click.argument("dnr")
@click.option("--reason", required=True, help=_("Why the number is voided."))
@_register_option
def register_void(dnr: str, reason: str, register: Path | None) -> None:
    from generator import main as work

    issue = work.void(_workspace(), dnr, reason, register=register)
    click.echo(_("{dnr} is voided (makulerad): {reason}").format(dnr=issue.dnr, reason=reason))


@register.command(
    "set-next",
    help=_(
        'Set the next number of a series, e.g. "RS 2026-01234", to '
        "continue the official diarium's sequence."
    ),
)
@click.argument("dnr")
@_register_option
def register_set_next(dnr: str, register: Path | None) -> None:
    from generator import main as work

    work.set_next(_workspace(), dnr, register=register)
    click.echo(_("The next number will be {dnr}.").format(dnr=dnr))


@register.command(
    "export",
    help=_(
        "CSV for import into the official diarium: number, date, "
        "subject line, document type, sender, recipient."
    ),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help=_("Write to this file instead of the screen."),
)
@_register_option
def register_export(output: Path | None, register: Path | None) -> None:
    from generator import main as work

    rows = work.diarium_rows(_workspace(), register=register)
    from generator.register import DIARIUM_COLUMNS

    _write_csv(rows, list(DIARIUM_COLUMNS), output)


def _write_csv(rows: list[dict[str, Any]], columns: list[str], output: Path | None = None) -> None:
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


def _table(rows: list[dict[str, str]], columns: list[tuple[str, str]]) -> None:
    widths = {k: max([len(h)] + [len(str(r[k])) for r in rows]) for k, h in columns}
    click.echo("  ".join(h.ljust(widths[k]) for k, h in columns).rstrip())
    for row in rows:
        click.echo("  ".join(str(row[k]).ljust(widths[k]) for k, _h in columns).rstrip())


class _Progress:
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


@main.command(
    help=_(
        "Re-issue mandates after a policy change: a new number for each council, "
        "naming the number it replaces, with the changes shown."
    )
)
@click.argument("councils", nargs=-1)
@click.option("--all", "all_councils", is_flag=True, help=_("Every council in data/councils/."))
@click.option("--reason", required=True, help=_("Why the mandates are re-issued (recorded)."))
@click.option(
    "--date",
    "date",
    callback=_date,
    metavar="YYYY-MM-DD",
    help=_("Document date (default: today, Stockholm time)."),
)
@click.option(
    "--dry-run",
    is_flag=True,
    help=_("Show what would change; change nothing, on disk or in the register."),
)
@click.option(
    "--changed-only", is_flag=True, help=_("Re-issue only the councils whose text changed.")
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    metavar="N",
    help=_("Render in N processes (default: the number of cores)."),
)
@_register_option
@click.option("--pdf", is_flag=True, help=_("Also a PDF/A-2 beside each document (LibreOffice)."))
def reissue(
    councils: tuple[str, ...],
    all_councils: bool,
    reason: str,
    date: dt.date | None,
    dry_run: bool,
    changed_only: bool,
    jobs: int | None,
    register: Path | None,
    pdf: bool,
) -> None:
    from generator import reissue as work
    from generator.exceptions import UsageError

    if all_councils == bool(councils):
        raise UsageError(_("name the councils to re-issue, or give --all (not both)"))
    result = work.reissue(
        _workspace(),
        list(councils),
        reason=reason,
        date=date,
        dry_run=dry_run,
        changed_only=changed_only,
        jobs=jobs,
        register=register,
        notify=click.echo,
        progress=_Progress(),
    )
    if dry_run:
        click.echo(work.describe(result.plans, color=sys.stdout.isatty()))
        click.echo(_("Dry run: nothing was issued or written."))
        return
    rows = [
        {
            "council": o.council,
            "change": f"{o.old or '–'} → {o.new or '–'}",
            "paragraphs": "" if o.paragraphs_changed is None else str(o.paragraphs_changed),
            "note": o.note,
        }
        for o in result.outcomes
    ]
    _table(
        rows,
        [
            ("council", _("Council")),
            ("change", _("Old → new number")),
            ("paragraphs", _("Paragraphs changed")),
            ("note", ""),
        ],
    )
    issued = [o for o in result.outcomes if o.issued and o.path]
    _print_paths([o.path for o in issued if o.path], pdf)
    if pdf:
        # Documents an interrupted run of this batch wrote before it could make their PDFs.
        late = [
            o.path
            for o in result.outcomes
            if not o.issued
            and o.new
            and o.path
            and o.path.exists()
            and not o.path.with_suffix(".pdf").exists()
        ]
        if late:
            _print_paths(late, True)
    for o in issued:
        if o.review:
            click.echo(_display(o.review))


@main.command(help=_("Check the data and the template without rendering anything."))
@click.argument("paths", nargs=-1)
@click.option(
    "--a11y",
    "a11y_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="FILE.docx",
    help=_("Also check a rendered document's accessibility."),
)
def check(paths: tuple[str, ...], a11y_files: tuple[Path, ...]) -> None:
    from generator.check import check as run_check

    findings = run_check(_workspace(), list(paths))
    for problem in findings.errors:
        click.secho(_("error: {problem}").format(problem=problem), fg="red", err=True)
    for problem in findings.warnings:
        click.secho(_("warning: {problem}").format(problem=problem), fg="yellow", err=True)
    failed = not findings.ok
    for path in a11y_files:
        failed = _check_a11y(path) or failed
    if failed:
        sys.exit(2)
    click.echo(
        _("OK: {count} files checked, {warnings} warning(s).").format(
            count=len(findings.checked), warnings=len(findings.warnings)
        )
    )


def _check_a11y(path: Path) -> bool:
    """Print the accessibility findings of one document; True when there are any."""
    from generator.a11y import check_docx

    findings = check_docx(path)
    for finding in findings:
        click.secho(f"{path}: {finding.where}: {finding.message}", fg="red", err=True)
    if not findings:
        click.echo(
            _("{path}: accessible (headings, lists, language, title, links)").format(path=path)
        )
    return bool(findings)


@main.command(help=_("Draw a Word document as page images (PNG), as LibreOffice lays it out."))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help=_("Folder for the images (default: beside the document)."),
)
@click.option(
    "--dpi",
    type=click.IntRange(30, 300),
    default=80,
    show_default=True,
    help=_("Resolution of the images."),
)
def preview(file: Path, output_dir: Path | None, dpi: int) -> None:
    from generator.pdf import preview_png

    for path in preview_png(file, output_dir or file.parent, dpi=dpi):
        click.echo(_display(path))


@main.command(
    "import",
    help=_(
        "Import an existing mandate (.docx, or a text export) into a council "
        "file, with the standard clauses recognised, and record it in the "
        "register as the council's earlier issue."
    ),
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help=_(
        "Council file to write (default: data/councils/<id>.yaml, the id taken from "
        "the council's name)."
    ),
)
@_register_option
def import_(file: Path, output: Path | None, register: Path | None) -> None:
    from generator import main as work

    imported = work.import_mandate(
        _workspace(), file, output=output, register=register, notify=click.echo
    )
    for line in imported.report.lines():  # type: ignore[attr-defined]
        click.echo(line)
    click.echo(_("Written: {path}").format(path=_display(imported.council_file)))
    if imported.earlier is not None:
        click.echo(
            _("Registered as the earlier issue {dnr}: {path}").format(
                dnr=imported.earlier.dnr, path=_display(imported.earlier.path)
            )
        )


@main.command(
    "new",
    help=_(
        "Start a council file with the standard clauses; what only the council "
        "can say is marked ATT FYLLA I."
    ),
)
@click.argument("council_id")
@click.option(
    "--name", required=True, help=_('The council\'s name, e.g. "Samordningsråd kirurgi".')
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help=_("File to write (default: data/councils/<id>.yaml)."),
)
def new(council_id: str, name: str, output: Path | None) -> None:
    from generator import main as work

    target, unfilled = work.new_council_file(_workspace(), council_id, name, output)
    click.echo(_("Written: {path}").format(path=_display(target)))
    for field, line in unfilled:
        click.echo(
            _("{path}:{line}: {field}: to fill in").format(
                path=_display(target), line=line, field=field
            )
        )
