"""Log-in, log-out and sessions of the web front end, tried as an attacker would."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from generator.accounts import add_user, disable_user, open_db, throttle
from tests.accounts_support import PASSWORD, Clock
from tests.web.conftest import csrf_token

COOKIE = "uppdrag_login"


@pytest.fixture
def accounts(web_workspace: Path, cheap_hashing: None) -> Path:
    register = web_workspace / "output" / "diarium.sqlite"
    with open_db(register, actor="admin") as db:
        add_user(db, "anna", "sekreterare", PASSWORD)
        add_user(db, "rut", "registrator", PASSWORD)
    return register


def log_in(client: FlaskClient, name: str = "anna", password: str = PASSWORD, **extra: str):  # type: ignore[no-untyped-def]
    token = csrf_token(client, "/logga-in")
    return client.post(
        "/logga-in", data={"name": name, "password": password, "csrf_token": token, **extra}
    )


def cookie(client: FlaskClient) -> str | None:
    found = client.get_cookie(COOKIE)
    return None if found is None else found.value


def test_without_accounts_this_machine_uses_the_app_without_log_in(client: FlaskClient) -> None:
    assert client.get("/").status_code == 200
    page = client.get("/logga-in").get_data(as_text=True)
    assert "Inga konton" in page
    # but only this machine: another address is sent to log in
    remote = client.get("/", environ_base={"REMOTE_ADDR": "192.0.2.10"})
    assert remote.status_code == 303 and "/logga-in" in remote.headers["Location"]
    relayed = client.get("/", headers={"X-Forwarded-For": "192.0.2.10"})  # a proxy on this host
    assert relayed.status_code == 303


def test_once_accounts_exist_everyone_logs_in(client: FlaskClient, accounts: Path) -> None:
    response = client.get("/?sida=2")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/logga-in?next=/?sida%3D2")
    page = client.get("/logga-in").get_data(as_text=True)
    assert '<label for="namn">Namn</label>' in page and 'type="password"' in page
    response = log_in(client, next="/?sida=2")
    assert response.status_code == 303 and response.headers["Location"] == "/?sida=2"
    html = client.get("/").get_data(as_text=True)
    assert "Inloggad som anna (sekreterare)" in html and "Logga ut" in html


def test_session_cookie_flags(app: Flask, accounts: Path) -> None:
    client = app.test_client()
    response = log_in(client)
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE))
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" not in header
    secure = app.test_client()
    token = csrf_token(secure, "https://localhost/logga-in")
    response = secure.post(
        "https://localhost/logga-in",
        data={"name": "anna", "password": PASSWORD, "csrf_token": token},
        headers={"Referer": "https://localhost/logga-in"},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    headers = response.headers.getlist("Set-Cookie")
    assert all("Secure" in h for h in headers if h.startswith((COOKIE, "uppdrag_session")))


def test_log_in_gives_a_new_session_id_never_a_planted_one(
    client: FlaskClient, accounts: Path
) -> None:
    client.set_cookie(COOKIE, "planted-by-an-attacker")
    assert client.get("/").status_code == 303  # the planted id is nobody's session
    before = csrf_token(client, "/logga-in")
    log_in(client)
    stale = client.post("/logga-ut", data={"csrf_token": before})
    assert stale.status_code == 400  # a form token from before log-in is no longer good
    first = cookie(client)
    assert first and first != "planted-by-an-attacker"
    log_in(client)  # logging in again (another person at the same browser)
    second = cookie(client)
    assert second and second != first
    other = client.application.test_client()
    other.set_cookie(COOKIE, first)
    assert other.get("/").status_code == 303  # the first session ended at the second log-in
    other.set_cookie(COOKIE, second)
    assert other.get("/").status_code == 200


def test_log_out_ends_the_session_on_the_server(client: FlaskClient, accounts: Path) -> None:
    log_in(client)
    token = cookie(client)
    response = client.post("/logga-ut", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 303
    assert cookie(client) is None
    replay = client.application.test_client()
    replay.set_cookie(COOKIE, token or "")
    assert replay.get("/").status_code == 303


def test_csrf_missing_or_wrong_is_refused(client: FlaskClient, accounts: Path) -> None:
    for data in ({}, {"csrf_token": "fel"}):
        response = client.post("/logga-in", data={"name": "anna", "password": PASSWORD, **data})
        assert response.status_code == 400
        assert cookie(client) is None
    log_in(client)
    response = client.post("/logga-ut", data={"csrf_token": "fel"})
    assert response.status_code == 400
    assert client.get("/").status_code == 200  # still logged in: the forged log-out did nothing


def test_wrong_password_then_throttled_then_locked(
    client: FlaskClient,
    accounts: Path,
    fixed_clock: Clock,
) -> None:
    for _ in range(throttle.FREE_FAILURES):
        response = log_in(client, password="fel-lösenord")
        assert response.status_code == 200
        assert "Namnet eller lösenordet är fel." in response.get_data(as_text=True)
    response = log_in(client)  # right password, too soon
    assert response.status_code == 429
    assert "Vänta 1 sekund" in response.get_data(as_text=True)
    assert cookie(client) is None
    for _ in range(throttle.LOCK_AFTER - throttle.FREE_FAILURES):
        fixed_clock.advance(seconds=61)
        log_in(client, password="fel-lösenord")
    response = log_in(client)
    assert response.status_code == 429 and "låst" in response.get_data(as_text=True)
    with open_db(accounts) as db, db.read() as conn:
        outcomes = [a["outcome"] for a in throttle.attempts(conn, "anna")]
    assert outcomes.count("wrong") == throttle.LOCK_AFTER and "locked" in outcomes


def test_a_disabled_persons_open_session_stops(client: FlaskClient, accounts: Path) -> None:
    log_in(client)
    assert client.get("/").status_code == 200
    with open_db(accounts, actor="admin") as db:
        disable_user(db, "anna")
    assert client.get("/").status_code == 303
    response = log_in(client)
    assert "avstängt" in response.get_data(as_text=True)


def test_idle_session_times_out(
    client: FlaskClient,
    accounts: Path,
    fixed_clock: Clock,
) -> None:
    log_in(client)
    fixed_clock.advance(minutes=29)
    assert client.get("/").status_code == 200
    fixed_clock.advance(minutes=31)
    assert client.get("/").status_code == 303


def test_next_never_leads_to_another_site(client: FlaskClient, accounts: Path) -> None:
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        client.delete_cookie(COOKIE)
        response = log_in(client, next=target)
        assert response.headers["Location"] == "/", target


def test_trusted_proxy_user_only_from_its_address(web_workspace: Path, accounts: Path) -> None:
    from generator.web import create_app

    app = create_app(
        web_workspace,
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "TRUSTED_PROXIES": ("10.9.8.7",),
            "PROXY_USER_HEADER": "X-Remote-User",
        },
    )
    client = app.test_client()
    proxy = {"REMOTE_ADDR": "10.9.8.7"}
    html = client.get("/", headers={"X-Remote-User": "rut"}, environ_base=proxy)
    assert html.status_code == 200
    assert "Inloggad som rut (registrator)" in html.get_data(as_text=True)
    forged = client.get(
        "/", headers={"X-Remote-User": "rut"}, environ_base={"REMOTE_ADDR": "10.9.8.8"}
    )
    assert forged.status_code == 303  # a header from anyone else is not believed
    nobody = client.get("/", headers={"X-Remote-User": "okänd"}, environ_base=proxy)
    assert nobody.status_code == 303  # a name without an account gets nothing


def test_log_in_page_has_no_wcag_violations(page, accounts: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.web.conftest import axe_violations

    page.goto("/")
    assert page.title() == "Logga in – uppdrag"
    assert axe_violations(page) == []
    page.get_by_label("Namn").fill("anna")
    page.get_by_label("Lösenord").fill("fel-lösenord")
    page.get_by_role("button", name="Logga in").click()
    assert page.get_by_role("alert").inner_text().count("fel") >= 1
    assert axe_violations(page) == []
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/$"))
    assert "Inloggad som anna" in page.content()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url(re.compile(r"/logga-in$"))
    assert page.title() == "Logga in – uppdrag"
    assert page.get_by_role("status").inner_text() == "Du är utloggad."
    assert axe_violations(page) == []


def test_a_forvaltare_manages_accounts_on_the_web(app: Flask, accounts: Path) -> None:
    from generator.accounts import account_events

    with open_db(accounts, actor="admin") as db:
        add_user(db, "Frida", "förvaltare", PASSWORD)
    anna = app.test_client()
    log_in(anna)
    assert "Konton" not in anna.get("/").get_data(as_text=True)  # not in a sekreterare's menu
    assert anna.get("/konton").status_code == 403
    frida = app.test_client()
    log_in(frida, "Frida")
    assert '<a href="/konton"' in frida.get("/").get_data(as_text=True)
    token = csrf_token(frida, "/konton")
    differ = frida.post(
        "/konton",
        data={
            "name": "Nils",
            "role": "läsare",
            "password": PASSWORD,
            "password2": "annat-lösen",
            "csrf_token": token,
        },
    )
    assert differ.status_code == 400 and "De två lösenorden skiljer sig åt." in differ.get_data(
        as_text=True
    )
    added = frida.post(
        "/konton",
        data={
            "name": "Nils",
            "role": "läsare",
            "password": PASSWORD,
            "password2": PASSWORD,
            "csrf_token": token,
        },
    )
    assert added.status_code == 303
    frida.post("/konton/Nils", data={"action": "role", "role": "registrator", "csrf_token": token})
    frida.post("/konton/anna", data={"action": "disable", "csrf_token": token})
    assert anna.get("/").status_code == 303  # her open session stopped
    with open_db(accounts) as db:
        events = [(e["actor"], e["name"], e["event"]) for e in account_events(db)][3:]
    assert events == [
        ("Frida", "Nils", "added"),
        ("Frida", "Nils", "role_set"),
        ("Frida", "anna", "disabled"),
    ]


def test_accounts_page_has_no_wcag_violations(page, accounts: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.web.conftest import axe_violations

    with open_db(accounts, actor="admin") as db:
        add_user(db, "Frida", "förvaltare", PASSWORD)
    page.goto("/logga-in")
    page.get_by_label("Namn").fill("Frida")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(re.compile(r"/$"))
    page.get_by_role("link", name="Konton").click()
    page.wait_for_url(re.compile(r"/konton$"))
    assert page.title() == "Konton – uppdrag"
    assert axe_violations(page) == []
    page.get_by_label("Namn", exact=True).fill("Nils")
    page.get_by_label("Lösenord", exact=True).fill(PASSWORD)
    page.get_by_label("Upprepa lösenordet").fill("något annat")
    page.get_by_role("button", name="Lägg till kontot").click()
    page.wait_for_url(re.compile(r"/konton$"))
    assert "skiljer sig" in page.get_by_role("alert").inner_text()
    assert axe_violations(page) == []
