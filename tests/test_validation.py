"""Bad input gets a clear message, exit code 2, and nothing is written or registered.

Every file of ``tests/corpus/`` is a broken council file, named for what is wrong with it; a few
more (too big to keep in the repository) are made here.  Each is put into a fresh workspace's
``data/councils/`` and rendered with the CLI together with a good council: the command must refuse
the whole batch with a message that names the file and the line, never a traceback, never a
Python repr or jsonschema's words, and must leave ``output/`` and the register as they were.

``tests/corpus/valid/`` holds files that look odd but are right (a BOM, CRLF line endings, text
full of template and XML syntax): they render, and their text comes out literally.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.docx_text import docx_hyperlinks, docx_lines

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).parent / "corpus"
VALID = CORPUS / "valid"
EN = {"LANGUAGE": "en"}
# Swedish is the default: under LANGUAGE=sv and with no locale variables at all.
SV_ENVS = [
    pytest.param({"LANGUAGE": "sv"}, id="LANGUAGE=sv"),
    pytest.param(
        {"LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": None}, id="no-locale"
    ),
]

HEAD = (
    "namn: Samordningsråd test\nansvarsområde: Verksamhet test\n"
    "uppdragstagare: Ordförande, samordningsråd test\n"
)
BODY = "avsnitt:\n  syfte:\n    - klausul: syfte.samverka\n"

# What must never reach a secretary: Python internals and the validators' own words.
JARGON = (
    "Traceback",
    "CommentedMap",
    "CommentedSeq",
    "TaggedScalar",
    "ruamel",
    "jsonschema",
    "is not valid under",
    "is not of type",
    "Additional properties",
    "<unicode string>",
    "RecursionError",
    "UnicodeDecodeError",
    "Error:",
)

# name → (line of the first problem, or None when the problem has no line; English words the
# message must hold).  Every corpus file must be listed: a new case needs its expectation.
EXPECTED: dict[str, tuple[int | None, tuple[str, ...]]] = {
    "alias.yaml": (1, ("anchors and aliases",)),
    "alias_bomb.yaml": (1, ("anchors and aliases",)),
    "bad_clause_id.yaml": (6, ("avsnitt.syfte[1].klausul", "cannot be a clause id")),
    "binary.yaml": (None, ("not text",)),
    "clause_cycle.yaml": (11, ("klausuler.egen.b[1].klausul", "refers to itself")),
    "colon_in_text.yaml": (6, ("put the text in quotes",)),
    "comment_only.yaml": (1, ("found nothing",)),
    "complex_key.yaml": (7, ("a key must be text", "found a list")),
    "control_char.yaml": (6, ("avsnitt.syfte[1]", "U+0007")),
    "control_char_clause.yaml": (8, ("klausuler.egen.text", "U+001B")),
    "control_char_field_label.yaml": (8, ("avsnitt.arbetsorganisation[1].fält", "U+0001")),
    "control_char_link.yaml": (6, ("avsnitt.syfte[1]", "U+000C")),
    "control_char_rader.yaml": (10, ("avsnitt.arbetsorganisation[1].rader[2]", "tab character")),
    "control_char_raw.yaml": (6, ("avsnitt.syfte[1]", "U+0007")),
    "custom_tag.yaml": (1, ("the tag '!hemlig'",)),
    "deep_nesting.yaml": (7, ("nested more than",)),
    "deep_nesting_mapping.yaml": (7, ("nested more than",)),
    "duplicate_key.yaml": (4, ("'namn' appears twice",)),
    "empty.yaml": (None, ("empty",)),
    "parser_trips_on_dash.yaml": (None, ("could not be read as YAML",)),
    "parser_trips_on_complex_key.yaml": (None, ("could not be read as YAML",)),
    "latin1.yaml": (1, ("not UTF-8",)),
    "lone_surrogate.yaml": (6, ("avsnitt.syfte[1]", "U+D800")),
    "misspelt_key.yaml": (3, ("unknown key 'uppdragstagre' – did you mean 'uppdragstagare'?",)),
    "misspelt_nested_key.yaml": (
        8,
        (
            "unknown key 'fältt' – did you mean 'fält'?",
            "unknown key 'punktr' – did you mean 'punkter'?",
        ),
    ),
    "misspelt_section.yaml": (5, ("avsnitt.syftee", "'syftee' – did you mean 'syfte'?")),
    "multiple_documents.yaml": (7, ("one document",)),
    "non_string_key.yaml": (7, ("a key must be text", "found a number")),
    "noncharacter.yaml": (6, ("avsnitt.syfte[1]", "U+FFFE")),
    "nul_in_text.yaml": (None, ("not text",)),
    "null_key.yaml": (7, ("a key must be text", "found nothing")),
    "null_section.yaml": (4, ("avsnitt", "found nothing")),
    "python_name_tag.yaml": (8, ("the tag '!!python/name:os.system'",)),
    "python_tag.yaml": (1, ("the tag '!!python/object/apply:os.system'",)),
    "several_errors.yaml": (
        2,
        (
            "did you mean 'ansvarsområde'?",
            "did you mean 'syfte'?",
            "did you mean 'fält'?",
            "did you mean 'samband.standard'?",
            "expected text, found a number",
        ),
    ),
    "str_tag.yaml": (3, ("'!!str'",)),
    "syntax_error.yaml": (6, ("quotation mark",)),
    "tab_indentation.yaml": (5, ("tab characters",)),
    "text_without_field.yaml": (8, ("'text' belongs to a field",)),
    "top_level_list.yaml": (1, ("found a list",)),
    "top_level_text.yaml": (1, ("found text",)),
    "two_blocks_in_one.yaml": (8, ("exactly one of",)),
    "unclosed_bracket.yaml": (5, ("'['",)),
    "unknown_clause.yaml": (
        6,
        ("unknown clause 'syfte.samverkan' – did you mean 'syfte.samverka'?",),
    ),
    "unknown_section.yaml": (7, ("'budgetfrågor'", "rubrik")),
    "unused_override.yaml": (8, ("never used",)),
    "utf16.yaml": (None, ("UTF-16",)),
    "whitespace_only.yaml": (None, ("empty",)),
    "wrong_types.yaml": (
        1,
        (
            "namn: expected text, found a number",
            "ansvarsområde: expected text, found a list",
            "uppdragstagare: expected text, found nothing",
            "avsnitt.syfte: expected a list of blocks",
        ),
    ),
}


def _huge_string(path: Path) -> None:
    """A 900 KB single string where a paragraph stands."""
    path.write_text(HEAD + 'avsnitt:\n  syfte:\n    - "' + "x" * 900_000 + '"\n', encoding="utf-8")


def _huge_name(path: Path) -> None:
    """A 900 KB name with a control character at its end (a regex could backtrack on it)."""
    path.write_text(
        HEAD.replace("namn: Samordningsråd test", 'namn: "' + "x" * 900_000 + '\\a"') + BODY,
        encoding="utf-8",
    )


def _too_large(path: Path) -> None:
    path.write_text(
        HEAD
        + BODY
        + "".join(f"    - Stycke {i} av en fil som är för stor.\n" for i in range(30_000)),
        encoding="utf-8",
    )


def _long_line(path: Path) -> None:
    """A 300,000-character line that ends in a syntax error."""
    path.write_text(
        HEAD + "avsnitt:\n  syfte: [" + ", ".join(["text"] * 50_000) + " x: y: z\n",
        encoding="utf-8",
    )


GENERATED: dict[str, tuple[Callable[[Path], None], int | None, tuple[str, ...]]] = {
    "huge_string.yaml": (_huge_string, 6, ("too long", "900000")),
    "huge_name.yaml": (_huge_name, 1, ("namn", "U+0007")),
    "too_large.yaml": (_too_large, None, ("larger than",)),
    "long_line.yaml": (_long_line, 5, ("yaml",)),
}


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("data", "templates"):
        shutil.copytree(REPO / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("UPPDRAG_REGISTER", raising=False)
    return tmp_path


def _cli(args: list[str], env: dict[str, str | None] | None = None) -> Result:
    from generator.cli import main

    return CliRunner().invoke(main, args, env=env if env is not None else EN)


def _register_rows(workspace: Path) -> list[tuple]:
    path = workspace / "output" / "diarium.sqlite"
    if not path.exists():
        return []
    with sqlite3.connect(path) as db:
        return (
            db.execute("SELECT * FROM issues").fetchall()
            + db.execute("SELECT * FROM events").fetchall()
        )


def _snapshot(workspace: Path) -> tuple[list[str], list[tuple], str]:
    """The files under output/ (but the register's own), the register's rows, its JSON list."""
    out = workspace / "output"
    files = (
        sorted(
            str(p.relative_to(out))
            for p in out.rglob("*")
            if p.is_file() and not p.name.startswith("diarium.sqlite")
        )
        if out.exists()
        else []
    )
    listed = _cli(["register", "list", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    return files, _register_rows(workspace), listed.output


def _problem_lines(output: str, name: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(f"data/councils/{name}")]


def _assert_refused(result: Result, name: str, line: int | None, words: tuple[str, ...]) -> None:
    output = result.output
    assert result.exit_code == 2, output
    assert not isinstance(result.exception, BaseException) or isinstance(
        result.exception, SystemExit
    ), output
    # Every message starts with the one prefix "Error: "; a Python or YAML "…Error:" never shows.
    body = re.sub(r"^Error: ", "", output, flags=re.MULTILINE)
    for word in JARGON:
        assert word not in body, f"{word!r} in:\n{output}"
    assert len(output) < 5000, f"a message of {len(output)} characters"
    lines = _problem_lines(output, name)
    assert lines, f"the file is not named:\n{output}"
    if line is not None:
        assert re.match(rf"data/councils/{re.escape(name)}:{line}:\d+: ", lines[0]), output
    for word in words:
        assert word.lower() in output.lower(), f"{word!r} not in:\n{output}"


def _render_broken(workspace: Path, name: str) -> Result:
    """Render a good council and the broken one in one batch: both are refused."""
    return _cli(["render", "onkologi", f"data/councils/{name}", "--date", "2024-05-21"])


def test_every_corpus_file_has_an_expectation() -> None:
    files = {p.name for p in CORPUS.glob("*.yaml")}
    assert files == set(EXPECTED), files ^ set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_file_is_refused(name: str, workspace: Path) -> None:
    shutil.copy(CORPUS / name, workspace / "data" / "councils" / name)
    before = _snapshot(workspace)
    started = time.perf_counter()
    result = _render_broken(workspace, name)
    elapsed = time.perf_counter() - started
    line, words = EXPECTED[name]
    _assert_refused(result, name, line, words)
    assert _snapshot(workspace) == before
    assert before[1] == [], "the register has no rows"
    assert elapsed < 10, f"{elapsed:.1f} s"
    assert not list(workspace.rglob("uppdrag-pwned")), "a tag was executed"


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_broken_file_is_refused(name: str, workspace: Path) -> None:
    make, line, words = GENERATED[name]
    make(workspace / "data" / "councils" / name)
    before = _snapshot(workspace)
    started = time.perf_counter()
    result = _render_broken(workspace, name)
    assert time.perf_counter() - started < 15
    _assert_refused(result, name, line, words)
    assert _snapshot(workspace) == before


def test_the_huge_string_is_not_echoed(workspace: Path) -> None:
    _huge_string(workspace / "data" / "councils" / "huge.yaml")
    result = _render_broken(workspace, "huge.yaml")
    assert "x" * 100 not in result.output


def test_several_errors_are_reported_at_once(workspace: Path) -> None:
    name = "several_errors.yaml"
    shutil.copy(CORPUS / name, workspace / "data" / "councils" / name)
    result = _render_broken(workspace, name)
    lines = _problem_lines(result.output, name)
    # ansvarsområd (misspelt; not also "missing"), uppdragstagare (a number), syftee (section),
    # syfte.samverkaa (a clause inside the misspelt section, reported all the same), fältt
    # (nested key), samband.standardd (clause): schema and clause problems together.
    assert len(lines) == 6, result.output
    assert [int(line.split(":")[1]) for line in lines] == [2, 3, 5, 6, 8, 11]
    assert "6 problems" in result.output
    assert "'ansvarsområde' is missing" not in result.output


def test_problems_of_several_files_are_reported_together(workspace: Path) -> None:
    for name in ("misspelt_key.yaml", "unknown_clause.yaml"):
        shutil.copy(CORPUS / name, workspace / "data" / "councils" / name)
    result = _cli(
        [
            "render",
            "data/councils/misspelt_key.yaml",
            "data/councils/unknown_clause.yaml",
            "--date",
            "2024-05-21",
        ]
    )
    assert result.exit_code == 2
    assert _problem_lines(result.output, "misspelt_key.yaml")
    assert _problem_lines(result.output, "unknown_clause.yaml")


def test_a_section_outside_avsnitt_is_explained(workspace: Path) -> None:
    (workspace / "data" / "councils" / "flyttad.yaml").write_text(
        HEAD + "syfte:\n  - En text.\nsyftee: x\n" + BODY, encoding="utf-8"
    )
    result = _render_broken(workspace, "flyttad.yaml")
    assert result.exit_code == 2
    assert "'syfte' is a section: indent it under 'avsnitt:'" in result.output
    assert "did you mean the section 'syfte'" in result.output


def test_a_problem_in_the_clause_library_names_the_library(workspace: Path) -> None:
    library = workspace / "data" / "klausuler.yaml"
    library.write_text(
        library.read_text(encoding="utf-8") + "  egen.trasig:\n    - klausul: finns.inte\n",
        encoding="utf-8",
    )
    (workspace / "data" / "councils" / "ref.yaml").write_text(
        HEAD + "avsnitt:\n  syfte:\n    - klausul: egen.trasig\n", encoding="utf-8"
    )
    result = _render_broken(workspace, "ref.yaml")
    assert result.exit_code == 2
    assert re.search(
        r"data/klausuler\.yaml:\d+:\d+: klausuler\.egen\.trasig\[1\]\.klausul: "
        r"unknown clause 'finns\.inte'",
        result.output,
    ), result.output


@pytest.mark.parametrize(
    ("file", "old", "new", "words"),
    [
        (
            "installningar.yaml",
            "namn: Karin Looström Muth",
            'namn: "Karin\\x1b[2J"',
            ("undertecknare.namn", "U+001B"),
        ),
        ("installningar.yaml", "diarieserie: RS", "diarieserie: rs", ("cannot be a diary series",)),
        ("installningar.yaml", "datumformat: iso", "datumformat: kort", ("expected one of",)),
        ("installningar.yaml", "organisation:", "organisatoin:", ("did you mean 'organisation'",)),
        ("klausuler.yaml", "  syfte: Syfte med uppdraget", "  syfte: [Syfte]", ("avsnitt.syfte",)),
        ("klausuler.yaml", "klausuler:", "klausuler:\n  Fel Id: x", ("cannot be a clause id",)),
    ],
    ids=["control-char", "series", "enum", "misspelt", "title-type", "clause-id"],
)
def test_broken_settings_and_library(
    file: str, old: str, new: str, words: tuple[str, ...], workspace: Path
) -> None:
    path = workspace / "data" / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    before = _snapshot(workspace)
    result = _cli(["render", "onkologi", "--date", "2024-05-21"])
    assert result.exit_code == 2, result.output
    assert re.search(rf"data/{re.escape(file)}:\d+:\d+: ", result.output), result.output
    for word in words:
        assert word in result.output
    assert "Traceback" not in result.output
    assert _snapshot(workspace) == before


@pytest.mark.parametrize("env", SV_ENVS)
@pytest.mark.parametrize(
    "name",
    ["misspelt_nested_key.yaml", "control_char.yaml", "wrong_types.yaml", "tab_indentation.yaml"],
)
def test_swedish_messages_keep_their_structure(
    name: str, env: dict[str, str | None], workspace: Path
) -> None:
    shutil.copy(CORPUS / name, workspace / "data" / "councils" / name)
    result = _cli(["render", f"data/councils/{name}", "--date", "2024-05-21"], env=env)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    lines = _problem_lines(result.output, name)
    assert lines
    # file:line:column, then the field (a syntax error has none), then the message
    field = "" if name == "tab_indentation.yaml" else r"[\w.\[\]]+: "
    for line in lines:
        assert re.match(rf"data/councils/{re.escape(name)}:\d+:\d+: {field}\S", line), line


# -- files that look odd but are right ------------------------------------------------------------


def _render_valid(workspace: Path, name: str) -> list[str]:
    shutil.copy(VALID / name, workspace / "data" / "councils" / name)
    out = workspace / "out.docx"
    result = _cli(
        [
            "render",
            f"data/councils/{name}",
            "--date",
            "2024-05-21",
            "--dnr",
            "RS 2024-00784",
            "-o",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    return docx_lines(out)


def test_a_bom_is_no_problem(workspace: Path) -> None:
    assert "Samordningsråd test" in _render_valid(workspace, "bom.yaml")


def test_crlf_line_endings_are_no_problem(workspace: Path) -> None:
    assert b"\r\n" in (VALID / "crlf.yaml").read_bytes()
    lines = _render_valid(workspace, "crlf.yaml")
    assert ["Rad ett", "Rad två"] == lines[lines.index("Rad ett") : lines.index("Rad två") + 1]
    assert "Ett stycke" in lines and "på två rader" in lines
    assert not any("\r" in line for line in lines)


def test_template_and_xml_syntax_in_the_data_is_written_literally(workspace: Path) -> None:
    text = "\n".join(_render_valid(workspace, "literal_text.yaml"))
    for literal in [
        "Råd {{ 7*7 }} {% raw %} {# kommentar #}",
        "<w:p/> & ]]> &amp; <![CDATA[x]]> ”citat” ’apostrof’ «vinkel» 😀 𝄞",
        "{_{ docxtpl }_} {_% tag %_} {{r run }} {%p if 1 %}",
        "Ordförande '{{ self.__init__.__globals__ }}'",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "<w:r><w:t>injicerad</w:t></w:r> </w:t></w:r></w:p><w:p><w:r><w:t>",
        "{% for x in range(3) %}{{ x }}{% endfor %}",
        "<!--uppdrag:list=7--> &lt;escaped&gt;",
        "Ledtext {{ x }}: Värde & <b>fet</b>",
        "{% import 'os' as os %}",
        "${HOME} $(id) `id` %s %(x)s {0}",
        "Rubrik {{ rubrik }} <h1>",
        "Länk {{ x }} & <y>",
        "{{ sändlista }} ”ja”",
    ]:
        assert literal in text, literal
    assert ("Länk {{ x }} & <y>", "https://vregion.se/?a=1&b=<2>") in docx_hyperlinks(
        workspace / "out.docx"
    )


# -- hostile file names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "..yaml",
        "...yaml",
        ".dold.yaml",
        "med mellanslag.yaml",
        "a;rm -rf ~.yaml",
        "$(touch pwned).yaml",
        "x" * 200 + ".yaml",
        "Ångström\u030a.yaml",
        "CON.yaml",
    ],
)
def test_a_council_file_name_cannot_lead_out_of_the_output_folder(
    name: str, workspace: Path
) -> None:
    shutil.copy(VALID / "bom.yaml", workspace / "data" / "councils" / name)
    result = _cli(["render", f"data/councils/{name}", "--date", "2024-05-21"])
    assert result.exit_code == 0, result.output
    issued = [Path(line) for line in result.output.splitlines() if line.endswith(".docx")]
    assert len(issued) == 1, result.output
    output = (workspace / "output").resolve()
    path = (workspace / issued[0]).resolve()
    assert path.is_file()
    assert path.parent.parent == output, path
    assert len(path.name.encode()) <= 255
    rows = json.loads(_cli(["register", "list", "--format", "json"]).output)
    assert len(rows) == 1
    assert not (workspace / "pwned").exists()


# -- malformed options ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--date", "2024-02-30"),
        ("--date", "24-05-21"),
        ("--date", "idag"),
        ("--date", ""),
        ("--decided", "2024-13-01"),
        ("--dnr", "RS 2024-0"),
        ("--dnr", "RS 20x4-00001"),
        ("--dnr", "../../x"),
        ("--dnr", "RS 2024-00001/../../x"),
        ("--dnr", "RS 2024-100000"),
        ("--dnr", ""),
    ],
)
def test_malformed_options_are_refused(option: str, value: str, workspace: Path) -> None:
    before = _snapshot(workspace)
    args = ["render", "onkologi", option, value]
    if option != "--date":
        args += ["--date", "2024-05-21"]
    result = _cli(args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert option in result.output or value in result.output or "diary number" in result.output
    assert _snapshot(workspace) == before
