"""The history of the workspace's data files (councils, clause library, settings) and template.

See :mod:`generator.history.versions` for saving with the version kept and conflicts refused,
:mod:`generator.history.deletions` for a file deleted on disk, :mod:`generator.history.sync`
for looking at every data file at once, and :mod:`generator.history.diff` for what changed
between any two versions.
"""

from __future__ import annotations

from generator.history.deletions import Deletion
from generator.history.diff import Line, diff_texts, diff_versions, unified
from generator.history.sync import (
    data_files,
    deleted_data_files,
    deletions_of,
    has_history,
    is_data_name,
    notice_all,
)
from generator.history.versions import (
    Version,
    current_digest,
    digest,
    key,
    notice,
    open_db,
    record_written,
    restore,
    save,
    save_file,
    version,
    versions,
)

__all__ = [
    "Deletion",
    "Line",
    "Version",
    "current_digest",
    "data_files",
    "deleted_data_files",
    "deletions_of",
    "diff_texts",
    "diff_versions",
    "digest",
    "has_history",
    "is_data_name",
    "key",
    "notice",
    "notice_all",
    "open_db",
    "record_written",
    "restore",
    "save",
    "save_file",
    "unified",
    "version",
    "versions",
]
