"""The council editor in a real Chromium: edit, hit a validation error, fix and save, the preview
following, issue with the keyboard only, download and read the document back; axe-core finds no
WCAG 2.1 A/AA violation in any of these states."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator import dates
from generator.editing import Edit, load_for_editing, save_council
from tests.docx_text import docx_lines
from tests.web.conftest import axe_violations

URL = "/rad/onkologi"


def no_violations(page: Any, state: str) -> None:
    found = axe_violations(page)
    assert found == [], f"{state}: {found}"


def test_edit_error_fix_save_and_the_preview_follows(page: Any, web_workspace: Path) -> None:
    page.goto(URL)
    assert page.title() == "Samordningsråd onkologi – uppdrag"
    name = page.get_by_label("Namn", exact=True)
    name.fill("")
    page.get_by_role("button", name="Spara").first.click()
    summary = page.locator("#felsammanfattning")
    assert "namn: får inte vara tomt" in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "felsammanfattning"
    assert name.get_attribute("aria-invalid") == "true"
    assert page.locator("#f-namn-error").inner_text() == "får inte vara tomt"
    no_violations(page, "the form with errors")
    summary.get_by_role("link").click()  # the summary leads to the field
    assert page.evaluate("document.activeElement.id") == "f-namn"
    page.keyboard.type("Samordningsråd cancer")
    page.get_by_role("button", name="Spara").first.click()
    assert page.get_by_role("status").filter(has_text="Sparat.").is_visible()
    preview = page.locator("#preview-body")
    assert preview.locator(".doc-name").inner_text() == "Samordningsråd cancer"
    no_violations(page, "after save")
    # A save elsewhere (another tab, here the same plain function) reaches the open page.
    path = web_workspace / "data" / "councils" / "onkologi.yaml"
    _d, _t, version = load_for_editing(path)
    result = save_council(path, [Edit("text", "namn", "Samordningsråd tumör")], version, "annan")
    assert result.status == "saved"
    preview.locator(".doc-name", has_text="Samordningsråd tumör").wait_for(timeout=6000)
    assert "annan flik" in page.locator("#preview-status").inner_text()


def test_issue_and_decide_with_the_keyboard_only(page: Any, web_workspace: Path) -> None:
    page.goto(URL)

    def tab_to(text: str, limit: int = 60) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            active = page.evaluate(
                "[document.activeElement.textContent.trim(), '#' + document.activeElement.id]"
            )
            if text in active:
                return
        raise AssertionError(f"{text!r} is not reachable with Tab")

    tab_to("Ge ut och besluta")  # the page's own menu
    page.keyboard.press("Enter")
    tab_to("Ge ut…")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ge-ut")
    assert "Ett diarienummer tas ur registret." in page.locator("main").inner_text()
    no_violations(page, "the confirmation")
    tab_to("Ge ut och ta ett diarienummer")
    page.keyboard.press("Enter")
    page.wait_for_url("**/handling/**")
    dnr = f"RS {dates.today().year}-00001"
    assert page.locator("#dnr").inner_text() == dnr
    no_violations(page, "after issue")
    tab_to(f"Hämta RS_{dates.today().year}-00001_onkologi.docx")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    saved = web_workspace / "hamtad.docx"
    download.value.save_as(saved)
    assert f"Diarienummer: {dnr}" in docx_lines(saved)
    # The decision date, first mistyped, with the keyboard too.
    tab_to("#beslutsdatum")
    page.keyboard.type("igår")
    page.keyboard.press("Enter")
    page.wait_for_url("**/beslut")
    error = page.locator("#beslutsdatum-error")
    assert "är inget datum" in error.inner_text()
    no_violations(page, "decision date with an error")
    tab_to("#beslutsdatum")
    page.keyboard.press("Control+A")
    today = dates.iso(dates.today())
    page.keyboard.type(today)
    page.keyboard.press("Enter")
    page.wait_for_url("**/handling/**")
    assert page.get_by_role("status").filter(has_text="Beslutsdatumet är ifyllt.").is_visible()
    assert "beslutad" in page.locator(".facts").inner_text()
    no_violations(page, "after the decision")


def test_new_council_and_the_start_page_have_no_violations(page: Any) -> None:
    page.goto("/")
    no_violations(page, "the start page with check findings")
    page.get_by_role("link", name="Nytt råd").click()
    page.get_by_label("Rådets id").fill("Hjärta!")
    page.get_by_role("button", name="Skapa rådet").click()
    assert page.locator("#id-error").is_visible()
    no_violations(page, "new council with an error")
    page.get_by_label("Rådets id").fill("hjarta")
    page.get_by_label("Namn").fill("Samordningsråd hjärta")
    page.get_by_role("button", name="Skapa rådet").click()
    page.wait_for_url("**/rad/hjarta")
    assert page.get_by_role("heading", level=1).inner_text() == "Samordningsråd hjärta"
    no_violations(page, "a new council's form")
