"""Numbered lists restart for each list, as Word does when a user starts a new list.

docxtpl renders every bullet list with the template's one list style, so a numbered list style
would count on across the document.  Rendering marks each list item's paragraph with
``<!--uppdrag:list=N-->`` (see :mod:`generator.inline`); here each list then gets a numbering
instance of its own (``w:num`` with a restart, ``LIST_NUM_BASE + N``) in ``numbering.xml``, and
its items point to it.  It runs on every document, so the common layout is edited by searching
the UTF-8 bytes, with caches for what repeats between documents; any other layout takes a slower
way that is sure for every layout.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from generator.docx_parts import NUMBERING

LIST_NUM_BASE = 1000
_MARKER = re.compile(r"<!--uppdrag:list=(\d+)-->")
_PARAGRAPH = re.compile(r"<w:p[ >](?:(?!<w:p[ >]).)*?</w:p>", re.DOTALL)
# The same, for the encoded document.xml that lists are numbered in.
_MARKER_BYTES = re.compile(rb"<!--uppdrag:list=(\d+)-->")
_PARAGRAPH_START_BYTES = re.compile(rb"<w:p[ >]")
# Elements that come before w:numPr in a paragraph's properties (ECMA-376 order).
_BEFORE_NUMPR = (
    "w:pStyle",
    "w:keepNext",
    "w:keepLines",
    "w:pageBreakBefore",
    "w:framePr",
    "w:widowControl",
)


@dataclass
class ListNumbering:
    """Numbers the lists of a template's documents: ``blobs`` are the template's parts,
    ``abstract`` the abstract numbering of its "List Bullet" style (None: lists are left as they
    are), ``limit`` the size of the caches of what repeats between documents."""

    blobs: Mapping[str, bytes]
    abstract: str | None
    limit: int
    # Bounded caches of what repeats between documents; plain dicts, cleared when full.
    _numbering: dict[tuple[int, ...], bytes] = field(init=False, repr=False, default_factory=dict)
    _numbered_heads: dict[tuple[bytes, int], bytes] = field(
        init=False, repr=False, default_factory=dict
    )

    def number_lists(self, xml: bytes) -> tuple[bytes, list[int]]:
        """Give each marked list item paragraph of document.xml the numbering instance of its list.

        Only the paragraphs that hold a marker are touched: each marker's paragraph is found by
        searching back for its start and forward for its end, rather than matching every
        paragraph of the document with a regex; and in the UTF-8 bytes, where searching is
        several times faster than in a ``str`` that holds any character beyond Latin-1.  A
        document laid out in a way that search cannot be sure of (a paragraph inside a paragraph,
        a marker outside one) takes the general way.
        """
        if b"<!--uppdrag:list=" not in xml:
            return xml, []
        lists: list[int] = []
        out: list[bytes] = []
        done = 0  # xml[:done] is in out
        for marker in _MARKER_BYTES.finditer(xml):
            at = marker.start()
            if at < done:
                continue  # a second marker in a paragraph already numbered
            start = max(xml.rfind(b"<w:p>", done, at), xml.rfind(b"<w:p ", done, at))
            end = xml.find(b"</w:p>", at)
            if (
                start < 0
                or end < 0
                or xml.find(b"</w:p>", start, at) >= 0
                or _PARAGRAPH_START_BYTES.search(xml, marker.end(), end)
            ):
                text, lists = self._number_lists_general(xml.decode("utf-8"))
                return text.encode("utf-8"), lists
            end += len(b"</w:p>")
            index = int(marker.group(1))
            if index not in lists:
                lists.append(index)
            out.append(xml[done:start])
            out.append(self._numbered(_MARKER_BYTES.sub(b"", xml[start:end]), index))
            done = end
        out.append(xml[done:])
        return b"".join(out), lists

    def _number_lists_general(self, xml: str) -> tuple[str, list[int]]:
        """:meth:`number_lists` by matching every paragraph: slower, and sure for any layout."""
        lists: list[int] = []

        def fix(match: re.Match[str]) -> str:
            para = match.group(0)
            marker = _MARKER.search(para)
            if marker is None:
                return para
            index = int(marker.group(1))
            if index not in lists:
                lists.append(index)
            para = _MARKER.sub("", para)
            if self.abstract is None:
                return para
            return set_num_id(para, LIST_NUM_BASE + index)

        return _PARAGRAPH.sub(fix, xml), lists

    def _numbered(self, para: bytes, index: int) -> bytes:
        """The paragraph as an item of list ``index``; the marker already removed.

        Only the paragraph's start tag and properties change, and they are the same for every
        item of a list style; so the edited start is remembered per (start, list).
        """
        if self.abstract is None:
            return para
        num_id = LIST_NUM_BASE + index
        head_end = para.find(b">") + 1
        if para.startswith(b"<w:pPr>", head_end):
            close = para.find(b"</w:pPr>", head_end)
            head_end = close + len(b"</w:pPr>") if close >= 0 else -1
        elif para.startswith(b"<w:pPr/>", head_end):
            head_end += len(b"<w:pPr/>")
        rest = para[head_end:]
        if head_end <= 0 or b"<w:pPr" in rest or b"<w:numPr>" in rest:
            return set_num_id(para.decode("utf-8"), num_id).encode("utf-8")
        key = (para[:head_end], num_id)
        head = self._numbered_heads.get(key)
        if head is None:
            if len(self._numbered_heads) >= self.limit * 4:
                self._numbered_heads.clear()
            edited = set_num_id(key[0].decode("utf-8") + "</w:p>", num_id)
            head = self._numbered_heads[key] = edited[: -len("</w:p>")].encode("utf-8")
        return head + rest

    def numbering_for(self, lists: list[int]) -> bytes:
        """numbering.xml with a numbering instance per list: the same lists, the same bytes."""
        key = tuple(lists)
        found = self._numbering.get(key)
        if found is None:
            if len(self._numbering) >= self.limit:
                self._numbering.clear()
            found = self._numbering[key] = self._numbering_with(lists)
        return found

    def _numbering_with(self, lists: list[int]) -> bytes:
        xml = self.blobs[NUMBERING].decode("utf-8")
        abstract = self.abstract
        nums = "".join(
            f'<w:num w:numId="{LIST_NUM_BASE + i}"><w:abstractNumId w:val="{abstract}"/>'
            f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
            for i in lists
        )
        # w:num elements follow the abstractNums; w:numIdMacAtCleanup, if any, comes last.
        cut = xml.find("<w:numIdMacAtCleanup")
        if cut < 0:
            cut = xml.rfind("</w:numbering>")
        return (xml[:cut] + nums + xml[cut:]).encode("utf-8")


def set_num_id(paragraph: str, num_id: int) -> str:
    """The paragraph as an item of the numbering instance ``num_id`` (``w:numPr`` in its place)."""
    numpr = f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'
    paragraph = re.sub(r"<w:numPr>.*?</w:numPr>", "", paragraph, flags=re.DOTALL)
    ppr = re.search(r"<w:pPr>(.*?)</w:pPr>|<w:pPr/>", paragraph, re.DOTALL)
    if ppr is None:
        head = re.match(r"<w:p[^>]*>", paragraph)
        assert head is not None
        return paragraph[: head.end()] + f"<w:pPr>{numpr}</w:pPr>" + paragraph[head.end() :]
    inner = ppr.group(1) or ""
    insert_at = 0
    for tag in _BEFORE_NUMPR:
        m = re.search(rf"<{tag}\b[^>]*?(/>|>.*?</{tag}>)", inner, re.DOTALL)
        if m:
            insert_at = max(insert_at, m.end())
    inner = inner[:insert_at] + numpr + inner[insert_at:]
    return paragraph[: ppr.start()] + f"<w:pPr>{inner}</w:pPr>" + paragraph[ppr.end() :]


def bullet_numbering(blobs: Mapping[str, bytes]) -> tuple[str | None, str | None]:
    """The style id of "List Bullet" and the abstract numbering it uses.

    Found by the style's name, not its id: a template saved by a Swedish Word calls the style
    ``Punktlista`` in its id but keeps the name ``List Bullet``.
    """
    styles = blobs.get("word/styles.xml", b"").decode("utf-8")
    numbering = blobs.get(NUMBERING, b"").decode("utf-8")
    for style in re.finditer(
        r"<w:style [^>]*w:styleId=\"([^\"]+)\"[^>]*>(.*?)</w:style>", styles, re.DOTALL
    ):
        if re.search(r'<w:name w:val="(?i:List Bullet)"/>', style.group(2)):
            num = re.search(r'<w:numId w:val="(\d+)"/>', style.group(2))
            if num is None:
                return style.group(1), None
            abstract = re.search(
                rf'<w:num w:numId="{num.group(1)}"[^>]*>\s*<w:abstractNumId w:val="(\d+)"/>',
                numbering,
            )
            return style.group(1), abstract.group(1) if abstract else None
    return None, None
