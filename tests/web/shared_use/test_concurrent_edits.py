"""Two people (or two tabs, or a hand edit) on the same council: the second save is refused with
both versions shown, and nothing of the first is lost; every save is in the file's history."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from generator import history
from generator.accounts import add_user, open_db
from generator.workspace import Workspace
from tests.accounts_support import PASSWORD
from tests.web.conftest import axe_violations, csrf_token
from tests.web.test_councils import form_state

URL = "/rad/onkologi"
FIELD = "t|avsnitt/arbetsorganisation/5/text"


@pytest.fixture
def people(web_workspace: Path, cheap_hashing: None) -> Path:
    register = web_workspace / "output" / "diarium.sqlite"
    with open_db(register, actor="admin") as db:
        add_user(db, "Anna Berg", "sekreterare", PASSWORD)
        add_user(db, "Bo Ek", "sekreterare", PASSWORD)
        add_user(db, "Frida", "förvaltare", PASSWORD)
    return register


def logged_in(app: Flask, name: str) -> FlaskClient:
    client = app.test_client()
    token = csrf_token(client, "/logga-in")
    client.post("/logga-in", data={"name": name, "password": PASSWORD, "csrf_token": token})
    return client


def council(ws: Path) -> Path:
    return ws / "data" / "councils" / "onkologi.yaml"


def test_second_save_is_refused_with_both_and_the_first_kept(
    app: Flask, web_workspace: Path, people: Path
) -> None:
    anna, bo = logged_in(app, "Anna Berg"), logged_in(app, "Bo Ek")
    form_a, form_b = form_state(anna), form_state(bo)
    form_a.update({FIELD: "6 ggr/år", "action": "save"})
    form_b.update({FIELD: "10 ggr/år", "action": "save"})
    assert anna.post(URL, data=form_a).status_code in (302, 303)
    refused = bo.post(URL, data=form_b)
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "text: 6 ggr/år" in page and "text: 10 ggr/år" in page
    text = council(web_workspace).read_text(encoding="utf-8")
    assert "text: 6 ggr/år" in text and "10 ggr/år" not in text
    ws = Workspace(web_workspace)
    with open_db(people) as db:
        versions = history.versions(db, ws, council(web_workspace))
    assert [(v.origin, v.author) for v in versions][-1] == ("saved", "Anna Berg")
    assert "text: 4 – 8 ggr/år" in versions[-2].text  # the version before it is kept


def test_a_hand_edit_between_load_and_save_is_caught(
    app: Flask, web_workspace: Path, people: Path
) -> None:
    anna = logged_in(app, "Anna Berg")
    posted = form_state(anna)
    path = council(web_workspace)
    by_hand = path.read_text(encoding="utf-8") + "# ändrat för hand\n"
    path.write_text(by_hand, encoding="utf-8")
    posted.update({FIELD: "6 ggr/år", "action": "save"})
    refused = anna.post(URL, data=posted)
    assert refused.status_code == 409
    assert "# ändrat för hand" in refused.get_data(as_text=True)
    assert path.read_text(encoding="utf-8") == by_hand
    with open_db(people) as db:
        versions = history.versions(db, Workspace(web_workspace), path)
    assert versions[-1].origin == "hand_edit" and versions[-1].text == by_hand


def test_council_and_library_saves_keep_author_reason_and_the_version_before(
    app: Flask, web_workspace: Path, people: Path
) -> None:
    ws = Workspace(web_workspace)
    anna = logged_in(app, "Anna Berg")
    posted = form_state(anna)
    posted.update({FIELD: "6 ggr/år", "reason": "Beslut i rådet 12 mars", "action": "save"})
    assert anna.post(URL, data=posted).status_code in (302, 303)
    frida = logged_in(app, "Frida")
    page = frida.get("/bibliotek/klausul/syfte.samverka").get_data(as_text=True)
    version = re.search(r'name="version" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    token = csrf_token(frida, "/bibliotek/klausul/syfte.samverka")
    saved = frida.post(
        "/bibliotek/klausul/syfte.samverka/spara",
        data={"csrf_token": token, "text": "Rådet ska samverka brett.", "version": version},
    )
    assert saved.status_code == 303, saved.get_data(as_text=True)
    with open_db(people) as db:
        council_versions = history.versions(db, ws, council(web_workspace))
        library_versions = history.versions(db, ws, ws.library_path)
    last = council_versions[-1]
    assert (last.origin, last.author, last.reason) == (
        "saved",
        "Anna Berg",
        "Beslut i rådet 12 mars",
    )
    assert "text: 4 – 8 ggr/år" in council_versions[-2].text
    last = library_versions[-1]
    assert (last.author, last.reason) == ("Frida", "klausul syfte.samverka")
    assert "Rådet ska samverka brett." in last.text
    assert "Rådet ska samverka brett." not in library_versions[-2].text
    lines = history.diff_versions(library_versions[-2], last)
    assert [x.text.strip() for x in lines if x.kind == "added"] == ["Rådet ska samverka brett."]


def test_a_library_save_on_a_stale_page_shows_both_texts(
    app: Flask, web_workspace: Path, people: Path
) -> None:
    frida = logged_in(app, "Frida")
    url = "/bibliotek/klausul/syfte.samverka"
    version = re.search(r'name="version" value="([^"]+)"', frida.get(url).get_data(as_text=True))
    token = csrf_token(frida, url)
    ws = Workspace(web_workspace)
    text = ws.library_path.read_text(encoding="utf-8")
    with open_db(people, actor="Greta") as db:  # someone else saves the same clause meanwhile
        history.save(
            db,
            ws,
            ws.library_path,
            text.replace("Gruppen ska samverka", "Gretas text: samverka", 1),
            base=history.digest(text.encode()),
        )
    refused = frida.post(
        f"{url}/spara",
        data={"csrf_token": token, "text": "Fridas text.", "version": version.group(1)},  # type: ignore[union-attr]
    )
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "Gretas text: samverka" in page and "Fridas text." in page
    assert "Gretas text" in ws.library_path.read_text(encoding="utf-8")


def test_who_did_what_through_the_pages(app: Flask, web_workspace: Path, people: Path) -> None:
    from generator.register import Register
    from generator.web import jobs

    with open_db(people, actor="admin") as db:
        add_user(db, "Rut", "registrator", PASSWORD)
    anna = logged_in(app, "Anna Berg")
    token = csrf_token(anna, f"{URL}/ge-ut")
    issued = anna.post(f"{URL}/ge-ut", data={"csrf_token": token, "confirm": "yes"})
    assert issued.status_code in (302, 303), issued.get_data(as_text=True)
    dnr = re.search(r"/handling/([^/?]+)", issued.headers["Location"]).group(1)  # type: ignore[union-attr]
    from urllib.parse import unquote

    dnr = unquote(dnr)
    rut = logged_in(app, "Rut")
    void_url = f"/diarium/nummer/{dnr}/makulera"
    token = csrf_token(rut, void_url)
    assert rut.post(void_url, data={"csrf_token": token, "reason": "Fel råd"}).status_code == 303
    # Frida re-issues after a library change: the job's thread records her name
    library = web_workspace / "data" / "klausuler.yaml"
    library.write_text(
        library.read_text("utf-8").replace("    Gruppen ska samverka", "    Rådet ska samverka", 1),
        "utf-8",
    )
    frida = logged_in(app, "Frida")
    token = csrf_token(frida, "/bibliotek/omutgivning")
    started = frida.post(
        "/bibliotek/omutgivning/kor",
        data={"csrf_token": token, "reason": "Ny syftestext", "date": "2026-03-01"},
    )
    assert started.status_code == 303
    job_id = re.search(r"/([0-9a-f]{16})", started.headers["Location"]).group(1)  # type: ignore[union-attr]
    job = jobs.wait(web_workspace / ".uppdrag", job_id)
    assert job is not None and job.status == "done", job and job.error
    with Register(people) as reg:
        events = [
            (e["dnr"], e["event"], e["actor"]) for i in reg.list() for e in reg.history(i.dnr)
        ]
    assert (dnr, "reserved", "Anna Berg") in events and (dnr, "written", "Anna Berg") in events
    assert (dnr, "voided", "Rut") in events
    others = [e for e in events if e[0] != dnr]
    assert others and {actor for _d, _e, actor in others} == {"Frida"}
    shown = rut.get(f"/diarium/nummer/{dnr}").get_data(as_text=True)
    assert "(Anna Berg)" in shown and "(Rut)" in shown


def test_a_reissue_started_by_one_blocks_another_who_is_told_who(
    app: Flask, web_workspace: Path, people: Path
) -> None:
    import threading

    from generator.web import job_progress, jobs

    with open_db(people, actor="admin") as db:
        add_user(db, "Greta", "förvaltare", PASSWORD)
    gate = threading.Event()

    def slow(progress: job_progress.JobProgress) -> dict:
        gate.wait(10)
        return {}

    state = web_workspace / ".uppdrag"
    frida = logged_in(app, "Frida")
    running = jobs.start(state, "reissue", "Ny utgivning av uppdragen", "Frida", slow)
    try:
        greta = logged_in(app, "Greta")
        token = csrf_token(greta, "/bibliotek/omutgivning")
        refused = greta.post(
            "/bibliotek/omutgivning/kor",
            data={"csrf_token": token, "reason": "Annat", "date": "2026-03-01"},
        )
        assert refused.status_code == 409
        assert "Frida kör ”Ny utgivning av uppdragen”" in refused.get_data(as_text=True)
        assert frida.get("/").status_code == 200
    finally:
        gate.set()
    jobs.wait(state, running.id)


def test_two_browser_contexts_edit_the_same_council(  # type: ignore[no-untyped-def]
    browser, live_server: str, web_workspace: Path, people: Path
) -> None:
    """Anna and Bo open the same council in their own browsers; Bo's later save is refused with
    both versions shown, and Anna's change stays."""
    pages = []
    for name in ("Anna Berg", "Bo Ek"):
        context = browser.new_context(base_url=live_server, locale="sv-SE")
        context.set_default_timeout(10_000)
        from tests.web.conftest import AXE

        if AXE.exists():
            context.add_init_script(path=str(AXE))
        tab = context.new_page()
        tab.goto("/logga-in")
        tab.get_by_label("Namn").fill(name)
        tab.get_by_label("Lösenord").fill(PASSWORD)
        tab.get_by_role("button", name="Logga in").click()
        tab.wait_for_url(re.compile(r"/$"))
        tab.goto(URL)
        pages.append(tab)
    anna, bo = pages
    field = f'[name="{FIELD}"]'
    anna.locator(field).fill("6 ggr/år")
    anna.get_by_role("button", name="Spara").last.click()
    anna.wait_for_url(re.compile(r"/rad/onkologi"))
    assert "Sparat." in anna.get_by_role("status").first.inner_text()
    bo.locator(field).fill("10 ggr/år")
    bo.get_by_role("button", name="Spara").last.click()
    bo.wait_for_load_state()
    assert bo.title() == "Filen har ändrats under tiden – uppdrag"
    now = bo.get_by_label("Filen som den är nu").input_value()
    mine = bo.get_by_label("Din version").input_value()
    assert "text: 6 ggr/år" in now and "text: 10 ggr/år" in mine
    assert "Anna Berg" in bo.content()  # who saved the version now on disk
    assert axe_violations(bo) == []
    text = council(web_workspace).read_text(encoding="utf-8")
    assert "text: 6 ggr/år" in text and "10 ggr/år" not in text
    for tab in pages:
        tab.context.close()


