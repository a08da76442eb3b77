"""The history of the workspace's data files (councils, clause library, settings).

See :mod:`generator.history.versions` for saving with the version kept and conflicts refused,
and :mod:`generator.history.diff` for what changed between any two versions.
"""

from __future__ import annotations

from generator.history.diff import Line, diff_texts, diff_versions, unified
from generator.history.versions import (
    Version,
    current_digest,
    data_files,
    digest,
    key,
    notice,
    notice_all,
    record_written,
    restore,
    save,
    save_file,
    version,
    versions,
)

__all__ = [
    "Line",
    "Version",
    "current_digest",
    "data_files",
    "diff_texts",
    "diff_versions",
    "digest",
    "key",
    "notice",
    "notice_all",
    "record_written",
    "restore",
    "save",
    "save_file",
    "unified",
    "version",
    "versions",
]
