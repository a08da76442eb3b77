"""Accounts: people, roles, Argon2id passwords, log-in throttling and server-side sessions."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.accounts import (
    account_events,
    add_user,
    any_accounts,
    disable_user,
    enable_user,
    list_users,
    log_in,
    log_out,
    session_account,
    set_password,
    set_role,
    throttle,
)
from generator.accounts.sessions import IDLE
from generator.exceptions import UsageError
from tests.accounts_support import PASSWORD, Clock


def test_an_account_keeps_only_an_argon2id_hash(db) -> None:  # type: ignore[no-untyped-def]
    assert not any_accounts(db)
    account = add_user(db, "  Anna   Berg ", "sekreterare", PASSWORD)
    assert (account.name, account.role, account.disabled) == ("Anna Berg", "sekreterare", False)
    assert any_accounts(db)
    raw = sqlite3.connect(db.path).execute("SELECT password_hash FROM users").fetchone()[0]
    assert raw.startswith("$argon2id$") and PASSWORD not in raw
    dump = "\n".join(sqlite3.connect(db.path).iterdump())
    assert PASSWORD not in dump


def test_names_roles_and_passwords_are_checked(db) -> None:  # type: ignore[no-untyped-def]
    add_user(db, "anna", "läsare", PASSWORD)
    with pytest.raises(UsageError, match="redan|already"):
        add_user(db, "ANNA", "läsare", PASSWORD)
    with pytest.raises(UsageError):
        add_user(db, "bo", "chef", PASSWORD)
    with pytest.raises(UsageError):
        add_user(db, "bo", "läsare", "kort")
    with pytest.raises(UsageError):
        add_user(db, "<script>", "läsare", PASSWORD)
    assert [a.name for a in list_users(db)] == ["anna"]


def test_accounts_are_never_deleted_and_every_change_is_recorded(db) -> None:  # type: ignore[no-untyped-def]
    add_user(db, "anna", "läsare", PASSWORD)
    set_role(db, "anna", "registrator")
    disable_user(db, "anna")
    enable_user(db, "anna")
    set_password(db, "anna", PASSWORD + "x")
    events = account_events(db)
    assert [(e["actor"], e["name"], e["event"]) for e in events] == [
        ("admin", "anna", "added"),
        ("admin", "anna", "role_set"),
        ("admin", "anna", "disabled"),
        ("admin", "anna", "enabled"),
        ("admin", "anna", "password_set"),
    ]
    with pytest.raises(sqlite3.IntegrityError):
        with db.write() as conn:
            conn.execute("DELETE FROM users")


def test_log_in_makes_a_new_session_each_time(db, fixed_clock: Clock) -> None:  # type: ignore[no-untyped-def]
    add_user(db, "anna", "sekreterare", PASSWORD)
    first = log_in(db, "anna", PASSWORD, "127.0.0.1")
    second = log_in(db, "Anna", PASSWORD, "127.0.0.1")
    assert first.outcome == second.outcome == "ok"
    assert first.token and second.token and first.token != second.token
    account = session_account(db, second.token)
    assert account is not None and account.name == "anna"
    stored = [r[0] for r in sqlite3.connect(db.path).execute("SELECT token_hash FROM web_sessions")]
    assert second.token not in stored  # only its SHA-256 is kept
    log_out(db, second.token)
    assert session_account(db, second.token) is None
    assert session_account(db, "a-token-nobody-was-given") is None


def test_idle_session_ends(db, fixed_clock: Clock) -> None:  # type: ignore[no-untyped-def]
    add_user(db, "anna", "sekreterare", PASSWORD)
    token = log_in(db, "anna", PASSWORD).token
    fixed_clock.advance(minutes=20)
    assert session_account(db, token) is not None  # a request keeps it alive
    fixed_clock.advance(minutes=20)
    assert session_account(db, token) is not None
    fixed_clock.advance(seconds=IDLE.total_seconds() + 1)
    assert session_account(db, token) is None
    assert session_account(db, token) is None  # and it stays ended


def test_a_disabled_persons_session_stops_and_they_cannot_log_in(db, fixed_clock: Clock) -> None:  # type: ignore[no-untyped-def]
    add_user(db, "anna", "sekreterare", PASSWORD)
    token = log_in(db, "anna", PASSWORD).token
    disable_user(db, "anna")
    assert session_account(db, token) is None
    assert log_in(db, "anna", PASSWORD).outcome == "disabled"
    enable_user(db, "anna")
    assert session_account(db, token) is None  # enabling again does not revive the old session
    assert log_in(db, "anna", PASSWORD).outcome == "ok"


def test_failed_log_ins_are_recorded_slowed_and_locked(db, fixed_clock: Clock) -> None:  # type: ignore[no-untyped-def]
    add_user(db, "anna", "sekreterare", PASSWORD)
    outcomes = [log_in(db, "anna", "fel-lösenord!", "192.0.2.7").outcome for _ in range(3)]
    assert outcomes == ["wrong"] * 3
    slowed = log_in(db, "anna", PASSWORD, "192.0.2.7")  # even the right password must wait
    assert slowed.outcome == "throttled" and slowed.wait == timedelta(seconds=1)
    waits = []
    for _ in range(throttle.LOCK_AFTER - throttle.FREE_FAILURES):
        fixed_clock.advance(seconds=120)
        assert log_in(db, "anna", "fel-lösenord!").outcome == "wrong"
        waits.append(log_in(db, "anna", "fel-lösenord!").wait.total_seconds())
    assert waits[:4] == [2, 4, 8, 16]  # each failure doubles the wait
    locked = log_in(db, "anna", PASSWORD)
    assert locked.outcome == "locked" and locked.wait == throttle.LOCK_FOR
    fixed_clock.advance(minutes=10)
    assert log_in(db, "anna", PASSWORD).outcome == "locked"
    fixed_clock.advance(minutes=6)
    assert log_in(db, "anna", PASSWORD).outcome == "ok"
    with db.read() as conn:
        recorded = throttle.attempts(conn, "anna")
    assert [a["outcome"] for a in recorded].count("wrong") == throttle.LOCK_AFTER
    assert {"throttled", "locked", "ok"} <= {a["outcome"] for a in recorded}
    assert recorded[0]["address"] == "192.0.2.7"


def test_a_new_password_lifts_the_lock(db, fixed_clock: Clock) -> None:  # type: ignore[no-untyped-def]
    add_user(db, "anna", "sekreterare", PASSWORD)
    for _ in range(throttle.LOCK_AFTER):
        log_in(db, "anna", "fel-lösenord!")
        fixed_clock.advance(seconds=61)
    assert log_in(db, "anna", PASSWORD).outcome == "locked"
    set_password(db, "anna", "ett-nytt-lösenord")
    assert log_in(db, "anna", "ett-nytt-lösenord").outcome == "ok"


def test_unknown_names_are_throttled_like_known_ones(db, fixed_clock: Clock) -> None:  # type: ignore[no-untyped-def]
    results = [log_in(db, "ingen", PASSWORD).outcome for _ in range(4)]
    assert results == ["wrong", "wrong", "wrong", "throttled"]


def _run(args: list[str], workspace: Path, stdin: str = "") -> tuple[int, str]:
    from generator.cli import main

    runner = CliRunner()
    import os

    old = os.getcwd()
    os.chdir(workspace)
    try:
        result = runner.invoke(main, args, input=stdin, env={"LANGUAGE": "sv"})
    finally:
        os.chdir(old)
    return result.exit_code, result.output


def test_user_commands(tmp_path: Path, cheap_hashing, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from generator.accounts import open_db

    monkeypatch.delenv("UPPDRAG_REGISTER", raising=False)
    (tmp_path / "data").mkdir()
    (tmp_path / "templates").mkdir()  # a workspace: data/ and templates/
    code, out = _run(["user", "list"], tmp_path)
    assert code == 0 and "Inga konton" in out
    code, out = _run(
        ["user", "add", "Anna Berg", "--role", "sekreterare"], tmp_path, PASSWORD + "\n"
    )
    assert code == 0, out
    assert "Anna Berg" in out and PASSWORD not in out
    code, out = _run(["user", "add", "bo", "--role", "läsare"], tmp_path, "kort\n")
    assert code == 2 and "minst 10 tecken" in out
    code, out = _run(["user", "disable", "anna berg"], tmp_path)
    assert code == 0 and "Anna Berg" in out
    code, out = _run(["user", "list"], tmp_path)
    assert "Anna Berg" in out and "avstängt" in out and "bo" not in out
    code, out = _run(["user", "passwd", "nobody"], tmp_path, PASSWORD + "\n")
    assert code == 2 and "Det finns inget konto" in out
    code, out = _run(["user", "passwd", "Anna Berg"], tmp_path, "ett-helt-nytt-lösen\n")
    assert code == 0
    with open_db(tmp_path / "output" / "diarium.sqlite") as database:
        events = account_events(database)
    assert [e["event"] for e in events] == ["added", "disabled", "password_set"]
    import getpass

    assert {e["actor"] for e in events} == {getpass.getuser()}


def test_one_address_guessing_many_names_is_slowed(db, fixed_clock: Clock) -> None:  # type: ignore[no-untyped-def]
    add_user(db, "anna", "sekreterare", PASSWORD)
    for n in range(throttle.ADDRESS_LIMIT):
        assert log_in(db, f"namn{n}", "Sommar2026!", "198.51.100.9").outcome == "wrong"
    slowed = log_in(db, "anna", PASSWORD, "198.51.100.9")
    assert slowed.outcome == "throttled" and slowed.wait == throttle.MAX_WAIT
    assert log_in(db, "anna", PASSWORD, "198.51.100.10").outcome == "ok"  # others are not
    fixed_clock.advance(seconds=61)
    assert log_in(db, "anna", PASSWORD, "198.51.100.9").outcome == "ok"


def test_serve_says_who_may_come_in_and_checks_proxy_addresses(
    tmp_path: Path,
    cheap_hashing,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    import shutil

    import waitress

    from generator.accounts import open_db

    repo = Path(__file__).resolve().parents[2]
    for name in ("data", "templates"):
        shutil.copytree(repo / name, tmp_path / name)
    monkeypatch.delenv("UPPDRAG_REGISTER", raising=False)
    served: list[dict[str, object]] = []
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: served.append({"app": app, **kw}))
    code, out = _run(["serve", "--port", "8099"], tmp_path)
    assert code == 0 and "Inga konton: bara den här datorn" in out
    with open_db(tmp_path / "output" / "diarium.sqlite") as database:
        add_user(database, "anna", "läsare", PASSWORD)
    args = ["serve", "--trust-proxy", "10.0.0.0/24", "--user-header", "X-Remote-User"]
    code, out = _run([*args, "--server-name", "uppdrag.region.se"], tmp_path)
    assert code == 0 and "Det finns konton: alla loggar in." in out
    config = served[-1]["app"].config  # type: ignore[attr-defined]
    assert config["TRUSTED_PROXIES"] == ("10.0.0.0/24",)
    assert config["PROXY_USER_HEADER"] == "X-Remote-User"
    assert "uppdrag.region.se" in config["ALLOWED_HOSTS"]
    code, out = _run(["serve", "--trust-proxy", "proxyn"], tmp_path)
    assert code == 2 and "”proxyn” är ingen IP-adress" in out
    assert len(served) == 2
