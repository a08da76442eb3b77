"""The clause library in the browser: usage, a word diff before saving, a safe save, and the
re-issue with its dry run, progress and summary."""

from __future__ import annotations

import re
import threading
import zipfile
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from generator import library_edit
from generator.register import Register
from generator.web import job_progress, jobs
from generator.workspace import Workspace
from tests.docx_text import docx_lines
from tests.web.conftest import csrf_token
from tests.web.helpers import act_as, issue_all

CLAUSE = "syfte.samverka"
OLD = "Gruppen ska samverka inom sitt ansvarsområde"
NEW_TEXT = (
    "Rådet ska samverka inom sitt ansvarsområde för att tillgodose behovet av hälso- och "
    "sjukvård hos invånarna i Västra Götaland."
)


def _version(root: Path) -> str:
    return library_edit.version(root / "data" / "klausuler.yaml")


def test_index_shows_who_uses_and_who_overrides_each_clause(client: FlaskClient) -> None:
    html = client.get("/bibliotek/").get_data(as_text=True)
    row = re.search(r"kommunikation\.rutin</a></th>(.*?)</tr>", html, re.S)
    assert row is not None
    cells = re.findall(r"<td>(.*?)</td>", row.group(1), re.S)
    assert "0 råd" in cells[1] or "1 råd" in cells[1]
    assert "primarvard" in cells[2] or "onkologi" in cells[2]
    samverka = re.search(r"syfte\.samverka</a></th>(.*?)</tr>", html, re.S).group(1)  # type: ignore[union-attr]
    assert "2 råd: onkologi, primarvard" in samverka


def test_usage_follows_a_clause_used_inside_another(web_workspace: Path) -> None:
    """A library clause made of another clause: a council using the outer one uses both; a
    council with its own version of a clause does not count as using the library's."""
    library = web_workspace / "data" / "klausuler.yaml"
    library.write_text(
        library.read_text("utf-8")
        + "  prov.yttre:\n    - klausul: syfte.samverka\n  prov.oanvand: Ingen använder den.\n",
        "utf-8",
    )
    council = web_workspace / "data" / "councils" / "onkologi.yaml"
    council.write_text(
        council.read_text("utf-8").replace(
            "    - klausul: syfte.samverka", "    - klausul: prov.yttre", 1
        ),
        "utf-8",
    )
    index = {c.id: c for c in library_edit.clause_index(Workspace(web_workspace))}
    assert index["prov.yttre"].used_by == ["onkologi"]
    assert index["syfte.samverka"].used_by == ["onkologi", "primarvard"]
    assert index["prov.oanvand"].used_by == []
    assert index["kommunikation.rutin"].overridden_by == ["onkologi"]
    assert "onkologi" not in index["kommunikation.rutin"].used_by
    assert index["prov.yttre"].editable is False


def test_edit_shows_the_word_diff_before_anything_is_saved(
    client: FlaskClient, web_workspace: Path
) -> None:
    library = web_workspace / "data" / "klausuler.yaml"
    before = library.read_bytes()
    token = csrf_token(client, f"/bibliotek/klausul/{CLAUSE}")
    review = client.post(
        f"/bibliotek/klausul/{CLAUSE}/granska",
        data={"csrf_token": token, "text": NEW_TEXT, "version": _version(web_workspace)},
    )
    assert review.status_code == 200
    html = review.get_data(as_text=True)
    assert re.search(r"<del>.*?</span>Gruppen</del><ins>.*?</span>Rådet</ins> ska samverka", html)
    assert "borttaget:" in html and "tillagt:" in html
    assert library.read_bytes() == before  # nothing written yet
    saved = client.post(
        f"/bibliotek/klausul/{CLAUSE}/spara",
        data={"csrf_token": token, "text": NEW_TEXT, "version": _version(web_workspace)},
    )
    assert saved.status_code == 303
    after = library.read_text("utf-8")
    assert Workspace(web_workspace).load_library().clauses[CLAUSE] == NEW_TEXT
    # Round trip: the comments and every other clause are as they were.
    old_lines = before.decode("utf-8").splitlines()
    new_lines = after.splitlines()
    assert [line for line in old_lines if line.lstrip().startswith("#")] == [
        line for line in new_lines if line.lstrip().startswith("#")
    ]
    changed = [line for line in new_lines if line not in old_lines]
    assert changed and all("Rådet" in line or "Götaland." in line for line in changed)


