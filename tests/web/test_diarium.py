"""The register in the browser: search, history, downloads, verify, void, set-next, export."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from generator.register import Register
from generator.web import jobs
from tests.web.conftest import csrf_token
from tests.web.helpers import act_as, dnr_links, issue_all


@pytest.fixture
def issued(web_workspace: Path) -> list:
    return issue_all(web_workspace)


def _register(root: Path) -> Register:
    return Register(root / "output" / "diarium.sqlite")


def test_register_lists_every_number_and_filters(client: FlaskClient, issued: list) -> None:
    html = client.get("/diarium/").get_data(as_text=True)
    assert set(dnr_links(html)) == {"RS 2026-00001", "RS 2026-00002"}
    assert "2 av 2 nummer visas." in html
    only = client.get("/diarium/?rad=onkologi").get_data(as_text=True)
    assert dnr_links(only) == [w.dnr for w in issued if w.council == "onkologi"]
    words = client.get("/diarium/?q=primärvård").get_data(as_text=True)
    assert dnr_links(words) == [w.dnr for w in issued if w.council == "primarvard"]
    none = client.get("/diarium/?status=makulerad").get_data(as_text=True)
    assert dnr_links(none) == [] and "Inget nummer stämmer." in none
    assert dnr_links(client.get("/diarium/?ar=2025").get_data(as_text=True)) == []
    assert len(dnr_links(client.get("/diarium/?ar=2026").get_data(as_text=True))) == 2


def test_number_page_tells_its_history_in_the_registrars_words(
    client: FlaskClient, issued: list
) -> None:
    html = client.get("/diarium/nummer/RS 2026-00001").get_data(as_text=True)
    assert "<h1>RS 2026-00001</h1>" in html
    assert "numret togs för Uppdragshandling för Samordningsråd onkologi" in html
    assert "filen skrevs: output/2026/RS_2026-00001_onkologi.docx" in html


def test_unknown_and_malformed_numbers(client: FlaskClient, issued: list) -> None:
    assert client.get("/diarium/nummer/RS 2026-00099").status_code == 404
    response = client.get("/diarium/nummer/inte-ett-nummer")
    assert response.status_code == 400
    assert "Traceback" not in response.get_data(as_text=True)


def test_download_gives_the_issued_file_as_registered(client: FlaskClient, issued: list) -> None:
    response = client.get("/diarium/nummer/RS 2026-00001/fil/0")
    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "RS_2026-00001_onkologi.docx" in response.headers["Content-Disposition"]
    assert response.data == issued[0].path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(response.data)) as docx:
        assert "RS 2026-00001" in docx.read("word/document.xml").decode()
    assert client.get("/diarium/nummer/RS 2026-00001/fil/5").status_code == 409


def test_download_refuses_a_recorded_path_outside_the_output_folder(
    client: FlaskClient, issued: list, web_workspace: Path
) -> None:
    with _register(web_workspace) as reg:
        reg._conn.execute("DROP TRIGGER IF EXISTS files_no_update")
        reg._conn.execute(
            "UPDATE files SET path = ? WHERE dnr = 'RS 2026-00001'",
            (str(web_workspace / "data" / "klausuler.yaml"),),
        )
        reg._conn.commit()
    response = client.get("/diarium/nummer/RS 2026-00001/fil/0")
    assert response.status_code == 400
    assert "utanför mappen" in response.get_data(as_text=True)


def test_download_of_a_missing_file_says_so(client: FlaskClient, issued: list) -> None:
    issued[0].path.unlink()
    response = client.get("/diarium/nummer/RS 2026-00001/fil/0")
    assert response.status_code == 409
    assert "saknas" in response.get_data(as_text=True)


def test_void_asks_for_confirmation_and_a_reason(
    client: FlaskClient, issued: list, web_workspace: Path
) -> None:
    url = "/diarium/nummer/RS 2026-00002/makulera"
    page = client.get(url).get_data(as_text=True)
    assert "Vad makulering innebär" in page
    token = csrf_token(client, url)
    empty = client.post(url, data={"csrf_token": token, "reason": "  "})
    assert empty.status_code == 400
    assert 'aria-invalid="true"' in empty.get_data(as_text=True)
    with _register(web_workspace) as reg:
        assert reg.get("RS 2026-00002").status == "utkast"
    done = client.post(url, data={"csrf_token": token, "reason": "Fel råd"})
    assert done.status_code == 303
    with _register(web_workspace) as reg:
        issue = reg.get("RS 2026-00002")
        assert (issue.status, issue.reason) == ("makulerad", "Fel råd")
    assert issued[1].path.exists()  # nothing is deleted
    shown = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "makulerad: Fel råd" in shown


def test_void_without_token_changes_nothing(
    client: FlaskClient, issued: list, web_workspace: Path
) -> None:
    response = client.post("/diarium/nummer/RS 2026-00002/makulera", data={"reason": "x"})
    assert response.status_code == 400
    with _register(web_workspace) as reg:
        assert reg.get("RS 2026-00002").status == "utkast"


def _verify(client: FlaskClient, root: Path) -> str:
    """Start a verify, wait for its job, and give the page of its result."""
    token = csrf_token(client, "/diarium/kontroll")
    started = client.post("/diarium/kontroll", data={"csrf_token": token})
    assert started.status_code == 303
    job_id = started.headers["Location"].rsplit("/", 1)[1]  # /jobb/<id> or /kontroll/<id>
    job = jobs.wait(root / ".uppdrag", job_id)
    assert job is not None and job.status == "done" and job.kind == "verify"
    page = client.get(f"/diarium/kontroll/{job_id}")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_verify_shows_the_result_per_file(
    client: FlaskClient, issued: list, web_workspace: Path
) -> None:
    html = _verify(client, web_workspace)
    assert "Alla 2 utfärdade filer stämmer med diariet." in html
    assert "output/2026/RS_2026-00001_onkologi.docx" in html
    issued[1].path.write_bytes(b"changed")
    issued[0].path.unlink()
    html = _verify(client, web_workspace)
    assert "2 av 2 utfärdade filer stämmer inte med diariet." in html
    assert "ÄNDRAD" in html and "SAKNAS" in html


def test_verify_of_a_large_register_shows_its_progress(
    client: FlaskClient, issued: list, web_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.web import diarium as views

    monkeypatch.setattr(views, "QUICK_JOB_SECONDS", 0)
    token = csrf_token(client, "/diarium/kontroll")
    started = client.post("/diarium/kontroll", data={"csrf_token": token})
    assert started.headers["Location"].startswith("/jobb/")
    job_id = started.headers["Location"].rsplit("/", 1)[1]
    jobs.wait(web_workspace / ".uppdrag", job_id)
    done = client.get(started.headers["Location"])
    assert done.status_code == 303
    assert done.headers["Location"] == f"/diarium/kontroll/{job_id}"
    assert client.get("/diarium/kontroll/0123abcd").status_code == 404


def test_set_next_number(client: FlaskClient, issued: list, web_workspace: Path) -> None:
    token = csrf_token(client, "/diarium/nasta-nummer")
    bad = client.post("/diarium/nasta-nummer", data={"csrf_token": token, "dnr": "RS 2026-00001"})
    assert bad.status_code == 400
    assert "redan använt" in bad.get_data(as_text=True)
    malformed = client.post("/diarium/nasta-nummer", data={"csrf_token": token, "dnr": "xyz"})
    assert malformed.status_code == 400
    ok = client.post("/diarium/nasta-nummer", data={"csrf_token": token, "dnr": "RS 2026-00500"})
    assert ok.status_code == 303
    issue_all(web_workspace)
    with _register(web_workspace) as reg:
        assert {i.dnr for i in reg.list()} >= {"RS 2026-00500", "RS 2026-00501"}


def test_csv_export(client: FlaskClient, issued: list) -> None:
    response = client.get("/diarium/export.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == "attachment; filename=diarium.csv"
    text = response.data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["Diarienummer"] for r in rows] == ["RS 2026-00001", "RS 2026-00002"]
    assert rows[0]["Ärendemening"] == "Uppdragshandling för Samordningsråd onkologi"


def test_a_reader_reads_and_downloads_but_cannot_change(
    client: FlaskClient, issued: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    act_as(monkeypatch, "läsare")
    assert client.get("/diarium/").status_code == 200
    assert "Makulera" not in client.get("/diarium/nummer/RS 2026-00001").get_data(as_text=True)
    assert client.get("/diarium/nummer/RS 2026-00001/fil/0").status_code == 200
    for url in (
        "/diarium/nummer/RS 2026-00001/makulera",
        "/diarium/kontroll",
        "/diarium/nasta-nummer",
        "/diarium/export.csv",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post("/diarium/kontroll").status_code in (400, 403)


def test_every_view_states_its_role(app) -> None:  # type: ignore[no-untyped-def]
    for name, view in app.view_functions.items():
        if name.split(".")[0] in ("diarium", "library", "importing", "progress"):
            assert getattr(view, "required_role", None), name
