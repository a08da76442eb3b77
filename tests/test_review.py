"""The review copy: the new issue with the changes from the previous one as Word tracked changes.

The copy is checked the way a reader uses it: "accept all changes" must give the new issue and
"reject all changes" the previous one.  Both are done here on the XML, independently of the
generator (:func:`resolve`), and then read with :func:`generator.diff.document.document_paragraphs`.
"""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from generator.diff.document import W_NS, document_paragraphs, ignore_head
from generator.model import Mandate
from generator.review import review_docx
from tests.test_diff import SYFTE_NEW, SYFTE_OLD, kit, syfte_edited

AUTHOR = "Regionens kansli"
DATE = "2025-09-29"
NS = {"w": W_NS}
OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def part(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read(name))


def with_part(data: bytes, name: str, root: etree._Element) -> bytes:
    """``data`` with one part replaced."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(buffer, "w") as zout:
        for info in zin.infolist():
            blob = zin.read(info.filename)
            if info.filename == name:
                blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            zout.writestr(info, blob)
    return buffer.getvalue()


def resolve(data: bytes, *, accept: bool) -> bytes:
    """The document after "accept all changes" (or "reject all changes"), as Word does it.

    A paragraph whose mark goes away (deleted on accept, inserted on reject) runs on into the
    next paragraph; revisions that go away are removed with their content; those that stay are
    unwrapped, and on reject deleted text becomes text again.
    """
    root = part(data, "word/document.xml")
    gone, kept = (w("del"), w("ins")) if accept else (w("ins"), w("del"))
    for p in list(root.iter(w("p"))):
        mark = p.find(f"w:pPr/w:rPr/{'w:del' if accept else 'w:ins'}", NS)
        if mark is None:
            continue
        following = p.getnext()
        assert following is not None and following.tag == w("p"), "a removed mark ends the body"
        content = [child for child in p if child.tag != w("pPr")]
        at = 1 if following.find(w("pPr")) is not None else 0
        for offset, child in enumerate(content):
            following.insert(at + offset, child)
        p.getparent().remove(p)
    for el in list(root.iter(gone)):
        el.getparent().remove(el)
    for el in list(root.iter(kept)):
        parent = el.getparent()
        if parent.tag == w("rPr"):
            parent.remove(el)  # a paragraph mark's revision: the mark simply stays
            continue
        index = parent.index(el)
        for offset, child in enumerate(list(el)):
            parent.insert(index + offset, child)
        parent.remove(el)
    if not accept:
        for el in root.iter(w("delText")):
            el.tag = w("t")
    assert not root.xpath("//w:ins|//w:del|//w:delText", namespaces=NS)
    return with_part(data, "word/document.xml", root)


def revision_texts(data: bytes, tag: str) -> list[str]:
    """The text of each run-level ``w:ins``/``w:del`` of the document."""
    root = part(data, "word/document.xml")
    text_tag = "w:delText" if tag == "del" else "w:t"
    return [
        "".join(el.xpath(f".//{text_tag}/text()", namespaces=NS))
        for el in root.iter(w(tag))
        if el.getparent().tag != w("rPr")
    ]


def without_head(paragraphs: list[str]) -> list[str]:
    return [text for text in paragraphs if not ignore_head(text)]


def number_of(docx: bytes) -> str:
    """The diary number a document states on its "Diarienummer:" line."""
    [number] = [
        text.split(":", 1)[1].strip()
        for text in document_paragraphs(docx)
        if text.startswith("Diarienummer:")
    ]
    return number


def first_line(old: bytes) -> str:
    """The review copy's own first line: it names the issue it is compared with."""
    return (
        f"Granskningskopia – ändringar mot {number_of(old)}. "
        "Detta är inte den utfärdade handlingen."
    )


def check_accept_and_reject(old: bytes, new: bytes, review: bytes) -> None:
    """Under its label (the copy's own first line, which neither issue has), accepting every
    change gives the new issue and rejecting every change the previous one."""
    label = first_line(old)
    accepted = document_paragraphs(resolve(review, accept=True))
    rejected = document_paragraphs(resolve(review, accept=False))
    assert accepted[0] == label and rejected[0] == label
    assert accepted[1:] == document_paragraphs(new)
    assert without_head(rejected[1:]) == without_head(document_paragraphs(old))
    # Read as it stands, the copy reads as the new document (deleted text is not shown).
    assert document_paragraphs(review) == [label, *document_paragraphs(new)]