def test_an_invalid_text_is_refused_with_the_schemas_message(
    client: FlaskClient, web_workspace: Path
) -> None:
    library = web_workspace / "data" / "klausuler.yaml"
    before = library.read_bytes()
    token = csrf_token(client, f"/bibliotek/klausul/{CLAUSE}")
    for text in ("   ", "Text med styrtecken \x07 i"):
        response = client.post(
            f"/bibliotek/klausul/{CLAUSE}/spara",
            data={"csrf_token": token, "text": text, "version": _version(web_workspace)},
        )
        assert response.status_code == 400, text
        html = response.get_data(as_text=True)
        assert 'aria-invalid="true"' in html and 'id="text-error"' in html
    assert library.read_bytes() == before


def test_a_concurrent_change_is_refused_not_lost(client: FlaskClient, web_workspace: Path) -> None:
    library = web_workspace / "data" / "klausuler.yaml"
    seen = _version(web_workspace)
    token = csrf_token(client, f"/bibliotek/klausul/{CLAUSE}")
    library.write_text(library.read_text("utf-8") + "\n# någon annans ändring\n", "utf-8")
    theirs = library.read_bytes()
    response = client.post(
        f"/bibliotek/klausul/{CLAUSE}/spara",
        data={"csrf_token": token, "text": NEW_TEXT, "version": seen},
    )
    assert response.status_code == 409
    assert "ändrats av någon annan" in response.get_data(as_text=True)
    assert library.read_bytes() == theirs


def test_an_unknown_clause_is_404(client: FlaskClient) -> None:
    assert client.get("/bibliotek/klausul/finns.inte").status_code == 404


def test_a_reader_sees_but_cannot_edit_or_reissue(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, web_workspace: Path
) -> None:
    act_as(monkeypatch, "registrator")
    assert client.get("/bibliotek/").status_code == 200
    page = client.get(f"/bibliotek/klausul/{CLAUSE}").get_data(as_text=True)
    assert "Visa ändringarna" not in page
    for url in (
        f"/bibliotek/klausul/{CLAUSE}/granska",
        f"/bibliotek/klausul/{CLAUSE}/spara",
        "/bibliotek/omutgivning/prova",
        "/bibliotek/omutgivning/kor",
    ):
        assert client.post(url, data={"text": "x"}).status_code in (400, 403), url


def _start(client: FlaskClient, url: str, **data: str) -> str:
    token = csrf_token(client, "/bibliotek/omutgivning")
    response = client.post(url, data={"csrf_token": token, **data})
    assert response.status_code == 303, response.get_data(as_text=True)
    found = re.search(r"/(?:jobb|omutgivning)/([0-9a-f]{16})", response.headers["Location"])
    assert found, response.headers["Location"]
    return found.group(1)


