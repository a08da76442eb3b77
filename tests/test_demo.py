"""``make demo`` never spends a real diary number, however often it is run.

The demo is run with the repository's Makefile in a copy of the workspace that already has a real
register with an issued number: afterwards that register holds exactly what it held, and the
demo's documents are in ``output/demo/`` with numbers from the demo's own register.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_make_demo_leaves_the_real_register_alone(tmp_path: Path, monkeypatch) -> None:
    make = shutil.which("make")
    if make is None or not (REPO / ".venv" / "bin" / "uppdrag").exists():
        if os.environ.get("CI") == "true":
            pytest.fail("make and the .venv of `make all` are needed (CI=true)")
        pytest.skip("make or the .venv of `make all` is missing")
    for name in ("data", "templates"):
        shutil.copytree(REPO / name, tmp_path / name)
    shutil.copy2(REPO / "Makefile", tmp_path / "Makefile")
    # The built environment and the package, as they are: make finds them up to date.
    for name in (".venv", "generator", "setup.cfg", "pyproject.toml"):
        (tmp_path / name).symlink_to(REPO / name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("UPPDRAG_REGISTER", raising=False)

    from generator.cli import main

    issued = CliRunner().invoke(main, ["render", "onkologi", "--date", "2026-03-02"])
    assert issued.exit_code == 0, issued.output
    real = tmp_path / "output" / "diarium.sqlite"
    before = digest(real)

    env = {k: v for k, v in os.environ.items() if k != "UPPDRAG_REGISTER"}
    for _run in range(2):
        result = subprocess.run(
            [make, "-s", "demo"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stdout + result.stderr
    assert digest(real) == before, "make demo changed the real register"
    demo = sorted(p.name for p in (tmp_path / "output" / "demo").rglob("*.docx"))
    year = max(p.name for p in (tmp_path / "output" / "demo").iterdir() if p.is_dir())
    assert demo == [f"RS_{year}-00001_onkologi.docx", f"RS_{year}-00002_primarvard.docx"]
    listed = CliRunner().invoke(main, ["register", "list", "--format", "json"])
    assert '"RS 2026-00001"' in listed.output and "primarvard" not in listed.output
