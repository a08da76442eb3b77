"""Hostile input, generated: data is never evaluated, never breaks the XML, never leaves its folder.

- Council files full of hostile strings (drawn by hypothesis, plus a list of known nasty ones)
  either render, and the document holds every string literally, or are refused with a
  :class:`DataError` whose every problem names the file, a line and the field: never another
  exception, never an invalid XML part.
- ``safe_name`` and ``default_path`` never leave the folder they are given.
- Templates render in the sandbox: a template cannot reach Python internals, import or include.
- An alias bomb and 100,000 nested lists are refused quickly, without expanding anything.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import time
import tracemalloc
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from lxml import etree
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from generator.exceptions import DataError, TemplateError
from generator.inline import plain
from generator.issuing import default_path
from generator.loader import load_yaml
from generator.loader.messages import field_name
from generator.mandate import load_mandate
from generator.model import Settings
from generator.render import Stamp, render_docx
from generator.schema import COUNCIL_SCHEMA
from generator.template import CompiledTemplate
from generator.workspace import Library, Workspace
from generator.writer import MAX_NAME_BYTES, safe_name
from tests.docx_text import docx_lines

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).parent / "corpus"
HYPOTHESIS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

NASTY = [
    "{{ 7*7 }}",
    "{% raw %}",
    "{% endraw %}",
    "{# x #}",
    "{{",
    "}}",
    "{%",
    "%}",
    "{_{ x }_}",
    "{_% y %_}",
    "{{r run }}",
    "{%p if 1 %}",
    "{{ self.__init__.__globals__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{% import 'os' as os %}",
    "<w:p/>",
    "&",
    "&amp;",
    "]]>",
    "<![CDATA[",
    "</w:t></w:r></w:p>",
    "<!--uppdrag:list=0-->",
    "<!--",
    "-->",
    "&#x0;",
    "&lt;",
    '"',
    "'",
    "”",
    "’",
    "«",
    "»",
    "„",
    "‘",
    "😀",
    "𝄞",
    "👩\u200d💻",
    "\u200b",
    "\u202e",
    "\ufeff",
    "\u00a0",
    "\u2028",
    "\u2029",
    "\ufffd",
    "[länk](https://vregion.se/?a=1&b=<2>)",
    "[a](mailto:x@y.se)",
    "[",
    "](",
    "\\",
    "\\n",
    "${HOME}",
    "$(id)",
    "`id`",
    "%s",
    "%(x)s",
    "{0}",
    "{}",
    "null",
    "~",
    "true",
    "no",
    "0x1F",
    "1e3",
    ".inf",
    "- a",
    "a: b",
    "#",
    "!!python/object",
    "*a",
    "&a",
    "|",
    ">",
    "---",
    "...",
    " ",
    "  leading",
    "trailing  ",
    "a\nb",
    "\n",
    "x" * 600,
    # refused with the field named
    "\x00",
    "\x07",
    "\t",
    "\x1b[31m",
    "\x7f",
    "\x85",
    "\x9f",
    "\ufffe",
    "\uffff",
    "\ud800",
    "\udfff",
]
# What the schema allows: no control characters but line feed, nothing XML forbids.
ALLOWED = st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff")
allowed_text = st.text(st.one_of(ALLOWED, st.just("\n")), max_size=30)
hostile = st.one_of(
    st.sampled_from(NASTY),
    allowed_text,
    st.lists(st.one_of(st.sampled_from(NASTY), allowed_text), min_size=2, max_size=4).map("".join),
    st.text(max_size=10),  # anything at all: control characters included
)

# Strings the schema accepts: any text without forbidden characters; a name is one line, not blank.
_REFUSED = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
acceptable_text = st.one_of(
    st.sampled_from([n for n in NASTY if not _REFUSED.search(n)]),
    allowed_text,
    st.lists(
        st.sampled_from([n for n in NASTY if not _REFUSED.search(n)]), min_size=2, max_size=5
    ).map(" ".join),
)
acceptable_name = acceptable_text.filter(lambda t: t.strip() and "\n" not in t and len(t) <= 500)
NAME_FIELDS = (0, 1, 2, 3, 8, 12)  # the indexes of _council's strings that are names


@dataclass(repr=False)
class Env:
    root: Path
    settings: Settings
    library: Library
    template: CompiledTemplate


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Env:
    root = tmp_path_factory.mktemp("hostile")
    for name in ("data", "templates"):
        shutil.copytree(REPO / name, root / name)
    workspace = Workspace(root)
    return Env(
        root,
        workspace.load_settings(),
        workspace.load_library(),
        CompiledTemplate.load(workspace.template_path),
    )


def _dump(data: dict[str, Any]) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.allow_unicode = True
    yaml.default_flow_style = False
    yaml.width = 4096
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _write(env: Env, data: dict[str, Any]) -> Path | None:
    """The council file, or None when YAML itself cannot carry the strings unchanged."""
    text = _dump(data)
    try:
        if YAML(typ="safe", pure=True).load(text) != data:
            return None  # the YAML emitter's business (a line separator read as a line break)
    except YAMLError:
        return None  # the emitter wrote what no YAML reader reads (ruamel writes "?0" bare)
    path = env.root / "data" / "councils" / "hostile.yaml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    return path


def _assert_valid_xml(docx: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(archive.read(name))  # raises on invalid XML


def _render(env: Env, path: Path) -> bytes:
    mandate = load_mandate(path, env.library, env.settings)
    return render_docx(
        env.template, mandate, env.settings, Stamp(dt.date(2024, 5, 21), "RS 2024-00784")
    )


def _council(s: list[str]) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """A council with the hostile strings in every kind of field; the fields' names, and what
    each field shows in the document (names and labels as they are, texts with links reduced)."""
    data = {
        "namn": s[0],
        "ansvarsområde": s[1],
        "uppdragsgivare": s[2],
        "uppdragstagare": s[3],
        "avsnitt": {
            "syfte": [s[4], {"stycke": [s[5], {"klausul": "egen.fientlig"}]}],
            "arbetsorganisation": [
                {"punkter": [s[6], {"stycke": [s[7]]}]},
                {"fält": s[8], "text": s[9]},
                {"rader": [s[10], s[11]]},
            ],
            "eget": {"rubrik": s[12], "innehåll": [s[13]]},
        },
        "sändlista": [s[14]],
        "klausuler": {"egen.fientlig": s[15]},
    }
    names = {
        "namn": s[0],
        "ansvarsområde": s[1],
        "uppdragsgivare": s[2],
        "uppdragstagare": s[3],
        "avsnitt.eget.rubrik": s[12],
        "avsnitt.arbetsorganisation[2].fält": s[8],
    }
    texts = {
        "avsnitt.syfte[1]": s[4],
        "avsnitt.syfte[2].stycke[1]": s[5],
        "avsnitt.arbetsorganisation[1].punkter[1]": s[6],
        "avsnitt.arbetsorganisation[1].punkter[2].stycke[1]": s[7],
        "avsnitt.arbetsorganisation[2].text": s[9],
        "avsnitt.arbetsorganisation[3].rader[1]": s[10],
        "avsnitt.arbetsorganisation[3].rader[2]": s[11],
        "avsnitt.eget.innehåll[1]": s[13],
        "sändlista[1]": s[14],
        "klausuler.egen.fientlig": s[15],
    }
    return data, names, texts


@HYPOTHESIS
@given(st.lists(hostile, min_size=16, max_size=16))
def test_hostile_text_renders_literally_or_is_refused_with_its_field(
    env: Env, strings: list[str]
) -> None:
    data, names, texts = _council(strings)
    path = _write(env, data)
    assume(path is not None)
    assert path is not None
    try:
        docx = _render(env, path)
    except DataError as err:
        event("refused")
        assert err.problems
        fields = set(names) | set(texts)
        for problem in err.problems:
            assert problem.file.endswith("hostile.yaml"), str(problem)
            assert problem.line is not None, str(problem)
            assert problem.field in fields, str(problem)
        return
    event("rendered")
    _assert_valid_xml(docx)
    document = "\n".join(docx_lines(io.BytesIO(docx)))  # type: ignore[arg-type]
    for field, value in names.items():
        shown = value.strip().rstrip(":") if field.endswith("fält") else value.strip()
        assert shown in document, (field, value)
    for field, value in texts.items():
        assert plain(value.strip()) in document, (field, value)


@HYPOTHESIS
@given(st.tuples(*[acceptable_name if i in NAME_FIELDS else acceptable_text for i in range(16)]))
def test_acceptable_hostile_text_always_renders_literally(
    env: Env, strings: tuple[str, ...]
) -> None:
    data, names, texts = _council(list(strings))
    path = _write(env, data)
    assume(path is not None)
    assert path is not None
    docx = _render(env, path)
    _assert_valid_xml(docx)
    document = "\n".join(docx_lines(io.BytesIO(docx)))  # type: ignore[arg-type]
    for field, value in names.items():
        shown = value.strip().rstrip(":") if field.endswith("fält") else value.strip()
        assert shown in document, (field, value)
    for field, value in texts.items():
        assert plain(value.strip()) in document, (field, value)


@HYPOTHESIS
@given(hostile)
def test_a_hostile_key_is_a_section_or_refused_with_its_field(env: Env, key: str) -> None:
    data = {
        "namn": "Råd",
        "ansvarsområde": "Område",
        "uppdragstagare": "Ordförande",
        "avsnitt": {"syfte": ["Text."], key: {"rubrik": "Egen rubrik", "innehåll": ["Mer."]}},
        key: "x",
    }
    assume(key not in COUNCIL_SCHEMA["properties"] and key != "syfte")
    path = _write(env, data)
    assume(path is not None)
    assert path is not None
    with pytest.raises(DataError) as refused:
        _render(env, path)
    fields = {field_name([key]), field_name(["avsnitt", key])}
    for problem in refused.value.problems:
        assert problem.field in fields, str(problem)
        assert problem.line is not None
        assert "\x1b" not in str(problem)
    assert field_name([key]) in {p.field for p in refused.value.problems}


WORDS = [
    "namn",
    "ansvarsområde",
    "uppdragstagare",
    "uppdragsgivare",
    "inledning",
    "avsnitt",
    "sändlista",
    "klausuler",
    "syfte",
    "samband",
    "eget",
    "rubrik",
    "innehåll",
    "underavsnitt",
    "klausul",
    "stycke",
    "punkter",
    "fält",
    "text",
    "rader",
    "syfte.samverka",
    "samband.standard",
    "egen.x",
    "x",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.sampled_from(WORDS),
    st.text(max_size=5),
)
shapes = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(WORDS), inner, max_size=4)
    ),
    max_leaves=25,
)


@HYPOTHESIS
@given(st.dictionaries(st.sampled_from(WORDS), shapes, min_size=1, max_size=8))
def test_data_of_any_shape_is_refused_cleanly_or_renders(env: Env, data: dict[str, Any]) -> None:
    """Near-valid structures with the wrong shapes: the clause merge runs on them too, and must
    pass over what the schema reports rather than fail."""
    path = _write(env, data)
    assume(path is not None)
    assert path is not None
    try:
        docx = _render(env, path)
    except DataError as err:
        assert err.problems
        for problem in err.problems:
            assert problem.file.endswith(("hostile.yaml", "klausuler.yaml")), str(problem)
            assert problem.line is not None, str(problem)
            for word in ("Commented", "Tagged", "jsonschema", "is not of type"):
                assert word not in str(problem)
        return
    _assert_valid_xml(docx)


# -- paths ----------------------------------------------------------------------------------------

any_text = st.one_of(
    st.text(),
    st.text(st.characters(exclude_categories=()), max_size=20),  # surrogates too
    st.sampled_from(
        [
            "",
            ".",
            "..",
            "...",
            "../..",
            "/etc/passwd",
            "..\\..\\x",
            "a/../../b",
            "RS 2024-00784/../../x",
            "~",
            "\x00",
            "CON",
            "x" * 1000,
            "Å" * 300,
        ]
    ),
)
SAFE = re.compile(r"[0-9A-Za-zÅÄÖåäöÉéÜü_.\-]+")


@HYPOTHESIS
@given(any_text)
def test_safe_name_is_one_harmless_component(text: str) -> None:
    name = safe_name(text)
    assert SAFE.fullmatch(name), name
    assert name not in (".", "..")
    assert not name.startswith(".") and not name.endswith(".")
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES


@HYPOTHESIS
@given(any_text, any_text, st.sampled_from(["", "_beslutad"]))
def test_default_path_stays_in_its_folder(dnr: str, council: str, suffix: str) -> None:
    base = Path("/srv/uppdrag/output")
    path = default_path(base, dnr, council, suffix)
    normal = Path(os.path.normpath(path))
    assert normal.parent.parent == base, path
    assert normal == path
    assert len(path.name.encode("utf-8")) <= 255


@HYPOTHESIS
@given(st.text(st.characters(exclude_characters="/\x00"), min_size=1, max_size=120))
def test_a_council_file_name_gives_a_path_in_the_folder(name: str) -> None:
    from generator.mandate import council_id

    base = Path("/srv/uppdrag/output")
    path = default_path(base, "RS 2024-00784", council_id(Path("data/councils") / f"{name}.yaml"))
    assert Path(os.path.normpath(path)).parent == base / "2024"


# -- the template sandbox -------------------------------------------------------------------------

MARKER = "uppdrag-sandbox-ran"
EVIL_TAGS = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ self.__init__.__globals__ }}",
    "{% import 'os' as os %}{{ os.system('touch " + MARKER + "') }}",
    "{% include '/etc/passwd' %}",
    "{% extends 'base.xml' %}",
    "{% from 'os' import system %}{{ system('touch " + MARKER + "') }}",
    "{{ cycler.__init__.__globals__.os.system('touch " + MARKER + "') }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ ().__class__.__base__.__subclasses__() }}",
    "{{ '{0.__class__}'.format(1) }}",
    "{{ body.append(1) }}",
    "{{ range(10**9) }}",
]


def _evil_template(source: Path, target: Path, tag: str) -> Path:
    """A copy of the template with ``tag`` as the first paragraph of the body."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            blob = zin.read(info.filename)
            if info.filename == "word/document.xml":
                xml = blob.decode("utf-8")
                at = xml.index("<w:body>") + len("<w:body>")
                blob = (
                    xml[:at] + f"<w:p><w:r><w:t>{escape(tag)}</w:t></w:r></w:p>" + xml[at:]
                ).encode("utf-8")
            zout.writestr(info, blob)
    return target


