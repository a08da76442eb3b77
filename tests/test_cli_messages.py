"""What the commands say, as a registrar reads it: one error style, the option as typed, history
in Swedish time with the user's name, and a quiet end when the reader of the output goes away."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from generator.register import Register, Request

REPO = Path(__file__).resolve().parents[1]


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def test_decide_names_the_option_as_typed(workspace: Path, uppdrag) -> None:
    ok(uppdrag("render", "onkologi", "--date", "2026-03-02"))
    result = uppdrag("decide", "RS 2026-00001", "--date", "5/12")
    assert result.exit_code == 2
    assert result.output.startswith("Error: --date: '5/12' is not a date"), result.output
    assert "--decided" not in result.output


def test_decided_before_today_suggests_the_date_option(workspace: Path, uppdrag) -> None:
    """The README's example without --date: the message says what to add."""
    result = uppdrag("render", "onkologi", "--dnr", "RS 2024-00784", "--decided", "2024-06-01")
    assert result.exit_code == 2
    assert "--decided 2024-06-01 is before the document date" in result.output
    assert "with --date" in result.output
    fixed = uppdrag(
        "render", "onkologi", "--date", "2024-05-21", "--dnr", "RS 2024-00784",
        "--decided", "2024-06-01",
    )  # fmt: skip
    assert fixed.exit_code == 0, fixed.output


def test_every_error_has_one_prefix(workspace: Path, uppdrag) -> None:
    """Our errors and click's start alike: "Error: " once ("Fel: " in Swedish)."""
    ours = uppdrag("register", "show", "RS 2026-00009")
    clicks = uppdrag("register", "void", "RS 2026-00001")
    for result in (ours, clicks):
        errors = [line for line in result.output.splitlines() if "Error" in line]
        assert len(errors) == 1 and errors[0].startswith("Error: "), result.output
    swedish = uppdrag("register", "show", "RS 2026-00009", env={"LANGUAGE": "sv"})
    assert swedish.output.startswith("Fel: RS 2026-00009 finns inte i diariet"), swedish.output


def test_register_show_speaks_like_a_registrar(workspace: Path, uppdrag) -> None:
    ok(uppdrag("render", "onkologi", "--date", "2026-03-02", "--dnr", "RS 2026-00100"))
    ok(uppdrag("render", "primarvard", "--date", "2026-03-02"))
    shown = ok(uppdrag("register", "show", "RS 2026-00100", env={"LANGUAGE": "sv"})).output
    lines = shown.splitlines()
    history = lines[lines.index("Historik:") + 1 :]
    # An external number first moves the series past itself (recorded), then is registered.
    history = [line for line in history if "numret registrerades" in line]
    assert history, shown
    assert "numret registrerades för Uppdragshandling för Samordningsråd onkologi" in history[0]
    # The time as a Swedish clock shows it (the register keeps UTC), to the minute.
    stamp = history[0].split()[:2]
    when = dt.datetime.strptime(" ".join(stamp), "%Y-%m-%d %H:%M")
    from generator.dates import TIME_ZONE

    now = dt.datetime.now(TIME_ZONE).replace(tzinfo=None)
    assert abs(now - when) < dt.timedelta(minutes=5), (now, when)
    # The user's name, without host and process number.
    import getpass

    assert history[0].endswith(f"({getpass.getuser()})"), history[0]
    given = ok(uppdrag("register", "show", "RS 2026-00101", env={"LANGUAGE": "sv"})).output
    assert "numret tilldelades Uppdragshandling för Samordningsråd primärvård" in given, given


def test_a_read_only_command_piped_into_head_ends_quietly(workspace: Path) -> None:
    with Register(workspace / "output" / "diarium.sqlite") as reg:
        requests = [
            Request(council=f"rad{i}", date="2026-03-02", decided=None, subject="x")
            for i in range(3000)  # far more than a pipe holds (64 KB): the writer meets the end
        ]
        reg.reserve(requests, "RS", lambda request, number: f"/nowhere/{number}.docx")
    script = Path(sys.executable).with_name("uppdrag")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "generator"]
    env = {**os.environ, "LANGUAGE": "en", "PYTHONPATH": str(REPO)}
    env.pop("UPPDRAG_REGISTER", None)
    process = subprocess.Popen(
        [*command, "register", "list"],
        cwd=workspace,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(100).startswith(b"Number")  # what `head` reads, then it goes
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 141
    assert stderr == "", stderr  # no "internal error" report, no Python complaint at exit


def test_the_english_switch_is_documented() -> None:
    for doc in ("README.md", "docs/anvandarguide.md"):
        assert "LANGUAGE=en" in (REPO / doc).read_text("utf-8"), doc


def test_the_readme_examples_run_as_written(workspace: Path, uppdrag) -> None:
    """Every `uppdrag render …` line of the README's table works in a copy of the workspace."""
    import re
    import shlex

    readme = (REPO / "README.md").read_text("utf-8")
    examples = re.findall(r"`(uppdrag render [^`]*)`", readme)
    assert examples
    for example in examples:
        args = shlex.split(example)[1:]
        result = uppdrag(*args)
        assert result.exit_code == 0, f"{example}\n{result.output}"
    assert CliRunner  # the fixture runs in-process


def test_one_quotation_mark_in_swedish(workspace: Path, uppdrag) -> None:
    """Swedish messages quote with ” ” only: our catalog, click's, and the names click quotes."""
    from babel.messages.pofile import read_po

    for domain in ("uppdrag", "click"):
        with (REPO / "generator" / "locale" / "sv" / "LC_MESSAGES" / f"{domain}.po").open(
            "rb"
        ) as fh:
            catalog = read_po(fh)
        for message in catalog:
            texts = message.string if isinstance(message.string, tuple) else (message.string,)
            wrong = [t for t in texts if t and any(mark in t for mark in "'\"“‘’")]
            assert not wrong, (domain, message.id, wrong)
    for args in (["register", "list", "--format", "x"], ["register", "void", "RS 2026-1"]):
        result = uppdrag(*args, env={"LANGUAGE": "sv"})
        assert result.exit_code == 2
        error = result.output.strip().splitlines()[-1]
        assert error.startswith("Fel: ") and "”" in error and "'" not in error, error
