"""Every kind of Word file the product writes, made the way a secretary makes them.

One throw-away workspace (a copy of data/ and templates/, optionally with another template) goes
through a council's life with the real commands: an issued document, a ``--draft`` render, the
import of an earlier issue, a draft that is then decided, and a re-issue after a policy change
with its review copies.  The validator tests and the LibreOffice template test look at the
result.
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

from click.testing import CliRunner

from tests.conftest import REPO, describe

KINDS = ("issued", "draft", "imported", "decided_draft", "decided", "reissued", "review")
OLD_CLAUSE = "särskild rutin, (RS 2019-03137-40)"
NEW_CLAUSE = "särskild rutin (RS 2026-00042)"


def make_workspace(root: Path, template: Path | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name in ("data", "templates"):
        shutil.copytree(REPO / name, root / name)
    if template is not None:
        shutil.copyfile(template, root / "templates" / "uppdragshandling.docx")
    return root


def run(*args: str) -> str:
    """``uppdrag ARGS`` in the current folder; the command must succeed."""
    from generator.cli import main

    env = {"LANGUAGE": "en", "UPPDRAG_REGISTER": None}
    result = CliRunner().invoke(main, list(args), env=env)  # type: ignore[arg-type]
    assert result.exit_code == 0, describe(list(args), result)
    return result.output


def issue_every_kind(root: Path, template: Path | None = None) -> dict[str, Path]:
    """Each kind of output (see :data:`KINDS`), by kind, made in a new workspace at ``root``."""
    make_workspace(root, template)
    out = root / "output"
    with contextlib.chdir(root):
        run("render", "onkologi", "--date", "2024-05-21", "--dnr", "RS 2024-00784")
        run("render", "onkologi", "--draft")
        (root / "data" / "councils" / "primarvard.yaml").unlink()
        run("import", str(REPO / "tests" / "seeds" / "primarvard.txt"))
        run("render", "onkologi", "--date", "2026-01-10")  # RS 2026-00001, a draft
        run("decide", "RS 2026-00001", "--date", "2026-01-12")
        library = root / "data" / "klausuler.yaml"
        text = library.read_text(encoding="utf-8")
        assert text.count(OLD_CLAUSE) == 1
        library.write_text(text.replace(OLD_CLAUSE, NEW_CLAUSE), encoding="utf-8")
        run("reissue", "--all", "--reason", "Ny rutin", "--date", "2026-11-22", "--jobs", "1")
    made = {
        "issued": out / "2024" / "RS_2024-00784_onkologi.docx",
        "draft": out / "utkast" / "onkologi_utkast.docx",
        "imported": out / "2025" / "RS_2025-03200_primarvard.docx",
        "decided_draft": out / "2026" / "RS_2026-00001_onkologi.docx",
        "decided": out / "2026" / "RS_2026-00001_onkologi_beslutad.docx",
        "reissued": out / "2026" / "RS_2026-00002_onkologi.docx",
        "review": out / "2026" / "RS_2026-00002_onkologi_andringar.docx",
    }
    for kind, path in made.items():
        assert path.is_file(), f"{kind}: {path} was not written"
    written = sorted(out.rglob("*.docx"))
    # Every file written is one of the kinds (plus primärvård's own re-issue and review copy).
    assert len(written) == len(made) + 2, written
    return made


def all_docx(root: Path) -> list[Path]:
    return sorted((root / "output").rglob("*.docx"))
