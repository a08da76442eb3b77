"""Write files so that an issued document is never overwritten, never half-written, and never
lands anywhere but where the register says.

A document is written to a temporary file in its destination folder, flushed to disk, and then
hard-linked to its final name, which fails if the name exists: no check-then-write race, no
partial file under the final name, ever.

The destination folder is reached from the output folder one component at a time, each opened
with ``O_NOFOLLOW``, and the files are created relative to that open folder (``openat``-style):
a symbolic link planted as a year folder, or at the file's own name, cannot send a document
outside the output folder, not even if it is planted while the batch runs.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.exceptions import RegisterError, UsageError
from generator.i18n import _

_UNSAFE = re.compile(r"[^0-9A-Za-zÅÄÖåäöÉéÜü_.\-]+")
#: Bytes (UTF-8) of a name part: a file name joins two (number and council) with a suffix such as
#: ``_beslutad.docx`` and must stay within the 255 bytes that file systems allow.
MAX_NAME_BYTES = 100

_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
#: Whether this system can open files relative to an open folder (not Windows).
_AT = os.open in os.supports_dir_fd and os.link in os.supports_dir_fd


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


def within_output(path: Path, base: Path) -> Path | None:
    """The output folder that a write of ``path`` must stay in, or ``None`` for a file the user
    named outside it (``-o``), which is written into its folder as it is."""
    absolute, folder = Path(os.path.abspath(path)), Path(os.path.abspath(base))
    return base if absolute.is_relative_to(folder) else None


def _parts_below(within: Path, folder: Path) -> tuple[str, ...]:
    """The components of ``folder`` below ``within`` (both made absolute, not resolved)."""
    base, target = Path(os.path.abspath(within)), Path(os.path.abspath(folder))
    if not target.is_relative_to(base):
        raise RegisterError(
            _(
                "{path} lies outside the output folder {base}; uppdrag writes documents only "
                "inside it."
            ).format(path=folder, base=within)
        )
    return target.relative_to(base).parts


def _not_a_real_folder(path: Path, within: Path) -> RegisterError:
    return RegisterError(
        _(
            "{path} is a symbolic link or not a folder; uppdrag writes only into real folders "
            "inside {base}, so nothing was written there."
        ).format(path=path, base=within)
    )


@contextmanager
def _folder(folder: Path, within: Path | None) -> Iterator[int | None]:
    """An open descriptor of ``folder``, created as needed and reached from ``within`` without
    following a symbolic link on the way; ``None`` where the system cannot open relative to a
    folder (then each component is checked with ``lstat``, which is the best it can do)."""
    base = within if within is not None else folder
    parts = _parts_below(base, folder)
    base.mkdir(parents=True, exist_ok=True)
    if not _AT:  # pragma: no cover - Windows
        current = Path(os.path.abspath(base))
        for part in parts:
            current = current / part
            try:
                current.mkdir()
            except FileExistsError:
                pass
            if not stat.S_ISDIR(os.lstat(current).st_mode):
                raise _not_a_real_folder(current, base)
        yield None
        return
    fd = os.open(base, _DIR_FLAGS)
    try:
        current = Path(base)
        for part in parts:
            current = current / part
            try:
                os.mkdir(part, dir_fd=fd)
            except FileExistsError:
                pass
            try:
                child = os.open(part, _DIR_FLAGS | _NOFOLLOW, dir_fd=fd)
            except OSError as err:
                if err.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise _not_a_real_folder(current, base) from None
                raise
            os.close(fd)
            fd = child
        yield fd
    finally:
        os.close(fd)


def _write_temp(fd: int | None, folder: Path, name: str, data: bytes, durable: bool) -> None:
    """The temporary file ``name`` in the open folder, never through a link planted there."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _NOFOLLOW | getattr(os, "O_BINARY", 0)
    target = name if fd is not None else str(folder / name)
    handle = os.open(target, flags, 0o666, dir_fd=fd)
    with os.fdopen(handle, "wb") as fh:
        fh.write(data)
        if durable:
            fh.flush()
            os.fsync(fh.fileno())


