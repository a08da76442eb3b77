"""Build hook: a wheel or sdist built from a clean clone is complete without ``make``.

Two things a plain ``setup.cfg`` build would leave out:

* the compiled Swedish catalogs (``.mo``).  They are build output, so git ignores them; without
  them every message of an installed ``uppdrag`` would be English.  ``build_py`` compiles each
  ``.po`` into the build directory with Babel (listed in ``pyproject.toml``'s build requirements),
  so the wheel's catalogs are always those of the ``.po`` files it was built from;
* the starting data of ``uppdrag init``: the template and the example data.  Their one copy is
  the repository's ``templates/`` and ``data/`` (what ``make demo`` and the tests use); the build
  copies them into the package as ``generator/_starter/``, so there are never two copies to keep
  alike.  ``MANIFEST.in`` puts them into the sdist, so a wheel built from the sdist has them too.

In an editable install (``make``) neither is needed: ``make`` compiles the catalogs in place and
``uppdrag init`` reads the repository's own ``templates/`` and ``data/``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
#: The files ``uppdrag init`` copies into a new workspace, as paths inside the repository.
STARTER_FILES = (
    "templates/uppdragshandling.docx",
    "data/installningar.yaml",
    "data/klausuler.yaml",
    "data/councils/onkologi.yaml",
)


class BuildPyWithCatalogsAndStarter(build_py):
    """``build_py`` that also compiles the catalogs and copies the starting data."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        package = Path(self.build_lib) / "generator"
        compile_catalogs(ROOT / "generator" / "locale", package / "locale")
        for name in STARTER_FILES:
            target = package / "_starter" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / name, target)


def compile_catalogs(source: Path, target: Path) -> None:
    """Every ``<lang>/LC_MESSAGES/<domain>.po`` under ``source`` as a ``.mo`` under ``target``."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in sorted(source.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=po.parent.parent.name, domain=po.stem)
        mo = target / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with mo.open("wb") as fh:
            write_mo(fh, catalog)


setup(cmdclass={"build_py": BuildPyWithCatalogsAndStarter})
