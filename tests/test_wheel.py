"""The tool as a new user installs it: a wheel built from a clean checkout, in a fresh venv.

Everything else in the suite runs from the source tree, where ``make`` has compiled the catalogs
and the repository's ``templates/`` and ``data/`` are at hand.  Here the wheel is built from the
files git tracks only (as a fresh clone has them: no compiled ``.mo``, no ``.venv``), installed
with pip into a new virtual environment outside the repository, and used there in an empty folder
under ``LANG=C.UTF-8``: ``uppdrag init`` makes a workspace and ``uppdrag render`` issues the
example council.  The document must be the seed, line for line, and every message Swedish.

It takes about half a minute (pip reads the configured index and its cache).  Locally it can be
skipped with ``UPPDRAG_SKIP_WHEEL_TEST=1``, shown as a skip with its reason; under ``CI=true`` a
skip is a failure, like a missing LibreOffice in tests/test_pdf.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from tests.docx_text import docx_lines, normalise_lines, normalise_seed
from tests.test_fidelity import _split_head

REPO = Path(__file__).resolve().parents[1]
SEEDS = Path(__file__).parent / "seeds"
SKIP_VARIABLE = "UPPDRAG_SKIP_WHEEL_TEST"
#: The starting files the wheel must carry, as the repository has them (setup.py copies them).
STARTER = (
    "templates/uppdragshandling.docx",
    "data/installningar.yaml",
    "data/klausuler.yaml",
    "data/councils/onkologi.yaml",
)


def skip_or_fail(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the wheel test must run)")
    pytest.skip(reason)


def run(command: list[str], cwd: Path, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    """A command with a clean locale (C.UTF-8), outside the repository's environment."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", "PYTHONPATH", "VIRTUAL_ENV")
        and not k.startswith("UPPDRAG_")
    }
    env["LANG"] = "C.UTF-8"
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"{result.args}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``uppdrag`` script of a fresh venv that has the wheel of a clean checkout installed."""
    if os.environ.get(SKIP_VARIABLE):
        skip_or_fail(f"{SKIP_VARIABLE} is set: the wheel is not built and installed")
    git = shutil.which("git")
    if git is None or not (REPO / ".git").exists():
        skip_or_fail("not a git checkout (or no git): cannot make a clean checkout to build from")
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    tracked = subprocess.run(
        [git, "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in (t.decode() for t in tracked if t):
        if (REPO / name).is_file():  # a tracked file deleted in the working tree is not built
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    assert not list(source.rglob("*.mo")), "a clean checkout has no compiled catalogs"
    dist = base / "dist"
    ok(run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), "."], source))
    [wheel] = dist.glob("uppdrag-*.whl")
    venv = base / "venv"
    # A venv without a pip of its own (seconds less): this pip installs into it (--python).
    ok(run([sys.executable, "-m", "venv", "--without-pip", str(venv)], base))
    python = venv / "bin" / "python"
    ok(
        run(
            [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", str(wheel)],
            base,
            300,
        )
    )
    return venv / "bin" / "uppdrag"


def test_the_wheel_carries_the_catalogs_and_the_starting_files(installed: Path) -> None:
    [wheel] = (installed.parents[2] / "dist").glob("uppdrag-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for name in STARTER:
            shipped = archive.read(f"generator/_starter/{name}")
            assert shipped == (REPO / name).read_bytes(), f"{name} differs from the repository's"
    for domain in ("uppdrag", "click"):
        assert f"generator/locale/sv/LC_MESSAGES/{domain}.mo" in names


def test_init_and_render_in_an_empty_folder(installed: Path, tmp_path: Path) -> None:
    settings = yaml.safe_load((REPO / "data" / "installningar.yaml").read_text("utf-8"))
    empty = tmp_path / "tom"
    empty.mkdir()
    out = ok(
        run(
            [
                str(installed),
                "init",
                "rad",
                "--organisation",
                settings["organisation"],
                "--series",
                settings["diarieserie"],
                "--signatory",
                settings["undertecknare"]["namn"],
                "--signatory-title",
                settings["undertecknare"]["titel"],
            ],
            empty,
        )
    )
    assert "Ny arbetsmapp: rad" in out, out
    workspace = empty / "rad"
    assert (workspace / "README.md").read_text("utf-8").startswith("# Arbetsmapp")

    # Run from a sub-folder: the workspace is found above it, as git finds its repository.
    out = ok(
        run(
            [
                str(installed),
                "render",
                "onkologi",
                "--date",
                "2024-05-21",
                "--dnr",
                "RS 2024-00784",
            ],
            workspace / "data" / "councils",
        )
    )
    document = workspace / "output" / "2024" / "RS_2024-00784_onkologi.docx"
    assert str(document) in out, out

    expected = normalise_seed((SEEDS / "onkologi.txt").read_text(encoding="utf-8"))
    actual = normalise_lines(docx_lines(document))
    expected_head, expected_body = _split_head(expected)
    actual_head, actual_body = _split_head(actual)
    assert sorted(actual_head) == sorted(expected_head)
    assert actual_body == expected_body

    listing = ok(run([str(installed), "register", "list"], workspace))
    assert listing.splitlines()[0].split() == ["Nummer", "Råd", "Datum", "Beslutad", "Status"] + [
        "Ersätter"
    ]
    assert "RS 2024-00784  onkologi  2024-05-21" in listing

    help_text = ok(run([str(installed), "render", "--help"], workspace))
    assert help_text.startswith("Användning: uppdrag render [ALTERNATIV] FILER...")

    outside = run([str(installed), "register", "list"], empty)
    assert outside.returncode == 2
    assert "ligger inte i någon arbetsmapp" in outside.stderr, outside.stderr
    assert "uppdrag init MAPP" in outside.stderr
    assert list(empty.iterdir()) == [workspace], "nothing may be created outside a workspace"
