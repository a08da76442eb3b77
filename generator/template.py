"""The Word template, prepared once and rendered many times.

docxtpl's own way (``DocxTemplate(path).render(ctx); save()``) parses the template, cleans the
Jinja tags out of Word's XML and compiles Jinja again for every document.  Here that work is done
once per process: each XML part that holds tags is patched with docxtpl's own tag cleaning and
compiled in the strict sandbox; rendering a document is then a Jinja render per part plus a few
string edits, and the unchanged parts are copied as they are.

What docxtpl leaves to the caller is in modules of its own: every list numbered on its own
(:mod:`generator.docx_lists`), the hyperlinks' relationships and the parts the product writes
itself (:mod:`generator.docx_parts`), and the ZIP container, written so that the unchanged parts
are never deflated again (:mod:`generator.docx_zip`).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Template
from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import TemplateError as JinjaTemplateError

from generator.docx_lists import ListNumbering, bullet_numbering
from generator.docx_parts import (
    DOCUMENT,
    DOCUMENT_RELS,
    NUMBERING,
    Links,
    product_parts,
    with_links,
)
from generator.docx_zip import Deflated, ZipEntry, deflate, deflate_once
from generator.environment import TemplateLimit, make_environment
from generator.exceptions import TemplateError
from generator.i18n import _

TEMPLATED = re.compile(r"^word/(document|header\d*|footer\d*)\.xml$")
_CACHE_LIMIT = 64
# Parts whose bytes repeat between documents (the same lists, the same links), worth a cache.
_REPEATING = (NUMBERING, DOCUMENT_RELS)


def patch_tags(xml: str) -> str:
    """Clean Word's XML so that Jinja sees whole tags: docxtpl's own preprocessing."""
    from docxtpl import DocxTemplate  # imported here: docxtpl pulls in python-docx

    patched = _decode_in_tags(DocxTemplate.patch_xml(_PATCHER, xml))
    # As docxtpl does, start each paragraph on its own line so that errors point near their place.
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", patched)


# What docxtpl's tag clean-up leaves encoded: LibreOffice writes the quotes and ampersands in
# text as entities, so a tag typed as {% if item.kind == "heading" %} reaches Jinja as
# {% if item.kind == &quot;heading&quot; %}.  Inside a tag they are decoded, as docxtpl does with
# &lt; and &gt;; text outside the tags stays XML.
_IN_TAG = re.compile(r"(?<=\{[\{%])(.*?)(?=[\}%]\})")
_ENTITY = re.compile(r"&(quot|apos|amp|#(\d+)|#x([0-9a-fA-F]+));")
_NAMED = {"quot": '"', "apos": "'", "amp": "&"}


def _decode_entity(match: re.Match[str]) -> str:
    if match.group(2):
        return chr(int(match.group(2)))
    if match.group(3):
        return chr(int(match.group(3), 16))
    return _NAMED[match.group(1)]


def _decode_in_tags(xml: str) -> str:
    if "&" not in xml:
        return xml
    return _IN_TAG.sub(lambda m: _ENTITY.sub(_decode_entity, m.group(0)), xml)


class _Patcher:
    """``DocxTemplate.patch_xml`` uses no state of the template; this stands in for ``self``."""


_PATCHER = _Patcher()


def unpatch(xml: str) -> str:
    """Undo what :func:`patch_tags` and docxtpl's escapes leave in the rendered XML."""
    return unpatch_bytes(xml.encode("utf-8")).decode("utf-8")


def unpatch_bytes(xml: bytes) -> bytes:
    """:func:`unpatch` on the encoded part, which is how rendering does it.

    The same edits as docxtpl's ``render_xml_part`` (``[ >]`` in its regex is two characters), as
    plain replacements on UTF-8 bytes: a search in bytes is several times faster than in a ``str``
    that holds a character beyond Latin-1 (a typographic quote makes the whole text two bytes a
    character), and the escapes are replaced only when one can be there (a one-byte search runs
    at memchr speed, a two-byte one ~30 times slower).
    """
    xml = xml.replace(b"\n<w:p>", b"<w:p>").replace(b"\n<w:p ", b"<w:p ")
    if b"_" in xml and (b"{_" in xml or b"_}" in xml):
        xml = (
            xml.replace(b"{_{", b"{{")
            .replace(b"}_}", b"}}")
            .replace(b"{_%", b"{%")
            .replace(b"%_}", b"%}")
        )
    return xml


