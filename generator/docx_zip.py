"""Writing the ``.docx`` ZIP container, the other half of the cost of a document.

The template's styles alone are close to a megabyte of XML, and deflating them again for every
document took most of the time.  The container is therefore written here (:func:`write_docx`)
rather than with :mod:`zipfile`: every part the document does not change is copied as the raw
deflate stream made once when the template is loaded (:class:`ZipEntry`), and only the parts that
change (the body, header, footer, core properties, and numbering or relationships when there are
lists or links) are deflated per document.  Entry order and timestamps come from the template,
so the same input always gives the same bytes.
"""

from __future__ import annotations

import struct
import threading
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from generator.template import CompiledTemplate

# Deflate level of the parts deflated for each document; the template's own parts are deflated
# once, at level 9.  On the real mandates level 1 deflates the changed parts in less than half the
# time of zlib's default 6, and the .docx grows by ~1.7 % (~640 bytes of ~37.5 kB): most of a
# document is the template's styles, deflated once.
DEFLATE_LEVEL = 1
_OWN_LEVEL = 9
# After Z_FULL_FLUSH the stream is byte aligned and no later data refers back to it; this empty
# final block (BFINAL=1, fixed Huffman, end-of-block) then closes it as a complete deflate stream.
_FINAL_BLOCK = b"\x03\x00"
_deflaters = threading.local()


@dataclass(frozen=True)
class Deflated:
    """One part as a ZIP entry stores it: a raw deflate stream, and the CRC-32 and size of the
    uncompressed bytes."""

    data: bytes
    crc: int
    size: int


def deflate(data: bytes, level: int = DEFLATE_LEVEL) -> Deflated:
    """``data`` as a complete raw deflate stream, for a ZIP entry.

    ``zlib.compressobj`` costs ~60 µs to set up (it allocates ~256 kB of state and clears its hash
    table), more than deflating a header or core.xml; so one compressor per thread and level is
    kept and reset with ``Z_FULL_FLUSH`` after each part instead (valid DEFLATE: a byte-aligned
    empty stored block, then an empty final block; Python's zipfile, Info-ZIP, Java and
    LibreOffice read it).  A compressor left mid-stream by an exception is dropped, never reused.
    """
    pool: dict[int, Any] | None = getattr(_deflaters, "pool", None)
    if pool is None:
        pool = _deflaters.pool = {}
    compressor = pool.pop(level, None) or zlib.compressobj(level, zlib.DEFLATED, -15)
    stream = compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH) + _FINAL_BLOCK
    pool[level] = compressor
    return Deflated(stream, zlib.crc32(data), len(data))


def deflate_once(data: bytes) -> Deflated:
    """A template part deflated as hard as zlib can: done once per process, copied thereafter."""
    compressor = zlib.compressobj(_OWN_LEVEL, zlib.DEFLATED, -15)
    return Deflated(compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data))


@dataclass
class ZipEntry:
    """A template part's place in the ZIP container, with what never changes prepared once.

    ``own_local`` is the local file header and deflated data of the template's own bytes, ready
    to copy; ``own_central`` its central directory record up to (not including) the offset.
    """

    info: zipfile.ZipInfo
    own: Deflated
    raw_name: bytes = field(init=False)
    flags: int = field(init=False)
    dostime: int = field(init=False)
    dosdate: int = field(init=False)
    own_local: bytes = field(init=False, repr=False)
    own_central: bytes = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.raw_name = self.info.filename.encode("utf-8")
        self.flags = 0 if self.info.filename.isascii() else 0x800  # bit 11: the name is UTF-8
        year, month, day, hour, minute, second = self.info.date_time
        self.dosdate = (max(year, 1980) - 1980) << 9 | month << 5 | day
        self.dostime = hour << 11 | minute << 5 | second // 2
        self.own_local = self.local_header(self.own) + self.own.data
        self.own_central = self.central_head(self.own)

    @property
    def name(self) -> str:
        return self.info.filename

    def _described(self, part: Deflated) -> tuple[int, ...]:
        """What the local header and the central record both say of the entry, in their order:
        flags, method, time, date, CRC-32, sizes and the name's length."""
        return (
            self.flags,
            zipfile.ZIP_DEFLATED,
            self.dostime,
            self.dosdate,
            part.crc,
            len(part.data),
            part.size,
            len(self.raw_name),
        )

    def local_header(self, part: Deflated) -> bytes:
        version = max(self.info.extract_version, 20)
        fields = self._described(part)
        return struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", version, 0, *fields, 0) + self.raw_name

    def central_head(self, part: Deflated) -> bytes:
        info = self.info
        made_by = (max(info.create_version, 20), info.create_system)
        needed = max(info.extract_version, 20)
        return struct.pack(
            "<4s4B4HL2L5HL",
            b"PK\x01\x02",
            *made_by,
            needed,
            0,
            *self._described(part),
            0,
            0,
            0,
            info.internal_attr,
            info.external_attr,
        )


def write_docx(template: CompiledTemplate, parts: dict[str, bytes]) -> bytes:
    """Zip the parts in the template's order (``[Content_Types].xml`` first, as Word expects).

    The container is written here rather than with :mod:`zipfile`: a part that is still the
    template's own ``bytes`` object is copied as the entry prepared at load (header and deflated
    data), and only the others are deflated.  Timestamps and attributes are the template's, so
    the same parts always give the same bytes.  Neither ZIP64 nor data descriptors are needed: a
    document is far below 4 GB and every size is known before its header is written.
    """
    chunks: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for entry in template.entries:
        blob = parts[entry.name]
        central_head = entry.own_central
        if blob is template.blobs[entry.name]:
            chunks.append(entry.own_local)
            size = len(entry.own_local)
        else:
            part = template.deflated(entry.name, blob)
            header = entry.local_header(part)
            central_head = entry.central_head(part)
            chunks += (header, part.data)
            size = len(header) + len(part.data)
        central.append(central_head + struct.pack("<L", offset) + entry.raw_name)
        offset += size
    directory = b"".join(central)
    count = len(template.entries)
    chunks.append(directory)
    chunks.append(
        struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), offset, 0)
    )
    return b"".join(chunks)