@pytest.mark.parametrize("tag", EVIL_TAGS)
def test_a_template_cannot_reach_python(
    tag: str, env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    template = CompiledTemplate.load(_evil_template(env.template.path, tmp_path / "t.docx", tag))
    mandate = load_mandate(REPO / "data" / "councils" / "onkologi.yaml", env.library, env.settings)
    with pytest.raises(TemplateError) as refused:
        render_docx(template, mandate, env.settings, Stamp(dt.date(2024, 5, 21), "RS 2024-00784"))
    assert "Traceback" not in str(refused.value)
    assert not (tmp_path / MARKER).exists()


@pytest.mark.parametrize("tag", EVIL_TAGS[:3])
def test_the_cli_refuses_an_evil_template_cleanly(
    tag: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.cli import main

    for name in ("data", "templates"):
        shutil.copytree(REPO / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    template = tmp_path / "templates" / "uppdragshandling.docx"
    _evil_template(REPO / "templates" / "uppdragshandling.docx", template, tag)
    result = CliRunner().invoke(
        main, ["render", "onkologi", "--date", "2024-05-21"], env={"LANGUAGE": "en"}
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "template" in result.output
    assert not (tmp_path / MARKER).exists()
    assert not list(tmp_path.glob("output/**/*.docx"))
    listed = CliRunner().invoke(main, ["register", "list", "--format", "json"])
    assert listed.output.strip() == "[]"


# -- bombs ----------------------------------------------------------------------------------------


def _timed_refusal(path: Path) -> tuple[float, int, DataError]:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(DataError) as refused:
            load_yaml(path)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return elapsed, peak, refused.value


def test_an_alias_bomb_is_refused_at_once_without_expanding(tmp_path: Path) -> None:
    elapsed, peak, err = _timed_refusal(CORPUS / "alias_bomb.yaml")
    assert elapsed < 1.0
    assert peak < 5_000_000, f"{peak} bytes"
    assert "anchors and aliases" in str(err) or "&" in str(err)
    # A bigger one: 30 levels of 10 would be 10^30 strings when expanded.
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 30)]
    lines += ["namn: *a29"]
    bigger = tmp_path / "bigger.yaml"
    bigger.write_text("\n".join(lines) + "\n", encoding="utf-8")
    elapsed, peak, _err = _timed_refusal(bigger)
    assert elapsed < 1.0
    assert peak < 5_000_000, f"{peak} bytes"


@pytest.mark.parametrize("depth", [10_000, 100_000])
def test_deep_nesting_is_refused_without_recursion_error(depth: int, tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("namn: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(DataError) as refused:
        load_yaml(path)
    assert time.perf_counter() - started < 3.0
    assert "nested more than" in str(refused.value.problems[0].message)
    assert refused.value.problems[0].line == 1


def test_dev_zero_is_not_read_to_the_end() -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    with pytest.raises(DataError) as refused:
        load_yaml(Path("/dev/zero"))
    assert "larger than" in str(refused.value)
