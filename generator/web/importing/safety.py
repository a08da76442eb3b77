"""An uploaded Word file read safely: its size, its entries and their unpacked sizes are checked
before any XML is parsed, so that a zip bomb is refused without being unpacked.

(The XML itself is parsed by :mod:`generator.importer.docx_reader` with entities unresolved and
no network, so an entity-expansion document is harmless too.)
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from generator.exceptions import DataError, Problem
from generator.i18n import _

#: A Word document has a few dozen entries; thousands means something else.
MAX_ENTRIES = 1000
#: Unpacked, a mandate is well under a megabyte; 100 MB is far beyond any real one.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
#: XML packs about ten to one; two hundred to one is a bomb.
MAX_RATIO = 200


def _refuse(name: str, message: str) -> DataError:
    return DataError([Problem(name, None, None, "", message)])


def check_docx(path: Path, name: str) -> None:
    """Refuse (:class:`DataError` naming ``name``) a file that is not a sane Word package."""
    if not zipfile.is_zipfile(path):
        raise _refuse(name, _("the file is not a Word document (.docx)"))
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise _refuse(name, _("the file is not a Word document (.docx)")) from None
    if len(entries) > MAX_ENTRIES:
        raise _refuse(
            name,
            _("the file has {count} parts, more than a Word document has ({limit})").format(
                count=len(entries), limit=MAX_ENTRIES
            ),
        )
    unpacked = 0
    for entry in entries:
        unpacked += entry.file_size
        packed = max(entry.compress_size, 1)
        if unpacked > MAX_UNPACKED_BYTES or (
            entry.file_size > 1024 * 1024 and entry.file_size / packed > MAX_RATIO
        ):
            raise _refuse(
                name,
                _("the file unpacks to far more than a Word document does; it is not read"),
            )
    if "word/document.xml" not in {entry.filename for entry in entries}:
        raise _refuse(name, _("the file is not a Word document (.docx)"))
