"""PDF/A for the archive and page previews, made by a real LibreOffice.

LibreOffice starts in a few seconds, so the seed councils are rendered and converted once per
module, in one call, and every test looks at that result.  Without LibreOffice or poppler the
tests are skipped with the reason shown, except in CI (``CI=true``), where a missing tool is a
failure: CI installs both, and a silently skipped archive test would prove nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from generator.exceptions import ConversionError, UsageError
from generator.mandate import load_mandate
from generator.pdf import check_pdf, expected_title, find_soffice, make_pdfs, office, preview_png
from generator.pdf.check import stated_pages
from generator.render import Stamp, render_docx
from generator.template import CompiledTemplate
from generator.workspace import Workspace

REPO = Path(__file__).resolve().parents[1]
COUNCILS = ("onkologi", "primarvard")
DNR = "RS 2024-00784"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def require_tool(program: str | None, reason: str) -> str:
    """The tool's path; else skip with ``reason``, or fail under CI, which must have it."""
    if program:
        return program
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the CI job must install it, see .ci/run)")
    pytest.skip(reason)


def require_soffice() -> str:
    return require_tool(
        find_soffice(),
        "LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui",
    )


def require_poppler(tool: str) -> str:
    return require_tool(
        shutil.which(tool), f"poppler ({tool}) is not installed: apt-get install poppler-utils"
    )


def render_councils(folder: Path) -> dict[str, Path]:
    """The seed councils rendered as issued documents into ``folder``."""
    workspace = Workspace(REPO)
    settings = workspace.load_settings()
    library = workspace.load_library()
    template = CompiledTemplate.load(workspace.template_path)
    stamp = Stamp(dt.date(2024, 5, 21), DNR)
    folder.mkdir(parents=True, exist_ok=True)
    rendered = {}
    for name in COUNCILS:
        mandate = load_mandate(workspace.councils_dir / f"{name}.yaml", library, settings)
        path = folder / f"{name}.docx"
        path.write_bytes(render_docx(template, mandate, settings, stamp))
        rendered[name] = path
    return rendered


def core_title(docx: Path) -> str:
    with zipfile.ZipFile(docx) as zf:
        core = etree.fromstring(zf.read("docProps/core.xml"))
    return core.findtext("{http://purl.org/dc/elements/1.1/}title") or ""


def pdfinfo(path: Path, *options: str) -> str:
    program = require_poppler("pdfinfo")
    result = subprocess.run(
        [program, "-enc", "UTF-8", *options, str(path)], capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


def info_fields(path: Path) -> dict[str, str]:
    fields = {}
    for line in pdfinfo(path).splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip()] = value.strip()
    return fields


def catalog(path: Path) -> bytes:
    """The PDF's document catalog object, as LibreOffice writes it (uncompressed)."""
    data = path.read_bytes()
    match = re.search(rb"<<\s*/Type\s*/Catalog\b.*?endobj", data, re.DOTALL)
    assert match, f"{path.name}: no document catalog found"
    return match.group(0)


# -- one conversion for the module -------------------------------------------------------------


