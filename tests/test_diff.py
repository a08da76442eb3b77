"""The re-issue comparison: what changed between two issues, read from the two documents.

Every case renders real mandates from the repository's data with a clause library edited in
memory (the data files are never touched), reads both documents back and compares them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import click
import pytest

from generator import inline
from generator.diff.document import W_NS, document_paragraphs, ignore_head
from generator.diff.paragraphs import Change, compare
from generator.diff.terminal import format_text
from generator.diff.words import word_diff
from generator.i18n import _
from generator.mandate import load_mandate
from generator.model import Mandate, Settings
from generator.render import Stamp, render_docx
from generator.template import CompiledTemplate
from generator.workspace import Library, Workspace

REPO = Path(__file__).resolve().parents[1]
OLD_STAMP = Stamp(dt.date(2024, 5, 21), "RS 2024-00784")
NEW_STAMP = Stamp(dt.date(2025, 9, 29), "RS 2025-03200", supersedes="RS 2024-00784")

SYFTE_OLD = "i enlighet med regionens styrande dokument och planer."
SYFTE_NEW = "i enlighet med regionens styrande dokument, planer och beslut."


@dataclasses.dataclass(frozen=True)
class Kit:
    """The repository's settings, clause library and template, loaded once (read only)."""

    settings: Settings
    library: Library
    template: CompiledTemplate

    def with_clauses(self, **changes: Any) -> Library:
        """A copy of the library with some clauses replaced: a policy change, in memory only.

        Clause ids hold dots, so they are given with ``__`` for ``.``.
        """
        clauses = dict(self.library.clauses)
        clauses.update({key.replace("__", "."): value for key, value in changes.items()})
        return dataclasses.replace(self.library, clauses=clauses)

    def mandate(self, council: str, library: Library | None = None) -> Mandate:
        path = REPO / "data" / "councils" / f"{council}.yaml"
        return load_mandate(path, library or self.library, self.settings)

    def render(self, mandate: Mandate, stamp: Stamp) -> bytes:
        return render_docx(self.template, mandate, self.settings, stamp)

    def issues(
        self,
        council: str,
        library: Library | None = None,
        edit: Callable[[Mandate], Mandate] | None = None,
    ) -> tuple[bytes, bytes]:
        """The previous issue (today's data) and the re-issue (``library``, then ``edit``)."""
        old = self.render(self.mandate(council), OLD_STAMP)
        new_mandate = self.mandate(council, library)
        if edit is not None:
            new_mandate = edit(new_mandate)
        return old, self.render(new_mandate, NEW_STAMP)


@cache
def kit() -> Kit:
    ws = Workspace(REPO)
    return Kit(ws.load_settings(), ws.load_library(), CompiledTemplate.load(ws.template_path))


def syfte_edited() -> Library:
    """One sentence of a standard clause changed, as a policy change does."""
    text = kit().library.clauses["syfte.samverka"]
    assert SYFTE_OLD in text
    return kit().with_clauses(syfte__samverka=text.replace(SYFTE_OLD, SYFTE_NEW))


def compare_issues(old: bytes, new: bytes, ignore: Callable[[str], bool] | None = ignore_head):
    return compare(document_paragraphs(old), document_paragraphs(new), ignore)


# -- reading ----------------------------------------------------------------------------------


def test_document_paragraphs_reads_the_rendered_text() -> None:
    mandate = kit().mandate("onkologi")
    paragraphs = document_paragraphs(kit().render(mandate, OLD_STAMP))
    # The title's line break is a w:br, read as "\n".
    assert paragraphs[0] == kit().settings.title
    assert "\n" in paragraphs[0]
    assert "Diarienummer: RS 2024-00784" in paragraphs
    # The body, head fields and distribution list read as the model says, hyperlink text included.
    body = [inline.plain(text) for text in mandate.paragraphs()]
    assert [p for p in paragraphs if p in body] == body
    assert "Enligt Rutin för koncernövergripande grupper (vregion.se)." in paragraphs


def test_document_paragraphs_same_for_bytes_and_path(tmp_path: Path) -> None:
    data = kit().render(kit().mandate("primarvard"), OLD_STAMP)
    path = tmp_path / "primarvard.docx"
    path.write_bytes(data)
    assert document_paragraphs(path) == document_paragraphs(data)


def _docx(body: str) -> bytes:
    xml = f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("word/document.xml", xml)
    return buffer.getvalue()


