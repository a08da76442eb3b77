"""The product's fast path renders the same document as plain docxtpl.

:class:`~generator.template.CompiledTemplate` compiles the template once and
:func:`~generator.docx_zip.write_docx` writes the ZIP itself; docxtpl's documented way
(``DocxTemplate(path)``, ``render(context, jinja_env, autoescape=True)``, ``save``) does
everything again for each document.  Given the same context
(built by :func:`build_context`, with docxtpl's own ``build_url_id`` for links), both must give
the same text and structure: the sequence of (paragraph style, paragraph text) of the body, the
hyperlinks and their targets, and the text of the header and footer, as lxml and as python-docx
read them.  The product's file must also be a valid ZIP that python-docx opens.

What is compared ignores two things on purpose, both the product's own post-processing that
docxtpl knows nothing of: the list markers (the XML comments ``<!--uppdrag:list=N-->``, which the
product removes and docxtpl leaves in) and the numbering of list paragraphs (``w:numPr``, which
the product adds so that each list restarts).  Comments and paragraph properties other than the
style are not part of what is compared; the product's numbering is checked on its own instead.

Documents come from the two real councils and from generated councils whose texts hold what
could break a template: XML's special characters, ``]]>``, quotes, Jinja syntax, docxtpl's own
escapes, line breaks and links with query strings.  Generated text follows the data schema: no
control characters except a line break in running text, none at all in names.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from functools import cache

import docx
import pytest
from docxtpl import DocxTemplate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from generator import inline
from generator.docx_lists import LIST_NUM_BASE
from generator.environment import make_environment
from generator.mandate import load_mandate
from generator.model import Item, Mandate, Settings
from generator.render import Stamp, build_context, render_docx
from generator.template import CompiledTemplate
from generator.workspace import Library, Workspace
from tests.conftest import REPO
from tests.docx_text import HYPERLINK, PKG_REL_NS, R_NS, W_NS, P, paragraph_lines

PART = re.compile(r"^word/(header|footer)\d*\.xml$")


# -- the two paths --------------------------------------------------------------------------
@cache
def _workspace() -> tuple[Workspace, Settings, Library, CompiledTemplate]:
    workspace = Workspace(REPO)
    settings = workspace.load_settings()
    return (
        workspace,
        settings,
        workspace.load_library(),
        CompiledTemplate.load(workspace.template_path),
    )


def product(mandate: Mandate, settings: Settings, stamp: Stamp) -> bytes:
    return render_docx(_workspace()[3], mandate, settings, stamp)


def naive(mandate: Mandate, settings: Settings, stamp: Stamp) -> bytes:
    """The document as docxtpl's documentation renders one, from the same context."""
    tpl = DocxTemplate(_workspace()[0].template_path)
    context = build_context(mandate, settings, stamp, tpl.build_url_id)
    tpl.render(context, make_environment(), autoescape=True)
    buffer = io.BytesIO()
    tpl.save(buffer)
    return buffer.getvalue()


# -- what is compared -----------------------------------------------------------------------
@dataclass
class View:
    """A document as a reader sees it, and the numbering of its list paragraphs."""

    paragraphs: list[tuple[str | None, str]]
    links: list[tuple[str, str]]
    headers_footers: dict[str, list[str]]
    docx_paragraphs: list[tuple[str, list[tuple[str, str]]]]
    num_ids: list[int | None]
    defined_num_ids: set[int]


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def _text(p: etree._Element) -> str:
    return "\n".join(paragraph_lines(p))


def _style(p: etree._Element) -> str | None:
    style = p.find(f"{_w('pPr')}/{_w('pStyle')}")
    return None if style is None else style.get(_w("val"))


def _num_id(p: etree._Element) -> int | None:
    num = p.find(f"{_w('pPr')}/{_w('numPr')}/{_w('numId')}")
    return None if num is None else int(num.get(_w("val")))


def view(data: bytes) -> View:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        body = etree.fromstring(archive.read("word/document.xml")).find(_w("body"))
        rels = etree.fromstring(archive.read("word/_rels/document.xml.rels"))
        numbering = etree.fromstring(archive.read("word/numbering.xml"))
        parts = {
            name: etree.fromstring(archive.read(name))
            for name in archive.namelist()
            if PART.match(name)
        }
    assert body is not None
    targets = {rel.get("Id"): rel.get("Target") for rel in rels.iter(f"{{{PKG_REL_NS}}}*")}
    paragraphs = list(body.iter(P))
    document = docx.Document(io.BytesIO(data))
    return View(
        paragraphs=[(_style(p), _text(p)) for p in paragraphs],
        links=[
            ("".join(t.text or "" for t in link.iter(_w("t"))), targets[link.get(f"{{{R_NS}}}id")])
            for link in body.iter(HYPERLINK)
        ],
        headers_footers={name: [_text(p) for p in root.iter(P)] for name, root in parts.items()},
        # Text and links as python-docx reads them (styles are left to lxml above: looking each
        # one up by name through python-docx costs more than the rest of the comparison).
        docx_paragraphs=[
            (p.text, [(h.text, h.url) for h in p.hyperlinks]) for p in document.paragraphs
        ],
        num_ids=[_num_id(p) for p in paragraphs],
        defined_num_ids={int(n.get(_w("numId"))) for n in numbering.iter(_w("num"))},
    )


