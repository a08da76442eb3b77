"""The clause library seen from the councils, and a clause's text changed safely.

:func:`clause_index` tells for each clause which councils use it and which have their own
version (``klausuler:`` in the council file): what a change to the library will touch.
:func:`propose` shows the word diff of a new text and checks it with the library's schema, and
:func:`save_text` writes it back with ruamel round-trip, so that the comments and the layout of
the rest of ``data/klausuler.yaml`` stay as the secretaries wrote them.  The save is atomic and
refused when the file changed since the editor read it (its :func:`version`), so that one
person's change is never silently lost under another's.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import fastyaml, history
from generator.datacache import read_data
from generator.diff.words import WordOp, word_diff
from generator.exceptions import DataError, EditConflict, RegisterError, UsageError
from generator.i18n import _
from generator.loader import parse_text, round_trip_yaml
from generator.loader.messages import display_path
from generator.loader.text import RAW_BAD_CHAR, read_text
from generator.schema import LIBRARY_SCHEMA
from generator.validation import holds, validate
from generator.workspace import Workspace


@dataclass
class ClauseInfo:
    """One clause: its value, whether it is one text (editable here), and who depends on it."""

    id: str
    value: Any
    used_by: list[str] = field(default_factory=list)
    overridden_by: list[str] = field(default_factory=list)

    @property
    def editable(self) -> bool:
        return isinstance(self.value, str)

    @property
    def section(self) -> str:
        return self.id.split(".", 1)[0]


def version(path: Path) -> str:
    """A token of the file's exact content: a save is refused unless the file still has it."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:20]


