"""The council page through the Flask test client: edit, save, preview, draft, issue, decide,
a new council, and every refusal, as a secretary meets them (Swedish pages)."""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from generator import dates
from generator.editing import document as doc
from generator.register import Register
from tests.docx_text import docx_lines
from tests.web.conftest import csrf_token

URL = "/rad/onkologi"


def council_file(ws: Path, council: str = "onkologi") -> Path:
    return ws / "data" / "councils" / f"{council}.yaml"


def form_state(client: FlaskClient, url: str = URL) -> dict[str, str]:
    """The hidden state and every text field of the editor form, as a browser would post it."""
    page = client.get(url).get_data(as_text=True)
    form = page[
        page.index('<form id="radform"') : page.index("</form>", page.index('id="radform"'))
    ]
    posted = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form):
        posted[name] = html_lib.unescape(value)
    for name, value in re.findall(
        r'<input type="text" id="[^"]+" name="([^"]+)" value="([^"]*)"', form
    ):
        posted[html_lib.unescape(name)] = html_lib.unescape(value)
    for name, value in re.findall(
        r'<textarea id="[^"]+" name="([^"]+)"[^>]*>([^<]*)</textarea>', form
    ):
        posted[html_lib.unescape(name)] = html_lib.unescape(value)
    return posted


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


def test_the_form_shows_the_mandate_in_the_documents_order(client: FlaskClient) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    page = text_of(response)
    assert "<title>Samordningsråd onkologi – uppdrag</title>" in page
    assert page.count("<h1>") == 1
    # Head fields first, then the sections in the file's order, then the distribution list.
    order = [
        'name="t|namn"',
        'name="t|uppdragstagare"',
        "<code>inledning.regiondirektorens-ansvar</code>",
        "Syfte med uppdraget",
        "Uppdragsbeskrivning",
        'value="Mötesfrekvens"',
        "Beslutsfattande",
        "<code>sandlista.forteckning</code>",
    ]
    positions = [page.index(marker) for marker in order]
    assert positions == sorted(positions)
    # A standard clause is shown read-only with its text, and can be replaced or moved.
    assert "Gruppen ska samverka inom sitt ansvarsområde" in page
    assert 'value="own|avsnitt/syfte/0"' in page
    assert 'value="down|inledning/0"' in page and 'value="up|inledning/0"' not in page
    # The preview beside the form is the merged mandate.
    assert 'class="mandate-preview"' in page and "<h4>Syfte med uppdraget</h4>" in page


def test_unknown_councils_are_404(client: FlaskClient) -> None:
    for url in ("/rad/finns-inte", "/rad/ONKOLOGI", "/rad/..%2Fkonfig", "/rad/finns-inte/ge-ut"):
        assert client.get(url).status_code == 404, url


def test_save_writes_the_file_and_the_preview_follows(
    client: FlaskClient, web_workspace: Path
) -> None:
    path = council_file(web_workspace)
    before = path.read_text(encoding="utf-8")
    old_version = client.get(f"{URL}/forhandsvisning").headers["X-Council-Version"]
    posted = form_state(client)
    posted["t|avsnitt/arbetsorganisation/5/text"] = "6 ggr/år"
    posted["action"] = "save"
    response = client.post(URL, data=posted)
    assert response.status_code == 302
    after = path.read_text(encoding="utf-8")
    assert after == before.replace("text: 4 – 8 ggr/år", "text: 6 ggr/år")
    page = text_of(client.get(URL))
    assert "Sparat." in page
    preview = client.get(f"{URL}/forhandsvisning")
    assert preview.headers["X-Council-Version"] != old_version
    assert preview.headers["X-Council-Version"] == doc.version_of(path.read_bytes())
    assert "<strong>Mötesfrekvens:</strong> 6 ggr/år" in text_of(preview)


def test_an_invalid_save_shows_the_clis_message_at_the_field(
    client: FlaskClient, web_workspace: Path
) -> None:
    path = council_file(web_workspace)
    before = path.read_bytes()
    posted = form_state(client)
    posted["t|namn"] = ""
    posted["action"] = "save"
    response = client.post(URL, data=posted)
    assert response.status_code == 422
    assert path.read_bytes() == before
    page = text_of(response)
    assert (
        'id="felsammanfattning"' in page
        and '<a href="#f-namn">namn: får inte vara tomt</a>' in page
    )
    assert '<p class="field-error" id="f-namn-error">får inte vara tomt</p>' in page
    assert re.search(
        r'id="f-namn" name="t\|namn" value=""[^>]*'
        r'aria-describedby="f-namn-error" aria-invalid="true"',
        page,
    )


