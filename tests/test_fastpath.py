"""The quick way of reading a council (libyaml, a compiled schema check) agrees with the authority.

:mod:`generator.fastyaml` reads a data file with libyaml and gives up on anything unusual;
:func:`generator.validation.holds` answers "would jsonschema find a problem?" with the schema
compiled by fastjsonschema.  Both are shortcuts that must never change what a secretary sees, so
each is compared here with the way it stands in for:

- the quick reading either gives up (None) or gives exactly the round-trip loader's data: the same
  keys in the same order, the same text, the same lists (and never data where the round-trip
  loader refuses the file), for every file of the test corpus, the real data and generated files;
- fastjsonschema says "no problem" exactly when jsonschema finds none, for the same files
  and for generated data around the schema's edges;
- a council read the quick way gives the same mandate as one read the round-trip way, and a
  broken council gives the same problems, word for word.
"""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, event, example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from generator import fastyaml
from generator.exceptions import DataError
from generator.loader import Loaded, load_yaml
from generator.mandate import build_mandate, load_mandate
from generator.schema import COUNCIL_SCHEMA, LIBRARY_SCHEMA, SETTINGS_SCHEMA
from generator.validation import holds
from generator.workspace import Workspace
from tests.conftest import REPO

CORPUS = Path(__file__).parent / "corpus"
FILES = sorted(
    [*CORPUS.glob("*.yaml"), *(CORPUS / "valid").glob("*.yaml"), *(REPO / "data").rglob("*.yaml")]
)
SCHEMAS = {"council": COUNCIL_SCHEMA, "library": LIBRARY_SCHEMA, "settings": SETTINGS_SCHEMA}
PROPERTY = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def _same(quick: Any, authority: Any, where: str = "") -> None:
    """Assert that the quick reading is the round-trip reading as plain data: dicts with text
    keys in the same order, lists, and text (of any ``str`` subclass) with the same characters."""
    if isinstance(quick, dict):
        assert isinstance(authority, dict), where
        assert list(quick) == list(authority), where
        assert all(type(key) is str for key in quick), where
        for key in quick:
            _same(quick[key], authority[key], f"{where}.{key}")
    elif isinstance(quick, list):
        assert isinstance(authority, list), where
        assert len(quick) == len(authority), where
        for i, (a, b) in enumerate(zip(quick, authority, strict=True)):
            _same(a, b, f"{where}[{i}]")
    else:
        assert type(quick) is str, where
        assert isinstance(authority, str) and str(authority) == quick, (where, quick, authority)


def _agree(path: Path) -> bool:
    """The property for one file; True when the quick reading took it (for the statistics)."""
    quick = fastyaml.load(path)
    try:
        authority = load_yaml(path)
    except Exception:  # noqa: BLE001 - a DataError, or the round-trip loader's own failure
        # ("? - a:": ruamel cannot hash a list as a key, a TypeError it does not turn into a
        # message); either way the quick reading must have left the file alone.
        assert quick is None, f"{path}: read the quick way, refused by the round-trip loader"
        return False
    if quick is None:
        return False
    _same(quick.data, authority.data, path.name)
    return True


# -- reading ---------------------------------------------------------------------------------


def test_the_installed_pyyaml_has_libyaml() -> None:
    assert yaml.__with_libyaml__ and fastyaml.available()


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_a_file_reads_the_same_or_is_left_to_the_round_trip_loader(path: Path) -> None:
    _agree(path)


def test_the_real_councils_are_read_the_quick_way() -> None:
    """The shortcut is worth having only if the real council files take it."""
    for path in sorted((REPO / "data" / "councils").glob("*.yaml")):
        assert fastyaml.load(path) is not None, path


@pytest.mark.parametrize(
    "text",
    [
        "a: yes\n",
        "a: 1.5\n",
        "a: 0o17\n",
        "a: -_1\n",
        "a: +_\n",
        "a: 2024-05-21\n",
        "a: 2024-05-21 10:00:00\n",
        "a: .inf\n",
        "a: ~\n",
        "a:\n",
        "a: b\na: c\n",
        "<<: {a: b}\n",
        "a: &x b\nc: *x\n",
        "a: !!str b\n",
        "%YAML 1.1\n---\na: b\n",
        "---\na: b\n",
        "a: b\n---\nc: d\n",
        "a: [b, c]\n",
        "a:\tb\n",
        "a: b\rc: d\n",
        'a: "\\ud800"\n',
        "? [a]\n: b\n",
        "- a\n",
        "just text\n",
        "a:\n" + "".join("  " * i + "- \n" for i in range(1, 40)),
    ],
)
def test_the_quick_reading_leaves_the_unusual_to_the_authority(text: str) -> None:
    assert fastyaml.parse(text) is None


