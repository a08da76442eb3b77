"""The history pages: versions of a data file, a diff between any two, restore; and the name of
the person on everything they did."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from generator import history
from generator.accounts import add_user, open_db
from generator.acting import acting_as
from generator.workspace import Workspace
from tests.accounts_support import PASSWORD
from tests.web.conftest import csrf_token


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
    assert client.get("/").status_code == 200
    return client


def three_saves(workspace: Path, register: Path) -> list[str]:
    ws = Workspace(workspace)
    path = ws.councils_dir / "onkologi.yaml"
    texts = [path.read_text(encoding="utf-8")]
    with open_db(register, actor="Anna Berg") as db:
        for word in ("ett", "två", "tre"):
            texts.append(texts[-1] + f"# tillägg {word}\n")
            history.save(
                db, ws, path, texts[-1], base=history.digest(texts[-2].encode()), reason=word
            )
    return texts


def test_history_page_lists_versions_and_diffs_any_two(
    app: Flask, web_workspace: Path, people: Path
) -> None:
    three_saves(web_workspace, people)
    client = logged_in(app, "Lars")
    html = client.get("/historik/rad/onkologi").get_data(as_text=True)
    assert "<h1>Historik för data/councils/onkologi.yaml</h1>" in html
    assert html.count("Anna Berg") >= 3
    assert "Återställ version" not in html  # a läsare may look, not restore
    diff = client.get("/historik/rad/onkologi?fran=1&till=4").get_data(as_text=True)
    added = re.findall(r'<tr class="diff-added">.*?<td>([^<]*)</td>\s*</tr>', diff, re.S)
    assert added == ["# tillägg ett", "# tillägg två", "# tillägg tre"]
    one = client.get("/historik/rad/onkologi/version/3").get_data(as_text=True)
    assert "# tillägg två" in one and "# tillägg tre" not in one
    index = client.get("/historik").get_data(as_text=True)
    assert "data/klausuler.yaml" in index and "data/councils/onkologi.yaml" in index


def test_restore_the_first_makes_a_new_version_by_the_person(
    app: Flask, web_workspace: Path, people: Path
) -> None:
    texts = three_saves(web_workspace, people)
    client = logged_in(app, "Anna Berg")
    page = client.get("/historik/rad/onkologi").get_data(as_text=True)
    base = re.search(r'name="base" value="([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]
    token = csrf_token(client, "/historik/rad/onkologi")
    response = client.post(
        "/historik/rad/onkologi/aterstall/1", data={"csrf_token": token, "base": base}
    )
    assert response.status_code == 303
    path = web_workspace / "data" / "councils" / "onkologi.yaml"
    assert path.read_text(encoding="utf-8") == texts[0]
    followed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Version 1 är återställd som version 5." in followed
    ws = Workspace(web_workspace)
    with open_db(people) as db:
        found = history.versions(db, ws, path)
    assert [(v.number, v.origin, v.author) for v in found][-1] == (5, "restored", "Anna Berg")
    lines = history.diff_versions(found[3], found[4])
    assert [x.text for x in lines if x.kind == "removed"] == [
        "# tillägg ett",
        "# tillägg två",
        "# tillägg tre",
    ]
    # the same form sent again is refused: the file is no longer the version the page showed
    again = client.post(
        "/historik/rad/onkologi/aterstall/2", data={"csrf_token": token, "base": base}
    )
    assert again.status_code == 409
    html = again.get_data(as_text=True)
    assert "Inte sparat" in html and "Anna Berg" in html
    assert path.read_text(encoding="utf-8") == texts[0]


def test_the_clause_library_is_restored_only_by_a_forvaltare(
    app: Flask, web_workspace: Path, people: Path
) -> None:
    ws = Workspace(web_workspace)
    text = ws.library_path.read_text(encoding="utf-8")
    with open_db(people, actor="Frida") as db:
        history.save(db, ws, ws.library_path, text + "# ny\n", base=history.digest(text.encode()))
    base = history.current_digest(ws.library_path)
    anna = logged_in(app, "Anna Berg")
    token = csrf_token(anna, "/historik/klausuler")
    refused = anna.post("/historik/klausuler/aterstall/1", data={"csrf_token": token, "base": base})
    assert refused.status_code == 403
    frida = logged_in(app, "Frida")
    token = csrf_token(frida, "/historik/klausuler")
    done = frida.post("/historik/klausuler/aterstall/1", data={"csrf_token": token, "base": base})
    assert done.status_code == 303
    assert ws.library_path.read_text(encoding="utf-8") == text


def test_who_did_what_matches_the_actions(
    app: Flask, web_workspace: Path, people: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI records the OS user, the web the person logged in; register show names them."""
    import getpass

    from generator import issuing, register_operations
    from generator.cli import main as cli
    from generator.web.access import requires
    from generator.web.context import get_register, get_workspace

    ws = Workspace(web_workspace)
    [written] = issuing.render(ws, ["onkologi"], date=dt.date(2026, 3, 2))  # as the OS user
    with acting_as("Anna Berg"):  # what the web does for each request
        register_operations.void(ws, written.dnr or "", "fel råd")

    @app.post("/prova/nasta")
    @requires("sekreterare")
    def _probe() -> str:  # a state change through the web's seam, for this test only
        get_register().set_next("RS 2026-00100")
        register_operations.set_next(get_workspace(), "RS 2026-00200")
        return "ok"

    client = logged_in(app, "Anna Berg")
    token = csrf_token(client, "/")
    assert client.post("/prova/nasta", data={"csrf_token": token}).status_code == 200
    with open_db(people) as db, db.read() as conn:
        rows = conn.execute("SELECT dnr, event, actor FROM events ORDER BY id").fetchall()
    me = getpass.getuser()
    assert [tuple(r) for r in rows] == [
        (written.dnr, "reserved", me),
        (written.dnr, "written", me),
        (written.dnr, "voided", "Anna Berg"),
        ("RS 2026-00100", "set_next", "Anna Berg"),
        ("RS 2026-00200", "set_next", "Anna Berg"),
    ]
    monkeypatch.chdir(web_workspace)
    shown = CliRunner().invoke(cli, ["register", "show", written.dnr or ""]).output
    assert f"({me})" in shown and "(Anna Berg)" in shown
    assert "@" not in shown.split("Historik:")[-1]  # names, not user@host:pid