def _references(value: Any) -> Iterator[str]:
    """Every ``klausul: id`` anywhere in a council's or a clause's data."""
    if isinstance(value, dict):
        ref = value.get("klausul")
        if isinstance(ref, str):
            yield ref
        for inner in value.values():
            yield from _references(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _references(inner)


def _council_usage(path: Path) -> tuple[frozenset[str], frozenset[str]]:
    """What one council file refers to, and the clauses it has its own version of."""
    try:
        data = read_data(path)
    except DataError:
        data = None  # the council's page and ``uppdrag check`` say what is wrong with it
    if not isinstance(data, dict):
        return frozenset(), frozenset()
    own = data.get("klausuler")
    refs = frozenset(_references({k: v for k, v in data.items() if k != "klausuler"}))
    if not isinstance(own, dict):
        return refs, frozenset()
    # A council's own version may itself refer to library clauses.
    return refs | frozenset(_references(list(own.values()))), frozenset(own)


def _used(refs: frozenset[str], overrides: frozenset[str], inner: dict[str, set[str]]) -> set[str]:
    """The library clauses a council uses: those it names, and those they are made of, but not
    those it has its own version of."""
    seen: set[str] = set()
    todo = [r for r in refs if r not in overrides]
    while todo:
        cid = todo.pop()
        if cid not in seen:
            seen.add(cid)
            todo.extend(r for r in inner.get(cid, ()) if r not in overrides)
    return seen


#: Per council file: (mtime_ns, size, library token) → (library clauses used, own versions).
_usage_cache: dict[Path, tuple[tuple[int, int, int], frozenset[str], frozenset[str]]] = {}


def _council_clauses(
    path: Path, inner: dict[str, set[str]], token: int
) -> tuple[frozenset[str], frozenset[str]]:
    """:func:`_used` and the own versions of one council, worked out once per change of the
    council file or of the library (``token``)."""
    stat = path.stat()
    key = (stat.st_mtime_ns, stat.st_size, token)
    cached = _usage_cache.get(path)
    if cached is not None and cached[0] == key:
        return cached[1], cached[2]
    refs, overrides = _council_usage(path)
    used = frozenset(_used(refs, overrides, inner))
    _usage_cache[path] = (key, used, overrides)
    return used, overrides


#: The library's clauses by (path, mtime_ns, size): read again only when the file changed.
_library_cache: dict[Path, tuple[tuple[int, int], dict[str, Any], int]] = {}
_readings = itertools.count(1)


def library_clauses(workspace: Workspace) -> tuple[dict[str, Any], int]:
    """The library's clauses, read the quick way (libyaml and the compiled schema) when the file
    is right, else by :meth:`Workspace.load_library`, which names every problem; and a token
    that changes whenever the file is read again."""
    path = workspace.library_path
    try:
        stat = path.stat()
    except FileNotFoundError:
        return dict(workspace.load_library().clauses), 0  # raises the usual "file not found"
    key = (stat.st_mtime_ns, stat.st_size)
    cached = _library_cache.get(path)
    if cached is not None and cached[0] == key:
        return cached[1], cached[2]
    loaded = fastyaml.load(path)
    if loaded is not None and holds(loaded.data, LIBRARY_SCHEMA):
        clauses = dict(loaded.data["klausuler"])
    else:
        clauses = dict(workspace.load_library().clauses)
    token = next(_readings)
    _library_cache[path] = (key, clauses, token)
    return clauses, token


def clause_index(workspace: Workspace) -> list[ClauseInfo]:
    """Every library clause in the library's order, with the councils using it and those that
    have their own version of it (a library clause used inside another counts as used)."""
    clauses, token = library_clauses(workspace)
    inner = _inner_references(clauses, token)
    infos = {cid: ClauseInfo(cid, value) for cid, value in clauses.items()}
    for path in workspace.council_files():
        name = path.stem
        used, overrides = _council_clauses(path, inner, token)
        for cid in used:
            info = infos.get(cid)
            if info is not None:
                info.used_by.append(name)
        for cid in overrides:
            info = infos.get(cid)
            if info is not None:
                info.overridden_by.append(name)
    return list(infos.values())


_inner_cache: dict[int, dict[str, set[str]]] = {}


def _inner_references(clauses: dict[str, Any], token: int) -> dict[str, set[str]]:
    """The clauses each library clause is made of (kept while the library is unchanged)."""
    inner = _inner_cache.get(token)
    if inner is None:
        inner = {cid: set(_references(value)) for cid, value in clauses.items()}
        _inner_cache.clear()
        _inner_cache[token] = inner
    return inner


def clause_info(workspace: Workspace, clause_id: str) -> ClauseInfo | None:
    return next((c for c in clause_index(workspace) if c.id == clause_id), None)


def normalise(text: str) -> str:
    """A text from a form as the library holds it: Unix line ends, no surrounding space."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _new_library_text(path: Path, clause_id: str, text: str) -> str:
    """The library file's text with one clause's text replaced, the rest as it was."""
    from generator.importer.yaml_writer import _scalar

    yaml = round_trip_yaml()
    yaml.width = 4096  # folding is decided per text by the writer, not by ruamel
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.preserve_quotes = True
    data = yaml.load(read_text(path, display_path(path)))
    clauses = data["klausuler"]
    if clause_id not in clauses:
        raise UsageError(_("unknown clause '{id}'").format(id=clause_id))
    if not isinstance(clauses[clause_id], str):
        raise UsageError(
            _("clause '{id}' holds several parts; edit it in {path}").format(
                id=clause_id, path=display_path(path)
            )
        )
    clauses[clause_id] = _scalar(text, 2 + len(clause_id) + 2, 4)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _check(path: Path, text: str) -> None:
    """The library's own checks on a proposed text: what loading it would say, with the same
    messages (file, line, field) the command line gives."""
    data = fastyaml.parse(text)
    if data is not None and holds(data, LIBRARY_SCHEMA):
        return  # right: the slow reading below is only needed to say where a problem is
    display = display_path(path)
    if RAW_BAD_CHAR.search(text):
        from generator.loader import raw_char_problems

        raise DataError(raw_char_problems(text, display))
    problems = validate(parse_text(path, text, display), LIBRARY_SCHEMA)
    if problems:
        raise DataError(problems)


@dataclass
class Proposal:
    """A clause's new text, checked, with the word diff against the current one."""

    clause_id: str
    old: str
    new: str
    words: tuple[WordOp, ...]
    version: str

    @property
    def changed(self) -> bool:
        return self.old != self.new


def propose(workspace: Workspace, clause_id: str, text: str) -> Proposal:
    """Check a new text for a clause and show what changes; nothing is written."""
    path = workspace.library_path
    new = normalise(text)
    if not new:
        raise UsageError(_("the clause's text cannot be empty"))
    token = version(path)
    clauses, _token = library_clauses(workspace)
    if clause_id not in clauses:
        raise UsageError(_("unknown clause '{id}'").format(id=clause_id))
    old = clauses[clause_id]
    if not isinstance(old, str):
        raise UsageError(
            _("clause '{id}' holds several parts; edit it in {path}").format(
                id=clause_id, path=display_path(path)
            )
        )
    # The quick check: the library's data with the new text; the file is built (slowly, with
    # ruamel) only to say where a problem is, or when the text is saved.
    if not holds(
        {**_library_data(workspace), "klausuler": {**clauses, clause_id: new}}, LIBRARY_SCHEMA
    ):
        _check(path, _new_library_text(path, clause_id, new))
    return Proposal(clause_id, old, new, word_diff(old, new), token)


def _library_data(workspace: Workspace) -> dict[str, Any]:
    data = read_data(workspace.library_path)
    return dict(data) if isinstance(data, dict) else {}


def save_text(
    workspace: Workspace,
    clause_id: str,
    text: str,
    expected: str,
    *,
    author: str | None = None,
    register: Path | None = None,
) -> Path:
    """Write a clause's new text into the library, if the file is still at ``expected``.

    Atomic (a temporary file renamed over the library), under a short lock so that two saves
    cannot both pass the version check; refused with :class:`EditConflict` (both versions of the
    clause) when the library changed since it was read, so that nobody's change is lost.  The
    save goes through :func:`generator.history.save_file`: the version before it is kept, with
    ``author`` (``register``: the database).
    """
    path = workspace.library_path
    new = normalise(text)
    if not new:
        raise UsageError(_("the clause's text cannot be empty"))
    with _locked(path):
        if version(path) != expected:
            theirs = library_clauses(workspace)[0].get(clause_id)
            raise EditConflict(
                _(
                    "{path} was changed by someone else since you opened it; nothing was saved. "
                    "Open the clause again and make your change there."
                ).format(path=display_path(path)),
                path=display_path(path),
                mine=new,
                theirs=theirs if isinstance(theirs, str) else None,
            )
        before = path.read_bytes()
        candidate = _new_library_text(path, clause_id, new)
        _check(path, candidate)
        try:
            history.save_file(
                workspace,
                path,
                candidate.encode("utf-8"),
                base=history.digest(before),
                author=author,
                reason=_("clause {id}").format(id=clause_id),
                register=register,
            )
        except EditConflict as err:  # written by another process meanwhile
            theirs = library_clauses(workspace)[0].get(clause_id)
            raise EditConflict(
                str(err),
                path=err.path,
                mine=new,
                theirs=theirs if isinstance(theirs, str) else None,
                current=err.current,
            ) from None
    return path


class _locked:
    """An exclusive lock file beside ``path`` for the few milliseconds of a save."""

    def __init__(self, path: Path, timeout: float = 5.0) -> None:
        self.lock = path.with_name(f".{path.name}.lock")
        self.timeout = timeout

    def __enter__(self) -> None:
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                os.close(os.open(self.lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
                return
            except FileExistsError:
                if time.time() - _mtime(self.lock) > 30:  # left by a killed process
                    self.lock.unlink(missing_ok=True)
                elif time.monotonic() > deadline:
                    raise RegisterError(
                        _("{path} is being saved by someone else; try again.").format(
                            path=display_path(self.lock.with_name(self.lock.name[1:-5]))
                        )
                    ) from None
                time.sleep(0.02)

    def __exit__(self, *exc: object) -> None:
        self.lock.unlink(missing_ok=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return time.time() - 60
