"""The one check of the Word template: what ``uppdrag check`` reports about it, and what
``render``, ``reissue``, ``decide`` and ``import`` refuse before a diary number is taken.

One function for all of them, so that no command issues a document from a template that
``check`` rejects (a tag mistyped as ``{ { organisation }}`` would otherwise come out as literal
text in numbered documents).

The template is read the way its author sees it: paragraph by paragraph, each paragraph's text
as Word shows it.  Every tag is looked at on its own first, so that a message can name the tag,
the part (body, header, footer) and the paragraph it stands in, and say how to write it; then the
``if``/``for`` blocks are matched across paragraphs; last the names the tags use are compared
with the values a mandate provides.  Jinja's own error is the fallback, for what none of these
finds.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from jinja2 import nodes
from jinja2.exceptions import TemplateSyntaxError
from lxml import etree

from generator.environment import make_environment
from generator.exceptions import Problem, TemplateError
from generator.i18n import _
from generator.loader.messages import display_path
from generator.render import CONTEXT_NAMES
from generator.template import TEMPLATED, CompiledTemplate

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_P, _T = f"{{{W_NS}}}p", f"{{{W_NS}}}t"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
# "{ {", "{ %", "} }", "% }": a space between the braces, which Jinja does not read as a tag.
_MISTYPED = re.compile(r"\{\s+[{%]|[}%]\s+\}")
_OPENER = re.compile(r"\{\s*[{%]")
_CLOSER = re.compile(r"[}%]\s*\}")
_PREFIX = re.compile(r"^(?:p|r|tr|tc)(?=\s)")  # docxtpl's {%p …%}, {{r …}}, {%tr …%}, {%tc …%}
_KEYWORD = re.compile(r"\s*(\w+)")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})
_SHOWN = 70  # characters of a paragraph shown in a message

COMMANDS = ("if", "elif", "else", "endif", "for", "endfor", "set")
_DOCXTPL_ONLY = frozenset({"vm", "hm", "colspan", "cellbg"})  # docxtpl's table commands
_FORBIDDEN = frozenset({"import", "include", "extends", "from", "macro", "call", "block"})
_OPENS = {"if": "endif", "for": "endfor"}
_CLOSES = {"endif": "if", "endfor": "for"}
# What a command needs around it to be read on its own.
_AROUND = {
    "if": ("", "{% endif %}"),
    "for": ("", "{% endfor %}"),
    "elif": ("{% if 1 %}", "{% endif %}"),
    "else": ("{% if 1 %}", "{% endif %}"),
    "endif": ("{% if 1 %}", ""),
    "endfor": ("{% for _ in () %}", ""),
    "set": ("", ""),
}


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of a templated part, as its author sees it."""

    part: str
    text: str


@dataclass(frozen=True)
class Tag:
    """One tag as written (quotes straightened, as docxtpl does), and what it is."""

    text: str
    paragraph: Paragraph
    keyword: str | None  # the command of a {% … %} tag; None for {{ … }} and {# … #}
    uses: frozenset[str] = frozenset()  # the names it reads
    sets: frozenset[str] = frozenset()  # the names it makes ({% for x in … %}, {% set x %})


def part_name(part: str) -> str:
    """The part as a secretary knows it."""
    if part.startswith("word/header"):
        return _("the header")
    if part.startswith("word/footer"):
        return _("the footer")
    return _("the body")


def _place(paragraph: Paragraph) -> str:
    text = " ".join(paragraph.text.split())
    if len(text) > _SHOWN:
        text = text[: _SHOWN - 1] + "…"
    return _("{part}, paragraph “{text}”").format(part=part_name(paragraph.part), text=text)


def paragraphs(part: str, xml: bytes) -> Iterator[Paragraph]:
    """Each paragraph's own text (a text box's paragraphs are their own; Word's fallback copy
    of drawn content is left out, as Word does not show it)."""
    root = etree.fromstring(xml)
    for p in root.iter(_P):
        if any(a.tag == _FALLBACK for a in p.iterancestors()):
            continue
        texts = []
        for t in p.iter(_T):
            owner = next(t.iterancestors(_P), None)
            if owner is p:
                texts.append(t.text or "")
        text = "".join(texts)
        if text:
            yield Paragraph(part, text)


