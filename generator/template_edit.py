"""The Word template replaced, listed and restored from its history, safely.

Every file that becomes the template, an upload or an old version (:func:`restore_template`),
goes through the same gate (:func:`replace_template`): a sane Word package, no problem the one
template check (:func:`generator.lint.template_problems`) finds, one council rendered with it;
only then is it written atomically through :mod:`generator.history`, so the
template before it is kept in the database as a version (``data_versions.content`` holds the
bytes) and a restore is a new version, never a rewrite of an old one.  The page that replaces
the template remembers the version it showed (its SHA-256); when the template was replaced after
that, nothing is written and :class:`TemplateChanged` names who replaced it and when.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import replace
from pathlib import Path

from generator import history
from generator.dates import local_time
from generator.exceptions import (
    DataError,
    EditConflict,
    Problem,
    TemplateChanged,
    UppdragError,
    UsageError,
)
from generator.i18n import _
from generator.lint import template_problems
from generator.settings_edit import normalise
from generator.workspace import Workspace


def _refuse(name: str, message: str) -> DataError:
    return DataError([Problem(name, None, None, "", message)])


def trial_render(workspace: Workspace, template_path: Path, shown: str) -> None:
    """Render the first council that loads with the template at ``template_path``: a template
    the lint passes but the renderer cannot fill is refused before it is used (``shown``: the
    file's name in the messages)."""
    from generator.councils import load_one
    from generator.render import Stamp, render_docx

    template, problems = template_problems(template_path)
    if template is None:
        raise DataError([replace(p, file=shown) for p in problems])
    settings = workspace.load_settings()
    library = workspace.load_library()
    for path in workspace.council_files():
        mandate = load_one(path, library, settings)
        if isinstance(mandate, list):
            continue  # a council with problems of its own says nothing about the template
        try:
            render_docx(template, mandate, settings, Stamp(dt.date.today(), None))
        except UppdragError as err:
            raise _refuse(shown, str(err)) from None
        except Exception as err:  # noqa: BLE001 - whatever the template makes the renderer do
            raise _refuse(
                shown,
                _("rendering the council {council} with it failed: {error}").format(
                    council=path.stem, error=err
                ),
            ) from None
        return
    raise _refuse(
        shown,
        _("no council loads without problems, so the template cannot be tried; fix them first"),
    )


def _changed(err: EditConflict) -> TemplateChanged:
    current = err.current
    if isinstance(current, history.Version):
        return TemplateChanged(
            _(
                "The template was replaced by {author} at {time}, after you opened this page; "
                "nothing was replaced. Look at its versions below and try again if yours "
                "should still replace it."
            ).format(author=current.author, time=local_time(current.timestamp))
        )
    return TemplateChanged(
        _(
            "The template was removed after you opened this page; nothing was replaced. "
            "Reload the page and try again."
        )
    )


def replace_template(
    workspace: Workspace,
    upload: Path,
    name: str,
    *,
    base: str | None,
    author: str | None = None,
    reason: str = "",
    register: Path | None = None,
    restored_from: int | None = None,
) -> history.Version:
    """Make the file ``upload`` (sent as ``name``) the workspace's template, if it is a sane
    Word package, has no problem the template check finds, renders a council, and the template
    is still the version ``base`` (its SHA-256 when the page showed it; None: there was none);
    else :class:`DataError` with the check's messages or :class:`TemplateChanged`, and the
    template is unchanged.  ``restored_from``: the id of the version it restores, if it does."""
    from generator.web.importing.safety import check_docx

    check_docx(upload, name)
    trial_render(workspace, upload, name)
    try:
        return history.save_file(
            workspace,
            workspace.template_path,
            upload.read_bytes(),
            base=base,
            author=author,
            reason=normalise(reason) or _("new template {name}").format(name=name),
            register=register,
            origin="saved" if restored_from is None else "restored",
            restored_from=restored_from,
        )
    except EditConflict as err:
        raise _changed(err) from None


def template_versions(workspace: Workspace, register: Path | None = None) -> list[history.Version]:
    """Every version of the template, oldest first (a template replaced on disk by hand is
    noticed first, as for the data files)."""
    with history.open_db(workspace, register) as db:
        return history.versions(db, workspace, workspace.template_path)


def template_version(
    workspace: Workspace, number: int, register: Path | None = None
) -> history.Version:
    """Version ``number`` (1 is the oldest) of the template; :class:`UsageError` if none."""
    with history.open_db(workspace, register) as db:
        return history.version(db, workspace, workspace.template_path, number)


def restore_template(
    workspace: Workspace,
    number: int,
    *,
    base: str | None,
    author: str | None = None,
    reason: str = "",
    register: Path | None = None,
) -> history.Version:
    """Make version ``number`` the template again, as a new version, through the same gate as
    an upload (an old template is checked again: the councils may have changed since)."""
    old = template_version(workspace, number, register)
    if old.sha256 == history.current_digest(workspace.template_path):
        raise UsageError(
            _("Version {number} is the template now; there is nothing to restore.").format(
                number=number
            )
        )
    shown = _("version {number} of the template").format(number=number)
    with tempfile.TemporaryDirectory(prefix="uppdrag-mall-") as folder:
        candidate = Path(folder) / "uppdragshandling.docx"
        candidate.write_bytes(old.content)
        return replace_template(
            workspace,
            candidate,
            shown,
            base=base,
            author=author,
            reason=normalise(reason) or _("restored version {number}").format(number=number),
            register=register,
            restored_from=old.id,
        )


__all__ = [
    "replace_template",
    "restore_template",
    "template_version",
    "template_versions",
    "trial_render",
]
