"""Data files read once per change: a long-running server answers many pages from the same files.

The web app's pages list every council (its name, its recipient, the clauses it uses).  Reading a
thousand council files for each page would cost seconds even the quick way, so a file's data is
kept with its modification time and size, and read again only when either changes.  What is
handed out is shared: callers only read it.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from generator import fastyaml
from generator.loader import load_yaml

_cache: dict[Path, tuple[tuple[int, int], Any]] = {}
_lock = threading.Lock()


def read_data(path: Path) -> Any:
    """The data of a YAML file, as :func:`generator.loader.load_yaml` gives it (and with its
    :class:`~generator.exceptions.DataError` for a file with a problem, never cached)."""
    stat = path.stat()
    key = (stat.st_mtime_ns, stat.st_size)
    with _lock:
        cached = _cache.get(path)
    if cached is not None and cached[0] == key:
        return cached[1]
    data = (fastyaml.load(path) or load_yaml(path)).data
    with _lock:
        _cache[path] = (key, data)
    return data
