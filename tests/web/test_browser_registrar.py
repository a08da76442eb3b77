"""In a real Chromium: change a clause and re-issue with the dry run first, import an upload,
and the register's pages; axe-core finds no WCAG 2.1 A/AA violation on any page or state."""

from __future__ import annotations

import re
import threading
from pathlib import Path

from flask import Flask

from generator.web import job_progress, jobs
from tests.docx_text import docx_lines
from tests.web.conftest import axe_violations
from tests.web.helpers import issue_all
from tests.web.test_importing import mandate_docx  # noqa: F401 - the fixture

CLAUSE = "syfte.samverka"


def _visible(locator) -> None:  # type: ignore[no-untyped-def]
    """Wait until ``locator`` is shown (Playwright's expect, imported only where it runs)."""
    from playwright.sync_api import expect

    expect(locator).to_be_visible()


def _no_violations(page, what: str) -> None:  # type: ignore[no-untyped-def]
    assert axe_violations(page) == [], what
    assert page.title().endswith(" – uppdrag"), what
    assert page.locator("h1").count() == 1, what


def test_change_a_clause_and_reissue_with_the_dry_run_first(page, app: Flask) -> None:  # type: ignore[no-untyped-def]
    root = Path(app.config["WORKSPACE"])
    issue_all(root)
    page.goto("/bibliotek/")
    _no_violations(page, "library")
    page.get_by_role("link", name=CLAUSE, exact=True).click()
    _no_violations(page, "clause")
    box = page.get_by_label("Ny text")
    box.fill("   ")
    page.get_by_role("button", name="Visa ändringarna").click()
    _visible(page.locator("#text-error"))
    _no_violations(page, "clause with an error")
    box = page.get_by_label("Ny text")
    box.fill(
        "Rådet ska samverka inom sitt ansvarsområde för att tillgodose behovet av hälso- och "
        "sjukvård hos invånarna i Västra Götaland."
    )
    page.get_by_role("button", name="Visa ändringarna").click()
    assert page.locator("del", has_text="Gruppen").count() == 1
    assert page.locator("ins", has_text="Rådet").count() == 1
    _no_violations(page, "word diff")
    page.get_by_role("button", name="Spara klausulen").click()
    assert "/bibliotek/omutgivning" in page.url
    _no_violations(page, "re-issue form")
    page.get_by_label("Skäl").fill("   ")  # past the browser's own check of required
    page.get_by_role("button", name="Provkörning").click()
    _visible(page.locator("#reason-error"))
    _no_violations(page, "re-issue form with an error")
    page.get_by_label("Skäl").fill("Ny syftestext")
    page.get_by_label("De nya uppdragens datum").fill("2026-03-01")
    page.get_by_role("button", name="Provkörning").click()
    page.wait_for_url(re.compile(r"/plan$"))
    _visible(page.get_by_text("2 råd ändras."))
    _no_violations(page, "dry run")
    page.get_by_role("button", name="Utfärda 2 uppdrag på nytt").click()
    page.wait_for_url(re.compile(r"/sammanfattning$"))
    _visible(page.get_by_text("2 nya nummer utfärdades."))
    _no_violations(page, "summary")
    with page.expect_download() as info:
        page.get_by_role("link", name="Granskningsexemplar för onkologi").click()
    review = Path(info.value.path())
    assert any("Rådet ska samverka" in line for line in docx_lines(review))


def test_progress_page_follows_a_running_job(page, app: Flask) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    state = Path(app.config["WORKSPACE"]) / ".uppdrag"
    gate = threading.Event()

    def work(progress: job_progress.JobProgress) -> dict:
        progress.start("Ger ut", 3)
        progress.advance("onkologi")
        gate.wait(10)
        progress.advance("primarvard")
        progress.advance("x")
        return {}

    job = jobs.start(state, "count", "Ny utgivning av uppdragen", "anna", work)
    try:
        page.goto(f"/jobb/{job.id}")
        bar = page.get_by_role("progressbar")
        assert bar.get_attribute("max") == "3"
        expect(page.locator("#jobb-status")).to_contain_text("1 av 3 klara.")
        assert page.get_by_label("Ger ut").count() == 1  # the bar is labelled with the step
        _no_violations(page, "progress")
    finally:
        gate.set()
    page.wait_for_selector("text=Klart.")
    _no_violations(page, "progress done")


def test_import_an_upload(page, app: Flask, mandate_docx: bytes, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    root = Path(app.config["WORKSPACE"])
    (root / "data" / "councils" / "primarvard.yaml").unlink()
    upload = tmp_path / "Uppdrag primärvård.docx"
    upload.write_bytes(mandate_docx)
    wrong = tmp_path / "fel.docx"
    wrong.write_bytes(b"inte en zip")
    page.goto("/import/")
    _no_violations(page, "import")
    page.get_by_label("Word-fil (.docx)").set_input_files(str(wrong))
    page.get_by_role("button", name="Läs in dokumentet").click()
    _visible(page.locator("#document-error"))
    _no_violations(page, "import with an error")
    page.get_by_label("Word-fil (.docx)").set_input_files(str(upload))
    page.get_by_role("button", name="Läs in dokumentet").click()
    _visible(page.get_by_text("Inget har sparats än."))
    assert not (root / "data" / "councils" / "primarvard.yaml").exists()
    _no_violations(page, "import preview")
    page.get_by_role("button", name="Spara rådet och för in det i diariet").click()
    page.wait_for_url(re.compile(r"/diarium/nummer/RS%202025-03200$"))
    assert (root / "data" / "councils" / "primarvard.yaml").exists()
    _no_violations(page, "number page")

    # The register's other pages and states.
    page.goto("/diarium/?q=primärvård")
    _no_violations(page, "register")
    page.goto("/diarium/nummer/RS 2025-03200/makulera")
    _no_violations(page, "void")
    page.get_by_label("Skäl till makulering").fill("   ")
    page.get_by_role("button", name="Makulera numret").click()
    _visible(page.locator("#reason-error"))
    _no_violations(page, "void with an error")
    page.goto("/diarium/kontroll")
    page.get_by_role("button", name="Kontrollera nu").click()
    page.wait_for_url(re.compile(r"/diarium/kontroll/[0-9a-f]{16}$"))
    _visible(page.get_by_text("Den utfärdade filen stämmer med diariet."))
    _no_violations(page, "verify")
    page.goto("/diarium/nasta-nummer")
    page.get_by_label("Nästa nummer").fill("fel")
    page.get_by_role("button", name="Ange nästa nummer").click()
    _visible(page.locator("#dnr-error"))
    _no_violations(page, "set next with an error")