def _unlink(fd: int | None, folder: Path, name: str) -> None:
    try:
        if fd is not None:
            os.unlink(name, dir_fd=fd)
        else:  # pragma: no cover - Windows
            os.unlink(folder / name)
    except FileNotFoundError:
        pass


def write_new(path: Path, data: bytes, *, durable: bool = True, within: Path | None = None) -> None:
    """Write ``data`` to ``path``, which must not exist yet; atomically, or not at all.

    ``within`` is the folder the file must stay in (the output folder): every folder from there
    down to the file's is a real folder, created if needed, never a symbolic link.  Without it only
    the file's own folder is used as it is; the file's name is never followed in either case.

    ``durable`` waits until the bytes are on disk before the file gets its name (``fsync``), as a
    record must; a file that can be made again from the records (a review copy) skips the wait,
    which is most of the time a big batch spends writing.
    """
    tmp = temp_path(path).name
    with _folder(path.parent, within) as fd:
        try:
            _write_temp(fd, path.parent, tmp, data, durable)
            try:
                if fd is not None:
                    os.link(tmp, path.name, src_dir_fd=fd, dst_dir_fd=fd, follow_symlinks=False)
                else:  # pragma: no cover - Windows
                    os.link(path.parent / tmp, path)
            except FileExistsError:
                raise RegisterError(
                    _(
                        "{path} already exists and is never overwritten; an issued document is "
                        "kept as it is. Re-issue the mandate (uppdrag reissue) or choose another "
                        "file name."
                    ).format(path=path)
                ) from None
            if durable and fd is not None:
                os.fsync(fd)  # the new name too is on disk before the register says so
        finally:
            _unlink(fd, path.parent, tmp)


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
    for here, _dirs, names in os.walk(folder):  # never into a linked folder: not ours
        for name in names:
            path = Path(here) / name
            match = _TEMP.match(name)
            if match and not pid_alive(int(match["pid"])) and not path.is_symlink():
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed


def write_replaceable(path: Path, data: bytes, *, within: Path | None = None) -> None:
    """Write a file that is not a record (a draft preview, a report): atomically, replacing.

    A symbolic link at ``path`` is replaced, never written through; ``within`` as for
    :func:`write_new`.
    """
    tmp = temp_path(path).name
    with _folder(path.parent, within) as fd:
        try:
            _write_temp(fd, path.parent, tmp, data, durable=False)
            if fd is not None:
                os.replace(tmp, path.name, src_dir_fd=fd, dst_dir_fd=fd)
            else:  # pragma: no cover - Windows
                os.replace(path.parent / tmp, path)
        finally:
            _unlink(fd, path.parent, tmp)


def foreign(path: Path, within: Path | None) -> str | None:
    """Why the file at ``path`` cannot be one this program wrote into ``within``, or ``None`` if
    it may be (a regular file, no symbolic link from ``within`` down to it); what recovery asks
    before it trusts a file it finds at a pending number's place."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return _("it is gone")
    if stat.S_ISLNK(info.st_mode):
        return _("it is a symbolic link")
    if not stat.S_ISREG(info.st_mode):
        return _("it is not a regular file")
    if within is None:
        return None
    try:
        parts = _parts_below(within, path.parent)
    except RegisterError:
        return _("it lies outside the output folder {base}").format(base=within)
    current = Path(os.path.abspath(within))
    for part in parts:
        current = current / part
        if not stat.S_ISDIR(os.lstat(current).st_mode):
            return _("the folder {path} on its way is a symbolic link").format(path=current)
    return None


def link_on_the_way(path: Path, within: Path) -> Path | None:
    """The first symbolic link (or non-folder) among the folders from ``within`` down to the
    folder of ``path``, or ``None``; folders not yet made count as fine (they will be real)."""
    try:
        parts = _parts_below(within, path.parent)
    except RegisterError:
        return None  # outside: not this check's business
    current = Path(os.path.abspath(within))
    for part in parts:
        current = current / part
        try:
            info = os.lstat(current)
        except FileNotFoundError:
            return None
        if not stat.S_ISDIR(info.st_mode):
            return current
    return None
