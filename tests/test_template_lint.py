"""One template check for every command: what ``uppdrag check`` rejects, ``render``, ``reissue``,
``decide`` and ``import`` refuse before a number is taken, with a message that names the tag,
the part and paragraph it stands in, and what to write instead."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from generator.lint import template_problems
from generator.render import CONTEXT_NAMES, Stamp, build_context
from generator.template import patch_tags
from tests.conftest import REPO, describe
from tests.test_diff import kit

TEMPLATE = REPO / "templates" / "uppdragshandling.docx"


def broken(target: Path, tag: str, part: str = "word/document.xml") -> Path:
    """The shipped template with a paragraph holding ``tag`` first in ``part``."""
    with zipfile.ZipFile(TEMPLATE) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            blob = zin.read(info.filename)
            if info.filename == part:
                xml = blob.decode("utf-8")
                at = xml.index("<w:body>") + len("<w:body>") if "<w:body>" in xml else -1
                if at < 0:
                    at = xml.index("<w:p>")
                paragraph = f"<w:p><w:r><w:t>{escape(tag)}</w:t></w:r></w:p>"
                blob = (xml[:at] + paragraph + xml[at:]).encode("utf-8")
            zout.writestr(info, blob)
    return target


CASES = [
    pytest.param(
        "{ { organisation }}",
        "word/document.xml",
        "the body, paragraph “{ { organisation }}”: the tag “{ { organisation }}” is mistyped: "
        "there may be no space between its braces. Write it as “{{ organisation }}”",
        id="space-between-braces",
    ),
    pytest.param(
        "Från {{ organisation } }",
        "word/footer1.xml",
        "the footer, paragraph “Från {{ organisation } }”: the tag “{{ organisation } }” is "
        "mistyped",
        id="space-in-closing-braces",
    ),
    pytest.param(
        "{{ organisaton }}",
        "word/document.xml",
        "the tag names “organisaton”, a value the data does not have; did you mean “organisation”?",
        id="unknown-name",
    ),
    pytest.param(
        "Diarienummer: {{ dnr_text }",
        "word/header1.xml",
        "the header, paragraph “Diarienummer: {{ dnr_text }”: the tag “{{ dnr_text }” is not "
        "closed: end it with “}}”",
        id="unclosed",
    ),
    pytest.param(
        "{%p if draft %}",
        "word/document.xml",
        "“{%p if draft %}” is never closed: add a paragraph “{%p endif %}” where the block ends",
        id="block-never-closed",
    ),
    pytest.param(
        "{%p endfor %}",
        "word/document.xml",
        "“{%p endfor %}” closes a block that was never opened; remove it",
        id="stray-end",
    ),
    pytest.param(
        "{% fi draft %}",
        "word/document.xml",
        "“{% fi draft %}” is not a command a template can use; the commands are if, elif, else",
        id="unknown-command",
    ),
    pytest.param(
        "{{ organisation | shout }}",
        "word/document.xml",
        "the tag “{{ organisation | shout }}” uses “shout”, which templates do not have",
        id="unknown-filter",
    ),
    pytest.param(
        "{{ organisation council_name }}",
        "word/document.xml",
        "the tag “{{ organisation council_name }}” cannot be read",
        id="unreadable",
    ),
]


@pytest.mark.parametrize(("tag", "part", "message"), CASES)
def test_check_names_the_tag_the_place_and_the_fix(
    tag: str, part: str, message: str, tmp_path: Path
) -> None:
    template, problems = template_problems(broken(tmp_path / "t.docx", tag, part))
    assert template is None
    assert any(message in str(problem) for problem in problems), [str(p) for p in problems]


def _rows(uppdrag) -> list[dict]:
    return json.loads(uppdrag("register", "list", "--format", "json").output)


@pytest.mark.parametrize(("tag", "part", "message"), CASES)
def test_render_refuses_what_check_rejects_before_a_number_is_taken(
    tag: str, part: str, message: str, workspace: Path, uppdrag
) -> None:
    broken(workspace / "templates" / "uppdragshandling.docx", tag, part)
    checked = uppdrag("check")
    assert checked.exit_code == 2 and message in checked.output, checked.output
    result = uppdrag("render", "onkologi", "primarvard", "--date", "2026-03-01")
    assert result.exit_code == 2, describe(["render"], result)
    assert "cannot be used; nothing was issued" in result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not list(workspace.glob("output/**/*.docx"))
    assert _rows(uppdrag) == []  # not a number taken, nor voided


def test_reissue_decide_and_import_refuse_it_too(workspace: Path, uppdrag) -> None:
    assert uppdrag("render", "onkologi", "--date", "2026-03-01").exit_code == 0
    before = _rows(uppdrag)
    files = sorted(workspace.glob("output/**/*"))
    broken(workspace / "templates" / "uppdragshandling.docx", "{ { organisation }}")
    for args in (
        ["reissue", "--all", "--reason", "Ny rutin", "--date", "2026-03-02"],
        ["decide", "RS 2026-00001", "--date", "2026-03-05"],
        ["import", str(REPO / "tests" / "seeds" / "primarvard.txt"), "-o", "data/councils/p2.yaml"],
    ):
        result = uppdrag(*args)
        assert result.exit_code == 2, describe(args, result)
        assert "the tag “{ { organisation }}” is mistyped" in result.output, result.output
    assert _rows(uppdrag) == before
    assert sorted(workspace.glob("output/**/*")) == files
    assert not (workspace / "data" / "councils" / "p2.yaml").exists()


def test_the_message_is_swedish_by_default(workspace: Path, uppdrag) -> None:
    broken(workspace / "templates" / "uppdragshandling.docx", "{ { organisation }}")
    result = uppdrag("render", "onkologi", env={"LANGUAGE": "sv"})
    assert result.exit_code == 2
    assert "kan inte användas; inget utfärdades" in result.output
    assert (
        "brödtexten, stycket ”{ { organisation }}”: taggen ”{ { organisation }}” är felskriven: "
        "det får inte stå mellanslag mellan klamrarna. Skriv den som ”{{ organisation }}”"
    ) in result.output


def test_the_shipped_template_has_no_problem() -> None:
    template, problems = template_problems(TEMPLATE)
    assert problems == [] and template is not None


def test_the_names_the_check_knows_are_the_names_a_document_has() -> None:
    context = build_context(
        kit().mandate("onkologi"), kit().settings, Stamp(dt.date(2026, 1, 1), "X"), lambda u: "r"
    )
    assert set(context) == CONTEXT_NAMES


def test_quotes_written_as_entities_are_read_inside_tags_only() -> None:
    """LibreOffice writes " as &quot; and ' as &apos;; inside a tag they are what was typed."""
    xml = (
        "<w:p><w:r><w:t>{%p if item.kind == &quot;heading&quot; %}</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>Det &quot;nya&quot; &amp; {{ &apos;x&apos; }}</w:t></w:r></w:p>"
    )
    patched = patch_tags(xml)
    assert '{% if item.kind == "heading" %}' in patched
    assert "Det &quot;nya&quot; &amp; {{ 'x' }}" in patched