def test_a_save_over_a_changed_file_is_refused_with_both_versions(
    client: FlaskClient, web_workspace: Path
) -> None:
    path = council_file(web_workspace)
    posted = form_state(client)
    hand_edit = path.read_text(encoding="utf-8").replace("4 – 8 ggr/år", "10 ggr/år")
    path.write_text(hand_edit, encoding="utf-8")
    posted["t|namn"] = "Mitt nya namn"
    posted["action"] = "save"
    response = client.post(URL, data=posted)
    assert response.status_code == 409
    assert path.read_text(encoding="utf-8") == hand_edit
    page = html_lib.unescape(text_of(response))
    assert "10 ggr/år" in page and "namn: Mitt nya namn" in page


def test_structural_buttons_keep_changes_pending_until_save(
    client: FlaskClient, web_workspace: Path
) -> None:
    path = council_file(web_workspace)
    before = path.read_bytes()
    posted = form_state(client)
    posted["t|namn"] = "Samordningsråd cancer"
    response = client.post(URL, data={**posted, "action": "remove|inledning/1"})
    assert response.status_code == 200 and path.read_bytes() == before
    page = text_of(response)
    assert "osparade ändringar" in page.lower()
    assert "<code>inledning.fordelat-ansvar</code>" not in page.split('id="forhandsvisning"')[0]
    assert 'value="Samordningsråd cancer"' in page  # what was typed is kept
    pending = form_state_from(page)
    assert client.post(URL, data={**pending, "action": "save"}).status_code == 302
    text = path.read_text(encoding="utf-8")
    assert "inledning.fordelat-ansvar" not in text and "namn: Samordningsråd cancer" in text


def form_state_from(page: str) -> dict[str, str]:
    class Fake:
        def get(self, _url: str):  # type: ignore[no-untyped-def]
            class R:
                def get_data(self, as_text: bool = True) -> str:
                    return page

            return R()

    return form_state(Fake())  # type: ignore[arg-type]


def test_clause_search_offers_buttons_of_the_main_form(
    client: FlaskClient, web_workspace: Path
) -> None:
    page = text_of(client.get(f"{URL}?q=eskaleras&target=avsnitt/syfte"))
    assert "1 klausul hittades" in page
    assert (
        'form="radform" class="secondary small" name="action" '
        'value="clause|avsnitt/syfte|beslutsfattande.eskalering"' in page
    )
    posted = form_state(client)
    response = client.post(
        URL, data={**posted, "action": "clause|avsnitt/syfte|beslutsfattande.eskalering"}
    )
    assert response.status_code == 200
    pending = form_state_from(text_of(response))
    assert client.post(URL, data={**pending, "action": "save"}).status_code == 302
    assert (
        "    - klausul: syfte.samverka\n    - klausul: beslutsfattande.eskalering\n"
        in council_file(web_workspace).read_text(encoding="utf-8")
    )


def test_a_tampered_form_is_a_message_not_a_traceback(client: FlaskClient) -> None:
    posted = form_state(client)
    for bad in (
        {"action": "remove|avsnitt/finns-inte"},
        {"action": "bomb|namn"},
        {"pending": "{not json"},
        {"version": "0" * 64},
    ):
        response = client.post(URL, data={**posted, **bad})
        assert response.status_code == 400, bad
        assert "formuläret passar inte" in text_of(response).lower()


def test_posts_without_a_csrf_token_are_refused(web_workspace: Path) -> None:
    from generator.web import create_app

    client = create_app(web_workspace, {"SECRET_KEY": "t"}).test_client()
    for url in (URL, f"{URL}/utkast", f"{URL}/ge-ut", f"{URL}/beslut", "/rad/nytt"):
        assert client.post(url, data={}).status_code == 400, url


def test_a_reader_may_read_but_not_save_or_issue(app: Flask, web_workspace: Path) -> None:
    from generator.web import access

    access.set_user_loader(lambda: access.User("läsaren", "läsare"))
    try:
        client = app.test_client()
        page = text_of(client.get(URL))
        assert 'value="save"' not in page and 'href="/rad/onkologi/ge-ut"' not in page
        token = csrf_token(client, URL)  # the page images form is open to readers
        assert client.get("/rad/nytt").status_code == 403
        for url in (URL, f"{URL}/utkast", f"{URL}/ge-ut", "/rad/nytt", f"{URL}/beslut"):
            assert client.post(url, data={"csrf_token": token}).status_code == 403, url
    finally:
        access.set_user_loader(access.local_user)


