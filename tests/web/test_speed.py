"""What the pages keep between requests to stay fast, and that a change on disk is seen at once.

The start page lists the councils a page at a time and keeps ``check``'s findings while no file
changed; the CSV export keeps the settings and each council's recipient while their files are
unchanged; a request that starts a quick job is woken when the job is done.  Each test changes
a file between two requests and reads the second answer as a user would.
"""

from __future__ import annotations

import csv
import io
import os
import threading
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from generator import overview
from generator.register import Register
from generator.web import job_progress, job_state, jobs
from tests.web.helpers import issue_all

EN = {"Accept-Language": "en-GB,en;q=0.9"}


def _touch_later(path: Path) -> None:
    """Move the file's time on, as a later edit on a coarse-clocked file system would."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")
    _touch_later(path)


def test_start_page_shows_a_page_of_councils_with_a_pager(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(overview, "PAGE_SIZE", 1)
    first = client.get("/", headers=EN).get_data(as_text=True)
    assert "Samordningsråd onkologi" in first and "primärvård" not in first
    assert "1 of 2 councils shown." not in first  # found counts all matches, not the page
    assert "2 of 2 councils shown." in first
    assert "Page 1 of 2" in first and 'href="/?sida=2"' in first
    second = client.get("/?sida=2", headers=EN).get_data(as_text=True)
    assert "primärvård" in second and "Samordningsråd onkologi" not in second
    assert "Page 2 of 2" in second and 'href="/?sida=1"' in second
    # A page past the last shows the last one, not an empty table.
    assert "primärvård" in client.get("/?sida=99", headers=EN).get_data(as_text=True)


def test_start_page_finds_councils_by_name_or_id(client: FlaskClient) -> None:
    html = client.get("/?q=ONKOLOGI+samordningsråd", headers=EN).get_data(as_text=True)
    assert "Samordningsråd onkologi" in html and "primärvård" not in html
    assert "1 of 2 councils shown." in html
    assert 'value="ONKOLOGI samordningsråd"' in html
    by_id = client.get("/?q=primarvard", headers=EN).get_data(as_text=True)
    assert "primärvård" in by_id and "Samordningsråd onkologi" not in by_id
    none = client.get("/?q=finns-inte", headers=EN).get_data(as_text=True)
    assert "No council matches." in none and "<table>" not in none
    swedish = client.get("/?q=finns-inte").get_data(as_text=True)
    assert "Inget råd stämmer." in swedish and "0 av 2 råd visas." in swedish


def test_a_new_problem_in_a_council_file_shows_at_the_next_request(
    client: FlaskClient, web_workspace: Path
) -> None:
    before = client.get("/?anmarkningar=ja", headers=EN).get_data(as_text=True)
    assert "primärvård" not in before  # nothing to remark (onkologi has a warning)
    assert "1 of 2 councils shown." in before
    _edit(web_workspace / "data" / "councils" / "primarvard.yaml", "namn:", "namnet:")
    after = client.get("/?anmarkningar=ja", headers=EN).get_data(as_text=True)
    assert "namnet" in after and "2 of 2 councils shown." in after


def test_csv_export_sees_a_changed_council_and_settings_file_at_once(
    client: FlaskClient, web_workspace: Path
) -> None:
    issue_all(web_workspace)

    def rows() -> list[dict[str, str]]:
        text = client.get("/diarium/export.csv").data.decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(text)))

    first = rows()
    assert first[0]["Mottagare"] == "Ordförande, samordningsråd onkologi"
    assert first[0]["Avsändare"] == "Karin Looström Muth"
    data = web_workspace / "data"
    _edit(data / "councils" / "onkologi.yaml", "Ordförande, samordningsråd", "Ordförande för rådet")
    _edit(data / "installningar.yaml", "Karin Looström Muth", "Per Persson")
    second = rows()
    assert second[0]["Mottagare"] == "Ordförande för rådet onkologi"
    assert {r["Avsändare"] for r in second} == {"Per Persson"}


def test_latest_for_many_answers_only_the_councils_asked_for(web_workspace: Path) -> None:
    issue_all(web_workspace)
    with Register(web_workspace / "output" / "diarium.sqlite") as reg:
        one = reg.latest_for_many(["onkologi"])
        assert list(one) == ["onkologi"] and one["onkologi"] == reg.latest_for("onkologi")
        # More names than one query binds: asked in chunks, the answer the same.
        many = reg.latest_for_many([f"rad{i}" for i in range(1200)] + ["primarvard"])
        assert len(many) == 1201 and many["rad7"] is None
        latest = many["primarvard"]
        assert latest is not None and latest == reg.latest_for("primarvard")
        assert latest.files and latest.path == latest.files[-1].path


def test_waiting_for_a_job_ends_when_it_is_done(tmp_path: Path) -> None:
    gate = threading.Event()

    def work(progress: job_progress.JobProgress) -> dict:
        gate.wait(10)
        return {"done": True}

    job = jobs.start(tmp_path, "count", "Räkna", "anna", work)
    waited = jobs.wait(tmp_path, job.id, timeout=0.05)
    assert waited is not None and waited.status == "running"
    gate.set()
    done = jobs.wait(tmp_path, job.id, timeout=10)
    assert done is not None and (done.status, done.result) == ("done", {"done": True})
    # A job this process did not start (another server) is read from its file, as before.
    other = job_state.Job("0123abcd", "count", "Räkna", "bo", "2026-01-01T00:00:00", status="done")
    job_state.save(tmp_path, other)
    found = jobs.wait(tmp_path, other.id, timeout=1)
    assert found is not None and found.user == "bo" and found.status == "done"


def test_verify_result_shows_what_differs_first_a_page_at_a_time(
    client: FlaskClient, web_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.web import diarium as views
    from tests.web.conftest import csrf_token

    issued = issue_all(web_workspace)
    issued[1].path.write_bytes(b"changed")  # RS 2026-00002; RS 2026-00001 stays as registered
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    token = csrf_token(client, "/diarium/kontroll")
    started = client.post("/diarium/kontroll", data={"csrf_token": token})
    job_id = started.headers["Location"].rsplit("/", 1)[1]
    assert jobs.wait(web_workspace / ".uppdrag", job_id) is not None
    first = client.get(f"/diarium/kontroll/{job_id}").get_data(as_text=True)
    assert "1 av 2 utfärdade filer stämmer inte med diariet." in first
    assert "RS_2026-00002" in first and "ÄNDRAD" in first and "RS_2026-00001" not in first
    assert f'href="/diarium/kontroll/{job_id}?sida=2"' in first
    second = client.get(f"/diarium/kontroll/{job_id}?sida=2").get_data(as_text=True)
    assert "RS_2026-00001" in second and "ÄNDRAD" not in second
    assert "1 av 2 utfärdade filer stämmer inte med diariet." in second  # the count is of all
