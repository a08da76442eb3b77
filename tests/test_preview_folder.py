"""Page images from ``uppdrag preview`` go to a folder of their own, not beside the issued
documents: the year folders of output/ hold documents (and their PDF/A) only."""

from __future__ import annotations

from pathlib import Path

from generator.pdf import find_soffice
from generator.workspace import Workspace
from tests.conftest import describe
from tests.test_pdf import require_poppler, require_tool

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_a_preview_of_an_issued_document_goes_to_output_forhandsvisning(
    workspace: Path, uppdrag
) -> None:
    require_tool(find_soffice(), "LibreOffice (soffice) is not installed")
    require_poppler("pdftoppm")
    args = ["render", "onkologi", "--date", "2024-05-21", "--dnr", "RS 2024-00784"]
    assert uppdrag(*args).exit_code == 0
    issued = Path("output/2024/RS_2024-00784_onkologi.docx")
    result = uppdrag("preview", str(issued))
    assert result.exit_code == 0, describe(["preview", str(issued)], result)
    images = sorted((workspace / "output" / "forhandsvisning").glob("*.png"))
    assert [p.name for p in images][:1] == ["RS_2024-00784_onkologi-sida-1.png"]
    assert all(p.read_bytes().startswith(PNG_MAGIC) for p in images)
    assert "output/forhandsvisning/RS_2024-00784_onkologi-sida-1.png" in result.output
    # The year folder holds the document and nothing else.
    assert [p.name for p in (workspace / "output" / "2024").iterdir()] == [issued.name]


def test_a_document_outside_output_gets_a_preview_folder_beside_it(tmp_path: Path) -> None:
    space = Workspace(tmp_path / "arbetsmapp")
    elsewhere = tmp_path / "mottaget" / "gammal.docx"
    assert space.preview_dir_for(elsewhere) == tmp_path / "mottaget" / "forhandsvisning"
    inside = space.output_dir / "utkast" / "onkologi_utkast.docx"
    assert space.preview_dir_for(inside) == space.output_dir / "forhandsvisning"