def test_every_short_plain_value_that_is_not_text_is_left_to_the_authority() -> None:
    """Every plain value of up to three characters from those that make numbers, dates, nulls
    and yes/no: whatever the round-trip loader's resolver does not read as text, the quick
    reading leaves alone (up to four characters, run once, took 1.8 million values)."""
    from ruamel.yaml.nodes import ScalarNode

    resolver = YAML(typ="rt").resolver
    alphabet = "-+_.:0123456789eEaxXoObBTtZ nNyYfF~<="
    for size in range(1, 4):
        for chars in itertools.product(alphabet, repeat=size):
            value = "".join(chars)
            if value != value.strip():
                continue
            tag = str(resolver.resolve(ScalarNode, value, (True, False)))
            if tag != "tag:yaml.org,2002:str":
                assert fastyaml.parse(f"a: {value}\n") is None, (value, tag)


def test_text_that_only_looks_unusual_is_read() -> None:
    data = fastyaml.parse("a: 4 – 8 ggr/år\nb: 'yes'\nc: \"1.5\"\nd: |\n  Rad\n  två\n")
    assert data == {"a": "4 – 8 ggr/år", "b": "yes", "c": "1.5", "d": "Rad\ntvå\n"}


# Text of the kinds a council holds, and of the kinds that trip YAML up.
_WORDS = st.sampled_from(
    [
        "Samordningsråd", "ska", "och", "för", "4 – 8", "ggr/år", "RS 2024-00784", "a:", "b: c",
        "#", " #x", "-", "- x", "?", ":", "'", '"', "\\", "{", "}", "[", "]", ",", "&a", "*a",
        "!x", "%", "@", "`", "|", ">", "yes", "no", "on", "null", "~", "true", "1", "1.5", "0x1F",
        ".inf", "12:30", "2024-05-21", "<<", "=", "é", "”", "😀", "\u00a0", "[text](https://x.se)",
        "-_1", "+_", "_x", "1_0", "-.5", "0b1", "1e3", "Y", "N", "Off",
    ]
)  # fmt: skip
_TEXT = st.lists(_WORDS, min_size=0, max_size=8).map(" ".join) | st.text(
    st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\t\r\x85\u2028"),
    max_size=20,
)
_KEYS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzåäö-._ 1:", min_size=1, max_size=12)
_DATA = st.recursive(
    _TEXT | st.lists(_TEXT, max_size=3).map("\n".join),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_KEYS, children, max_size=4),
    max_leaves=12,
)


def _dump(data: Any, style: str | None, width: int, indent: int) -> str:
    """``data`` written by ruamel in one of its scalar styles, line width and indentation."""
    import io

    out = io.StringIO()
    writer = YAML()
    writer.default_flow_style = False
    writer.width = width
    writer.indent(mapping=indent, sequence=indent + 2, offset=indent)
    if style is not None:
        writer.default_style = style  # type: ignore[assignment]
    writer.dump(data, out)
    return out.getvalue()


@PROPERTY
@given(
    data=st.dictionaries(_KEYS, _DATA, min_size=1, max_size=5),
    style=st.sampled_from([None, "'", '"', "|", ">"]),
    width=st.sampled_from([20, 40, 80, 4096]),
    indent=st.sampled_from([2, 4]),
)
def test_generated_files_read_the_same_or_are_left_to_the_authority(
    tmp_path_factory: pytest.TempPathFactory, data: Any, style: str | None, width: int, indent: int
) -> None:
    try:
        text = _dump(data, style, width, indent)
    except YAMLError:
        assume(False)  # ruamel cannot write it in that style: nothing to read
    path = tmp_path_factory.mktemp("gen") / "rad.yaml"
    path.write_text(text, encoding="utf-8")
    event("read the quick way" if _agree(path) else "left to the round-trip loader")