def test_document_paragraphs_reads_revisions_as_accepted() -> None:
    """Inserted text counts, deleted text does not, a deleted paragraph mark joins paragraphs."""
    data = _docx(
        "<w:p><w:r><w:t>Kept </w:t></w:r><w:del w:id='1' w:author='a'><w:r>"
        "<w:delText>gone </w:delText></w:r></w:del><w:ins w:id='2' w:author='a'><w:r>"
        "<w:t>new</w:t><w:br/><w:t>line</w:t></w:r></w:ins></w:p>"
        "<w:p><w:pPr><w:rPr><w:del w:id='3' w:author='a'/></w:rPr></w:pPr>"
        "<w:r><w:t>Runs on </w:t></w:r></w:p>"
        "<w:p><w:r><w:t>into this.</w:t><w:tab/><w:t>Tab</w:t></w:r></w:p>"
    )
    assert document_paragraphs(data) == ["Kept new\nline", "Runs on into this.\tTab"]


# -- comparing ---------------------------------------------------------------------------------


def test_one_changed_sentence_is_one_modified_paragraph() -> None:
    old, new = kit().issues("onkologi", syfte_edited())
    result = compare_issues(old, new)
    assert result.changed
    assert result.paragraphs_changed == 1
    (change,) = result.changes
    assert change.kind == "replace"
    assert change.old.endswith(SYFTE_OLD)
    assert change.new.endswith(SYFTE_NEW)
    assert result.new[change.new_index] == change.new
    assert result.old[change.old_index] == change.old
    assert [(op.kind, op.text) for op in change.words if op.kind != "equal"] == [
        ("insert", ", planer"),
        ("delete", "planer"),
        ("insert", "beslut"),
    ]
    _check_words(change)
    text = format_text(result)
    assert "~ " in text and not re.search(r"^[+-] ", text, re.M)
    # Only the changed words are marked; the unchanged paragraphs are not shown in full.
    assert "dokument{+, planer+} och [-planer-]{+beslut+}." in text
    assert kit().library.clauses["inledning.fordelat-ansvar"].split()[0] not in text


def _check_words(change: Change) -> None:
    """The word ops rebuild both paragraphs exactly."""
    assert "".join(op.text for op in change.words if op.kind != "insert") == change.old
    assert "".join(op.text for op in change.words if op.kind != "delete") == change.new


def test_unchanged_council_is_not_changed() -> None:
    """onkologi has its own version of the communication clause: a change to the library's
    leaves it as it was, while primärvård, which uses the library's, changes."""
    library = kit().with_clauses(
        kommunikation__rutin="Enligt [Rutin för koncernövergripande grupper "
        "(vregion.se)](https://vregion.se) och regionens riktlinjer för kommunikation."
    )
    old, new = kit().issues("onkologi", library)
    result = compare_issues(old, new)
    assert not result.changed
    assert result.paragraphs_changed == 0
    assert result.changes == []
    assert format_text(result) == _("No changes.")

    old, new = kit().issues("primarvard", library)
    result = compare_issues(old, new)
    assert result.paragraphs_changed == 1
    (change,) = result.changes
    assert change.kind == "replace"
    assert change.new == (
        "Enligt Rutin för koncernövergripande grupper (vregion.se) och regionens riktlinjer för "
        "kommunikation."
    )
    assert "(vregion.se){+ och regionens riktlinjer för kommunikation+}." in format_text(result)


def test_head_lines_differ_unless_ignored() -> None:
    old, new = kit().issues("onkologi")
    raw = compare_issues(old, new, ignore=None)
    kinds = sorted((c.kind, (c.old or c.new).split(":")[0]) for c in raw.changes)
    assert kinds == [("insert", "Ersätter"), ("replace", "Datum"), ("replace", "Diarienummer")]
    assert not compare_issues(old, new).changed
    # The decision date is the issue's too: the previous issue was decided, the new one is not yet.
    decided = dataclasses.replace(OLD_STAMP, decided=dt.date(2024, 6, 3))
    old = kit().render(kit().mandate("onkologi"), decided)
    assert "Datum för beslut: 2024-06-03" in document_paragraphs(old)
    assert not compare_issues(old, new).changed
    assert not ignore_head("Datum för beslutet i rådet")