@dataclass
class CompiledTemplate:
    """A template ready to render: its parts, the compiled Jinja of the tagged ones, what it
    takes to number lists, and each part's ZIP entry prepared for
    :func:`generator.docx_zip.write_docx`."""

    path: Path
    infos: list[zipfile.ZipInfo]
    blobs: dict[str, bytes]
    compiled: dict[str, Template]
    bullet_abstract: str | None
    bullet_style: str | None
    entries: list[ZipEntry] = field(init=False, repr=False)
    lists: ListNumbering = field(init=False, repr=False)
    # A bounded cache of the parts that repeat between documents; a plain dict, cleared when full.
    _deflated: dict[bytes, Deflated] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.entries = [
            ZipEntry(info, deflate_once(self.blobs[info.filename])) for info in self.infos
        ]
        self.lists = ListNumbering(self.blobs, self.bullet_abstract, _CACHE_LIMIT)

    @classmethod
    def load(cls, path: Path) -> CompiledTemplate:
        try:
            with zipfile.ZipFile(path) as zf:
                infos = zf.infolist()
                blobs = {info.filename: zf.read(info.filename) for info in infos}
        except FileNotFoundError:
            raise TemplateError(_("the template {path} is missing").format(path=path)) from None
        except (zipfile.BadZipFile, OSError):
            raise TemplateError(
                _("the template {path} is not a Word document (.docx)").format(path=path)
            ) from None
        if DOCUMENT not in blobs:
            raise TemplateError(
                _("the template {path} is not a Word document (.docx)").format(path=path)
            )
        blobs = product_parts(blobs)
        env = make_environment()
        compiled: dict[str, Template] = {}
        for name, blob in blobs.items():
            if TEMPLATED.match(name):
                try:
                    source = patch_tags(blob.decode("utf-8"))
                except UnicodeDecodeError:
                    raise TemplateError(
                        _("the template {path} is damaged: {part} is not UTF-8 text").format(
                            path=path, part=name
                        )
                    ) from None
                try:
                    compiled[name] = env.from_string(source)
                except TemplateSyntaxError as err:
                    raise TemplateError(
                        _(
                            "the template {path} has a broken tag in {part} near “{text}”: {error}"
                        ).format(
                            path=path, part=name, text=_near(source, err.lineno), error=err.message
                        )
                    ) from None
        style, abstract = bullet_numbering(blobs)
        return cls(path, infos, blobs, compiled, abstract, style)

    def render(self, context: dict[str, Any], links: Links) -> dict[str, bytes]:
        """The parts of one document: rendered where tagged, the template's own elsewhere.

        A part the document does not change is the template's own ``bytes`` object, which is how
        :func:`generator.docx_zip.write_docx` knows it may copy the precomputed entry.
        """
        parts = dict(self.blobs)
        for name, template in self.compiled.items():
            try:
                xml = template.render(context)
            except UndefinedError as err:
                raise TemplateError(
                    _("the template {path} uses a value the data does not have: {error}").format(
                        path=self.path, error=err.message
                    )
                ) from None
            except TemplateLimit as err:
                raise TemplateError(
                    _("the template {path} was stopped: {error}; simplify that tag").format(
                        path=self.path, error=err
                    )
                ) from None
            except SecurityError:
                raise TemplateError(
                    _(
                        "the template {path} tries something a template may not do (reach Python "
                        "internals, import, or read files); remove that tag"
                    ).format(path=self.path)
                ) from None
            except JinjaTemplateError as err:
                raise TemplateError(
                    _("the template {path} failed: {error}").format(path=self.path, error=err)
                ) from None
            blob = xml.encode("utf-8")
            if name == DOCUMENT:
                blob, lists = self.lists.number_lists(blob)
                if lists:
                    parts[NUMBERING] = self.lists.numbering_for(lists)
            # Lists are numbered before the newlines patch_tags added are taken out: a newline only
            # ever stands before a paragraph's start, which numbering neither adds nor removes.
            parts[name] = unpatch_bytes(blob)
        if links.ids:
            parts[DOCUMENT_RELS] = with_links(parts[DOCUMENT_RELS], links)
        return parts

    def deflated(self, name: str, blob: bytes) -> Deflated:
        """``blob`` deflated for the entry ``name``; remembered for parts that repeat."""
        if name not in _REPEATING:
            return deflate(blob)
        found = self._deflated.get(blob)
        if found is None:
            if len(self._deflated) >= _CACHE_LIMIT:
                self._deflated.clear()
            found = self._deflated[blob] = deflate(blob)
        return found


def _near(source: str, lineno: int | None) -> str:
    if not lineno:
        return ""
    lines = source.splitlines()
    line = lines[lineno - 1] if 0 < lineno <= len(lines) else ""
    return re.sub(r"<[^>]+>", "", line)[:80]