def policy_change() -> tuple[bytes, bytes]:
    """onkologi with a changed sentence, a paragraph dropped and one added in the standard
    "samband" text, and the last line of the distribution list gone."""
    standard = list(kit().library.clauses["samband.standard"])
    library = dataclasses.replace(
        syfte_edited(),
        clauses={
            **syfte_edited().clauses,
            "samband.standard": [standard[0], *standard[2:], "Ett nytt stycke om samband."],
        },
    )

    def drop_last_recipient(mandate: Mandate) -> Mandate:
        return dataclasses.replace(mandate, distribution=mandate.distribution[:-1])

    return kit().issues("onkologi", library, drop_last_recipient)


def review_of(old: bytes, new: bytes, **options: object) -> bytes:
    return review_docx(new, document_paragraphs(old), author=AUTHOR, date=DATE, **options)


# -- tests -------------------------------------------------------------------------------------


def test_changed_words_are_tracked_changes() -> None:
    old, new = kit().issues("onkologi", syfte_edited())
    review = review_of(old, new)
    assert revision_texts(review, "ins") == [", planer", "beslut"]
    assert revision_texts(review, "del") == ["planer"]
    root = part(review, "word/document.xml")
    for el in root.xpath("//w:ins|//w:del", namespaces=NS):
        assert el.get(w("author")) == AUTHOR
        assert el.get(w("date")) == "2025-09-29T00:00:00Z"
    # The changed paragraph, read in full as before and after.
    check_accept_and_reject(old, new, review)
    accepted = document_paragraphs(resolve(review, accept=True))
    assert any(text.endswith(SYFTE_NEW) for text in accepted)
    rejected = document_paragraphs(resolve(review, accept=False))
    assert any(text.endswith(SYFTE_OLD) for text in rejected)


def test_inserted_and_deleted_paragraphs() -> None:
    old, new = policy_change()
    review = review_of(old, new)
    check_accept_and_reject(old, new, review)
    root = part(review, "word/document.xml")
    standard = kit().library.clauses["samband.standard"]
    removed = " ".join(standard[1].split())
    last_recipient = kit().mandate("onkologi").distribution[-1]
    assert removed in revision_texts(review, "del")
    assert last_recipient in revision_texts(review, "del")
    assert "Ett nytt stycke om samband." in revision_texts(review, "ins")

    # Paragraph marks: the inserted paragraph's is inserted, the put-back paragraph's deleted.
    inserted = root.xpath("//w:p[w:pPr/w:rPr/w:ins]", namespaces=NS)
    assert ["".join(p.xpath(".//w:t/text()", namespaces=NS)) for p in inserted] == [
        "Ett nytt stycke om samband."
    ]
    deleted = root.xpath("//w:p[w:pPr/w:rPr/w:del]", namespaces=NS)
    assert "".join(deleted[0].xpath(".//w:delText/text()", namespaces=NS)) == removed
    # At the end, the paragraph before takes the deleted mark and the put-back line its look.
    before_last = deleted[-1]
    put_back = before_last.getnext()
    assert "".join(put_back.xpath(".//w:delText/text()", namespaces=NS)) == last_recipient
    assert put_back.find("w:pPr/w:pStyle", NS).get(w("val")) == "ListBullet"


def test_ids_are_unique_and_head_lines_unmarked() -> None:
    old, new = policy_change()
    root = part(review_of(old, new), "word/document.xml")
    ids = root.xpath("//w:ins/@w:id|//w:del/@w:id", namespaces=NS)
    assert len(ids) == len(set(ids)) >= 6
    other_ids = root.xpath("//*[not(self::w:ins or self::w:del)]/@w:id", namespaces=NS)
    assert not set(ids) & set(other_ids)
    for text in ("Datum:", "Diarienummer:", "Ersätter:"):
        marked = root.xpath(
            "//w:ins[.//w:t[starts-with(., $t)]]|//w:del[.//w:delText[starts-with(., $t)]]",
            namespaces=NS,
            t=text,
        )
        assert marked == []


def test_hyperlinks_survive() -> None:
    """Unchanged paragraphs keep their links; so does a changed one (its link text too)."""
    library = kit().with_clauses(
        kommunikation__rutin="Enligt [Rutin för koncernövergripande grupper "
        "(vregion.se)](https://vregion.se) och regionens riktlinjer."
    )
    old, new = kit().issues("primarvard", library)
    review = review_of(old, new)
    check_accept_and_reject(old, new, review)
    links = part(review, "word/document.xml").findall(f".//{w('hyperlink')}")
    assert len(links) == 1
    assert "".join(links[0].xpath(".//w:t/text()", namespaces=NS)) == (
        "Rutin för koncernövergripande grupper (vregion.se)"
    )
    assert revision_texts(review, "ins") == [" och regionens riktlinjer"]

    old, new = kit().issues("onkologi", syfte_edited())
    links = part(review_of(old, new), "word/document.xml").findall(f".//{w('hyperlink')}")
    assert len(links) == 1 and links[0].xpath(".//w:ins|.//w:del", namespaces=NS) == []


