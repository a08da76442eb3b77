"""The editor's gaps closed, in a real Chromium: an own version of a standard clause started from
the form, an own section's id shown beside its heading and following it, an emptied introduction
leaving the file, and the import's council id chosen at its field; axe-core finds no WCAG 2.1
A/AA violation in any of these states."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import Flask

from tests.test_editing import INTRO
from tests.web.conftest import axe_violations
from tests.web.test_importing import mandate_docx  # noqa: F401  (a fixture)

URL = "/rad/onkologi"


def no_violations(page: Any, state: str) -> None:
    found = axe_violations(page)
    assert found == [], f"{state}: {found}"


def test_own_version_own_section_id_and_an_emptied_introduction(
    page: Any, web_workspace: Path
) -> None:
    path = web_workspace / "data" / "councils" / "onkologi.yaml"
    before = path.read_text(encoding="utf-8")
    page.goto(URL)
    # The council's own version of a standard clause, prefilled with the standard text.
    page.locator('button[value="version|avsnitt/syfte/0"]').click()
    page.wait_for_load_state("load")
    own = page.locator('[name="t|klausuler/syfte.samverka"]')
    assert own.input_value().startswith("Gruppen ska samverka inom sitt ansvarsområde")
    assert page.evaluate("document.activeElement.name") == "t|klausuler/syfte.samverka"
    no_violations(page, "an own version started, not saved")
    own.fill("Rådet ska samverka inom hela regionen.")
    # An own section: its id is shown beside its heading and follows a changed heading.
    page.locator("#section-avsnitt").select_option("own")
    page.get_by_label("Rubrik för ett eget avsnitt").fill("Budget")
    page.locator('button[value="section|avsnitt"]').click()
    heading = page.locator('[name="t|avsnitt/budget/rubrik"]')
    hint = page.locator(f'[id="{heading.get_attribute("aria-describedby").split()[0]}"]')
    assert hint.inner_text().startswith("Id: budget. Det följer rubriken")
    heading.fill("Ekonomi")
    page.locator('[name="t|avsnitt/budget/innehåll/0"]').fill("Rådet har en egen budget.")
    # The introduction emptied: it goes from the form and from the file.
    for _ in range(2):
        page.locator('button[value="remove|inledning/0"]').click()
    assert page.get_by_role("button", name="Lägg till en inledning").is_visible()
    no_violations(page, "own section and emptied introduction, not saved")
    page.get_by_role("button", name="Spara").first.click()
    assert page.get_by_role("status").filter(has_text="Sparat.").is_visible()
    saved = path.read_text(encoding="utf-8")
    assert INTRO not in saved and "inledning:" not in saved
    assert "\n  ekonomi:\n    rubrik: Ekonomi\n" in saved
    assert saved.endswith("  syfte.samverka: >-\n    Rådet ska samverka inom hela regionen.\n")
    assert saved.startswith(before[: before.index(INTRO)])
    preview = page.locator("#preview-body").inner_text()
    assert "Rådet ska samverka inom hela regionen." in preview and "Ekonomi" in preview
    element = page.locator('[id="e-avsnitt.syfte.0"]')
    assert "rådets egen version" in element.inner_text()
    no_violations(page, "after saving")
    page.goto("/bibliotek/klausul/syfte.samverka")
    assert "onkologi" in page.locator("main").inner_text()
    no_violations(page, "the clause with its own version")


def test_the_import_id_is_chosen_at_its_field(
    page: Any,
    app: Flask,
    mandate_docx: bytes,  # noqa: F811
    tmp_path: Path,
) -> None:
    root = Path(app.config["WORKSPACE"])
    upload = tmp_path / "Uppdrag primärvård.docx"
    upload.write_bytes(mandate_docx)
    page.goto("/import/")
    page.get_by_label("Word-fil (.docx)").set_input_files(str(upload))
    page.get_by_role("button", name="Läs in dokumentet").click()
    field = page.get_by_label("Rådets id")
    assert field.input_value() == "primarvard"  # taken: shown at the field with the preview
    assert field.get_attribute("aria-invalid") == "true"
    assert "det finns redan ett råd ”primarvard”" in page.locator("#council-error").inner_text()
    assert page.get_by_text("Inget har sparats än.").is_visible()
    no_violations(page, "import preview with a taken id")
    field.fill("Primär vård")
    page.get_by_role("button", name="Spara rådet och för in det i diariet").click()
    assert "kan inte vara id för ett råd" in page.locator("#council-error").inner_text()
    assert not (root / "data" / "councils" / "Primär vård.yaml").exists()
    no_violations(page, "import preview with a bad id")
    page.get_by_label("Rådets id").fill("primarvard-ny")
    page.get_by_role("button", name="Spara rådet och för in det i diariet").click()
    page.wait_for_url(re.compile(r"/diarium/nummer/RS%202025-03200$"))
    assert (root / "data" / "councils" / "primarvard-ny.yaml").is_file()
    assert "primarvard-ny" in page.locator("main").inner_text()
