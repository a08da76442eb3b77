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

from generator import pdf
from generator.clauses import load_mandate
from generator.exceptions import ConversionError, RegisterError, UsageError
from generator.pdf import convert_to_pdf, find_soffice, preview_png
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


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return render_councils(tmp_path_factory.mktemp("issued"))


@pytest.fixture(scope="module")
def converted(rendered: dict[str, Path]) -> tuple[dict[str, Path], int]:
    """Both councils converted in ONE call; also how many LibreOffice processes it started."""
    require_soffice()
    runs = []
    real_run = pdf._run

    def counting_run(*args, **kwargs):
        runs.append(args[0])
        return real_run(*args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pdf, "_run", counting_run)
        pdfs = convert_to_pdf([rendered[name] for name in COUNCILS])
    return dict(zip(COUNCILS, pdfs, strict=True)), len(runs)


@pytest.fixture(scope="module")
def pdfs(converted: tuple[dict[str, Path], int]) -> dict[str, Path]:
    return converted[0]


def test_the_batch_is_one_libreoffice_process(converted: tuple[dict[str, Path], int]) -> None:
    assert converted[1] == 1


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


# -- refusals --------------------------------------------------------------------------------------


def test_an_existing_pdf_is_never_overwritten(rendered: dict[str, Path], tmp_path: Path) -> None:
    docx = tmp_path / "onkologi.docx"
    shutil.copyfile(rendered["onkologi"], docx)
    existing = tmp_path / "onkologi.pdf"
    existing.write_bytes(b"%PDF-1.6 the issued copy")
    with pytest.raises(RegisterError, match="never overwritten"):
        convert_to_pdf([docx])
    assert existing.read_bytes() == b"%PDF-1.6 the issued copy"


def test_a_pdf_that_appears_during_conversion_is_not_overwritten(
    rendered: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docx = tmp_path / "onkologi.docx"
    shutil.copyfile(rendered["onkologi"], docx)
    target = tmp_path / "onkologi.pdf"

    def fake_convert(soffice: str, sources: list[Path], work: Path, timeout: float) -> list[Path]:
        target.write_bytes(b"written meanwhile")
        made = work / "made.pdf"
        made.write_bytes(
            b"%PDF-1.6\n<pdfaid:part>2</pdfaid:part>\n/MarkInfo<</Marked true>>\n"
            + b" " * 100
            + b"\n%%EOF\n"
        )
        return [made]

    monkeypatch.setattr(pdf, "find_soffice", lambda: "soffice")
    monkeypatch.setattr(pdf, "_convert", fake_convert)
    with pytest.raises(RegisterError):
        convert_to_pdf([docx])
    assert target.read_bytes() == b"written meanwhile"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_missing_libreoffice_says_how_to_install_it(
    rendered: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "find_soffice", lambda: None)
    with pytest.raises(ConversionError, match="apt-get install libreoffice-writer-nogui"):
        convert_to_pdf([rendered["onkologi"]], out_dir=tmp_path)
    with pytest.raises(ConversionError, match="apt-get install libreoffice-writer-nogui"):
        preview_png(rendered["onkologi"], tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_missing_pdftoppm_says_how_to_install_it(
    rendered: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "find_soffice", lambda: "soffice")
    monkeypatch.setattr(pdf, "find_pdftoppm", lambda: None)
    with pytest.raises(ConversionError, match="apt-get install poppler-utils"):
        preview_png(rendered["onkologi"], tmp_path)


def test_a_timeout_names_the_file(rendered: dict[str, Path], tmp_path: Path) -> None:
    require_soffice()
    with pytest.raises(ConversionError, match="onkologi.docx"):
        convert_to_pdf([rendered["onkologi"]], out_dir=tmp_path, timeout=0.05)
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_is_no_word_document_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "brev.docx"
    fake.write_text("not a Word document", encoding="utf-8")
    with pytest.raises(UsageError, match="not a Word document"):
        convert_to_pdf([fake])
    with pytest.raises(UsageError, match="does not exist"):
        convert_to_pdf([tmp_path / "saknas.docx"])
    assert [p.name for p in tmp_path.iterdir()] == ["brev.docx"]


def test_two_documents_with_the_same_name_into_one_folder_are_refused(
    rendered: dict[str, Path], tmp_path: Path
) -> None:
    other = tmp_path / "copy" / "onkologi.docx"
    other.parent.mkdir()
    shutil.copyfile(rendered["onkologi"], other)
    with pytest.raises(UsageError, match="both"):
        convert_to_pdf([rendered["onkologi"], other], out_dir=tmp_path / "pdf")


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