def _edit_body(mandate: Mandate, edit: str) -> Mandate:
    """One kind of edit of a rendered mandate, in memory."""
    body, recipients = list(mandate.body), list(mandate.distribution)
    if edit == "first-paragraph-gone":
        body.pop(0)
    elif edit == "two-last-recipients-gone":
        recipients = recipients[:-2]
    elif edit == "recipient-added":
        recipients.append("Ny mottagare, för kännedom")
    elif edit == "all-recipients-replaced":
        recipients = ["Helt annan mottagare"]
    elif edit == "line-break-added":
        body[0] = dataclasses.replace(body[0], text=body[0].text.replace(". ", ".\nOch: ", 1))
    elif edit == "text-emptied":
        body[0] = dataclasses.replace(body[0], text="")
    return dataclasses.replace(mandate, body=body, distribution=recipients)


@pytest.mark.parametrize(
    "edit",
    [
        "first-paragraph-gone",
        "two-last-recipients-gone",
        "recipient-added",
        "all-recipients-replaced",
        "line-break-added",
        "text-emptied",
    ],
)
def test_accept_and_reject_after_other_edits(edit: str) -> None:
    old, new = kit().issues("onkologi", syfte_edited(), lambda m: _edit_body(m, edit))
    check_accept_and_reject(old, new, review_of(old, new))


def test_changed_field_keeps_its_bold_label() -> None:
    """The run formatting of the new paragraph is kept character by character."""
    library = kit().with_clauses(
        arbetsorganisation__ordforande="Utses av koncernledning hälso- och sjukvård enligt "
        "reviderad rutin, (RS 2025-00001)."
    )
    old, new = kit().issues("onkologi", library)
    review = review_of(old, new)
    check_accept_and_reject(old, new, review)
    (paragraph,) = part(review, "word/document.xml").xpath(
        "//w:p[.//w:ins or .//w:del]", namespaces=NS
    )
    bold = "".join(paragraph.xpath(".//w:r[w:rPr/w:b]/w:t/text()", namespaces=NS))
    assert bold == "Ordförande:"
    assert revision_texts(review, "del") == ["särskild", "2019-03137-40"]
    assert revision_texts(review, "ins") == ["reviderad", "2025-00001"]


def test_unchanged_council_has_no_tracked_changes() -> None:
    old, new = kit().issues("onkologi")
    root = part(review_of(old, new), "word/document.xml")
    assert root.xpath("//w:ins|//w:del", namespaces=NS) == []


def test_further_edits_are_tracked() -> None:
    old, new = kit().issues("onkologi", syfte_edited())
    settings = part(review_of(old, new), "word/settings.xml")
    names = [etree.QName(child).localname for child in settings]
    assert "trackRevisions" in names
    assert names.index("proofState") < names.index("trackRevisions") < names.index("defaultTabStop")
    untracked = part(review_of(old, new, track_further=False), "word/settings.xml")
    assert untracked.find(w("trackRevisions")) is None


def test_opens_with_python_docx() -> None:
    old, new = policy_change()
    document = docx.Document(io.BytesIO(review_of(old, new)))
    assert document.paragraphs[0].text == first_line(old)
    assert document.paragraphs[1].text == kit().settings.title
    assert len(document.paragraphs) > len(document_paragraphs(new))  # the put-back paragraphs


def test_new_document_with_revisions_is_refused() -> None:
    old, new = kit().issues("onkologi", syfte_edited())
    review = review_of(old, new)
    with pytest.raises(ValueError):
        review_docx(review, document_paragraphs(old), author=AUTHOR, date=DATE)