class _Lint:
    """The problems of one template, collected as it is read."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.problems: list[Problem] = []
        self.env = make_environment()

    def add(self, paragraph: Paragraph | None, message: str) -> None:
        where = _place(paragraph) if paragraph is not None else ""
        self.problems.append(Problem(self.display, None, None, where, message))

    # -- one paragraph ------------------------------------------------------------------
    def tags(self, paragraph: Paragraph) -> list[Tag]:
        """The well-formed tags of a paragraph; what is mistyped or unclosed is reported."""
        text = paragraph.text.translate(_QUOTES)
        while (found := _MISTYPED.search(text)) is not None:
            openers = list(_OPENER.finditer(text, 0, found.end()))
            start = openers[-1].start() if openers else found.start()
            opening = found.group(0).startswith("{")
            closing = _CLOSER.search(text, found.end() if opening else found.start())
            end = closing.end() if closing else min(len(text), found.end() + 40)
            written = text[start:end]
            fixed = re.sub(r"([}%])\s+\}", r"\1}", re.sub(r"\{\s+([{%])", r"{\1", written))
            self.add(
                paragraph,
                _(
                    "the tag “{tag}” is mistyped: there may be no space between its braces. "
                    "Write it as “{fixed}”"
                ).format(tag=written, fixed=fixed),
            )
            text = text[:start] + " " * (end - start) + text[end:]
        tags: list[Tag] = []
        rest = []
        last = 0
        for found in _TAG.finditer(text):
            rest.append(text[last : found.start()])
            last = found.end()
            tag = self._tag(found.group(0), paragraph)
            if tag is not None:
                tags.append(tag)
        rest.append(text[last:])
        for between in rest:
            self._unclosed(between, paragraph)
        return tags

    def _unclosed(self, text: str, paragraph: Paragraph) -> None:
        for opener, closer in (("{{", "}}"), ("{%", "%}")):
            at = text.find(opener)
            if at >= 0:
                self.add(
                    paragraph,
                    _("the tag “{tag}” is not closed: end it with “{closer}”").format(
                        tag=text[at : at + 40].strip(), closer=closer
                    ),
                )
            at = text.find(closer)
            if at >= 0 and (opener not in text or at < text.find(opener)):
                self.add(
                    paragraph,
                    _(
                        "“{text}” ends a tag that is never opened: begin the tag with “{opener}”"
                    ).format(text=text[max(0, at - 30) : at + 2].strip(), opener=opener),
                )

    def _tag(self, written: str, paragraph: Paragraph) -> Tag | None:
        """The tag, or None when it cannot be read on its own (and is reported)."""
        kind = written[:2]
        if kind == "{#":
            return Tag(written, paragraph, None)
        inner = written[2:-2].strip("-")
        inner = _PREFIX.sub("", inner.lstrip(), count=1)
        if kind == "{{":
            if not inner.strip():
                self.add(
                    paragraph,
                    _("the tag “{tag}” is empty: write the name of a value in it").format(
                        tag=written
                    ),
                )
                return None
            return self._parsed(written, paragraph, None, "{{ " + inner + " }}")
        keyword = _KEYWORD.match(inner)
        name = keyword.group(1) if keyword else ""
        if name in _DOCXTPL_ONLY:
            return None
        if name in _FORBIDDEN:
            self.add(
                paragraph,
                _(
                    "the tag “{tag}” uses “{command}”, which a template may not use (it would "
                    "read other files); remove the tag"
                ).format(tag=written, command=name),
            )
            return None
        if name not in _AROUND:
            self.add(
                paragraph,
                _(
                    "“{tag}” is not a command a template can use; the commands are {commands}"
                ).format(tag=written, commands=", ".join(COMMANDS)),
            )
            return None
        before, after = _AROUND[name]
        return self._parsed(written, paragraph, name, before + "{% " + inner + " %}" + after)

    def _parsed(self, written: str, paragraph: Paragraph, keyword: str | None, source: str):
        try:
            parsed = self.env.parse(source)
        except TemplateSyntaxError as err:
            self.add(
                paragraph,
                _(
                    "the tag “{tag}” cannot be read ({error}); correct it, e.g. “{{{{ organisation "
                    "}}}}” for a value or “{{% if draft %}}” for a condition"
                ).format(tag=written, error=err.message),
            )
            return None
        for node in parsed.find_all((nodes.Filter, nodes.Test)):
            known = self.env.filters if isinstance(node, nodes.Filter) else self.env.tests
            if node.name not in known:
                self.add(
                    paragraph,
                    _(
                        "the tag “{tag}” uses “{name}”, which templates do not have; remove "
                        "“{name}” from the tag"
                    ).format(tag=written, name=node.name),
                )
                return None
        names = list(parsed.find_all(nodes.Name))
        uses = frozenset(n.name for n in names if n.ctx == "load")
        sets = frozenset(n.name for n in names if n.ctx in ("store", "param"))
        return Tag(written, paragraph, keyword, uses, sets)

    # -- blocks across paragraphs -------------------------------------------------------
    def blocks(self, tags: list[Tag]) -> None:
        """Every {% if %} and {% for %} closed, in order, and elif/else inside one."""
        open_blocks: list[Tag] = []
        for tag in tags:
            keyword = tag.keyword
            if keyword in _OPENS:
                open_blocks.append(tag)
            elif keyword in ("elif", "else"):
                allowed = ("if",) if keyword == "elif" else ("if", "for")
                if not open_blocks or open_blocks[-1].keyword not in allowed:
                    self.add(
                        tag.paragraph,
                        _(
                            "“{tag}” stands outside any “{{% if … %}}”: remove it or add the "
                            "“{{% if … %}}” it belongs to"
                        ).format(tag=tag.text),
                    )
            elif keyword in _CLOSES:
                if open_blocks and open_blocks[-1].keyword == _CLOSES[keyword]:
                    open_blocks.pop()
                elif open_blocks:
                    inner = open_blocks[-1]
                    self.add(
                        tag.paragraph,
                        _(
                            "“{tag}” closes a block, but the block still open is “{open}” (in "
                            "{where}); close that one first with “{{% {closer} %}}”"
                        ).format(
                            tag=tag.text,
                            open=inner.text,
                            where=_place(inner.paragraph),
                            closer=_OPENS[inner.keyword or "if"],
                        ),
                    )
                    return
                else:
                    self.add(
                        tag.paragraph,
                        _("“{tag}” closes a block that was never opened; remove it").format(
                            tag=tag.text
                        ),
                    )
        for tag in open_blocks:
            self.add(
                tag.paragraph,
                _(
                    "“{tag}” is never closed: add a paragraph “{{%p {closer} %}}” where the "
                    "block ends"
                ).format(tag=tag.text, closer=_OPENS[tag.keyword or "if"]),
            )

    # -- names ----------------------------------------------------------------------------
    def names(self, tags: list[Tag]) -> None:
        """Names the tags read that a mandate never provides (nor a tag of the template makes:
        the ``item`` of ``{% for item in body %}``)."""
        from generator.validation import suggest

        made = set().union(*(t.sets for t in tags), CONTEXT_NAMES, self.env.globals, {"loop"})
        unknown = set().union(*(t.uses for t in tags)) - made
        known = sorted(CONTEXT_NAMES)
        for name in sorted(unknown):
            where = next(t.paragraph for t in tags if name in t.uses)
            guess = suggest(name, known)
            hint = (
                _("did you mean “{guess}”?").format(guess=guess)
                if guess
                else _("the values are: {names}").format(names=", ".join(known))
            )
            self.add(
                where,
                _("the tag names “{name}”, a value the data does not have; {hint}").format(
                    name=name, hint=hint
                ),
            )


def template_problems(path: Path) -> tuple[CompiledTemplate | None, list[Problem]]:
    """The template ready to render, and every problem found in it (none: it may be used)."""
    display = display_path(path)
    try:
        template: CompiledTemplate | None = CompiledTemplate.load(path)
        load_error = None
    except TemplateError as err:
        template, load_error = None, str(err)
    if template is not None:
        parts = {n: blob for n, blob in template.blobs.items() if TEMPLATED.match(n)}
    else:
        try:
            with zipfile.ZipFile(path) as archive:
                parts = {n: archive.read(n) for n in archive.namelist() if TEMPLATED.match(n)}
        except (OSError, zipfile.BadZipFile):
            return None, [Problem(display, None, None, "", load_error or str(path))]
    lint = _Lint(display)
    readable: dict[str, list[Tag]] = {}
    for part, xml in sorted(parts.items(), key=lambda item: item[0] != "word/document.xml"):
        try:
            tags = [t for p in paragraphs(part, xml) for t in lint.tags(p)]
        except etree.XMLSyntaxError:
            lint.add(None, load_error or _("{part} is not well-formed XML").format(part=part))
            continue
        lint.blocks(tags)
        readable[part] = tags
    if not lint.problems and load_error is not None:
        lint.add(None, load_error)
    if not lint.problems:
        lint.names([t for tags in readable.values() for t in tags])
    if template is not None and template.bullet_abstract is None:
        lint.add(
            None,
            _(
                "the style 'List Bullet' has no numbering; bullet lists would show no bullets. "
                "Give the style bullets in Word or LibreOffice (Format › Bullets and Numbering)"
            ),
        )
    return (template if not lint.problems else None), lint.problems


def sound_template(path: Path) -> CompiledTemplate:
    """The template, or :class:`TemplateError` listing everything :func:`template_problems`
    finds: called before anything is issued, so a template ``check`` rejects costs nothing."""
    template, problems = template_problems(path)
    if template is None:
        raise TemplateError(
            "\n".join(
                [
                    _(
                        "The template {path} cannot be used; nothing was issued. Open it in Word "
                        "or LibreOffice, correct what is listed below, and save it:"
                    ).format(path=display_path(path)),
                    *(str(problem) for problem in problems),
                ]
            )
        )
    return template