def test_draft_is_downloadable_and_has_no_number(client: FlaskClient, web_workspace: Path) -> None:
    assert client.get(f"{URL}/utkast.docx").status_code == 404
    token = csrf_token(client, URL)
    assert client.post(f"{URL}/utkast", data={"csrf_token": token}).status_code == 302
    response = client.get(f"{URL}/utkast.docx")
    assert response.status_code == 200
    saved = web_workspace / "hamtad.docx"
    saved.write_bytes(response.data)
    lines = docx_lines(saved)
    assert "Diarienummer: (tilldelas vid registrering)" in lines
    assert "Samordningsråd onkologi" in lines
    with Register(web_workspace / "output" / "diarium.sqlite") as reg:
        assert reg.list() == []


def issue(client: FlaskClient, council: str = "onkologi"):  # type: ignore[no-untyped-def]
    url = f"/rad/{council}/ge-ut"
    token = csrf_token(client, url)
    return client.post(url, data={"csrf_token": token, "confirm": "yes"})


def test_issue_asks_first_then_takes_the_number(client: FlaskClient, web_workspace: Path) -> None:
    confirm = text_of(client.get(f"{URL}/ge-ut"))
    assert "Ett diarienummer tas ur registret." in confirm
    token = csrf_token(client, f"{URL}/ge-ut")
    refused = client.post(f"{URL}/ge-ut", data={"csrf_token": token})
    assert refused.status_code == 400
    assert (
        not (web_workspace / "output" / "diarium.sqlite").exists()
        or not Register(web_workspace / "output" / "diarium.sqlite").list()
    )
    response = issue(client)
    assert response.status_code == 302
    year = dates.today().year
    dnr = f"RS {year}-00001"
    page = text_of(client.get(response.headers["Location"]))
    assert f'<dd id="dnr">{dnr}</dd>' in page
    link = re.search(r'href="([^"]+/utkast\.docx)"', page)
    assert link
    download = client.get(link.group(1))
    assert download.status_code == 200
    got = web_workspace / "hamtad.docx"
    got.write_bytes(download.data)
    assert f"Diarienummer: {dnr}" in docx_lines(got)
    with Register(web_workspace / "output" / "diarium.sqlite") as reg:
        [only] = reg.list()
        assert only.dnr == dnr and only.status == "utkast" and only.council == "onkologi"
    # The start page shows the new mandate.
    assert dnr in text_of(client.get("/"))


def test_an_issued_file_is_never_overwritten(client: FlaskClient, web_workspace: Path) -> None:
    year = dates.today().year
    squatter = web_workspace / "output" / str(year) / f"RS_{year}-00001_onkologi.docx"
    squatter.parent.mkdir(parents=True)
    squatter.write_bytes(b"an earlier document")
    response = issue(client)
    assert response.status_code == 409
    assert "skrivs aldrig över" in text_of(response)
    assert squatter.read_bytes() == b"an earlier document"
    with Register(web_workspace / "output" / "diarium.sqlite") as reg:
        [voided] = reg.list()
        assert voided.status == "makulerad" and voided.reason


def test_an_unfilled_or_broken_council_is_not_issued(
    client: FlaskClient, web_workspace: Path
) -> None:
    token = csrf_token(client, "/rad/nytt")
    created = client.post(
        "/rad/nytt", data={"csrf_token": token, "id": "hjarta", "name": "Samordningsråd hjärta"}
    )
    assert created.status_code == 302 and created.headers["Location"].endswith("/rad/hjarta")
    response = issue(client, "hjarta")
    assert response.status_code == 400
    assert "ATT FYLLA I" in text_of(response)
    path = council_file(web_workspace)
    path.write_text(
        path.read_text(encoding="utf-8").replace("syfte.samverka", "syfte.okand"), encoding="utf-8"
    )
    response = issue(client)
    assert response.status_code == 400
    assert "okänd klausul 'syfte.okand'" in html_lib.unescape(text_of(response))
    assert not Register(web_workspace / "output" / "diarium.sqlite").list()


def test_decide_fills_in_the_date_once(client: FlaskClient, web_workspace: Path) -> None:
    location = issue(client).headers["Location"]
    dnr = f"RS {dates.today().year}-00001"
    token = csrf_token(client, location)
    bad = client.post(f"{URL}/beslut", data={"csrf_token": token, "dnr": dnr, "date": "1 december"})
    assert bad.status_code == 400
    page = text_of(bad)
    assert (
        "är inget datum" in page
        and 'aria-describedby="beslutsdatum-hint beslutsdatum-error"' in page
    )
    early = client.post(
        f"{URL}/beslut", data={"csrf_token": token, "dnr": dnr, "date": "2000-01-01"}
    )
    assert early.status_code == 400 and "före" in text_of(early)
    today = dates.iso(dates.today())
    done = client.post(f"{URL}/beslut", data={"csrf_token": token, "dnr": dnr, "date": today})
    assert done.status_code == 302
    page = text_of(client.get(location))
    assert "beslutad" in page and "_beslutad.docx" in page
    decided = client.get(f"{location}/beslutad.docx")
    got = web_workspace / "beslutad.docx"
    got.write_bytes(decided.data)
    assert f"Datum för beslut: {today}" in docx_lines(got)
    again = client.post(f"{URL}/beslut", data={"csrf_token": token, "dnr": dnr, "date": today})
    assert again.status_code == 409


