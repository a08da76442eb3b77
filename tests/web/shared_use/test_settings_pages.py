"""The settings page and the template page: who may do what, refusals that change nothing, the
conflict page on a stale form, and axe-core on both pages in the browser."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from generator.accounts import add_user, open_db
from generator.web import jobs
from tests.accounts_support import PASSWORD
from tests.test_settings_edit import broken_template
from tests.web.conftest import axe_violations, csrf_token

SETTINGS = "/installningar/"
TEMPLATE = "/installningar/mall"


@pytest.fixture
def people(web_workspace: Path, cheap_hashing: None) -> Path:
    register = web_workspace / "output" / "diarium.sqlite"
    with open_db(register, actor="admin") as db:
        add_user(db, "Anna Berg", "sekreterare", PASSWORD)
        add_user(db, "Lars", "läsare", PASSWORD)
        add_user(db, "Frida", "förvaltare", PASSWORD)
    return register


def logged_in(app: Flask, name: str) -> FlaskClient:
    client = app.test_client()
    token = csrf_token(client, "/logga-in")
    client.post("/logga-in", data={"name": name, "password": PASSWORD, "csrf_token": token})
    return client


def form_of(client: FlaskClient) -> dict[str, str]:
    html = client.get(SETTINGS).get_data(as_text=True)
    form = dict(
        re.findall(r'<input type="(?:text|hidden)"[^>]*name="([^"]+)" value="([^"]*)"', html)
    )
    form.update(dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)))
    title = re.search(r'name="dokumenttitel"[^>]*>([^<]*)</textarea>', html)
    assert title is not None
    form["dokumenttitel"] = title.group(1)
    form["datumformat"] = "iso"
    return form


def template_token(client: FlaskClient) -> str:
    """The version of the template the template page shows (its hidden ``version`` field)."""
    html = client.get(TEMPLATE).get_data(as_text=True)
    found = re.search(r'<input type="hidden" name="version" value="([0-9a-f]*)"', html)
    assert found is not None
    return found.group(1)


def settings_file(workspace: Path) -> bytes:
    return (workspace / "data" / "installningar.yaml").read_bytes()


def test_forvaltare_saves_the_settings(app: Flask, web_workspace: Path, people: Path) -> None:
    client = logged_in(app, "Frida")
    form = form_of(client)
    assert form["organisation"] == "Västra Götalandsregionen"
    form.update(organisation="Region Exempel", reason="ny region")
    response = client.post(SETTINGS, data=form)
    assert response.status_code == 303
    text = settings_file(web_workspace).decode("utf-8")
    assert "organisation: Region Exempel\n" in text
    assert "# prefix i diarienumret" in text
    html = client.get("/historik/installningar").get_data(as_text=True)
    assert "Frida" in html and "ny region" in html


def test_invalid_settings_are_shown_at_the_field_and_nothing_written(
    app: Flask, web_workspace: Path, people: Path
) -> None:
    before = settings_file(web_workspace)
    client = logged_in(app, "Frida")
    form = form_of(client)
    form["diarieserie"] = "rs"
    response = client.post(SETTINGS, data=form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "”rs” kan inte vara en diarieserie" in html
    assert 'href="#diarieserie"' in html
    assert re.search(r'id="diarieserie"[^>]*aria-describedby="[^"]*diarieserie-error', html)
    assert settings_file(web_workspace) == before


def test_stale_form_gets_the_conflict_page(app: Flask, web_workspace: Path, people: Path) -> None:
    client = logged_in(app, "Frida")
    form = form_of(client)
    path = web_workspace / "data" / "installningar.yaml"
    hand = path.read_text(encoding="utf-8").replace("diarieserie: RS", "diarieserie: KS")
    path.write_text(hand, encoding="utf-8")
    form["organisation"] = "Region Exempel"
    response = client.post(SETTINGS, data=form)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "KS" in html and "Region Exempel" in html
    assert path.read_text(encoding="utf-8") == hand


@pytest.mark.parametrize("name", ["Lars", "Anna Berg"])
def test_lower_roles_may_not_save_or_replace(
    app: Flask, web_workspace: Path, people: Path, name: str
) -> None:
    before = settings_file(web_workspace)
    template = (web_workspace / "templates" / "uppdragshandling.docx").read_bytes()
    client = logged_in(app, name)
    html = client.get(SETTINGS).get_data(as_text=True)
    assert "Västra Götalandsregionen" in html and "<form" not in html.split("<main")[1]
    token = csrf_token(client, "/")
    form = {"csrf_token": token, "organisation": "X", "diarieserie": "RS"}
    assert client.post(SETTINGS, data=form).status_code == 403
    assert client.get(TEMPLATE).status_code == 403
    upload = {"csrf_token": token, "template": (io.BytesIO(template), "mall.docx")}
    assert client.post(TEMPLATE, data=upload).status_code == 403
    assert settings_file(web_workspace) == before


def test_save_is_refused_while_a_job_runs(app: Flask, web_workspace: Path, people: Path) -> None:
    before = settings_file(web_workspace)
    client = logged_in(app, "Frida")
    form = form_of(client)
    form["organisation"] = "Region Exempel"
    with jobs.exclusive(web_workspace / ".uppdrag", "reissue", "Omutgivning", "Anna Berg"):
        response = client.post(SETTINGS, data=form)
    assert response.status_code == 409
    assert "Anna Berg" in response.get_data(as_text=True)
    assert settings_file(web_workspace) == before


def test_template_download_upload_and_refusal(
    app: Flask, web_workspace: Path, people: Path, tmp_path: Path
) -> None:
    path = web_workspace / "templates" / "uppdragshandling.docx"
    old = path.read_bytes()
    client = logged_in(app, "Frida")
    download = client.get(TEMPLATE + "/uppdragshandling.docx")
    assert download.status_code == 200 and download.data == old
    broken = broken_template(path, tmp_path / "trasig.docx", "{{ date_text }}", "{{ datum }}")
    token = csrf_token(client, TEMPLATE)
    version = template_token(client)
    assert version == hashlib.sha256(old).hexdigest()
    response = client.post(
        TEMPLATE,
        data={
            "csrf_token": token,
            "version": version,
            "template": (io.BytesIO(broken.read_bytes()), "trasig.docx"),
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "trasig.docx" in html and "datum" in html and 'aria-invalid="true"' in html
    assert path.read_bytes() == old
    good = broken_template(path, tmp_path / "ny.docx", "Diarienummer:", "Diarienr:")
    response = client.post(
        TEMPLATE,
        data={
            "csrf_token": token,
            "version": version,
            "reason": "ny rubrik",
            "template": (io.BytesIO(good.read_bytes()), "ny.docx"),
        },
    )
    assert response.status_code == 303
    assert path.read_bytes() == good.read_bytes()
    assert not list((web_workspace / ".uppdrag" / "uploads").iterdir())


def test_settings_and_template_pages_pass_axe(page: object, people: Path) -> None:
    page.goto("/logga-in")  # type: ignore[attr-defined]
    page.get_by_label("Namn").fill("Frida")  # type: ignore[attr-defined]
    page.get_by_label("Lösenord").fill(PASSWORD)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Logga in").click()  # type: ignore[attr-defined]
    page.wait_for_url(re.compile(r"/$"))  # type: ignore[attr-defined]
    page.goto(SETTINGS)  # type: ignore[attr-defined]
    assert page.title() == "Inställningar – uppdrag"  # type: ignore[attr-defined]
    page.fill("#diarieserie", "rs")  # type: ignore[attr-defined]
    page.click("text=Spara inställningarna")  # type: ignore[attr-defined]
    assert page.locator("#diarieserie-error").is_visible()  # type: ignore[attr-defined]
    assert axe_violations(page) == []
    page.goto(TEMPLATE)  # type: ignore[attr-defined]
    assert axe_violations(page) == []
