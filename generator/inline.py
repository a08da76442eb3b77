"""Text to Word runs: line breaks, hyperlinks, and nothing else interpreted.

Data text is written literally except for two things a mandate needs: a line break (``\\n``) and a
link written ``[text](https://…)``, which becomes a real ``w:hyperlink`` with an external
relationship.  The result is run XML marked safe for the template's ``{{r … }}`` tags; every piece
of text in it is escaped here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from xml.sax.saxutils import escape

from markupsafe import Markup

LINK = re.compile(r"\[([^\[\]\n]+)\]\(((?:https?://|mailto:)[^\s()]+)\)")
LIST_MARKER = "<!--uppdrag:list={index}-->"
LINK_PROPS = '<w:rPr><w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr>'


def _text_runs(text: str) -> str:
    out = []
    for i, line in enumerate(text.split("\n")):
        if i:
            out.append("<w:r><w:br/></w:r>")
        if line:
            out.append(f'<w:r><w:t xml:space="preserve">{escape(line)}</w:t></w:r>')
    return "".join(out)


def runs(text: str, link_id: Callable[[str], str], list_index: int | None = None) -> Markup:
    """Run XML for ``text``; ``link_id(url)`` gives the relationship id of a hyperlink.

    ``list_index`` marks the paragraph as an item of the document's n-th list, so that rendering
    can give every list its own numbering (see :mod:`generator.template`).
    """
    out = [LIST_MARKER.format(index=list_index)] if list_index is not None else []
    pos = 0
    for match in LINK.finditer(text):
        out.append(_text_runs(text[pos: match.start()]))
        label, url = match.group(1), match.group(2)
        out.append(
            f'<w:hyperlink r:id="{link_id(url)}" w:history="1"><w:r>{LINK_PROPS}'
            f'<w:t xml:space="preserve">{escape(label)}</w:t></w:r></w:hyperlink>'
        )
        pos = match.end()
    out.append(_text_runs(text[pos:]))
    return Markup("".join(out))


def plain(text: str) -> str:
    """The text a reader sees: links reduced to their text."""
    return LINK.sub(lambda m: m.group(1), text)


def links(text: str) -> list[str]:
    return [m.group(2) for m in LINK.finditer(text)]
