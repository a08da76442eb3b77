"""The settings and clause library, read once and again only when their file changes.

Every press of a button in the editor needs the library (to show and check clauses) and a save
needs the settings; reading ``klausuler.yaml`` with the round-trip loader takes tens of
milliseconds, more than everything else a save does.  The files are read again as soon as their
size or modification time changes, so an edit by hand or by the library page is seen at once.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from generator.model import Settings
from generator.workspace import Library, Workspace

_cache: dict[tuple[str, str], tuple[tuple[int, int], Any]] = {}
_lock = threading.Lock()


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def _cached(kind: str, path: Path, load: Any) -> Any:
    key = (kind, str(path.resolve()))
    stamp = _stat(path)
    with _lock:
        found = _cache.get(key)
    if stamp is not None and found is not None and found[0] == stamp:
        return found[1]
    value = load()  # raises DataError, as the uncached read does, and is then not remembered
    if stamp is not None and _stat(path) == stamp:
        with _lock:
            _cache[key] = (stamp, value)
    return value


def library(workspace: Workspace) -> Library:
    """:meth:`Workspace.load_library`, remembered while ``klausuler.yaml`` is unchanged."""
    return _cached("library", workspace.library_path, workspace.load_library)


def settings(workspace: Workspace) -> Settings:
    """:meth:`Workspace.load_settings`, remembered while ``installningar.yaml`` is unchanged."""
    return _cached("settings", workspace.settings_path, workspace.load_settings)
