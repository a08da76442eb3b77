"""Microsoft's Open XML SDK validator, hosted in this Python process.

Word itself is not available on Linux; the closest check of "opens in Word without repair" is the
validator Microsoft ships with the Open XML SDK, which reports what Word's own schema and semantic
checks refuse (undeclared ``mc:Ignorable`` prefixes, elements out of order, missing required
attributes).  The PyPI wheel ``python-redlines-ooxmlpowertools`` carries a self-contained .NET 8
runtime with ``DocumentFormat.OpenXml.dll``; ``pythonnet`` loads that runtime in-process, so no
.NET installation is needed.  The runtime is unpacked once into a cache folder.

:func:`validator` gives ``None`` with the reason when any piece is missing; tests skip on that
locally and fail under ``CI=true`` (see :func:`require_validator`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

_PACKAGE = "python_redlines_ooxmlpowertools"
_ENTRY = "redlines.dll"
_SDK = "DocumentFormat.OpenXml.dll"


@dataclass(frozen=True)
class Finding:
    """One error the SDK reports: its id, the part, the XPath of the element and the text."""

    id: str
    part: str
    path: str
    description: str

    def __str__(self) -> str:
        return f"{self.part} {self.path}: [{self.id}] {self.description}"


class Validator:
    """``OpenXmlValidator(Office2013)`` over whole packages (every part, every relationship)."""

    def __init__(self, runtime: Path) -> None:
        from clr_loader import get_coreclr
        from pythonnet import set_runtime

        # Invariant globalisation: the runtime then needs no libicu on the machine.
        os.environ.setdefault("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
        set_runtime(
            get_coreclr(
                entry_dll=runtime / _ENTRY,
                dotnet_root=runtime,
                properties={"System.Globalization.Invariant": "true"},
            )
        )
        import clr  # noqa: F401 - loading pythonnet's bridge

        clr.AddReference(str(runtime / _SDK))
        from DocumentFormat.OpenXml import FileFormatVersions  # type: ignore[import-not-found]
        from DocumentFormat.OpenXml.Packaging import (  # type: ignore[import-not-found]
            WordprocessingDocument,
        )
        from DocumentFormat.OpenXml.Validation import (  # type: ignore[import-not-found]
            OpenXmlValidator,
        )

        self._open = WordprocessingDocument.Open
        self._validator = OpenXmlValidator(FileFormatVersions.Office2013)

    def errors(self, path: Path | str) -> list[Finding]:
        """Every error of the document at ``path`` (opened read-only)."""
        document = self._open(str(path), False)
        try:
            return [
                Finding(
                    str(error.Id),
                    str(error.Part.Uri) if error.Part is not None else "",
                    str(error.Path.XPath) if error.Path is not None else "",
                    str(error.Description),
                )
                for error in self._validator.Validate(document)
            ]
        finally:
            document.Dispose()


_instance: Validator | None = None
_reason: str | None = None


def _runtime_folder() -> Path:
    """The bundled runtime, unpacked once per wheel version into the temporary folder."""
    import importlib.util

    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or spec.origin is None:
        raise FileNotFoundError(_PACKAGE)
    archive = Path(spec.origin).parent / "_binaries" / "linux-x64.tar.gz"
    stat = archive.stat()
    key = hashlib.sha256(f"{archive}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()
    target = Path(tempfile.gettempdir()) / f"uppdrag-ooxml-validator-{key[:12]}"
    if not (target / ".complete").exists():
        partial = Path(tempfile.mkdtemp(prefix=target.name + "-", dir=target.parent))
        with tarfile.open(archive) as tar:
            tar.extractall(partial, filter="data")
        (partial / ".complete").touch()
        if target.exists() and not (target / ".complete").exists():
            shutil.rmtree(target, ignore_errors=True)  # left half-made by an interrupted run
        try:
            partial.rename(target)
        except OSError:  # another process unpacked it first
            shutil.rmtree(partial, ignore_errors=True)
    return target


def validator() -> tuple[Validator | None, str | None]:
    """The process's one validator (a .NET runtime loads once per process), or why there is none."""
    global _instance, _reason
    if _instance is None and _reason is None:
        try:
            import clr_loader  # noqa: F401
            import pythonnet  # noqa: F401
        except ImportError:
            _reason = "pythonnet is not installed (make installs the dev extra)"
            return None, _reason
        try:
            _instance = Validator(_runtime_folder())
        except FileNotFoundError:
            _reason = f"{_PACKAGE} (the Open XML SDK validator) is not installed"
        except Exception as err:  # noqa: BLE001 - any failure to start .NET is a reason to skip
            _reason = f"the Open XML SDK validator could not start: {err}"
    return _instance, _reason


def require_validator() -> Validator:
    """The validator; else skip with the reason, or fail under CI, which installs it."""
    found, reason = validator()
    if found is not None:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: make installs it with the dev extra)")
    pytest.skip(reason or "the Open XML SDK validator is unavailable")