@PROPERTY
@given(
    lines=st.lists(
        st.tuples(
            st.integers(0, 6),
            st.sampled_from(["", "- ", "a: ", "b:", "- c: ", "? ", ": ", "# ", "'", '"']),
            _TEXT | st.just(""),
            st.sampled_from(["", " |", " >-", " |+", " >", " |2", " # kommentar", ":", "'", "  "]),
        ),
        min_size=1,
        max_size=12,
    )
)
@example(lines=[(0, "a: ", "|", ""), (2, "", "  mer indraget", ""), (2, "", "text", "")])
def test_hand_written_looking_files_read_the_same_or_are_left_to_the_authority(
    tmp_path_factory: pytest.TempPathFactory, lines: list[tuple[int, str, str, str]]
) -> None:
    """Lines as a person types them (indentation, dashes, keys, block scalars, comments), most
    of them not valid YAML: whatever libyaml takes must read as the round-trip loader reads it."""
    text = "".join(" " * indent + lead + body + tail + "\n" for indent, lead, body, tail in lines)
    path = tmp_path_factory.mktemp("typed") / "rad.yaml"
    path.write_text(text, encoding="utf-8")
    event("read the quick way" if _agree(path) else "left to the round-trip loader")


# -- checking --------------------------------------------------------------------------------


def _jsonschema_finds_nothing(data: Any, schema: dict[str, Any]) -> bool:
    return next(iter(Draft202012Validator(schema).iter_errors(data)), None) is None


def _loadable(path: Path) -> Any:
    try:
        return load_yaml(path).data
    except DataError:
        return None


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_the_compiled_schema_agrees_with_jsonschema_on_every_file(kind: str, path: Path) -> None:
    data = _loadable(path)
    assert holds(data, SCHEMAS[kind]) == _jsonschema_finds_nothing(data, SCHEMAS[kind])


_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _TEXT,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "klausul",
                    "stycke",
                    "punkter",
                    "fält",
                    "text",
                    "rader",
                    "rubrik",
                    "innehåll",
                    "underavsnitt",
                    "syfte",
                    "x",
                    "Fel Id",
                    "a.b",
                    "namn",
                    "titel",
                ]
            ),  # fmt: skip
            children,
            max_size=3,
        )
    ),
    max_leaves=10,
)


@st.composite
def _near_a_council(draw: st.DrawFn) -> dict[str, Any]:
    """A real council with one value somewhere replaced by something drawn: mostly right data
    with one thing wrong, where a shortcut would most likely slip."""
    data = draw(st.sampled_from(_REAL_COUNCILS))
    data = _plain(data)
    node: Any = data
    for _ in range(draw(st.integers(1, 5))):
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            break
        key = draw(st.sampled_from(keys))
        if isinstance(node[key], dict | list) and draw(st.booleans()):
            node = node[key]
            continue
        node[key] = draw(_TEXT | _VALUES)  # text is right in most places, the rest seldom
        break
    return data


def _plain(data: Any) -> Any:
    if isinstance(data, dict):
        return {str(k): _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return str(data) if isinstance(data, str) else data


_REAL_COUNCILS = [load_yaml(p).data for p in sorted((REPO / "data" / "councils").glob("*.yaml"))]


@PROPERTY
@given(data=_near_a_council())
def test_the_compiled_schema_agrees_with_jsonschema_near_a_real_council(data: Any) -> None:
    right = _jsonschema_finds_nothing(data, COUNCIL_SCHEMA)
    event("right" if right else "wrong")
    assert holds(data, COUNCIL_SCHEMA) == right


@PROPERTY
@given(data=_VALUES, kind=st.sampled_from(sorted(SCHEMAS)))
def test_the_compiled_schema_agrees_with_jsonschema_on_any_data(data: Any, kind: str) -> None:
    assert holds(data, SCHEMAS[kind]) == _jsonschema_finds_nothing(data, SCHEMAS[kind])


# -- councils --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kit() -> tuple[Any, Any]:
    workspace = Workspace(REPO)
    return workspace.load_settings(), workspace.load_library()


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_a_council_gives_the_same_mandate_or_the_same_problems_either_way(
    path: Path, kit: tuple[Any, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, library = kit
    council = tmp_path / "data" / "councils" / path.name
    council.parent.mkdir(parents=True)
    shutil.copy(path, council)
    monkeypatch.chdir(tmp_path)
    rel = Path("data/councils") / path.name
    try:
        authority = build_mandate(load_yaml(rel), library, settings)
    except DataError as err:
        with pytest.raises(DataError) as quick:
            load_mandate(rel, library, settings)
        assert [str(p) for p in quick.value.problems] == [str(p) for p in err.problems]
        return
    assert load_mandate(rel, library, settings) == authority


def test_a_council_read_the_quick_way_is_merged_like_one_read_the_round_trip_way(
    kit: tuple[Any, Any],
) -> None:
    settings, library = kit
    for path in sorted((REPO / "data" / "councils").glob("*.yaml")):
        quick = fastyaml.load(path)
        assert isinstance(quick, Loaded)
        assert build_mandate(quick, library, settings) == build_mandate(
            load_yaml(path), library, settings
        )
