"""Import in the browser: upload, the report and a preview before anything is written, then
save and record; refusals for wrong, oversized and hostile files."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import zipfile
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from generator import issuing
from generator.register import Register
from generator.workspace import Workspace
from tests.web.conftest import REPO, csrf_token
from tests.web.helpers import act_as


@pytest.fixture(scope="module")
def mandate_docx(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """primärvård's decided mandate as a Word file, made in a workspace of its own."""
    root = tmp_path_factory.mktemp("kalla")
    for name in ("data", "templates"):
        shutil.copytree(REPO / name, root / name)
    [written] = issuing.render(
        Workspace(root),
        ["primarvard"],
        date=dt.date(2025, 9, 29),
        dnr="RS 2025-03200",
        decided=dt.date(2025, 10, 6),
        register=root / "kalla.sqlite",
    )
    return written.path.read_bytes()


def _upload(client: FlaskClient, data: bytes, name: str = "Uppdrag primärvård.docx"):  # type: ignore[no-untyped-def]
    token = csrf_token(client, "/import/")
    return client.post(
        "/import/",
        data={"csrf_token": token, "document": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_upload_shows_report_and_preview_and_writes_nothing(
    client: FlaskClient, web_workspace: Path, mandate_docx: bytes
) -> None:
    council = web_workspace / "data" / "councils" / "primarvard.yaml"
    council.unlink()
    response = _upload(client, mandate_docx)
    assert response.status_code == 200, response.get_data(as_text=True)
    html = response.get_data(as_text=True)
    assert "Inget har sparats än." in html
    assert "standardklausuler kändes igen" in html
    assert "RS 2025-03200" in html
    assert "<strong>Samordningsråd primärvård</strong>" in html
    assert not council.exists()
    assert (
        not (web_workspace / "output" / "diarium.sqlite").exists()
        or not Register(web_workspace / "output" / "diarium.sqlite").list()
    )

    token = csrf_token(client, "/import/")
    action = html.split('action="/import/', 1)[1].split('"', 1)[0]
    saved = client.post(f"/import/{action}", data={"csrf_token": token, "council": "primarvard"})
    assert saved.status_code == 303
    assert saved.headers["Location"].endswith("/diarium/nummer/RS%202025-03200")
    assert council.exists()
    with Register(web_workspace / "output" / "diarium.sqlite") as reg:
        issue = reg.get("RS 2025-03200")
        assert (issue.council, issue.date, issue.decided) == (
            "primarvard",
            "2025-09-29",
            "2025-10-06",
        )
    assert not list((web_workspace / ".uppdrag" / "uploads").iterdir())  # the upload is cleared
    again = client.post(f"/import/{action}", data={"csrf_token": token, "council": "primarvard"})
    assert again.status_code == 404


def _confirm(client: FlaskClient, html: str, council: str):  # type: ignore[no-untyped-def]
    token = csrf_token(client, "/import/")
    action = html.split('action="/import/', 1)[1].split('"', 1)[0]
    return client.post(f"/import/{action}", data={"csrf_token": token, "council": council})


def test_a_taken_id_is_shown_at_its_field_and_another_can_be_chosen(
    client: FlaskClient, web_workspace: Path, mandate_docx: bytes
) -> None:
    councils = web_workspace / "data" / "councils"
    before = {p.name: p.read_bytes() for p in councils.iterdir()}
    html = _upload(client, mandate_docx).get_data(as_text=True)
    # primarvard is taken: the preview is shown, with the problem at the id field.
    assert "<strong>Samordningsråd primärvård</strong>" in html
    assert 'id="council-error"' in html and "det finns redan ett råd ”primarvard”" in html
    assert 'name="council" value="primarvard"' in html and 'aria-invalid="true"' in html
    refused = _confirm(client, html, "primarvard")
    assert refused.status_code == 422
    assert "det finns redan ett råd ”primarvard”" in refused.get_data(as_text=True)
    assert {p.name: p.read_bytes() for p in councils.iterdir()} == before
    saved = _confirm(client, html, "primarvard-2025")
    assert saved.status_code == 303, saved.get_data(as_text=True)
    assert (councils / "primarvard-2025.yaml").is_file()
    assert (councils / "primarvard.yaml").read_bytes() == before["primarvard.yaml"]
    with Register(web_workspace / "output" / "diarium.sqlite") as reg:
        assert reg.get("RS 2025-03200").council == "primarvard-2025"


@pytest.mark.parametrize(
    ("council", "message"),
    [
        ("", "får inte vara tomt"),
        ("Primär vård", "”Primär vård” kan inte vara id för ett råd"),
        ("../utanfor", "”../utanfor” kan inte vara id för ett råd"),
    ],
)
def test_a_bad_id_is_refused_at_its_field_and_nothing_is_written(
    client: FlaskClient, web_workspace: Path, mandate_docx: bytes, council: str, message: str
) -> None:
    (web_workspace / "data" / "councils" / "primarvard.yaml").unlink()
    html = _upload(client, mandate_docx).get_data(as_text=True)
    assert 'name="council" value="primarvard"' in html and 'id="council-error"' not in html
    refused = _confirm(client, html, council)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    error = page.split('id="council-error">', 1)[1].split("</p>", 1)[0]
    assert message in error
    assert 'aria-describedby="council-hint council-error"' in page
    assert "<strong>Samordningsråd primärvård</strong>" in page  # the preview is shown again
    assert sorted(p.name for p in (web_workspace / "data" / "councils").iterdir()) == [
        "onkologi.yaml"
    ]
    assert (
        not (web_workspace / "output" / "diarium.sqlite").exists()
        or not Register(web_workspace / "output" / "diarium.sqlite").list()
    )
    assert len(list((web_workspace / ".uppdrag" / "uploads").iterdir())) == 1  # kept to retry


def test_cancel_clears_the_upload(
    client: FlaskClient, web_workspace: Path, mandate_docx: bytes
) -> None:
    (web_workspace / "data" / "councils" / "primarvard.yaml").unlink()
    html = _upload(client, mandate_docx).get_data(as_text=True)
    token = csrf_token(client, "/import/")
    cancel = html.split('action="/import/', 2)[2].split('"', 1)[0]
    assert cancel.endswith("/avbryt")
    assert client.post(f"/import/{cancel}", data={"csrf_token": token}).status_code == 303
    assert not list((web_workspace / ".uppdrag" / "uploads").iterdir())
    assert not (web_workspace / "data" / "councils" / "primarvard.yaml").exists()


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "tom.docx", "inte ett Word-dokument"),
        (b"just text", "text.txt", "inte en Word-fil"),
        (b"PK not really", "trasig.docx", "inte ett Word-dokument"),
        (_zip({"a.txt": b"x"}), "annat.docx", "inte ett Word-dokument"),
        (_zip({f"{i}.xml": b"" for i in range(1001)}), "manga.docx", "fler än ett Word-dokument"),
        (_zip({"word/document.xml": b"\0" * (8 * 1024 * 1024)}), "kvot.docx", "packas upp"),
        (
            _zip({f"word/{i}.xml": b"\0" * (1024 * 1024) for i in range(101)}),
            "bomb.docx",
            "packas upp",
        ),
    ],
)
def test_wrong_and_hostile_files_are_refused(
    client: FlaskClient, web_workspace: Path, data: bytes, name: str, message: str
) -> None:
    response = _upload(client, data, name)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and 'aria-invalid="true"' in html
    uploads = web_workspace / ".uppdrag" / "uploads"
    assert not uploads.exists() or not list(uploads.iterdir())


def test_xml_entities_are_not_expanded(client: FlaskClient, web_workspace: Path) -> None:
    secret = web_workspace / "hemligt.txt"
    secret.write_text("HEMLIGHET", "utf-8")
    xml = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file://' + str(secret) + '">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>"
    )
    response = _upload(client, _zip({"word/document.xml": xml.encode()}), "entitet.docx")
    assert "HEMLIGHET" not in response.get_data(as_text=True)
    assert response.status_code == 400


def test_no_file_and_too_large(client: FlaskClient, app) -> None:  # type: ignore[no-untyped-def]
    token = csrf_token(client, "/import/")
    response = client.post(
        "/import/", data={"csrf_token": token}, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert "Välj en Word-fil" in response.get_data(as_text=True)
    app.config["MAX_CONTENT_LENGTH"] = 1000
    big = _upload(client, b"x" * 5000, "stor.docx")
    assert big.status_code == 413


def test_import_needs_the_administrator(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    act_as(monkeypatch, "sekreterare")
    assert client.get("/import/").status_code == 403
    assert client.post("/import/").status_code in (400, 403)
    assert client.post("/import/abc/spara").status_code in (400, 403)
