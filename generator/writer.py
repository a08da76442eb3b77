"""Write files so that an issued document is never overwritten and never half-written.

A document is written to a temporary file in its destination folder, flushed to disk, and then
hard-linked to its final name, which fails if the name exists: no check-then-write race, no
partial file under the final name, ever.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from generator.exceptions import RegisterError, UsageError
from generator.i18n import _

_UNSAFE = re.compile(r"[^0-9A-Za-zÅÄÖåäöÉéÜü_.\-]+")
#: Bytes (UTF-8) of a name part: a file name joins two (number and council) with a suffix such as
#: ``_beslutad.docx`` and must stay within the 255 bytes that file systems allow.
MAX_NAME_BYTES = 100


def safe_name(text: str) -> str:
    """A file-name-safe form of an id or a number: ``RS 2024-00784`` → ``RS_2024-00784``.

    The result is one path component inside the folder it is joined to, whatever ``text`` holds:
    only letters, digits, ``_``, ``-`` and ``.``; never empty, never starting or ending with a dot
    (so never ``.`` or ``..``, nor a hidden file); at most :data:`MAX_NAME_BYTES` bytes.
    """
    name = _UNSAFE.sub("_", unicodedata.normalize("NFC", str(text))).strip("._")
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        name = name.encode("utf-8")[:MAX_NAME_BYTES].decode("utf-8", "ignore").rstrip("._")
    return name or "_"


def inside(base: Path, path: Path) -> Path:
    """``path`` resolved, refused unless it lies inside ``base``."""
    resolved = path.resolve()
    if not resolved.is_relative_to(base.resolve()):
        raise UsageError(
            _("the path {path} lies outside the folder {base}").format(path=path, base=base)
        )
    return resolved


def write_new(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path``, which must not exist yet; atomically, or not at all.

    ``durable`` waits until the bytes are on disk before the file gets its name (``fsync``), as a
    record must; a file that can be made again from the records (a review copy) skips the wait,
    which is most of the time a big batch spends writing.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(path)
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise RegisterError(
                _(
                    "{path} already exists and is never overwritten; an issued document is kept "
                    "as it is. Re-issue the mandate (uppdrag reissue) or choose another file name."
                ).format(path=path)
            ) from None
    finally:
        tmp.unlink(missing_ok=True)


_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.tmp$")


def temp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def sweep_temps(folder: Path) -> list[Path]:
    """Remove temporary files that a killed process left behind (its pid is gone).

    Such a file never has a final name, so no record points at it: it is only litter.
    """
    from generator.register import pid_alive

    removed = []
    if not folder.is_dir():
        return removed
    for path in folder.rglob(".*.tmp"):
        match = _TEMP.match(path.name)
        if match and not pid_alive(int(match["pid"])):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def write_replaceable(path: Path, data: bytes) -> None:
    """Write a file that is not a record (a draft preview, a report): atomically, replacing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(path)
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