class Recorder:
    """A progress object with the interface the CLI's and the web app's have."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def start(self, label: str, total: int) -> None:
        self.calls.append(("start", label, total))

    def advance(self, item: str) -> None:
        self.calls.append(("advance", item))

    def finish(self) -> None:
        self.calls.append(("finish",))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return render_councils(tmp_path_factory.mktemp("issued"))


@pytest.fixture(scope="module")
def converted(rendered: dict[str, Path]):
    """Both councils converted in one call, in a pool of two LibreOffice workers."""
    require_soffice()
    progress = Recorder()
    result = make_pdfs([rendered[name] for name in COUNCILS], jobs=2, progress=progress)
    return result, progress


@pytest.fixture(scope="module")
def pdfs(converted) -> dict[str, Path]:
    result = converted[0]
    assert result.failed == []
    return {p.stem: p for p in result.made}


def test_the_pool_runs_one_libreoffice_per_worker_and_reports_progress(converted) -> None:
    result, progress = converted
    assert result.runs == 2  # two workers, one chunk each
    assert result.peak_rss_kib > 0
    assert progress.calls[0] == ("start", "PDF/A", 2)
    assert sorted(c[1] for c in progress.calls if c[0] == "advance") == [
        "onkologi.pdf",
        "primarvard.pdf",
    ]
    assert progress.calls[-1] == ("finish",)


@pytest.mark.parametrize("name", COUNCILS)
def test_pdf_lands_beside_its_docx(name: str, rendered: dict[str, Path], pdfs: dict[str, Path]):
    assert pdfs[name] == rendered[name].with_suffix(".pdf")
    assert pdfs[name].is_file()
    assert pdfs[name].read_bytes().startswith(b"%PDF-")
    # Only the finished PDF: no temporary files left beside the issued documents.
    assert sorted(p.name for p in rendered[name].parent.iterdir()) == sorted(
        f"{n}.{ext}" for n in COUNCILS for ext in ("docx", "pdf")
    )


@pytest.mark.parametrize("name", COUNCILS)
def test_libreoffice_opens_every_render(name: str, pdfs: dict[str, Path]) -> None:
    assert int(info_fields(pdfs[name])["Pages"]) >= 2


@pytest.mark.parametrize("name", COUNCILS)
def test_title_comes_from_the_document_properties(
    name: str, rendered: dict[str, Path], pdfs: dict[str, Path]
) -> None:
    title = core_title(rendered[name])
    assert title.endswith(f"– Samordningsråd {'onkologi' if name == 'onkologi' else 'primärvård'}")
    assert info_fields(pdfs[name])["Title"] == title
    assert b"/DisplayDocTitle true" in catalog(pdfs[name])


@pytest.mark.parametrize("name", COUNCILS)
def test_pdf_a_2(name: str, pdfs: dict[str, Path]) -> None:
    xmp = pdfinfo(pdfs[name], "-meta")
    assert re.search(r"<pdfaid:part>\s*2\s*</pdfaid:part>", xmp), xmp
    assert re.search(r"<pdfaid:conformance>\s*B\s*</pdfaid:conformance>", xmp), xmp


@pytest.mark.parametrize("name", COUNCILS)
def test_tagged_with_language(name: str, pdfs: dict[str, Path]) -> None:
    assert info_fields(pdfs[name])["Tagged"] == "yes"
    root = catalog(pdfs[name])
    assert re.search(rb"/MarkInfo\s*<<\s*/Marked\s+true", root), root
    assert b"/StructTreeRoot" in root
    assert b"/Lang(sv-SE)" in root


@pytest.mark.parametrize("name", COUNCILS)
def test_text_with_diary_number_and_page_fields(name: str, pdfs: dict[str, Path]) -> None:
    program = require_poppler("pdftotext")
    text = subprocess.run(
        [program, "-enc", "UTF-8", str(pdfs[name]), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    assert f"Diarienummer: {DNR}" in text
    pages = int(info_fields(pdfs[name])["Pages"])
    # The footer's PAGE and NUMPAGES fields, updated by LibreOffice's layout.
    assert re.search(rf"Sida 1 av {pages}\b", text), text
    assert re.search(rf"Sida {pages} av {pages}\b", text), text


@pytest.mark.parametrize("name", COUNCILS)
def test_the_check_reads_the_page_count_the_document_states(name: str, pdfs: dict[str, Path]):
    from pypdf import PdfReader

    pages = int(info_fields(pdfs[name])["Pages"])
    assert stated_pages(PdfReader(pdfs[name])) == pages
    title = expected_title(pdfs[name].with_suffix(".docx"))
    assert check_pdf(pdfs[name].read_bytes(), title) == (pages, [])


def tampered(data: bytes, old: bytes, new: bytes) -> bytes:
    """The PDF with one object's bytes changed in place (same length: the offsets stay right)."""
    assert len(old) == len(new) and old in data
    return data.replace(old, new)


