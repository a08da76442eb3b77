"""One press of a button in the editor: keep the change pending, or save all of them.

The editor's form carries the text it was loaded from (``base``), its version, and the changes of
shape not yet saved (``pending``); every button but "Spara" adds one change and shows the form
again, "Spara" applies them all with the texts and saves (:func:`~generator.editing.save_council`).
So a form works without JavaScript and nothing typed is lost between presses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.editing import document as doc
from generator.editing import shared
from generator.editing.edits import action_from_form, apply, dumps, loads, texts_from_form
from generator.editing.form import Form, build_form
from generator.editing.save import SaveResult, check_form_text, load_for_editing, save_council
from generator.loader import display_path
from generator.workspace import Workspace


@dataclass
class Submission:
    """What the page shows next: ``pending``, ``saved``, ``unchanged``, ``invalid`` or
    ``conflict``, with the form to show (not after a save) and the hidden state it carries."""

    status: str
    base: str
    version: str
    pending: str
    form: Form | None = None
    result: SaveResult | None = None


def open_form(workspace: Workspace, path: Path) -> Submission:
    """The form of the council file as it is saved now."""
    document, text, version = load_for_editing(path)
    return Submission("loaded", text, version, "", build_form(document, shared.library(workspace)))


def submit(
    workspace: Workspace,
    path: Path,
    posted: Mapping[str, str],
    author: str,
    register: Path | None = None,
) -> Submission:
    base = posted.get("base", "").replace("\r\n", "\n")
    version = posted.get("version", "")
    if doc.version_of(base.encode("utf-8")) != version:
        raise doc.bad_form()
    check_form_text(base, version)
    pending = loads(posted.get("pending", ""))
    texts = texts_from_form(dict(posted))
    action = action_from_form(dict(posted))
    library = shared.library(workspace)
    if action is not None:
        document = doc.load(base)
        apply(document, pending, library)
        apply(document, texts, library)
        apply(document, [action], library)
        pending.append(action)
        return Submission("pending", base, version, dumps(pending), build_form(document, library))
    result = save_council(
        path,
        pending + texts,
        version,
        author,
        workspace=workspace,
        base=base,
        reason=posted.get("reason", "").strip()[:500],
        register=register,
    )
    if result.status == "invalid":
        form = build_form(result.document, library, result.problems, display=display_path(path))
        return Submission("invalid", base, version, dumps(pending), form, result)
    if result.status == "conflict":
        return Submission("conflict", base, version, dumps(pending), None, result)
    return Submission(result.status, result.text, result.version, "", None, result)
