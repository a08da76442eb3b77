"""Background jobs: one at a time per workspace, state on disk, progress readable anywhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from generator.exceptions import UsageError
from generator.web import job_lock, job_progress, job_state, jobs


def _blocking_work(gate: threading.Event, total: int = 3):  # type: ignore[no-untyped-def]
    def work(progress: job_progress.JobProgress) -> dict:
        progress.start("Räknar", total)
        progress.advance("a")
        gate.wait(10)
        for item in range(1, total):
            progress.advance(str(item))
        progress.finish()
        return {"counted": total}

    return work


def test_a_job_keeps_its_progress_and_result_on_disk(tmp_path: Path) -> None:
    gate = threading.Event()
    job = jobs.start(tmp_path, "count", "Räkna", "anna", _blocking_work(gate))
    path = tmp_path / "jobs" / f"{job.id}.json"
    for _ in range(200):
        state = json.loads(path.read_text("utf-8"))
        if state["count"] == 1:
            break
        threading.Event().wait(0.01)
    assert (state["status"], state["step"], state["count"], state["total"], state["user"]) == (
        "running",
        "Räknar",
        1,
        3,
        "anna",
    )
    gate.set()
    done = jobs.wait(tmp_path, job.id)
    assert done is not None and done.status == "done"
    assert done.result == {"counted": 3} and done.count == 3
    assert job_lock.current(tmp_path) is None  # the lock is given back


def test_a_second_job_is_refused_with_who_runs_what(tmp_path: Path) -> None:
    gate = threading.Event()
    first = jobs.start(tmp_path, "count", "Ny utgivning", "anna", _blocking_work(gate))
    with pytest.raises(job_lock.JobBusy) as refused:
        jobs.start(tmp_path, "count", "Annat", "bertil", _blocking_work(gate))
    assert "anna" in str(refused.value) and "Ny utgivning" in str(refused.value)
    gate.set()
    jobs.wait(tmp_path, first.id)
    again = jobs.start(tmp_path, "count", "Annat", "bertil", _blocking_work(threading.Event()))
    jobs.wait(tmp_path, again.id, timeout=0.1)


def test_the_lock_holds_across_processes(tmp_path: Path) -> None:
    """A job started by another process (another server) blocks this one, and a lock left by
    a process that is gone is taken over, its job marked failed."""
    script = (
        "import sys, threading, time\n"
        "from pathlib import Path\n"
        "from generator.web import jobs\n"
        "def work(p):\n"
        "    p.start('x', 1); time.sleep(30); return {}\n"
        "job = jobs.start(Path(sys.argv[1]), 'k', 'Annan server', 'cecilia', work)\n"
        "print(job.id, flush=True)\n"
        "time.sleep(30)\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        job_id = child.stdout.readline().strip()  # type: ignore[union-attr]
        with pytest.raises(job_lock.JobBusy, match="cecilia"):
            jobs.start(tmp_path, "k", "Här", "anna", lambda p: {})
    finally:
        child.kill()
        child.wait()
    stale = job_state.load(tmp_path, job_id)
    assert stale is not None and stale.status == "failed"
    assert "Servern stannade" in stale.error[0] or "server stopped" in stale.error[0]
    mine = jobs.start(tmp_path, "k", "Här", "anna", lambda p: {"ok": True})
    assert jobs.wait(tmp_path, mine.id).result == {"ok": True}  # type: ignore[union-attr]
    assert os.getpid() == mine.pid


def test_a_product_error_becomes_the_jobs_message(tmp_path: Path) -> None:
    def work(progress: job_progress.JobProgress) -> dict:
        raise UsageError("--reason måste säga varför")

    job = jobs.wait(tmp_path, jobs.start(tmp_path, "k", "T", "u", work).id)
    assert job is not None and job.status == "failed"
    assert job.error == ["--reason måste säga varför"]


def test_an_internal_error_is_a_note_with_a_report(tmp_path: Path) -> None:
    def work(progress: job_progress.JobProgress) -> dict:
        raise ZeroDivisionError

    job = jobs.wait(tmp_path, jobs.start(tmp_path, "k", "T", "u", work).id)
    assert job is not None and job.status == "failed"
    report = Path(job.error[0].rsplit(": ", 1)[1])
    assert "ZeroDivisionError" in report.read_text("utf-8")


def test_progress_page_without_and_with_javascript(client: FlaskClient, app) -> None:  # type: ignore[no-untyped-def]
    state = Path(app.config["WORKSPACE"]) / ".uppdrag"
    gate = threading.Event()
    job = jobs.start(state, "count", "Räkna råden", "anna", _blocking_work(gate, total=4))
    try:
        for _ in range(200):
            if job_state.load(state, job.id).count == 1:  # type: ignore[union-attr]
                break
            threading.Event().wait(0.01)
        page = client.get(f"/jobb/{job.id}")
        assert page.status_code == 200
        assert page.headers["Refresh"] == "2"  # reloads itself without script
        html = page.get_data(as_text=True)
        assert '<progress id="jobb-forlopp" max="4" value="1"' in html
        assert 'aria-live="polite"' in html and "1 av 4 klara." in html
        assert "<script>" not in html and "jobs.js" in html
        status = client.get(f"/jobb/{job.id}/status").get_json()
        assert (status["status"], status["count"], status["total"], status["user"]) == (
            "running",
            1,
            4,
            "anna",
        )
    finally:
        gate.set()
    jobs.wait(state, job.id)
    done = client.get(f"/jobb/{job.id}")
    assert "Refresh" not in done.headers and "Klart." in done.get_data(as_text=True)
    assert client.get("/jobb/finnsinte").status_code == 404
    assert client.get("/jobb/../secret_key").status_code == 404


def test_the_estimate_follows_the_pace_so_far() -> None:
    job = job_state.Job("a1", "k", "T", "u", "2026-01-01T00:00:00+00:00", count=10, total=40)
    job.step_started = 1000.0
    assert job.estimate(now=1005.0) == 15  # 10 in 5 s: 30 more in 15 s
    assert job.percent() == 25
    job.count = 0
    assert job.estimate(now=1005.0) is None  # too early to say


def test_old_jobs_are_cleared_when_a_new_one_starts(tmp_path: Path) -> None:
    old = jobs.wait(tmp_path, jobs.start(tmp_path, "k", "Gammalt", "u", lambda p: {}).id)
    assert old is not None
    path = tmp_path / "jobs" / f"{old.id}.json"
    long_ago = path.stat().st_mtime - jobs.KEEP_SECONDS - 60
    os.utime(path, (long_ago, long_ago))
    recent = jobs.wait(tmp_path, jobs.start(tmp_path, "k", "Nytt", "u", lambda p: {}).id)
    assert not path.exists()
    assert recent is not None and job_state.load(tmp_path, recent.id) is not None
