"""Where things are: the workspace folder that holds ``data/``, ``templates/`` and ``output/``.

The commands run in a workspace: the current folder or the nearest folder above it that holds
``data/`` and ``templates/``, the way git finds its repository, so that a command typed in
``data/councils/`` works too.  Outside any workspace a command refuses (exit 2) before it reads or
creates anything, in particular never an empty register.  Loading the settings and the clause
library happens here, once per command, with schema problems reported for each file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.exceptions import DataError, Problem, UsageError
from generator.i18n import _
from generator.loader import Loaded, load_yaml
from generator.model import Settings
from generator.schema import LIBRARY_SCHEMA, SETTINGS_SCHEMA
from generator.validation import validate


class NotInWorkspace(UsageError):
    """The command was run where no workspace is: it does nothing and says where to run."""


def is_workspace(folder: Path) -> bool:
    """A workspace is a folder with ``data/`` and ``templates/`` (what ``uppdrag init`` makes)."""
    return (folder / "data").is_dir() and (folder / "templates").is_dir()


@dataclass
class Library:
    """The clause library: section titles and standard texts, each remembered with its file."""

    titles: dict[str, str]
    clauses: dict[str, Any]
    loaded: Loaded


@dataclass
class Workspace:
    root: Path

    @classmethod
    def here(cls) -> Workspace:
        """The workspace of the current folder (see :meth:`find`)."""
        return cls.find(Path.cwd())

    @classmethod
    def find(cls, start: Path) -> Workspace:
        """``start`` or the nearest folder above it with ``data/`` and ``templates/``.

        Raises :class:`NotInWorkspace` when there is none, naming the folder and how to start one.
        """
        start = start.resolve()
        for folder in (start, *start.parents):
            if is_workspace(folder):
                return cls(folder)
        raise NotInWorkspace(
            _(
                "{folder} is not in a workspace (no folder here or above it holds data/ and "
                "templates/); run uppdrag in the workspace folder or a folder inside it, or start "
                "a new workspace with: uppdrag init FOLDER"
            ).format(folder=start)
        )

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def councils_dir(self) -> Path:
        return self.data_dir / "councils"

    @property
    def settings_path(self) -> Path:
        return self.data_dir / "installningar.yaml"

    @property
    def library_path(self) -> Path:
        return self.data_dir / "klausuler.yaml"

    @property
    def template_path(self) -> Path:
        return self.root / "templates" / "uppdragshandling.docx"

    @property
    def output_dir(self) -> Path:
        return self.root / "output"

    @property
    def preview_dir(self) -> Path:
        """``output/forhandsvisning/``: page images have a folder of their own, so that the
        folders of issued documents hold documents only."""
        return self.output_dir / "forhandsvisning"

    def preview_dir_for(self, document: Path) -> Path:
        """Where ``uppdrag preview`` puts the images of ``document`` unless told: the
        workspace's preview folder for a file under ``output/``, else a folder
        ``forhandsvisning`` beside the file."""
        try:
            document.resolve().relative_to(self.output_dir.resolve())
        except ValueError:
            return document.parent / self.preview_dir.name
        return self.preview_dir

    def council_files(self) -> list[Path]:
        """Every council file, sorted by id, so that a batch is always done in the same order."""
        if not self.councils_dir.is_dir():
            raise DataError(
                [
                    Problem(
                        str(self.councils_dir),
                        None,
                        None,
                        "",
                        _(
                            "the folder with council files is missing; "
                            "run the command in the workspace "
                            "folder that holds data/ and templates/"
                        ),
                    )
                ]
            )
        # Sorted by name as strings: sorting a thousand Path objects costs more than listing them.
        folder = self.councils_dir
        names = sorted(n for n in os.listdir(folder) if n.endswith(".yaml"))
        return [folder / name for name in names]

    def council_path(self, name: str) -> Path:
        """A council given by id (``onkologi``) or by path (``data/councils/onkologi.yaml``)."""
        path = Path(name)
        if path.suffix in (".yaml", ".yml") or path.exists():
            return path
        return self.councils_dir / f"{name}.yaml"

    def load_settings(self) -> Settings:
        if not self.data_dir.is_dir():
            raise UsageError(
                _(
                    "there is no data/ folder here ({folder}); run uppdrag in the workspace folder "
                    "that holds data/ and templates/"
                ).format(folder=self.root)
            )
        loaded = load_yaml(self.settings_path)
        problems = validate(loaded, SETTINGS_SCHEMA)
        if problems:
            raise DataError(problems)
        data = loaded.data
        return Settings(
            organisation=str(data["organisation"]),
            series=str(data["diarieserie"]),
            title=str(data["dokumenttitel"]),
            document_type=str(data.get("dokumenttyp", "Uppdragshandling")),
            signatory_name=str(data["undertecknare"]["namn"]),
            signatory_title=str(data["undertecknare"]["titel"]),
            date_style=str(data.get("datumformat", "iso")),
        )

    def load_library(self) -> Library:
        loaded = load_yaml(self.library_path)
        problems = validate(loaded, LIBRARY_SCHEMA)
        if problems:
            raise DataError(problems)
        return Library(
            titles=dict(loaded.data["avsnitt"]),
            clauses=dict(loaded.data["klausuler"]),
            loaded=loaded,
        )
