"""The web app's frame: start page, security headers, Host check, CSRF, language, errors."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from tests.web.conftest import axe_violations


def test_start_lists_every_council_in_swedish(client: FlaskClient) -> None:
    response = client.get("/", headers={"Accept-Language": "sv-SE,sv;q=0.9"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="sv">' in html
    assert "Samordningsråd onkologi" in html
    assert "Samordningsråd primärvård" in html or "primärvård" in html.lower()
    assert "Råden och deras uppdrag" in html


def test_english_when_the_browser_prefers_it(client: FlaskClient) -> None:
    html = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Councils and their mandates" in html


def test_security_headers_on_every_page(client: FlaskClient) -> None:
    for url in ("/", "/finns-inte"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"


def test_foreign_host_header_is_refused(client: FlaskClient) -> None:
    response = client.get("/", headers={"Host": "evil.example:8080"})
    assert response.status_code == 400
    assert "adress" in response.get_data(as_text=True)
    assert client.get("/", headers={"Host": "localhost:8080"}).status_code == 200


def test_post_without_csrf_token_is_refused(web_workspace: Path) -> None:
    from generator.web import create_app

    app = create_app(web_workspace, {"SECRET_KEY": "test"})  # CSRF on, as in production

    @app.post("/prova")
    def _probe() -> str:  # a state-changing route added only for this test
        return "changed"

    response = app.test_client().post("/prova", data={})
    assert response.status_code == 400
    assert "Formuläret" in response.get_data(as_text=True)


def test_unknown_page_is_a_swedish_404(client: FlaskClient) -> None:
    response = client.get("/finns-inte")
    assert response.status_code == 404
    assert "Det finns ingen sådan sida." in response.get_data(as_text=True)


def test_secret_key_is_kept_private_in_the_workspace(web_workspace: Path) -> None:
    from generator.web import create_app

    first = create_app(web_workspace).config["SECRET_KEY"]
    second = create_app(web_workspace).config["SECRET_KEY"]
    assert first == second and len(first) == 64
    key = web_workspace / ".uppdrag" / "secret_key"
    assert key.stat().st_mode & 0o777 == 0o600


def test_start_page_in_a_real_browser_has_no_wcag_violations(page, app: Flask) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    assert page.title() == "Råd – uppdrag"
    assert page.get_by_role("heading", level=1).inner_text() == "Råden och deras uppdrag"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Till innehållet"
    assert axe_violations(page) == []