def browser_log_in(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/logga-in")
    page.get_by_label("Namn").fill(name)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(re.compile(r"/$"))


def test_history_pages_in_a_real_browser(page, web_workspace: Path, people: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.web.conftest import axe_violations

    texts = three_saves(web_workspace, people)
    browser_log_in(page, "Lars")
    page.get_by_role("link", name="Historik").click()
    page.wait_for_url(re.compile(r"/historik$"))
    assert page.title() == "Datafilernas historik – uppdrag"
    assert axe_violations(page) == []
    page.get_by_role("link", name="data/councils/onkologi.yaml").click()
    page.wait_for_url(re.compile(r"/historik/rad/onkologi$"))
    assert page.get_by_role("button", name=re.compile("Återställ")).count() == 0  # läsare
    page.get_by_label("Från version").select_option("1")
    page.get_by_label("Till version").select_option("4")
    page.get_by_role("button", name="Jämför").click()
    page.wait_for_url(re.compile(r"till=4"))
    assert page.locator("tr.diff-added").count() == 3
    assert axe_violations(page) == []
    page.get_by_role("link", name="2", exact=True).click()
    page.wait_for_url(re.compile(r"/version/2$"))
    assert "# tillägg ett" in page.locator("pre").inner_text()
    assert axe_violations(page) == []
    page.context.clear_cookies()
    browser_log_in(page, "Anna Berg")
    page.goto("/historik/rad/onkologi")
    stale = page.content()
    assert "Återställ version 1" in stale
    # someone else saves meanwhile: the restore from this page must be refused with both shown
    ws = Workspace(web_workspace)
    with open_db(people, actor="Frida") as db:
        history.save(
            db,
            ws,
            ws.councils_dir / "onkologi.yaml",
            texts[-1] + "# Fridas rad\n",
            base=history.digest(texts[-1].encode()),
        )
    page.get_by_role("button", name="Återställ version 1").click()
    page.wait_for_url(re.compile(r"/aterstall/1$"))
    assert page.title() == "Inte sparat: filen har ändrats – uppdrag"
    assert "# Fridas rad" in page.get_by_role("region", name=re.compile("sparad nu")).inner_text()
    assert axe_violations(page) == []
    page.goto("/historik/rad/onkologi")
    page.get_by_role("button", name="Återställ version 1").click()
    page.wait_for_url(re.compile(r"/historik/rad/onkologi$"))
    assert page.get_by_role("status").inner_text() == "Version 1 är återställd som version 6."
    assert axe_violations(page) == []


def test_no_restore_while_a_reissue_runs(app: Flask, web_workspace: Path, people: Path) -> None:
    import threading

    from generator.web import jobs

    texts = three_saves(web_workspace, people)
    state = web_workspace / ".uppdrag"
    gate = threading.Event()
    running = jobs.start(state, "reissue", "Ny utgivning", "Frida", lambda p: gate.wait(10) and {})
    try:
        anna = logged_in(app, "Anna Berg")
        token = csrf_token(anna, "/historik/rad/onkologi")
        base = history.digest(texts[-1].encode())
        refused = anna.post(
            "/historik/rad/onkologi/aterstall/1", data={"csrf_token": token, "base": base}
        )
        assert refused.status_code == 409
        assert "Frida kör ”Ny utgivning”" in refused.get_data(as_text=True)
        path = web_workspace / "data" / "councils" / "onkologi.yaml"
        assert path.read_text(encoding="utf-8") == texts[-1]
    finally:
        gate.set()
    jobs.wait(state, running.id)


def test_history_shows_times_as_a_swedish_clock_not_the_stored_utc(
    app: Flask, web_workspace: Path, people: Path
) -> None:
    from generator.dates import local_time

    three_saves(web_workspace, people)
    ws = Workspace(web_workspace)
    with open_db(people) as db:
        found = history.versions(db, ws, ws.councils_dir / "onkologi.yaml")
    stored = found[-1].timestamp
    shown = local_time(stored)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", shown) and shown != stored
    client = logged_in(app, "Lars")
    for url in ("/historik/rad/onkologi", "/historik", "/historik/rad/onkologi/version/4"):
        html = client.get(url).get_data(as_text=True)
        assert shown in html, url
        assert stored not in html, url
