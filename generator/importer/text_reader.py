"""Read a text export of a mandate into a :class:`~.source.Source`.

Markdown as Word's "save as text" and converters write it: blank lines separate paragraphs,
``-`` starts a bullet, ``**bold**`` marks a field label.  A text export does not say which line
is a section title; :func:`~.roles.mark_section_titles` recognises them by the library's titles.
"""

from __future__ import annotations

import re
from pathlib import Path

from generator.importer.roles import assemble_source
from generator.importer.source import Paragraph, Source, clean, pieces_of
from generator.loader.messages import display_path
from generator.loader.text import read_text as read_data_text
from generator.model import Settings
from generator.workspace import Library

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_BULLET = re.compile(r"^\s{0,3}[-*+]\s+(.*)$")
_MD_LINK = re.compile(r"\[((?:[^\]\\]|\\.)*)\]\(([^)\s]*)\)")
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_MD_LABEL = re.compile(r"^\*\*([^*\n]{1,60}?)\s*:\s*\*\*")


def _md_inline(text: str) -> str:
    """Markdown marks and escapes dropped, links kept as ``[text](url)``."""
    out: list[str] = []
    pos = 0
    for m in _MD_LINK.finditer(text):
        out.append(_MD_ESCAPE.sub(r"\1", text[pos : m.start()].replace("**", "")))
        label = _MD_ESCAPE.sub(r"\1", m.group(1).replace("**", ""))
        out.append(f"[{label}]({m.group(2)})")
        pos = m.end()
    out.append(_MD_ESCAPE.sub(r"\1", text[pos:].replace("**", "")))
    return "".join(out)


def read_text(
    path: Path, *, settings: Settings | None = None, library: Library | None = None
) -> Source:
    """Read a text or markdown export of a mandate (like ``tests/seeds/*.txt``).

    Paragraphs are separated by blank lines; lines of one paragraph were line breaks in Word.
    ``- `` lines are bullets, and a blank line between two runs of them separates two lists.
    A section title is a plain line equal to a title of the library (``#`` headings work too).
    """
    path = Path(path)
    display = display_path(path)
    groups: list[list[tuple[int, str]]] = [[]]
    for number, line in enumerate(read_data_text(path, display).splitlines(), start=1):
        if line.strip():
            groups[-1].append((number, line.rstrip()))
        elif groups[-1]:
            groups.append([])
    paragraphs: list[Paragraph] = []
    for group in groups:
        paragraphs.extend(_md_group(group, len(paragraphs)))
    return assemble_source(path, display, paragraphs, [], settings, library, [])


def _md_group(group: list[tuple[int, str]], count: int) -> list[Paragraph]:
    """The paragraphs of one block of non-blank lines."""
    out: list[Paragraph] = []
    lines: list[tuple[int, str]] = []
    first_bullet = True

    def emit_plain() -> None:
        if not lines:
            return
        raw = "\n".join(x for _n, x in lines)
        label = _MD_LABEL.match(raw)
        out.append(
            Paragraph(
                kind="plain",
                text=clean(_md_inline(raw)),
                number=count + len(out) + 1,
                line=lines[0][0],
                bold=raw.startswith("**") and raw.endswith("**") and len(raw) > 4,
                label=label.group(1).strip() if label else "",
                pieces=pieces_of(_md_inline(raw)),
            )
        )
        lines.clear()

    for number, line in group:
        heading = _MD_HEADING.match(line)
        bullet = _MD_BULLET.match(line)
        if heading:
            emit_plain()
            title = clean(_md_inline(heading.group(2)))
            out.append(
                Paragraph(
                    kind="heading",
                    text=title,
                    level=len(heading.group(1)),
                    number=count + len(out) + 1,
                    line=number,
                    pieces=(title,),
                )
            )
        elif bullet and not line.lstrip().startswith("**"):
            emit_plain()
            item = clean(_md_inline(bullet.group(1)))
            out.append(
                Paragraph(
                    kind="bullet",
                    text=item,
                    number=count + len(out) + 1,
                    line=number,
                    new_list=first_bullet,
                    pieces=(item,),
                )
            )
            first_bullet = False
        elif line[:1].isspace() and not lines and out and out[-1].kind == "bullet":
            # An indented line under a bullet continues the bullet on a new line.
            out[-1].text = clean(out[-1].text + "\n" + _md_inline(line))
        else:
            lines.append((number, line))
            first_bullet = True
    emit_plain()
    return out
