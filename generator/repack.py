"""A ZIP with some parts replaced, written byte for byte as :mod:`zipfile` writes it, but fast.

A review copy (:mod:`generator.review`) is the new document with two parts changed
(``word/document.xml`` and ``word/settings.xml``).  It used to be written with
``zipfile.ZipFile.writestr`` for every part, which inflates and deflates again (zlib's default
level) all ~800 kB of the template's styles for every council: most of a re-issue's time.  The
bytes of those parts are the same in every document, so their deflated form is remembered here
(keyed by the part's deflated bytes in the source, which determine its content), and the
container is written by :func:`repack` exactly as ``zipfile`` would write the same parts: the same
headers, the same deflate stream, the same bytes (``tests/test_review.py`` compares the two).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

#: How many deflated parts are remembered; a document has ~18 parts, most shared by all.
CACHE_PARTS = 64
_VERSION = 20  # zipfile's DEFAULT_VERSION: what ZipInfo says it needs and was made by
_SYSTEM = zipfile.ZipInfo().create_system  # 3 (Unix), 0 on Windows: as zipfile writes it
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")


@dataclass(frozen=True)
class _Deflated:
    """A part as zipfile stores it: its deflate stream (level 6), CRC-32 and size."""

    data: bytes
    crc: int
    size: int


_cache: OrderedDict[bytes, _Deflated] = OrderedDict()


def deflate(data: bytes) -> _Deflated:
    """``data`` deflated as ``zipfile`` does for ``ZIP_DEFLATED`` at its default level."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return _Deflated(compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data))


def _remembered(key: bytes, make: Callable[[], bytes]) -> _Deflated:
    """The deflated form of the part that ``key`` stands for, made by ``make()`` once."""
    found = _cache.get(key)
    if found is not None:
        _cache.move_to_end(key)
        return found
    found = deflate(make())
    _cache[key] = found
    if len(_cache) > CACHE_PARTS:
        _cache.popitem(last=False)
    return found


def _stored(source: bytes, info: zipfile.ZipInfo) -> bytes:
    """A part's bytes as the source stores them (deflated, or as they are)."""
    start = info.header_offset
    name_length, extra_length = struct.unpack_from("<2H", source, start + 26)
    data_start = start + _LOCAL.size + name_length + extra_length
    return source[data_start : data_start + info.compress_size]


def _content(stored: bytes, info: zipfile.ZipInfo) -> bytes:
    """A part's own bytes, checked against its CRC-32 as zipfile checks them."""
    if info.compress_type == zipfile.ZIP_STORED:
        data = stored
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        data = zlib.decompress(stored, -15)
    else:
        raise zipfile.BadZipFile(f"{info.filename}: compression {info.compress_type}")
    if zlib.crc32(data) != info.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 for file {info.filename!r}")
    return data


def _part(source: bytes, info: zipfile.ZipInfo, new: bytes | None) -> _Deflated:
    """A part deflated as zipfile would write it: new bytes, or the source's own.

    Remembered by what determines it: a source part by its stored bytes and compression (a
    stored part's bytes are its content), a new part by its content.
    """
    if new is not None:
        return _remembered(bytes([zipfile.ZIP_STORED]) + new, lambda: new)
    stored = _stored(source, info)
    return _remembered(bytes([info.compress_type]) + stored, lambda: _content(stored, info))


def _name(info: zipfile.ZipInfo) -> tuple[bytes, int]:
    """The name's bytes and flag bits, as ``ZipInfo._encodeFilenameFlags`` gives them."""
    try:
        return info.filename.encode("ascii"), 0
    except UnicodeEncodeError:
        return info.filename.encode("utf-8"), 0x800


def _dos_time(info: zipfile.ZipInfo) -> tuple[int, int]:
    year, month, day, hour, minute, second = info.date_time
    return (year - 1980) << 9 | month << 5 | day, hour << 11 | minute << 5 | second // 2


def repack(
    source: bytes, replaced: dict[str, bytes], infos: list[zipfile.ZipInfo] | None = None
) -> bytes:
    """``source`` with the parts in ``replaced`` given new bytes, as ``zipfile`` would write it.

    That is: each part in the source's order, as ``writestr(ZipInfo(name, date_time), data)``
    with ``ZIP_DEFLATED`` and the source part's ``external_attr`` writes it into a new
    ``ZipFile``; no comments, no extra fields, no ZIP64 (a document is far below its limits).
    ``infos`` is the source's ``infolist()`` when the caller has already read it.
    """
    if infos is None:
        with zipfile.ZipFile(io.BytesIO(source)) as archive:
            infos = archive.infolist()
    out = io.BytesIO()
    central: list[bytes] = []
    for info in infos:
        part = _part(source, info, replaced.get(info.filename))
        central.append(_central_record(info, part, out.tell()))
        out.write(_local_record(info, part))
    start = out.tell()
    directory = b"".join(central)
    out.write(directory)
    out.write(_END.pack(b"PK\x05\x06", 0, 0, len(central), len(central), len(directory), start, 0))
    return out.getvalue()


def _local_record(info: zipfile.ZipInfo, part: _Deflated) -> bytes:
    """The local header and data of a part, as ``ZipInfo.FileHeader`` writes them."""
    name, flags = _name(info)
    dosdate, dostime = _dos_time(info)
    header = _LOCAL.pack(
        b"PK\x03\x04", _VERSION, 0, flags, zipfile.ZIP_DEFLATED, dostime, dosdate,
        part.crc, len(part.data), part.size, len(name), 0,
    )  # fmt: skip
    return header + name + part.data


def _central_record(info: zipfile.ZipInfo, part: _Deflated, offset: int) -> bytes:
    """A part's central directory record, as ``ZipFile._write_end_record`` writes it."""
    name, flags = _name(info)
    dosdate, dostime = _dos_time(info)
    external = info.external_attr or 0o600 << 16  # what zipfile gives a part without one
    record = _CENTRAL.pack(
        b"PK\x01\x02", _VERSION, _SYSTEM, _VERSION, 0, flags, zipfile.ZIP_DEFLATED, dostime,
        dosdate, part.crc, len(part.data), part.size, len(name), 0, 0, 0, 0, external, offset,
    )  # fmt: skip
    return record + name
