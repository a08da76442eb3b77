"""The shortcuts a big re-issue takes give what the plain ways give.

- A review copy made from the rendered parts and zipped by the template's writer (as a re-issue
  makes it) holds the same parts as one made from the document's bytes, and a comparison made
  before the number was known gives the same copy as one made anew.
- :func:`generator.diff.document.body_paragraphs` reads every document as the plain reading (each
  paragraph asked for its own text and mark) reads it: rendered mandates, review copies full of
  tracked changes, and documents laid out in odd ways.
- :meth:`Register.latest_for_many` gives each council what :meth:`Register.latest_for` gives.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from generator.diff.document import (
    BR,
    CR,
    DEL,
    MC_NS,
    PPR,
    RPR,
    TAB,
    W_NS,
    P,
    R,
    T,
    body_paragraphs,
    document_paragraphs,
    ignore_head,
    part_paragraphs,
    w,
)
from generator.diff.paragraphs import compare
from generator.docx_parts import DOCUMENT
from generator.docx_zip import write_docx
from generator.register import Register, Request
from generator.render import Stamp, render_parts
from generator.review import review_docx, review_parts
from tests.test_diff import NEW_STAMP, OLD_STAMP, kit, syfte_edited

AUTHOR = "Regionens kansli"
DATE = "2025-09-29"


# -- review copies -----------------------------------------------------------------------------


def _parts_of(docx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        assert archive.testzip() is None
        return {info.filename: archive.read(info.filename) for info in archive.infolist()}


def _issues() -> Iterator[tuple[str, bytes, bytes, Stamp]]:
    """For each council: its previous issue, its re-issue after a policy change, and the stamp."""
    for council in ("onkologi", "primarvard"):
        old, new = kit().issues(council, syfte_edited())
        yield council, old, new, NEW_STAMP


@pytest.mark.parametrize("council", ["onkologi", "primarvard"])
def test_a_review_copy_from_the_parts_is_the_review_copy_from_the_document(council: str) -> None:
    old, new = kit().issues(council, syfte_edited())
    old_paragraphs = document_paragraphs(old)
    plain = review_docx(new, old_paragraphs, author=AUTHOR, date=DATE)
    parts = _parts_of(new)
    template = kit().template
    own = {
        name: template.blobs[name] if template.blobs[name] == blob else blob
        for name, blob in parts.items()
    }
    changed = review_parts(own, old_paragraphs, author=AUTHOR, date=DATE)
    fast = write_docx(template, {**own, **changed})
    assert _parts_of(fast) == _parts_of(plain)
    assert list(_parts_of(fast)) == list(_parts_of(new))  # [Content_Types].xml first, same order


@pytest.mark.parametrize("council", ["onkologi", "primarvard"])
def test_a_comparison_made_before_the_number_gives_the_same_review_copy(council: str) -> None:
    """A re-issue compares a rendering with a placeholder number; the copy made with that
    comparison is the copy made with a comparison of the final document."""
    old, new = kit().issues(council, syfte_edited())
    old_paragraphs = document_paragraphs(old)
    mandate = kit().mandate(council, syfte_edited())
    placeholder = dataclasses.replace(NEW_STAMP, dnr="RS 2025-00000")
    parts = render_parts(kit().template, mandate, kit().settings, placeholder)
    compared = compare(old_paragraphs, part_paragraphs(parts[DOCUMENT]), ignore=ignore_head)
    assert compared.changed
    plain = review_docx(new, old_paragraphs, author=AUTHOR, date=DATE)
    assert review_docx(new, old_paragraphs, author=AUTHOR, date=DATE, compared=compared) == plain


def test_a_comparison_of_another_document_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = kit().issues("onkologi", syfte_edited())
    old_paragraphs = document_paragraphs(old)
    other = compare(old_paragraphs, document_paragraphs(old), ignore=ignore_head)  # no changes
    plain = review_docx(new, old_paragraphs, author=AUTHOR, date=DATE)
    assert review_docx(new, old_paragraphs, author=AUTHOR, date=DATE, compared=other) == plain


def test_part_paragraphs_read_the_part_as_the_document_reads() -> None:
    mandate = kit().mandate("onkologi")
    parts = render_parts(kit().template, mandate, kit().settings, OLD_STAMP)
    data = kit().render(mandate, OLD_STAMP)
    assert part_paragraphs(parts[DOCUMENT]) == document_paragraphs(data)


# -- reading documents ---------------------------------------------------------------------------

_HIDDEN = frozenset({DEL, w("moveFrom"), f"{{{MC_NS}}}Fallback"})


def _reference_paragraphs(root: etree._Element) -> list[tuple[int, str]]:
    """The plain reading: every paragraph walks up from each of its run texts, and is asked for
    its mark (how :func:`body_paragraphs` read documents before it took one pass)."""

    def owner(el: etree._Element) -> etree._Element | None:
        node = el.getparent()
        while node is not None and node.tag != P:
            node = node.getparent()
        return node

    def hidden(el: etree._Element, stop: etree._Element) -> bool:
        node = el.getparent()
        while node is not None and node is not stop:
            if node.tag in _HIDDEN:
                return True
            node = node.getparent()
        return False

    def text(p: etree._Element) -> str:
        out = []
        for el in p.iter(T, TAB, BR, CR):
            parent = el.getparent()
            if parent is None or parent.tag != R or owner(el) is not p or hidden(el, p):
                continue
            out.append((el.text or "") if el.tag == T else ("\t" if el.tag == TAB else "\n"))
        return "".join(out)

    def deleted_mark(p: etree._Element) -> bool:
        rpr = p.find(f"{PPR}/{RPR}")
        return rpr is not None and rpr.find(DEL) is not None

    body = root.find(w("body"))
    if body is None:
        return []
    paragraphs = [p for p in body.iter(P) if not hidden(p, body) and owner(p) is None]
    out: list[tuple[int, str]] = []
    pending: list[etree._Element] = []
    pending_text = ""
    for p in paragraphs:
        pending.append(p)
        pending_text += text(p)
        if deleted_mark(p):
            continue
        out.append((len(pending), pending_text))
        pending, pending_text = [], ""
    if pending and pending_text:
        out.append((len(pending), pending_text))
    return out


def _document_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml")


@functools.cache
def _documents() -> dict[str, bytes]:
    """Rendered issues, review copies full of tracked changes, and an oddly laid out body."""
    out: dict[str, bytes] = {}
    for council, old, new, _stamp in _issues():
        out[f"{council}-old"] = _document_xml(old)
        out[f"{council}-new"] = _document_xml(new)
        # Review copies against the previous text and against quite another one: insertions,
        # deletions, paragraphs put back at the end.
        for name, previous in (("edited", document_paragraphs(old)), ("short", ["Rubrik", "x"])):
            review = review_docx(new, previous, author=AUTHOR, date=DATE)
            out[f"{council}-review-{name}"] = _document_xml(review)
    out["odd"] = _odd_document()
    return out


DOCUMENTS = [
    f"{council}-{kind}"
    for council in ("onkologi", "primarvard")
    for kind in ("old", "new", "review-edited", "review-short")
] + ["odd"]


def _odd_document() -> bytes:
    """Layouts a rendered mandate never has: a text box's paragraph inside a run, alternate
    content, moved-away text, a table, tracked changes, a mark deleted twice, two pPr."""
    mc = f'xmlns:mc="{MC_NS}"'
    body = (
        "<w:p><w:r><w:t>Före </w:t></w:r><w:r><w:pict><w:txbxContent><w:p><w:r><w:t>i rutan"
        "</w:t></w:r></w:p></w:txbxContent></w:pict></w:r><w:r><w:tab/><w:t>efter</w:t>"
        "</w:r></w:p>"
        f"<w:p><mc:AlternateContent {mc}><mc:Choice><w:r><w:t>val</w:t></w:r></mc:Choice>"
        "<mc:Fallback><w:r><w:t>reserv</w:t></w:r></mc:Fallback></mc:AlternateContent></w:p>"
        "<w:p><w:moveFrom w:id='1'><w:r><w:t>flyttad</w:t></w:r></w:moveFrom>"
        "<w:moveTo w:id='2'><w:r><w:t>hit</w:t></w:r></w:moveTo><w:r><w:cr/></w:r></w:p>"
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>cell</w:t><w:br/></w:r></w:p></w:tc></w:tr></w:tbl>"
        "<w:del w:id='3'><w:p><w:r><w:t>bortstruken</w:t></w:r></w:p></w:del>"
        "<w:p><w:pPr><w:rPr><w:del w:id='4'/></w:rPr></w:pPr><w:r><w:t>ett </w:t></w:r></w:p>"
        "<w:p><w:pPr><w:rPr><w:ins w:id='5'/><w:del w:id='6'/></w:rPr></w:pPr>"
        "<w:hyperlink><w:r><w:t>två </w:t></w:r></w:hyperlink></w:p>"
        "<w:p><w:pPr/><w:pPr><w:rPr><w:del w:id='7'/></w:rPr></w:pPr><w:r><w:t>tre</w:t></w:r>"
        "</w:p>"
        "<w:p><w:r><w:t></w:t><w:delText>x</w:delText></w:r><w:t>utan run</w:t></w:p>"
        "<w:p><w:pPr><w:rPr><w:del w:id='8'/></w:rPr></w:pPr></w:p>"
    )
    return f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'.encode()


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_body_reads_as_the_plain_reading_reads_it(name: str) -> None:
    root = etree.fromstring(_documents()[name])
    assert [(len(els), text) for els, text in body_paragraphs(root)] == _reference_paragraphs(root)


# -- the register --------------------------------------------------------------------------------


def test_latest_for_many_gives_what_latest_for_gives(tmp_path: Path) -> None:
    with Register(tmp_path / "diarium.sqlite") as reg:

        def issue(council: str, date: str, supersedes: str | None = None) -> str:
            [new] = reg.reserve(
                [Request(council, date, None, f"Uppdrag {council}", supersedes=supersedes)],
                "RS",
                lambda request, number: str(tmp_path / f"{number}.docx"),
            )
            return new.dnr

        def write(dnr: str) -> None:
            path = tmp_path / f"{dnr}.docx"
            path.write_bytes(dnr.encode())
            reg.complete(dnr, str(path), "0" * 64)

        first = issue("a", "2024-01-01")
        write(first)
        write(issue("a", "2024-02-01", supersedes=first))
        write(issue("b", "2024-03-01"))
        write(issue("b", "2024-03-01"))  # two live issues on one day: the later one
        issue("c", "2024-04-01")  # pending only
        voided = issue("d", "2024-05-01")
        write(voided)
        reg.void(voided, "fel")
        councils = ["a", "b", "c", "d", "e"]
        many = reg.latest_for_many(councils)
        assert many.keys() == set(councils)
        for council in councils:
            one = reg.latest_for(council)
            assert (many[council] is None) == (one is None), council
            if one is not None:
                assert many[council] == one
        assert many["c"] is None and many["d"] is None and many["e"] is None