def test_the_check_names_what_makes_a_pdf_no_archive_copy(pdfs: dict[str, Path]) -> None:
    data = pdfs["onkologi"].read_bytes()
    title = expected_title(pdfs["onkologi"].with_suffix(".docx"))
    pages = int(info_fields(pdfs["onkologi"])["Pages"])
    assert check_pdf(data, title) == (pages, [])
    cases = [
        (b"/Lang(sv-SE)", b"/Lang(en-GB)", "language en-GB, not sv-SE"),
        (b"<pdfaid:part>2<", b"<pdfaid:part>1<", "not identified as PDF/A-2"),
        (b"/MarkInfo<</Marked true>>", b"/MarkInfo<</Marked null>>", "not tagged"),
    ]
    for old, new, problem in cases:
        assert check_pdf(tampered(data, old, new), title)[1] == [problem], problem
    assert check_pdf(data, "Another council")[1] == [f"title “{title}”, not “Another council”"]
    tree = re.search(rb"(/Kids\[[^\]]*\]\s*/Count )(\d+)", data)
    assert tree and int(tree.group(2)) == pages
    wrong = tree.group(1) + str(pages + 1).encode()
    assert check_pdf(tampered(data, tree.group(0), wrong), title)[1] == ["an incomplete page tree"]
    assert check_pdf(data[: len(data) // 2], title)[1] == ["not a readable PDF"]


# -- refusals --------------------------------------------------------------------------------------


def test_an_existing_pdf_is_never_overwritten(rendered: dict[str, Path], tmp_path: Path) -> None:
    docx = tmp_path / "onkologi.docx"
    shutil.copyfile(rendered["onkologi"], docx)
    existing = tmp_path / "onkologi.pdf"
    existing.write_bytes(b"%PDF-1.6 the issued copy")
    result = make_pdfs([docx])
    assert result.made == [] and result.runs == 0
    [failure] = result.failed
    assert failure.source == docx
    assert failure.problem.startswith("onkologi.pdf is there but is no archive copy")
    assert failure.problem.endswith("it is kept as it is")
    assert existing.read_bytes() == b"%PDF-1.6 the issued copy"


def test_a_valid_pdf_that_is_there_is_kept_and_not_made_again(
    rendered: dict[str, Path], pdfs: dict[str, Path], tmp_path: Path
) -> None:
    docx = tmp_path / "onkologi.docx"
    shutil.copyfile(rendered["onkologi"], docx)
    shutil.copyfile(pdfs["onkologi"], tmp_path / "onkologi.pdf")
    result = make_pdfs([docx])
    assert (result.made, result.present, result.failed, result.runs) == (
        [],
        [tmp_path / "onkologi.pdf"],
        [],
        0,
    )


def test_missing_libreoffice_says_how_to_install_it(
    rendered: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docx = tmp_path / "onkologi.docx"
    shutil.copyfile(rendered["onkologi"], docx)
    monkeypatch.setattr(office, "find_soffice", lambda: None)
    with pytest.raises(ConversionError, match="apt-get install libreoffice-writer-nogui"):
        make_pdfs([docx])
    with pytest.raises(ConversionError, match="apt-get install libreoffice-writer-nogui"):
        preview_png(docx, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["onkologi.docx"]


def test_missing_pdftoppm_says_how_to_install_it(
    rendered: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.pdf import preview

    monkeypatch.setattr(office, "find_soffice", lambda: "soffice")
    monkeypatch.setattr(preview, "find_pdftoppm", lambda: None)
    with pytest.raises(ConversionError, match="apt-get install poppler-utils"):
        preview_png(rendered["onkologi"], tmp_path)


def test_a_file_that_is_no_word_document_is_named_and_nothing_made(tmp_path: Path) -> None:
    fake = tmp_path / "brev.docx"
    fake.write_text("not a Word document", encoding="utf-8")
    result = make_pdfs([fake, tmp_path / "saknas.docx"])
    assert [(f.source.name, f.problem) for f in result.failed] == [
        ("brev.docx", "not a Word document (.docx)"),
        ("saknas.docx", "the document does not exist"),
    ]
    assert [p.name for p in tmp_path.iterdir()] == ["brev.docx"]
    with pytest.raises(UsageError, match="no Word document"):
        make_pdfs([])
    with pytest.raises(UsageError, match="not a Word document"):
        preview_png(fake, tmp_path)


# -- preview ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def previews(rendered: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    require_soffice()
    require_poppler("pdftoppm")
    out = tmp_path_factory.mktemp("preview")
    (out / "onkologi-sida-99.png").write_bytes(PNG_MAGIC)  # a page from an earlier, longer preview
    return preview_png(rendered["onkologi"], out, dpi=40)


def test_preview_has_one_png_per_page(previews: list[Path], pdfs: dict[str, Path]) -> None:
    pages = int(info_fields(pdfs["onkologi"])["Pages"])
    assert [p.name for p in previews] == [f"onkologi-sida-{n}.png" for n in range(1, pages + 1)]
    for image in previews:
        assert image.read_bytes()[:8] == PNG_MAGIC
    assert sorted(previews[0].parent.iterdir()) == sorted(previews)  # the stale page is gone
