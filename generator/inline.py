"""Text to Word runs: line breaks, hyperlinks, and nothing else interpreted.

Data text is written literally (``<``, ``&``, ``{{``, and docxtpl's own escapes ``{_{`` too)
except for two things a mandate needs: a line break (``\\n``) and a link written
``[text](https://…)``, which becomes a real ``w:hyperlink`` with an external relationship.  The
result is run XML marked safe for the template's ``{{r … }}`` tags; every piece of text in it is
escaped here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from xml.sax.saxutils import escape

from markupsafe import Markup

from generator.exceptions import DataError, Problem
from generator.i18n import _
from generator.loader.messages import shown
from generator.loader.text import BAD_TEXT_CHAR, bad_char_message

LINK = re.compile(r"\[([^\[\]\n]+)\]\(((?:https?://|mailto:)[^\s()]+)\)")
LIST_MARKER = "<!--uppdrag:list={index}-->"
LINK_PROPS = '<w:rPr><w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr>'


def check_text(text: str) -> None:
    """Refuse a character that XML cannot hold or that would be invisible in the document.

    The schema refuses these in every text field with the file and field named; this is the
    last guard before the XML, so that a text that did not pass the schema can never make an
    invalid document.
    """
    bad = BAD_TEXT_CHAR.search(text)
    if bad is not None:
        raise DataError(
            [
                Problem(
                    _("the data"),
                    None,
                    None,
                    "",
                    f"{bad_char_message(bad.group())}: “{shown(text)}”",
                )
            ]
        )


def protect(xml: str) -> str:
    """Escaped text with docxtpl's escape sequences broken up, so that they read the same.

    The rendered XML is "unpatched" (:func:`generator.template.unpatch` turns ``{_{`` into ``{{``,
    as docxtpl does for its escapes), which would change a data text that holds ``{_{``; written
    ``{&#95;{`` it is the same text to every XML reader, and nothing to unpatch.
    """
    if "{_" not in xml and "_}" not in xml:
        return xml
    return xml.replace("{_", "{&#95;").replace("_}", "&#95;}")


def xml_text(text: str) -> str:
    """``text`` as the content of a ``w:t``: escaped, and protected from unpatching."""
    return protect(escape(text))


def _text_runs(text: str) -> str:
    out = []
    for i, line in enumerate(text.split("\n")):
        if i:
            out.append("<w:r><w:br/></w:r>")
        if line:
            out.append(f'<w:r><w:t xml:space="preserve">{xml_text(line)}</w:t></w:r>')
    return "".join(out)


def runs(text: str, link_id: Callable[[str], str], list_index: int | None = None) -> Markup:
    """Run XML for ``text``; ``link_id(url)`` gives the relationship id of a hyperlink.

    ``list_index`` marks the paragraph as an item of the document's n-th list, so that rendering
    can give every list its own numbering (see :mod:`generator.docx_lists`).
    """
    check_text(text)
    out = [LIST_MARKER.format(index=list_index)] if list_index is not None else []
    pos = 0
    for match in LINK.finditer(text):
        out.append(_text_runs(text[pos : match.start()]))
        label, url = match.group(1), match.group(2)
        out.append(
            f'<w:hyperlink r:id="{link_id(url)}" w:history="1"><w:r>{LINK_PROPS}'
            f'<w:t xml:space="preserve">{xml_text(label)}</w:t></w:r></w:hyperlink>'
        )
        pos = match.end()
    out.append(_text_runs(text[pos:]))
    return Markup("".join(out))


def plain(text: str) -> str:
    """The text a reader sees: links reduced to their text."""
    return LINK.sub(lambda m: m.group(1), text)


def links(text: str) -> list[str]:
    return [m.group(2) for m in LINK.finditer(text)]