def test_libreoffice_opens_the_review_copy(tmp_path: Path) -> None:
    """LibreOffice renders the copy to PDF and reads its revisions as tracked changes."""
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI") == "true":
            pytest.fail("soffice (LibreOffice) is not installed; CI must have it")
        pytest.skip("soffice (LibreOffice) is not on PATH; the review copy was not opened in it")
    old, new = policy_change()
    source = tmp_path / "onkologi_andringar.docx"
    source.write_bytes(review_of(old, new))
    profile = (tmp_path / "lo-profile").as_uri()
    for target in ("pdf", "fodt"):
        result = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(tmp_path),
                str(source),
            ],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        converted = tmp_path / f"onkologi_andringar.{target}"
        assert converted.is_file(), result.stdout + result.stderr
    assert (tmp_path / "onkologi_andringar.pdf").read_bytes().startswith(b"%PDF")
    # LibreOffice lists each change with its kind; the changed text is either kept in the list
    # (older versions keep deleted text there) or marked in the body from where the change starts
    # to where it ends.
    flat = etree.parse(str(tmp_path / "onkologi_andringar.fodt"))
    odf = {"text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0"}
    change_id = f"{{{odf['text']}}}change-id"
    kinds: dict[str, str] = {}
    texts: dict[str, str] = {}
    for region in flat.iterfind(".//text:tracked-changes/text:changed-region", odf):
        region_id = region.get(f"{{{odf['text']}}}id")
        kinds[region_id] = etree.QName(region[0]).localname
        texts[region_id] = " ".join(
            "".join(p.itertext()) for p in region.iterfind(".//text:p", odf)
        )
    active: set[str] = set()
    for paragraph in flat.iterfind(".//office:text//*", {**odf, "office": OFFICE_NS}):
        if etree.QName(paragraph).localname not in ("p", "h"):
            continue
        active |= {el.get(change_id) for el in paragraph.iterfind(".//text:change-start", odf)}
        for region_id in active:
            texts[region_id] = texts.get(region_id, "") + " " + "".join(paragraph.itertext())
        active -= {el.get(change_id) for el in paragraph.iterfind(".//text:change-end", odf)}
    deleted = " | ".join(texts[i] for i, kind in kinds.items() if kind == "deletion")
    inserted = " | ".join(texts[i] for i, kind in kinds.items() if kind == "insertion")
    assert " ".join(kit().library.clauses["samband.standard"][1].split()) in deleted
    assert kit().mandate("onkologi").distribution[-1] in deleted
    assert "Ett nytt stycke om samband." in inserted


# -- the label: a review copy never passes for the issued document ----------------------------

DC = "{http://purl.org/dc/elements/1.1/}"


def header_lines(data: bytes) -> list[str]:
    """The text of every paragraph of every header, in order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = sorted(n for n in archive.namelist() if n.startswith("word/header"))
        roots = [etree.fromstring(archive.read(n)) for n in names]
    return [
        "".join(p.xpath(".//w:t/text()", namespaces=NS))
        for root in roots
        for p in root.iter(w("p"))
    ]


def core(data: bytes) -> etree._Element:
    return part(data, "docProps/core.xml")


def test_the_review_copy_says_what_it_is_in_header_first_line_and_properties() -> None:
    old, new = kit().issues("onkologi", syfte_edited())
    review = review_of(old, new)
    previous = number_of(old)
    assert header_lines(review)[0] == f"Granskningskopia – ändringar mot {previous}"
    # The header's own line (organisation, the new number) is still there, after the label.
    assert header_lines(review)[1:] == header_lines(new)
    assert document_paragraphs(review)[0] == first_line(old)
    first = part(review, "word/document.xml").find("w:body/w:p", NS)
    assert first.find("w:r/w:rPr/w:b", NS) is not None  # the label stands out
    title, subject = core(review).findtext(f"{DC}title"), core(review).findtext(f"{DC}subject")
    new_title = core(new).findtext(f"{DC}title")
    assert title == f"Granskningskopia – {new_title}"
    assert subject.startswith(f"Granskningskopia – ändringar mot {previous}")
    assert not core(review).findtext(f"{DC}identifier")  # the number is the issued document's
    assert core(new).findtext(f"{DC}identifier") == number_of(new)


def test_the_issued_document_carries_no_label() -> None:
    old, new = kit().issues("onkologi", syfte_edited())
    review_of(old, new)
    with zipfile.ZipFile(io.BytesIO(new)) as archive:
        for name in archive.namelist():
            assert b"Granskningskopia" not in archive.read(name), name


def test_the_label_names_the_number_given() -> None:
    old, new = kit().issues("onkologi", syfte_edited())
    review = review_of(old, new, previous="RS 2020-00001")
    assert header_lines(review)[0] == "Granskningskopia – ändringar mot RS 2020-00001"
    assert document_paragraphs(review)[0].startswith(
        "Granskningskopia – ändringar mot RS 2020-00001."
    )