def test_deleted_and_inserted_paragraphs() -> None:
    standard = list(kit().library.clauses["samband.standard"])
    removed = standard[1]
    added = "Samordningsrådet ska årligen redovisa sina samband till koncernledningen."
    library = kit().with_clauses(samband__standard=[standard[0], *standard[2:], added])
    old, new = kit().issues("onkologi", library)
    result = compare_issues(old, new)
    assert [c.kind for c in result.changes] == ["delete", "insert"]
    deleted, inserted = result.changes
    assert deleted.old == " ".join(removed.split()) and deleted.new == ""
    assert inserted.new == added and inserted.old == ""
    # A deleted paragraph is placed before the new paragraph that now follows its place.
    assert result.new[deleted.new_index] == " ".join(standard[2].split())
    assert result.new[inserted.new_index] == added
    assert result.new[inserted.new_index - 1] == " ".join(standard[-1].split())

    text = format_text(result)
    assert f"- {deleted.old}" in text.splitlines()
    assert f"+ {added}" in text.splitlines()
    assert "~ " not in text
    # Unchanged paragraphs are not shown in full; only a shortened line of context.
    assert " ".join(standard[0].split()) not in text
    assert "…" in text


def test_paragraphs_pair_by_similarity_in_a_changed_stretch() -> None:
    old = ["Keep", "Alpha beta gamma delta.", "Completely different words here.", "End"]
    new = ["Keep", "Brand new paragraph.", "Alpha beta gamma delta epsilon.", "End"]
    result = compare(old, new)
    assert [(c.kind, c.old, c.new) for c in result.changes] == [
        ("insert", "", "Brand new paragraph."),
        ("replace", "Alpha beta gamma delta.", "Alpha beta gamma delta epsilon."),
        ("delete", "Completely different words here.", ""),
    ]
    assert result.paragraphs_changed == 3


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Gruppen ska samverka.", "Gruppen ska samverka och leda."),
        ("VGR:s styrning av vård", "regionens styrning av hälso- och sjukvård"),
        ("a  b\nc", "a b\nc d"),
        ("", "Ny text."),
        ("Gammal text.", ""),
        ("Samma text.", "Samma text."),
    ],
)
def test_word_diff_rebuilds_both_texts(old: str, new: str) -> None:
    _check_words(Change("replace", old, new, 0, 0, word_diff(old, new)))


def test_word_diff_folds_a_rewritten_phrase() -> None:
    ops = word_diff("the quick brown fox", "the slow red fox")
    assert [(op.kind, op.text) for op in ops] == [
        ("equal", "the "),
        ("delete", "quick brown"),
        ("insert", "slow red"),
        ("equal", " fox"),
    ]


def test_format_text_in_color() -> None:
    result = compare(["A b c.", "Gone."], ["A x c.", "Added."])
    plain = format_text(result)
    assert "~ A [-b-]{+x+} c." in plain
    colored = format_text(result, color=True)
    assert "\x1b[" in colored
    assert "[-" not in colored and "{+" not in colored
    assert click.style("b", fg="red", strikethrough=True) in colored
    assert click.style("x", fg="green") in colored
    assert click.unstyle(colored).splitlines()[1] == "~ A bx c."


def test_format_text_continues_line_breaks_under_the_text() -> None:
    result = compare(["Head"], ["Head", "Karin\nDirektör"])
    assert format_text(result).splitlines()[-2:] == ["+ Karin", "  Direktör"]


def _bullets(count: int, edit: str = "") -> list[str]:
    return [
        f"Punkt {i}: samordningsrådet ansvarar för uppgift nummer {i} inom området{edit}."
        for i in range(count)
    ]


def test_a_big_changed_stretch_pairs_every_paragraph_in_order() -> None:
    """Hundreds of changed bullets in one stretch (the issue's slow case): each is paired with its
    own new version, a paragraph deleted and one added in the middle stay what they are, and the
    indices say where each change is."""
    old = ["Rubrik", *_bullets(300), "Slut"]
    new = ["Rubrik", *_bullets(300, " och regionen"), "Slut"]
    del new[151]  # old bullet 150 is deleted
    new.insert(200, "En helt ny mening som inte liknar något annat stycke alls.")
    result = compare(old, new)
    kinds = [c.kind for c in result.changes]
    assert kinds.count("replace") == 299
    assert kinds.count("delete") == 1 and kinds.count("insert") == 1
    deleted = next(c for c in result.changes if c.kind == "delete")
    assert deleted.old == old[151] and deleted.old_index == 151
    inserted = next(c for c in result.changes if c.kind == "insert")
    assert inserted.new_index == 200 and inserted.new == new[200]
    for change in result.changes:
        if change.kind == "replace":
            assert change.old.split(":")[0] == change.new.split(":")[0]  # Punkt i with Punkt i
            assert old[change.old_index] == change.old and new[change.new_index] == change.new
            _check_words(change)
    old_order = [c.old_index for c in result.changes if c.kind != "insert"]
    assert old_order == sorted(old_order)
