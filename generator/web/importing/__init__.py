"""Import a mandate written in Word: upload, see the report and a preview, then save.

Nothing is written until the secretary confirms: the upload is kept under ``.uppdrag/uploads/``
while the importer's non-writing step (:func:`generator.importer.import_document`) makes the
report and the preview; the confirmation calls :func:`generator.council_files.import_mandate`,
which writes the council file and records the document's number, as ``uppdrag import`` does.  The
council's id is the importer's suggestion until the secretary writes another beside the preview;
it is checked as ``uppdrag new`` checks one (:func:`generator.editing.new.council_id_problem`)
and a problem with it is shown at its field, with the preview, before anything is written.
"""

from __future__ import annotations

import secrets
import shutil
import time
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from generator.council_files import import_mandate
from generator.dnr import DiaryNumber
from generator.editing.new import council_id_problem
from generator.exceptions import DataError, UppdragError
from generator.i18n import _
from generator.importer import import_document, suggest_council_id
from generator.loader import Loaded
from generator.loader.messages import display_path
from generator.mandate import build_mandate
from generator.model import Mandate
from generator.web.access import requires
from generator.web.context import get_register, get_workspace, register_option, state_dir
from generator.web.importing.safety import check_docx
from generator.writer import safe_name

bp = Blueprint("importing", __name__, template_folder="templates", url_prefix="/import")

#: Uploads not confirmed within this many seconds are cleared away.
KEEP_UPLOADS = 24 * 3600


def _uploads() -> Path:
    folder = state_dir() / "uploads"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _clear_old(folder: Path) -> None:
    for entry in folder.iterdir():
        if entry.is_dir() and time.time() - entry.stat().st_mtime > KEEP_UPLOADS:
            shutil.rmtree(entry, ignore_errors=True)


def _upload(token: str) -> Path:
    """The file of an upload, by its token (only tokens this server made are found)."""
    if not token.isalnum():
        abort(404)
    folder = _uploads() / token
    files = sorted(folder.glob("*.docx")) if folder.is_dir() else []
    if len(files) != 1:
        abort(404)
    return files[0]


def preview_blocks(mandate: Mandate) -> list[dict[str, Any]]:
    """The mandate's body as the preview shows it: headings, paragraphs, fields, and each
    bullet list as one list."""
    blocks: list[dict[str, Any]] = []
    for item in mandate.body:
        if item.kind == "bullet":
            if blocks and blocks[-1]["kind"] == "list" and blocks[-1]["index"] == item.list_index:
                blocks[-1]["items"].append(item.text)
            else:
                blocks.append({"kind": "list", "index": item.list_index, "items": [item.text]})
        else:
            blocks.append(
                {"kind": item.kind, "text": item.text, "label": item.label, "level": item.level}
            )
    return blocks


def _problems(err: UppdragError) -> list[dict[str, str]]:
    messages = [str(p) for p in err.problems] if isinstance(err, DataError) else [str(err)]
    return [{"target": "document", "message": m} for m in messages]


@bp.get("/")
@requires("förvaltare")
def index() -> str:
    return render_template("importing/index.html", errors=[])


@bp.post("/")
@requires("förvaltare")
def upload() -> tuple[str, int] | str:
    sent = request.files.get("document")
    if sent is None or not sent.filename:
        errors = [{"target": "document", "message": _("Choose a Word file (.docx) to import.")}]
        return render_template("importing/index.html", errors=errors), 400
    original = Path(sent.filename).name
    if Path(original).suffix.lower() != ".docx":
        errors = [
            {
                "target": "document",
                "message": _("{name} is not a Word file (.docx).").format(name=original),
            }
        ]
        return render_template("importing/index.html", errors=errors), 400
    folder = _uploads()
    _clear_old(folder)
    token = secrets.token_hex(12)
    path = folder / token / f"{safe_name(Path(original).stem)}.docx"
    path.parent.mkdir(mode=0o700)
    sent.save(path)
    try:
        check_docx(path, original)
        found = _read(path)
    except UppdragError as err:
        shutil.rmtree(path.parent, ignore_errors=True)
        return render_template("importing/index.html", errors=_problems(err)), 400
    return render_template("importing/preview.html", token=token, original=original, **found)


def _read(path: Path, council: str | None = None) -> dict[str, Any]:
    """Everything the preview shows, from the importer's non-writing step; ``council`` is the id
    chosen (None: the importer's suggestion), with what is wrong with it in ``council_error``."""
    workspace = get_workspace()
    settings = workspace.load_settings()
    library = workspace.load_library()
    data, report, source = import_document(path, library, settings)
    suggested = suggest_council_id(str(data["namn"]))
    council = suggested if council is None else council.strip()
    target = workspace.councils_dir / f"{suggested}.yaml"  # names the preview's problems only
    mandate = build_mandate(Loaded(target, data, display_path(target)), library, settings)
    refusals = []
    if source.dnr and get_register().get(str(DiaryNumber.parse(source.dnr))) is not None:
        refusals.append(
            _(
                "{dnr} is already in the register; the document was imported "
                "before, or the number belongs to another document"
            ).format(dnr=source.dnr)
        )
    return {
        "report": report,
        "source": source,
        "council": council,
        "suggested": suggested,
        "council_error": council_id_problem(workspace, council),
        "mandate": mandate,
        "blocks": preview_blocks(mandate),
        "refusals": refusals,
    }


@bp.post("/<token>/spara")
@requires("förvaltare")
def confirm(token: str) -> Response | tuple[str, int]:
    from generator.history import record_written
    from generator.web import jobs
    from generator.web.access import current_user

    path = _upload(token)
    council = request.form.get("council", "").strip()
    if council_id_problem(get_workspace(), council):  # at its field, beside the preview again
        found = _read(path, council)
        return render_template(
            "importing/preview.html",
            token=token,
            original=request.form.get("original", "")[:200] or path.name,
            **found,
        ), 422
    register = register_option()
    person = current_user()
    title = _("Import of {file}").format(file=path.name)
    target = get_workspace().councils_dir / f"{council}.yaml"
    with jobs.exclusive(state_dir(), "import", title, person.name if person else "?"):
        imported = import_mandate(
            get_workspace(),
            path,
            output=target,
            register=None if register is None else Path(register),
        )
    shutil.rmtree(path.parent, ignore_errors=True)
    record_written(
        get_workspace(),
        imported.council_file,
        author=person.name if person else None,
        reason=_("imported from {file}").format(file=path.name),
        register=register,
    )
    if imported.earlier is not None and imported.earlier.dnr:
        flash(
            _("The council {council} is saved and {dnr} is recorded in the register.").format(
                council=imported.council_file.stem, dnr=imported.earlier.dnr
            ),
            "success",
        )
        return redirect(url_for("diarium.show", dnr=imported.earlier.dnr), code=303)
    flash(
        _("The council {council} is saved; the document had no number to record.").format(
            council=imported.council_file.stem
        ),
        "success",
    )
    return redirect(url_for("start.index"), code=303)


@bp.post("/<token>/avbryt")
@requires("förvaltare")
def cancel(token: str) -> Response:
    path = _upload(token)
    shutil.rmtree(path.parent, ignore_errors=True)
    flash(_("The import was cancelled; nothing was saved."), "success")
    return redirect(url_for("importing.index"), code=303)
