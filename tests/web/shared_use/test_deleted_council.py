"""A council file deleted on disk: its history shows the deletion ("raderad", with the time), and
its last version is restored through the ordinary restore; in the browser with axe-core too."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from flask import Flask

from generator import history
from generator.accounts import open_db
from generator.dates import local_time
from generator.workspace import Workspace
from tests.web.conftest import axe_violations, csrf_token
from tests.web.shared_use.test_history_pages import browser_log_in, logged_in, three_saves

HISTORY = "/historik/rad/onkologi"


def _deletions(register: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(register)
    try:
        return conn.execute(
            "SELECT path, timestamp, noticed_by FROM data_deletions ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def test_a_deleted_council_shows_as_deleted_and_is_restored(
    app: Flask, web_workspace: Path, people: Path
) -> None:
    texts = three_saves(web_workspace, people)
    path = web_workspace / "data" / "councils" / "onkologi.yaml"
    path.unlink()
    lars = logged_in(app, "Lars")
    index = lars.get("/historik").get_data(as_text=True)
    [(name, stored, noticed_by)] = _deletions(people)
    when = local_time(stored)  # shown as a Swedish clock, not the stored UTC
    assert (name, noticed_by) == ("data/councils/onkologi.yaml", "Lars")  # who looked
    row = re.search(r"data/councils/onkologi\.yaml</a></th>(.*?)</tr>", index, re.S)
    assert row is not None and f"raderad {when}" in row.group(1) and "okänd" in row.group(1)
    page = lars.get(HISTORY)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    deleted = re.search(r'<tr class="history-deleted">(.*?)</tr>', html, re.S)
    assert deleted is not None
    assert when in deleted.group(1) and "raderad nu" in deleted.group(1)
    assert "saknades på disken efter version 4; upptäcktes av Lars" in deleted.group(1)
    assert "Återställ version" not in html  # a läsare may look, not restore
    assert lars.get(HISTORY + "/version/4").status_code == 200
    assert lars.get("/historik/rad/finns-inte").status_code == 404
    anna = logged_in(app, "Anna Berg")
    html = anna.get(HISTORY).get_data(as_text=True)
    assert "Återställ version 4" in html  # the last version is no longer "current"
    base = re.search(r'name="base" value="([0-9a-f]*)"', html)
    assert base is not None and base.group(1) == ""
    token = csrf_token(anna, HISTORY)
    done = anna.post(HISTORY + "/aterstall/4", data={"csrf_token": token, "base": ""})
    assert done.status_code == 303
    assert path.read_text(encoding="utf-8") == texts[-1]
    with open_db(people) as db:
        found = history.versions(db, Workspace(web_workspace), path)
    assert [(v.number, v.origin, v.author) for v in found][-1] == (5, "restored", "Anna Berg")
    after = anna.get(HISTORY).get_data(as_text=True)
    assert after.count('class="history-deleted"') == 1 and "raderad nu" not in after
    assert len(_deletions(people)) == 1


def test_a_deleted_council_in_a_real_browser(  # type: ignore[no-untyped-def]
    page, web_workspace: Path, people: Path
) -> None:
    texts = three_saves(web_workspace, people)
    path = web_workspace / "data" / "councils" / "onkologi.yaml"
    path.unlink()
    browser_log_in(page, "Anna Berg")
    page.goto("/historik")
    assert axe_violations(page) == []
    page.get_by_role("link", name="data/councils/onkologi.yaml").click()
    page.wait_for_url(re.compile(r"/historik/rad/onkologi$"))
    assert "raderad nu" in page.locator("tr.history-deleted").inner_text()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Återställ version 4").click()
    page.wait_for_url(re.compile(r"/historik/rad/onkologi$"))
    assert page.get_by_role("status").inner_text() == "Version 4 är återställd som version 5."
    assert path.read_text(encoding="utf-8") == texts[-1]
    assert axe_violations(page) == []
