"""Save a council file from the editor: apply the changes, validate, write, tell who listens.

The same checks as the command line (:func:`generator.mandate.build_mandate`: the schema, then
the merge with the clause library), with the same messages; nothing is written while any problem
remains.  The file is written atomically, and only on top of the version the form was loaded
from: a save over a file changed meanwhile (another tab, a hand edit) is refused with both
versions, so that nothing is lost.  Every save is announced to the functions registered with
:func:`on_save` (issue 16 records the history of a council file there).
"""

from __future__ import annotations

import functools
import os
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import history
from generator.editing import document as doc
from generator.editing import section_ids, shared
from generator.editing.edits import Edit, apply
from generator.exceptions import DataError, EditConflict, Problem
from generator.loader import Loaded, load_yaml
from generator.loader.messages import display_path
from generator.loader.text import read_text
from generator.mandate import build_mandate
from generator.model import Mandate
from generator.workspace import Library, Workspace


@dataclass
class SaveResult:
    """What a save did: ``saved``, ``unchanged``, ``invalid`` (problems) or ``conflict``.

    ``text`` is the file as the edits make it (written when saved); on a conflict ``current`` is
    the file as it now is and ``text`` the secretary's version, so both can be shown.
    """

    status: str
    path: Path
    author: str
    version: str
    old_version: str
    text: str
    old_text: str = ""
    current: str = ""
    problems: list[Problem] = field(default_factory=list)
    document: Any = None
    mandate: Mandate | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("saved", "unchanged")


_listeners: list[Callable[[SaveResult], None]] = []
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def on_save(listener: Callable[[SaveResult], None]) -> None:
    """Call ``listener`` with the result of every save that wrote the file."""
    _listeners.append(listener)


def _lock(path: Path) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(str(path.resolve()), threading.Lock())


def read(path: Path) -> tuple[str, str]:
    """The council file's text and version, read as the loader reads it (size, encoding)."""
    text = read_text(path, display_path(path))
    return text, doc.version_of(path.read_bytes())


def validate(
    path: Path, text: str, library: Library, settings: Any
) -> tuple[Any, list[Problem], Mandate | None]:
    """The document of ``text`` as the file ``path``, its problems and (without any) its mandate.

    ``text`` is parsed again, so that what is checked is exactly what will be written (never the
    edited document itself: its dump is the authority) and the problems name its lines; it is
    checked exactly as the command line checks a file.
    """
    document = doc.parse(text)
    loaded = Loaded(path=path, data=document, display=display_path(path))
    try:
        return document, [], build_mandate(loaded, library, settings)
    except DataError as err:
        return document, list(err.problems), None


def register_of(workspace: Workspace, register: Path | None) -> Path:
    """The register the council's issued documents are in (``--register``'s rules)."""
    from generator.register_access import register_path

    return register_path(workspace, None if register is None else str(register))


def section_context(
    workspace: Workspace,
    path: Path,
    saved: str,
    edits: list[Edit],
    library: Library,
    register: Path | None,
) -> section_ids.Context:
    """What decides the ids of the own sections of ``path`` (as ``saved``) edited by ``edits``."""

    def shaped() -> Any:
        found = doc.load(saved)
        apply(found, [e for e in edits if e.structural], library)
        return found

    return section_ids.Context(
        doc.load(saved, for_editing=False),
        functools.cache(shaped),
        library,
        section_ids.issued_of(register_of(workspace, register), path.stem),
    )


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` all at once, on disk before it gets the name."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.chmod(tmp, path.stat().st_mode & 0o777)
        except FileNotFoundError:
            pass
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_council(
    path: Path,
    edits: list[Edit],
    expected_version: str,
    author: str,
    *,
    workspace: Workspace | None = None,
    base: str | None = None,
    reason: str = "",
    register: Path | None = None,
) -> SaveResult:
    """Apply ``edits`` to the council file ``path`` as it was at ``expected_version`` and save it.

    ``base`` is the text the form was loaded from (when the form carries it): on a conflict the
    edits are applied to it, so that the secretary's version can be shown beside the file's.
    The file is written through :func:`generator.history.save_file`: the version before it is
    kept in the history with ``author``, time and ``reason`` (``register``: the database).
    """
    ws = workspace or Workspace(path.resolve().parents[2])
    library, settings = shared.library(ws), shared.settings(ws)
    with _lock(path):
        current, version = read(path)
        if version != expected_version:
            mine = ""
            if base is not None and doc.version_of(base.encode("utf-8")) == expected_version:
                edited = doc.load(base)
                apply(edited, edits, library)
                mine = doc.dump(edited)
            return SaveResult(
                "conflict", path, author, version, expected_version, mine, base or "", current
            )
        edited = doc.load(current)
        apply(edited, edits, library)
        context = section_context(ws, path, current, edits, library, register)
        renames = section_ids.wanted_ids(edited, context)
        text = doc.dump(edited)
        document, problems, mandate = validate(path, text, library, settings)
        if renames and not problems:
            # Checked first as the form names the sections (its problems would name them so);
            # then the own sections that may follow their heading get its id.
            edited = doc.load(current)
            apply(edited, edits, library)
            section_ids.follow_headings(edited, context)
            renamed = doc.dump(edited)
            checked = validate(path, renamed, library, settings)
            if not checked[1]:
                text, (document, problems, mandate) = renamed, checked
        result = SaveResult(
            "invalid" if problems else ("unchanged" if text == current else "saved"),
            path,
            author,
            version,
            version,
            text,
            current,
            problems=problems,
            document=document,
            mandate=mandate,
        )
        if result.status == "saved":
            data = text.encode("utf-8")
            try:
                history.save_file(
                    ws, path, data, base=version, author=author, reason=reason, register=register
                )
            except EditConflict as err:  # written by another process after it was read here
                return SaveResult(
                    "conflict",
                    path,
                    author,
                    doc.version_of((err.theirs or "").encode("utf-8")),
                    expected_version,
                    text,
                    base or "",
                    err.theirs or "",
                )
            result.version = doc.version_of(data)
            _checked.add(result.version)
            # Parsed from the text written and never dumped: the page after the save reads it.
            doc.remember(result.version, document)
    if result.status == "saved":
        for listener in list(_listeners):
            listener(result)
    return result


#: Versions of council files known to pass the loader's safety checks (those this module wrote,
#: and those checked before): a file is checked once, not on every page.
_checked: set[str] = set()


def check_form_text(text: str, version: str) -> None:
    """Refuse a form's base text that this server did not hand out and that the loader would
    refuse (anchors, tags, depth, size): it is parsed, so it must be as safe as a file."""
    if version in _checked:
        return
    with tempfile.TemporaryDirectory(prefix="uppdrag-form-") as tmp:
        probe = Path(tmp) / "rad.yaml"
        probe.write_text(text, encoding="utf-8")
        try:
            load_yaml(probe)
        except DataError:
            raise doc.bad_form() from None
    _checked.add(version)


def load_for_editing(path: Path) -> tuple[Any, str, str]:
    """The round-trip document of a council file, its text and its version (refused, with the
    loader's messages, when the file cannot be read safely)."""
    text, version = read(path)
    if version not in _checked:
        load_yaml(path)  # the loader's safety checks and messages (anchors, tags, encoding, size)
        _checked.add(version)
    return doc.load(text, for_editing=False), text, version
