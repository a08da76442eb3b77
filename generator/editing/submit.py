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
from typing import Any

from generator.editing import document as doc
from generator.editing import section_ids, shared
from generator.editing.edits import Edit, action_from_form, apply, dumps, loads, texts_from_form
from generator.editing.form import Form, build_form
from generator.editing.save import (
    SaveResult,
    check_form_text,
    load_for_editing,
    save_council,
    section_context,
)
from generator.loader.messages import display_path
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
    #: Where the page's script puts the focus: the id of the part just changed, and within it the
    #: button to press again (a move), so that a keyboard user stays where they were working.
    focus: str = ""
    focus_button: str = ""


def _form(
    workspace: Workspace,
    path: Path,
    document: Any,
    saved: str,
    register: Path | None,
    pending: list[Edit] | None = None,
    **problems: Any,
) -> Form:
    """The form of ``document`` (the file as saved is ``saved``, changed by ``pending``), with
    what own sections' ids do."""
    library = shared.library(workspace)
    context = section_context(workspace, path, saved, pending or [], library, register)
    return build_form(document, library, id_notes=section_ids.notes(document, context), **problems)


def open_form(workspace: Workspace, path: Path, register: Path | None = None) -> Submission:
    """The form of the council file as it is saved now."""
    document, text, version = load_for_editing(path)
    return Submission("loaded", text, version, "", _form(workspace, path, document, text, register))


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
    library = shared.library(workspace)
    if posted.get("action") == "search":  # the clause picker: the form as it is, nothing applied
        document = doc.load(base)
        changed = apply(document, pending, library) | apply(document, texts, library)
        form = _form(workspace, path, document, base, register, pending)
        status = "pending" if changed or pending else "loaded"
        return Submission(status, base, version, dumps(pending), form, focus="klausulval")
    action = action_from_form(dict(posted))
    if action is not None:
        document = doc.load(base)
        apply(document, pending, library)
        apply(document, texts, library)
        apply(document, [action], library)
        pending.append(action)
        focus, button = focus_after(document, action)
        form = _form(workspace, path, document, base, register, pending)
        return Submission("pending", base, version, dumps(pending), form, None, focus, button)
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
        form = _form(
            workspace,
            path,
            result.document,
            base,
            register,
            pending,
            problems=result.problems,
            display=display_path(path),
        )
        return Submission("invalid", base, version, dumps(pending), form, result)
    if result.status == "conflict":
        return Submission("conflict", base, version, dumps(pending), None, result)
    return Submission(result.status, result.text, result.version, "", None, result)


def _id(prefix: str, path: list[Any]) -> str:
    return prefix + "-" + ".".join(str(step) for step in path)


def focus_after(document: Any, edit: Edit) -> tuple[str, str]:
    """The id of the part of the form that ``edit`` (just applied) changed, and the value of the
    button within it to focus (empty: its first field)."""
    if edit.action == "remove":  # the place is gone: the list it was in, or the whole form
        steps = edit.where.split("/")
        return (_id("l", steps[:-1]) if steps[-1].isdigit() else "radform"), ""
    path = doc.decode(document, edit.where) if edit.action != "part" else []
    if edit.action in ("add", "clause"):
        return _id("e", path + [len(doc.get(document, path)) - 1]), ""
    if edit.action == "part":
        return (
            "f-uppdragsgivare" if edit.value == "uppdragsgivare" else _id("l", [edit.value])
        ), ""
    if edit.action == "content":
        return _id("l", path + ["innehåll"]), ""
    if edit.action == "section":
        table = doc.get(document, path if path == ["avsnitt"] else path + ["underavsnitt"])
        return _id(
            "s", path + ([] if path == ["avsnitt"] else ["underavsnitt"]) + [list(table)[-1]]
        ), ""
    if edit.action in ("up", "down"):
        container, key = doc.parent_of(document, path)
        if isinstance(container, list):
            index = key - 1 if edit.action == "up" else key + 1
            index = min(max(index, 0), len(container) - 1)
            moved = path[:-1] + [index]
            return _id("e", moved), f"{edit.action}|{doc.encode(moved)}"
        return _id("s", path), f"{edit.action}|{edit.where}"
    if edit.action == "version":  # the own version's text, among the council's own versions
        clause_id = str(doc.get(document, path)["klausul"])
        own = document["klausuler"][clause_id]
        return (_id("f" if isinstance(own, str) else "l", ["klausuler", clause_id])), ""
    return _id("e", path), ""  # own wording: the texts now in its place