def test_reissue_dry_run_then_run_then_summary(client: FlaskClient, web_workspace: Path) -> None:
    issued = issue_all(web_workspace)
    state = web_workspace / ".uppdrag"
    library = web_workspace / "data" / "klausuler.yaml"
    library.write_text(
        library.read_text("utf-8").replace("    Gruppen ska samverka", "    Rådet ska samverka", 1),
        "utf-8",
    )
    form = {"reason": "Ny syftestext", "date": "2026-03-01"}

    plan_id = _start(client, "/bibliotek/omutgivning/prova", **form)
    assert jobs.wait(state, plan_id).status == "done"  # type: ignore[union-attr]
    progress = client.get(f"/jobb/{plan_id}")
    assert progress.status_code == 303
    html = client.get(progress.headers["Location"]).get_data(as_text=True)
    assert "2 råd ändras." in html
    assert "onkologi: ändringar sedan RS 2026-00001" in html
    assert re.search(r"<del>.*?</span>Gruppen</del><ins>.*?</span>Rådet</ins>", html)
    with Register(web_workspace / "output" / "diarium.sqlite") as reg:
        assert len(reg.list()) == 2  # the dry run issued nothing

    run_id = _start(client, "/bibliotek/omutgivning/kor", **form)
    job = jobs.wait(state, run_id)
    assert job is not None and job.status == "done", job and job.error
    summary = client.get(f"/jobb/{run_id}")
    html = client.get(summary.headers["Location"]).get_data(as_text=True)
    assert "2 nya nummer utfärdades." in html
    assert re.search(r"RS 2026-00001</a></td>\s*<td><a [^>]+>RS 2026-00003</a>", html)
    with Register(web_workspace / "output" / "diarium.sqlite") as reg:
        new = reg.get("RS 2026-00003")
        assert new.supersedes == "RS 2026-00001"
        # The old mandate stays in force until the replacement is decided.
        assert reg.get("RS 2026-00001").status == "utkast"
    assert any(line.startswith("Rådet ska samverka") for line in docx_lines(Path(new.path)))
    review = client.get(f"/bibliotek/omutgivning/{run_id}/granskning/0")
    assert review.status_code == 200
    assert review.headers["Content-Disposition"].startswith("attachment;")
    with zipfile.ZipFile(__import__("io").BytesIO(review.data)) as docx:
        assert b"<w:del " in docx.read("word/document.xml")
    assert client.get(f"/bibliotek/omutgivning/{run_id}/granskning/9").status_code == 404
    assert client.get(f"/bibliotek/omutgivning/{plan_id}/sammanfattning").status_code == 404
    assert issued[0].path.exists()


def test_reissue_needs_a_reason_and_a_date(client: FlaskClient) -> None:
    token = csrf_token(client, "/bibliotek/omutgivning")
    response = client.post(
        "/bibliotek/omutgivning/prova", data={"csrf_token": token, "reason": "", "date": "1 mars"}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Säg varför uppdragen utfärdas på nytt." in html
    assert 'id="date-error"' in html


def test_a_second_reissue_while_one_runs_is_refused(
    client: FlaskClient, web_workspace: Path
) -> None:
    state = web_workspace / ".uppdrag"
    gate = threading.Event()

    def slow(progress: job_progress.JobProgress) -> dict:
        gate.wait(10)
        return {}

    running = jobs.start(state, "reissue", "Ny utgivning av uppdragen", "anna", slow)
    try:
        token = csrf_token(client, "/bibliotek/omutgivning")
        response = client.post(
            "/bibliotek/omutgivning/prova",
            data={"csrf_token": token, "reason": "Annat", "date": "2026-03-01"},
        )
        assert response.status_code == 409
        assert "anna kör ”Ny utgivning av uppdragen”" in response.get_data(as_text=True)
        saved = client.post(
            f"/bibliotek/klausul/{CLAUSE}/spara",
            data={"csrf_token": token, "text": NEW_TEXT, "version": _version(web_workspace)},
        )
        assert saved.status_code == 409
    finally:
        gate.set()
    jobs.wait(state, running.id)


def test_reissue_only_the_councils_that_change(client: FlaskClient, web_workspace: Path) -> None:
    issue_all(web_workspace)
    council = web_workspace / "data" / "councils" / "onkologi.yaml"
    council.write_text(
        council.read_text("utf-8").replace("4 – 8 ggr/år", "6 – 10 ggr/år", 1), "utf-8"
    )
    form = {"reason": "Fler möten", "date": "2026-03-01"}
    plan_id = _start(client, "/bibliotek/omutgivning/prova", **form)
    jobs.wait(web_workspace / ".uppdrag", plan_id)
    html = client.get(f"/bibliotek/omutgivning/{plan_id}/plan").get_data(as_text=True)
    assert "Påverkas inte (oförändrad text): primarvard" in html
    assert 'name="changed_only" value="1"' in html
    run_id = _start(client, "/bibliotek/omutgivning/kor", **form, changed_only="1")
    job = jobs.wait(web_workspace / ".uppdrag", run_id)
    assert job is not None and job.status == "done"
    by_council = {o["council"]: o for o in job.result["outcomes"]}
    assert by_council["onkologi"]["new"] == "RS 2026-00003"
    assert by_council["primarvard"]["new"] is None
    with Register(web_workspace / "output" / "diarium.sqlite") as reg:
        assert [i.dnr for i in reg.list()] == ["RS 2026-00001", "RS 2026-00002", "RS 2026-00003"]