def test_only_the_councils_own_files_are_served(client: FlaskClient) -> None:
    location = issue(client).headers["Location"]
    dnr = location.rsplit("/", 1)[1]
    assert client.get(f"/rad/primarvard/handling/{dnr}").status_code == 404
    assert client.get(f"{location}/beslutad.docx").status_code == 404
    assert client.get(f"{location}/utkast.exe").status_code == 404
    assert client.get(f"{URL}/handling/RS 1999-00001").status_code == 404


def test_new_council_checks_its_id_and_name(client: FlaskClient, web_workspace: Path) -> None:
    token = csrf_token(client, "/rad/nytt")
    response = client.post("/rad/nytt", data={"csrf_token": token, "id": "Hjärta", "name": ""})
    assert response.status_code == 422
    page = text_of(response)
    assert "'Hjärta' kan inte vara id för ett råd" in html_lib.unescape(page)
    assert 'aria-describedby="id-hint id-error"' in page and 'id="name-error"' in page
    taken = client.post("/rad/nytt", data={"csrf_token": token, "id": "onkologi", "name": "X"})
    assert taken.status_code == 422 and "finns redan" in text_of(taken)
    assert not (web_workspace / "data" / "councils" / "hjarta.yaml").exists()
    made = client.post(
        "/rad/nytt", data={"csrf_token": token, "id": "hjarta", "name": "Samordningsråd hjärta"}
    )
    assert made.status_code == 302
    text = council_file(web_workspace, "hjarta").read_text(encoding="utf-8")
    assert "namn: Samordningsråd hjärta" in text and "klausul: syfte.samverka" in text
    start = text_of(client.get("/"))
    assert '<a href="/rad/hjarta">Samordningsråd hjärta</a>' in start
    assert "ansvarsområde: ska fyllas i" in start  # check's warning for the new council


def test_start_page_links_and_check_findings(client: FlaskClient) -> None:
    page = text_of(client.get("/"))
    assert '<a href="/rad/onkologi">Samordningsråd onkologi</a>' in page
    assert 'href="/rad/nytt"' in page and "Nytt råd" in page
    assert "klausuler.kommunikation.rutin: rådet har en egen version" in page
    assert "RS 2024 – 00370" in page  # a warning about the clause library, shown once


def test_page_images_on_demand(client: FlaskClient) -> None:
    from generator.pdf import find_pdftoppm, find_soffice
    from tests.web.conftest import missing

    if find_soffice() is None or find_pdftoppm() is None:
        missing("LibreOffice and pdftoppm are needed for page images")
    token = csrf_token(client, URL)
    assert client.post(f"{URL}/sidbilder", data={"csrf_token": token}).status_code == 302
    page = text_of(client.get(URL))
    images = re.findall(r'<img class="page-image" src="([^"]+)" alt="([^"]+)"', page)
    assert len(images) >= 2 and images[0][1].startswith("Sida 1 av")
    png = client.get(images[0][0])
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
    assert client.get(f"{URL}/sidbilder/x.png").status_code == 404


@pytest.mark.parametrize("url", [URL, f"{URL}/ge-ut", "/rad/nytt", f"{URL}/forhandsvisning"])
def test_every_page_answers(client: FlaskClient, url: str) -> None:
    assert client.get(url).status_code == 200


def test_issue_with_a_pdf_a_beside_the_document(client: FlaskClient, web_workspace: Path) -> None:
    from generator.pdf import find_soffice
    from tests.web.conftest import missing

    if find_soffice() is None:
        missing("LibreOffice is needed for PDF/A")
    token = csrf_token(client, f"{URL}/ge-ut")
    response = client.post(
        f"{URL}/ge-ut", data={"csrf_token": token, "confirm": "yes", "pdf": "yes"}
    )
    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]))
    link = re.search(r'href="([^"]+/utkast\.pdf)"', page)
    assert link, page
    pdf = client.get(link.group(1))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert b"pdfaid:part" in pdf.data  # PDF/A, as the archive copy of the CLI