def test_an_import_and_a_reissue_never_run_at_once(
    app: Flask, web_workspace: Path, people: Path
) -> None:
    import datetime as dt
    import io
    import shutil
    import threading

    from generator import issuing
    from generator.web import jobs
    from tests.web.conftest import REPO

    source = web_workspace.parent / "kalla"
    for name in ("data", "templates"):
        shutil.copytree(REPO / name, source / name)
    [written] = issuing.render(
        Workspace(source),
        ["primarvard"],
        date=dt.date(2025, 9, 29),
        dnr="RS 2025-03200",
        register=source / "kalla.sqlite",
    )
    (web_workspace / "data" / "councils" / "primarvard.yaml").unlink()
    with open_db(people, actor="admin") as db:
        add_user(db, "Greta", "förvaltare", PASSWORD)
    greta = logged_in(app, "Greta")
    token = csrf_token(greta, "/import/")
    shown = greta.post(
        "/import/",
        data={"csrf_token": token, "document": (io.BytesIO(written.path.read_bytes()), "p.docx")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    action = shown.split('action="/import/', 1)[1].split('"', 1)[0]
    state = web_workspace / ".uppdrag"
    gate = threading.Event()
    running = jobs.start(
        state, "reissue", "Ny utgivning av uppdragen", "Frida", lambda p: gate.wait(10) and {}
    )
    try:
        refused = greta.post(
            f"/import/{action}", data={"csrf_token": token, "council": "primarvard"}
        )
        assert refused.status_code == 409
        assert "Frida kör ”Ny utgivning av uppdragen”" in refused.get_data(as_text=True)
        assert not (web_workspace / "data" / "councils" / "primarvard.yaml").exists()
    finally:
        gate.set()
    jobs.wait(state, running.id)
    # while an import holds the workspace, a re-issue is refused the same way
    frida = logged_in(app, "Frida")
    token_f = csrf_token(frida, "/bibliotek/omutgivning")
    with jobs.exclusive(state, "import", "Import av p.docx", "Greta"):
        blocked = frida.post(
            "/bibliotek/omutgivning/kor",
            data={"csrf_token": token_f, "reason": "R", "date": "2026-03-01"},
        )
        assert blocked.status_code == 409
        assert "Greta kör ”Import av p.docx”" in blocked.get_data(as_text=True)
    saved = greta.post(f"/import/{action}", data={"csrf_token": token, "council": "primarvard"})
    assert saved.status_code == 303, saved.get_data(as_text=True)
    with open_db(people) as db:
        found = history.versions(
            db, Workspace(web_workspace), web_workspace / "data/councils/primarvard.yaml"
        )
    assert [(v.origin, v.author) for v in found] == [("saved", "Greta")]
