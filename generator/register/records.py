"""What the register hands out (issues, files, requests) and the small helpers they need."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from generator.dnr import DiaryNumber
from generator.exceptions import UsageError
from generator.i18n import _


@dataclass
class IssuedFile:
    """One file of a diary number: the draft, or the decided version written later."""

    dnr: str
    kind: str
    path: str
    sha256: str | None
    date: str
    decided: str | None
    state: str


@dataclass
class Issue:
    """One diary number and its current state, with all its files (oldest first).

    ``path``/``sha256`` are those of the newest *written* file (the decided version once there is
    one), or of the pending file while nothing is written yet.
    """

    dnr: str
    council: str
    date: str
    decided: str | None
    status: str
    path: str | None
    sha256: str | None
    supersedes: str | None
    superseded_by: str | None
    reason: str | None
    subject: str
    files: list[IssuedFile] = field(default_factory=list)


@dataclass
class Request:
    """What a caller wants registered; ``dnr`` only for a number assigned outside this tool."""

    council: str
    date: str
    decided: str | None
    subject: str
    supersedes: str | None = None
    dnr: str | None = None
    reason: str | None = None
    batch: str | None = None  # a re-issue batch, so that running it again skips what is done


def sha256_file(path: str | os.PathLike[str]) -> str:
    """Hex SHA-256 of a file, read in chunks so that large files do not fill memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _path_key(path: str) -> str:
    """How paths are compared: absolute, normalised, case-folded where the OS is."""
    return os.path.normcase(os.path.abspath(path))


def pid_alive(pid: int | None) -> bool:
    """Whether a process with this id runs on this host (without disturbing it)."""
    if pid is None or pid <= 0:
        return False
    if os.name == "nt":  # pragma: no cover - os.kill(pid, 0) would terminate the process there
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        try:
            code = ctypes.c_ulong()
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, belongs to another user
    except OSError:
        return False
    return True


def _actor() -> str:
    """Who made a change, for the event log: the person acting (the logged-in person on the
    web, else the OS user), see :mod:`generator.acting`."""
    from generator.acting import person

    return person()


def _normalise_dnr(text: str) -> str:
    return str(DiaryNumber.parse(text))


_ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _check_date(value: str | None, what: str) -> None:
    """Refuse anything but a real ``YYYY-MM-DD`` date: the register's dates are legal data."""
    valid = isinstance(value, str) and _ISO_DATE_RE.fullmatch(value) is not None
    if valid:
        try:
            date.fromisoformat(value)  # type: ignore[arg-type]
        except ValueError:
            valid = False
    if not valid:
        raise UsageError(
            _("Invalid {what} “{value}”: expected an ISO date such as 2024-05-21.").format(
                what=what, value=value
            )
        )
