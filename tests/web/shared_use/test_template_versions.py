"""The template page's list of versions: download any, restore one (förvaltare, confirmation,
a reason, the same check as an upload, a new version), and a template replaced by someone else
after the page was opened refused with who and when; in the browser with axe-core too."""

from __future__ import annotations

import hashlib
import io
import re
import sqlite3
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from generator.dates import local_time
from generator.web import jobs
from tests.accounts_support import PASSWORD
from tests.test_settings_edit import broken_template
from tests.web.conftest import axe_violations, csrf_token
from tests.web.shared_use.test_settings_pages import TEMPLATE, logged_in, template_token


def _template(workspace: Path) -> Path:
    return workspace / "templates" / "uppdragshandling.docx"


def _upload(client: FlaskClient, data: bytes, version: str, reason: str = "") -> object:
    return client.post(
        TEMPLATE,
        data={
            "csrf_token": csrf_token(client, TEMPLATE),
            "version": version,
            "reason": reason,
            "template": (io.BytesIO(data), "ny.docx"),
        },
    )


def _versions(register: Path) -> list[tuple]:
    conn = sqlite3.connect(register)
    try:
        return conn.execute(
            "SELECT id, sha256, author, reason, origin, restored_from FROM data_versions"
            " WHERE path = 'templates/uppdragshandling.docx' ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def _variant(workspace: Path, tmp_path: Path, label: str) -> bytes:
    shipped = tmp_path / "shipped.docx"
    if not shipped.exists():
        shipped.write_bytes(_template(workspace).read_bytes())
    return broken_template(shipped, tmp_path / f"{label}.docx", "Diarienummer:", label).read_bytes()


def test_the_versions_are_listed_downloaded_and_one_restored(
    app: Flask, web_workspace: Path, people: Path, tmp_path: Path
) -> None:
    shipped = _template(web_workspace).read_bytes()
    frida = logged_in(app, "Frida")
    new = _variant(web_workspace, tmp_path, "Diarienr:")
    assert _upload(frida, new, template_token(frida), "ny rubrik").status_code == 303
    html = frida.get(TEMPLATE).get_data(as_text=True)
    table = html.split('<table class="template-versions">')[1].split("</table>")[0]
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(\d+)</th>(.*?)</tr>", table, re.S)
    assert [number for number, _cells in rows] == ["2", "1"]  # newest first
    newest = rows[0][1]
    [(_id, sha, author, reason, origin, _from)] = _versions(people)[1:]
    assert "Frida" in newest and "ny rubrik" in newest and "uppladdad" in newest
    assert f">{sha[:12]}</code>" in newest and f"{len(new) / 1024:.1f} kB" in newest
    assert "mallen nu" in newest and "Återställ" not in newest
    assert "som den först hittades" in rows[1][1] and "Återställ version 1…" in rows[1][1]
    old = frida.get(TEMPLATE + "/version/1")
    assert old.status_code == 200 and old.data == shipped
    assert "uppdragshandling-version-1.docx" in old.headers["Content-Disposition"]
    assert frida.get(TEMPLATE + "/version/7").status_code == 404
    # the confirmation page, then the restore with a reason
    link = re.search(r'href="(/installningar/mall/aterstall/1\?version=[0-9a-f]+)"', html)
    assert link is not None
    confirm = frida.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "Återställ mallens version 1" in confirm and "Skäl till återställningen" in confirm
    version = re.search(r'name="version" value="([0-9a-f]+)"', confirm).group(1)  # type: ignore[union-attr]
    assert version == hashlib.sha256(new).hexdigest()
    token = csrf_token(frida, TEMPLATE)
    no_reason = frida.post(
        "/installningar/mall/aterstall/1", data={"csrf_token": token, "version": version}
    )
    assert no_reason.status_code == 400
    assert "Säg varför mallen återställs." in no_reason.get_data(as_text=True)
    before = _versions(people)
    assert _template(web_workspace).read_bytes() == new and len(before) == 2
    done = frida.post(
        "/installningar/mall/aterstall/1",
        data={"csrf_token": token, "version": version, "reason": "fel rubrik"},
    )
    assert done.status_code == 303
    assert _template(web_workspace).read_bytes() == shipped
    rows_after = _versions(people)
    assert rows_after[:2] == before and len(rows_after) == 3  # history only added to
    assert rows_after[2][2:] == ("Frida", "fel rubrik", "restored", rows_after[0][0])
    followed = frida.get(done.headers["Location"]).get_data(as_text=True)
    assert "Mallens version 1 är återställd som version 3." in followed
    assert "återställd från version 1" in followed


def test_a_template_replaced_meanwhile_is_refused_naming_who_and_when(
    app: Flask, web_workspace: Path, people: Path, tmp_path: Path
) -> None:
    frida, greta = logged_in(app, "Frida"), logged_in(app, "Greta")
    seen = template_token(frida)  # Frida opens the page …
    gretas = _variant(web_workspace, tmp_path, "Dnr:")
    assert _upload(greta, gretas, template_token(greta), "Gretas").status_code == 303
    before = _versions(people)
    refused = _upload(frida, _variant(web_workspace, tmp_path, "Diarienr:"), seen)
    assert refused.status_code == 409
    html = refused.get_data(as_text=True)
    when = local_time(_greta_time(people))
    assert f"Mallen byttes av Greta {when}" in html and "ingenting byttes" in html
    assert 'role="alert"' in html
    assert _template(web_workspace).read_bytes() == gretas and _versions(people) == before
    # a restore from a stale page is refused the same way
    token = csrf_token(frida, TEMPLATE)
    stale = frida.post(
        "/installningar/mall/aterstall/1",
        data={"csrf_token": token, "version": seen, "reason": "tillbaka"},
    )
    assert stale.status_code == 409 and "Mallen byttes av Greta" in stale.get_data(as_text=True)
    assert _template(web_workspace).read_bytes() == gretas and _versions(people) == before
    # a form without a version is no way round it
    assert _upload(frida, _variant(web_workspace, tmp_path, "Nr:"), "").status_code == 409
    assert _template(web_workspace).read_bytes() == gretas


def _greta_time(register: Path) -> str:
    conn = sqlite3.connect(register)
    try:
        row = conn.execute(
            "SELECT timestamp FROM data_versions WHERE author = 'Greta' ORDER BY id DESC"
        ).fetchone()
    finally:
        conn.close()
    return row[0]


def test_no_restore_while_a_job_runs_and_not_below_forvaltare(
    app: Flask, web_workspace: Path, people: Path, tmp_path: Path
) -> None:
    frida = logged_in(app, "Frida")
    new = _variant(web_workspace, tmp_path, "Diarienr:")
    assert _upload(frida, new, template_token(frida)).status_code == 303
    before = _versions(people)
    version = hashlib.sha256(new).hexdigest()
    token = csrf_token(frida, TEMPLATE)
    form = {"csrf_token": token, "version": version, "reason": "tillbaka"}
    with jobs.exclusive(web_workspace / ".uppdrag", "reissue", "Omutgivning", "Anna Berg"):
        busy = frida.post("/installningar/mall/aterstall/1", data=form)
    assert busy.status_code == 409 and "Anna Berg kör ”Omutgivning”" in busy.get_data(as_text=True)
    anna = logged_in(app, "Anna Berg")
    form["csrf_token"] = csrf_token(anna, "/")
    assert anna.post("/installningar/mall/aterstall/1", data=form).status_code == 403
    assert anna.get("/installningar/mall/aterstall/1").status_code == 403
    assert anna.get(TEMPLATE + "/version/1").status_code == 403
    assert _template(web_workspace).read_bytes() == new and _versions(people) == before


def test_template_versions_and_restore_in_a_real_browser(  # type: ignore[no-untyped-def]
    page, web_workspace: Path, people: Path, tmp_path: Path
) -> None:
    shipped = _template(web_workspace).read_bytes()
    upload = tmp_path / "ny.docx"
    upload.write_bytes(_variant(web_workspace, tmp_path, "Diarienr:"))
    page.goto("/logga-in")
    page.get_by_label("Namn").fill("Frida")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(re.compile(r"/$"))
    page.goto(TEMPLATE)
    page.get_by_label("Word-fil (.docx)").set_input_files(str(upload))
    page.get_by_role("button", name="Kontrollera och byt mall").click()
    page.wait_for_url(re.compile(r"/installningar/mall$"))
    assert page.locator("table.template-versions tbody tr").count() == 2
    assert axe_violations(page) == []
    page.get_by_role("link", name="Återställ version 1…").click()
    page.wait_for_url(re.compile(r"/aterstall/1\?version="))
    assert page.title() == "Återställ mallens version 1 – uppdrag"
    assert axe_violations(page) == []
    page.get_by_label("Skäl till återställningen").fill("fel rubrik")
    page.get_by_role("button", name="Återställ version 1").click()
    page.wait_for_url(re.compile(r"/installningar/mall$"))
    assert page.get_by_role("status").inner_text() == (
        "Mallens version 1 är återställd som version 3."
    )
    assert _template(web_workspace).read_bytes() == shipped
    assert axe_violations(page) == []
    # a stale page: someone replaces the template on disk, then this page uploads
    page.goto(TEMPLATE)
    _template(web_workspace).write_bytes(upload.read_bytes())
    page.get_by_label("Word-fil (.docx)").set_input_files(str(upload))
    page.get_by_role("button", name="Kontrollera och byt mall").click()
    page.wait_for_load_state()
    assert "Mallen byttes av" in page.get_by_role("alert").inner_text()
    assert axe_violations(page) == []
