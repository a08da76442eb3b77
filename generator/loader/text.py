"""A data file as text: read safely, and the characters no text may hold.

Reading is bounded (a path may be ``/dev/zero``) and refuses what is not UTF-8 text before any
YAML parser sees it, so that a secretary who saved in the wrong format hears so in plain words.
The forbidden characters are defined here once: the loader finds them in the raw file, the schema
builds its text patterns from them, and the renderer checks them one last time before the XML.
"""

from __future__ import annotations

import re
from pathlib import Path

from generator.exceptions import DataError, Problem
from generator.i18n import _

MAX_FILE_BYTES = 1_000_000
#: Characters no text may hold, as a regex character range: control characters (C0 but line
#: feed, which is a line break in text; DEL; C1), and what XML cannot hold at all (lone surrogates,
#: U+FFFE, U+FFFF).  The schema's text patterns are built from it.
FORBIDDEN_CHARS = r"\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
BAD_TEXT_CHAR = re.compile(f"[{FORBIDDEN_CHARS}]")
#: The forbidden characters that ruamel's reader refuses when they stand in the file as they are
#: (not written as an escape such as "\\a"); found first, so that the field can be named.
RAW_BAD_CHAR = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")


def bad_char_message(char: str) -> str:
    """Why ``char`` cannot stand in a data file's text, in a secretary's words."""
    code = ord(char)
    if char == "\t":
        return _("contains a tab character; use spaces instead")
    if char == "\n":
        return _("contains a line break; this value must be on one line")
    if 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF):
        return _(
            "contains a character that a Word document cannot hold (U+{code:04X}); remove it"
        ).format(code=code)
    return _("contains an invisible control character (U+{code:04X}); remove it").format(code=code)


def read_text(path: Path, display: str) -> str:
    """Read a data file as UTF-8 text; refuse binary, huge and empty files with a clear problem."""

    def refuse(message: str, line: int | None = None, column: int | None = None) -> DataError:
        return DataError([Problem(display, line, column, "", message)])

    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)  # never more: the path may be /dev/zero
    except FileNotFoundError:
        raise refuse(_("file not found")) from None
    except IsADirectoryError:
        raise refuse(_("this is a folder, not a data file")) from None
    except OSError as err:
        raise refuse(_("cannot read the file: {error}").format(error=err.strerror or err)) from None
    if len(raw) > MAX_FILE_BYTES:
        raise refuse(
            _("the file is larger than {limit} bytes; a data file is never that big").format(
                limit=MAX_FILE_BYTES
            )
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise refuse(_("the file is saved as UTF-16; save it as UTF-8"))
    if b"\x00" in raw:
        raise refuse(_("the file is not text (it contains binary data)"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        line_start = raw.rfind(b"\n", 0, err.start) + 1
        column = len(raw[line_start : err.start].decode("utf-8", "replace")) + 1
        raise refuse(
            _("the file is not UTF-8 text (it may be Latin-1 or Windows-1252); save it as UTF-8"),
            line,
            column,
        ) from None
    if not text.strip():
        raise refuse(_("the file is empty"))
    return text