def assert_equivalent(mandate: Mandate, settings: Settings, stamp: Stamp) -> None:
    fast = product(mandate, settings, stamp)
    with zipfile.ZipFile(io.BytesIO(fast)) as archive:
        assert archive.testzip() is None
        assert archive.namelist()[0] == "[Content_Types].xml"
    ours, theirs = view(fast), view(naive(mandate, settings, stamp))

    assert ours.paragraphs == theirs.paragraphs
    assert ours.links == theirs.links
    assert ours.headers_footers == theirs.headers_footers
    assert ours.docx_paragraphs == theirs.docx_paragraphs
    running = [settings.title, *(i.text for i in mandate.body if i.kind != "heading")]
    expected_links = [url for text in running + mandate.distribution for url in inline.links(text)]
    assert [url for _, url in ours.links] == expected_links

    # The product's own part: every list item numbered with its own list's instance.
    bullets = [i.list_index for i in mandate.body if i.kind == "bullet"]
    distribution = 1 + max((i.list_index for i in mandate.body), default=-1)
    expected = [LIST_NUM_BASE + i for i in bullets + [distribution] * len(mandate.distribution)]
    numbered = [n for n in ours.num_ids if n is not None]
    assert numbered == expected
    assert set(numbered) <= ours.defined_num_ids
    assert all(n is None for n in theirs.num_ids)


# -- the real councils ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("council", "stamp"),
    [
        ("onkologi", Stamp(dt.date(2024, 5, 21), "RS 2024-00784")),
        ("primarvard", Stamp(dt.date(2025, 9, 29), "RS 2025-03200", dt.date(2025, 10, 6))),
        ("onkologi", Stamp(dt.date(2024, 5, 21), None, supersedes="RS 2023-00012")),
    ],
    ids=["onkologi", "primarvard", "onkologi-draft"],
)
def test_real_councils_render_as_docxtpl_does(council: str, stamp: Stamp) -> None:
    workspace, settings, library, _ = _workspace()
    mandate = load_mandate(workspace.councils_dir / f"{council}.yaml", library, settings)
    assert_equivalent(mandate, settings, stamp)


# -- generated councils ---------------------------------------------------------------------
TRICKY = [
    "<", ">", "&", "&amp;", "]]>", '"', "'", "“citat”", "‘", "–", "\u00a0", "åäö ÅÄÖ", "é",
    "{{ x }}", "{% if %}", "{%p endif %}", "{# c #}", "{{r x }}", "{_{", "}_}", "{_%", "%_}",
    "<w:p>", "</w:t>", "<!--uppdrag:list=3-->", "[", "](", "$1", "\\1",
]  # fmt: skip
LINKS = [
    "[text](https://example.se/a?b=1&c=2)",
    '[<&> "länk"](http://vregion.se)',
    "[skriv](mailto:rad@example.se)",
    "[ingen länk](ftp://example.se)",
]
# XML 1.0 characters only (no surrogates, no U+FFFE/U+FFFF), no control characters.
_CHARS = st.characters(
    codec="utf-8", exclude_categories=("Cc", "Cs"), exclude_characters="\ufffe\uffff"
)
_WORDS = st.text(_CHARS, max_size=10)


def _joined(*extra: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.lists(st.one_of(_WORDS, st.sampled_from(TRICKY), *extra), max_size=6).map("".join)


names = _joined()
texts = _joined(st.sampled_from(LINKS), st.just("\n"))


@st.composite
def mandates(draw: st.DrawFn) -> Mandate:
    """A council's mandate shaped as :mod:`generator.mandate` builds one."""
    body: list[Item] = []
    lists = 0
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(["heading", "paragraph", "field", "bullets"]))
        if kind == "heading":
            body.append(Item("heading", draw(names), level=draw(st.integers(1, 2))))
        elif kind == "paragraph":
            body.append(Item("paragraph", draw(texts)))
        elif kind == "field":
            body.append(Item("field", draw(texts), label=draw(names)))
        else:
            items = draw(st.lists(texts, min_size=1, max_size=3))
            body.extend(Item("bullet", text, list_index=lists) for text in items)
            lists += 1
    return Mandate(
        council_id="genererat",
        name=draw(names),
        responsibility=draw(names),
        issuer=draw(names),
        recipient=draw(names),
        body=body,
        distribution=draw(st.lists(texts, max_size=3)),
        source="genererat.yaml",
    )


@st.composite
def configs(draw: st.DrawFn) -> Settings:
    """Settings: every value the template shows is generated, the series is the real one."""
    real = _workspace()[1]
    return Settings(
        organisation=draw(names),
        series=real.series,
        title=draw(texts),
        document_type=draw(names),
        signatory_name=draw(names),
        signatory_title=draw(names),
        date_style=draw(st.sampled_from(["iso", "lång"])),
    )


dates = st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31))
stamps = st.builds(
    Stamp,
    date=dates,
    dnr=st.one_of(st.none(), st.just("RS 2024-00784"), names),
    decided=st.one_of(st.none(), dates),
    supersedes=st.one_of(st.none(), names),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mandate=mandates(), config=configs(), stamp=stamps)
def test_generated_councils_render_as_docxtpl_does(
    mandate: Mandate, config: Settings, stamp: Stamp
) -> None:
    assert_equivalent(mandate, config, stamp)


def test_same_input_gives_the_same_bytes() -> None:
    """The product's ZIP is written with the template's timestamps, never the clock's."""
    workspace, settings, library, _ = _workspace()
    mandate = load_mandate(workspace.councils_dir / "onkologi.yaml", library, settings)
    stamp = Stamp(dt.date(2024, 5, 21), "RS 2024-00784")
    first = product(mandate, settings, stamp)
    assert product(mandate, settings, stamp) == first
