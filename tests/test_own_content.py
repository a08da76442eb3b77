"""A council's own paragraphs, fields, lines and sections render without template changes; the
settings' date style; an internal error is one short message and a report."""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from tests.conftest import describe
from tests.docx_text import docx_lines

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

OWN = """\
namn: Samordningsråd hjärta
ansvarsområde: Verksamhet hjärta, Hälso- och sjukvård
uppdragstagare: Ordförande, samordningsråd hjärta
inledning:
  - Ett eget inledande stycke.
avsnitt:
  syfte:
    - klausul: syfte.samverka
  budget:
    rubrik: Budget och resurser
    innehåll:
      - fält: Budgetansvar
        text: Ordföranden.
      - rader:
          - Rad ett
          - Rad två
      - punkter:
          - Egen punkt
          - klausul: uppdragsbeskrivning.samordna
    underavsnitt:
      uppfoljning:
        rubrik: Uppföljning
        innehåll:
          - Följs upp varje år.
sändlista:
  - klausul: sandlista.ordforande
"""


def styles_by_paragraph(docx: Path) -> list[tuple[str, str]]:
    """(style name, text) of every body paragraph, read from the OOXML."""
    with zipfile.ZipFile(docx) as zf:
        doc = etree.fromstring(zf.read("word/document.xml"))
        styles = etree.fromstring(zf.read("word/styles.xml"))
    names = {
        s.get(f"{W}styleId"): s.find(f"{W}name").get(f"{W}val") for s in styles.iter(f"{W}style")
    }
    out = []
    for p in doc.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        name = names.get(style.get(f"{W}val"), "") if style is not None else "Normal"
        out.append((name.lower(), "".join(t.text or "" for t in p.iter(f"{W}t"))))
    return out


def test_own_sections_fields_lines_and_lists_render_with_the_standard_template(
    workspace: Path, uppdrag
) -> None:
    (workspace / "data/councils/hjarta.yaml").write_text(OWN, "utf-8")
    out = workspace / "hjarta.docx"
    args = ["render", "hjarta", "--date", "2026-11-22", "--dnr", "RS 2026-00010", "-o", str(out)]
    result = uppdrag(*args)
    assert result.exit_code == 0, describe(args, result)

    paragraphs = styles_by_paragraph(out)
    assert ("heading 1", "Budget och resurser") in paragraphs
    assert ("heading 2", "Uppföljning") in paragraphs
    assert ("list bullet", "Egen punkt") in paragraphs
    assert any(text.startswith("Samordna det koncerngemensamma") for _s, text in paragraphs)

    lines = docx_lines(out)
    body = lines[lines.index("Uppdragstagare: Ordförande, samordningsråd hjärta") + 1 :]
    assert body[:3] == ["Ett eget inledande stycke.", "Syfte med uppdraget", body[2]]
    start = body.index("Budget och resurser")
    assert body[start : start + 7] == [
        "Budget och resurser",
        "Budgetansvar: Ordföranden.",
        "Rad ett",
        "Rad två",
        "Egen punkt",
        body[start + 5],
        "Uppföljning",
    ]
    assert body[start + 7] == "Följs upp varje år."


def test_long_date_style_from_the_settings(workspace: Path, uppdrag) -> None:
    settings = workspace / "data/installningar.yaml"
    settings.write_text(
        settings.read_text("utf-8").replace("datumformat: iso", "datumformat: lång"), "utf-8"
    )
    out = workspace / "onk.docx"
    args = ["render", "onkologi", "--date", "2024-05-21", "--dnr", "RS 2024-00784"]
    result = uppdrag(*args, "--decided", "2024-06-03", "-o", str(out))
    assert result.exit_code == 0, describe(args, result)
    lines = docx_lines(out)
    assert "Datum för beslut: 3 juni 2024" in lines
    assert "Datum: 2024-05-21" in lines  # the head block stays ISO


def test_an_internal_error_is_one_line_and_a_report(workspace: Path, uppdrag, monkeypatch) -> None:
    import generator.issuing

    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("simulated bug")

    monkeypatch.setattr(generator.issuing, "load_councils", broken)
    result = uppdrag("render", "onkologi")
    assert result.exit_code == 70
    assert "Traceback" not in result.output
    report = Path(result.output.strip().rsplit(" ", 1)[-1])
    assert "ZeroDivisionError: simulated bug" in report.read_text("utf-8")
    report.unlink()


def test_an_unknown_council_is_named_with_the_one_meant(workspace: Path, uppdrag) -> None:
    result = uppdrag("render", "onkologii", "hjarna")
    assert result.exit_code == 2
    assert "no council 'onkologii' – did you mean 'onkologi'?" in result.output
    assert "no council 'hjarna'; the councils are: onkologi, primarvard" in result.output
    assert not (workspace / "output").exists()


def test_outside_a_workspace_says_where_to_run(tmp_path: Path, uppdrag, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = uppdrag("render", "onkologi")
    assert result.exit_code == 2
    assert "is not in a workspace" in result.output
    assert "uppdrag init" in result.output
    assert list(tmp_path.iterdir()) == []
