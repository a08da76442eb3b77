"""The Word template, prepared once and rendered many times.

docxtpl's own way (``DocxTemplate(path).render(ctx); save()``) parses the template, cleans the
Jinja tags out of Word's XML and compiles Jinja again for every document.  Here that work is done
once per process: each XML part that holds tags is patched with docxtpl's own tag cleaning and
compiled in the strict sandbox; rendering a document is then a Jinja render per part plus a few
string edits, and the unchanged parts are copied as they are.

Two things docxtpl leaves to the caller are done here:

- every bullet list gets its own numbering instance (``w:num`` with a restart), so that numbered
  list styles restart for each list, as Word does when a user starts a new list;
- hyperlinks get their external relationships in ``word/_rels/document.xml.rels``.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from jinja2 import Template
from jinja2.exceptions import TemplateError as JinjaTemplateError
from jinja2.exceptions import TemplateSyntaxError, UndefinedError

from generator.environment import make_environment
from generator.exceptions import TemplateError
from generator.i18n import _

DOCUMENT = "word/document.xml"
NUMBERING = "word/numbering.xml"
DOCUMENT_RELS = "word/_rels/document.xml.rels"
CORE = "docProps/core.xml"
TEMPLATED = re.compile(r"^word/(document|header\d*|footer\d*)\.xml$")
HYPERLINK_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
LIST_NUM_BASE = 1000
_MARKER = re.compile(r"<!--uppdrag:list=(\d+)-->")
_PARAGRAPH = re.compile(r"<w:p[ >](?:(?!<w:p[ >]).)*?</w:p>", re.DOTALL)
# Elements that come before w:numPr in a paragraph's properties (ECMA-376 order).
_BEFORE_NUMPR = ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr",
                 "w:widowControl")


def patch_tags(xml: str) -> str:
    """Clean Word's XML so that Jinja sees whole tags: docxtpl's own preprocessing."""
    from docxtpl import DocxTemplate  # imported here: docxtpl pulls in python-docx

    patched = DocxTemplate.patch_xml(_PATCHER, xml)
    # As docxtpl does, start each paragraph on its own line so that errors point near their place.
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", patched)


class _Patcher:
    """``DocxTemplate.patch_xml`` uses no state of the template; this stands in for ``self``."""


_PATCHER = _Patcher()


def unpatch(xml: str) -> str:
    xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
    return xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")


@dataclass
class Links:
    """The hyperlinks of one document: one relationship id per distinct address."""

    ids: dict[str, str] = field(default_factory=dict)

    def id_for(self, url: str) -> str:
        if url not in self.ids:
            self.ids[url] = f"rIdUppdragLink{len(self.ids) + 1}"
        return self.ids[url]


@dataclass
class CompiledTemplate:
    """A template ready to render: its parts, the compiled Jinja of the tagged ones, and what it
    takes to number lists."""

    path: Path
    infos: list[zipfile.ZipInfo]
    blobs: dict[str, bytes]
    compiled: dict[str, Template]
    bullet_abstract: str | None
    bullet_style: str | None

    @classmethod
    def load(cls, path: Path) -> CompiledTemplate:
        try:
            with zipfile.ZipFile(path) as zf:
                infos = zf.infolist()
                blobs = {info.filename: zf.read(info.filename) for info in infos}
        except FileNotFoundError:
            raise TemplateError(_("the template {path} is missing").format(path=path)) from None
        except (zipfile.BadZipFile, OSError):
            raise TemplateError(_("the template {path} is not a Word document (.docx)").format(
                path=path)) from None
        if DOCUMENT not in blobs:
            raise TemplateError(_("the template {path} is not a Word document (.docx)").format(
                path=path))
        env = make_environment()
        compiled: dict[str, Template] = {}
        for name, blob in blobs.items():
            if TEMPLATED.match(name):
                source = patch_tags(blob.decode("utf-8"))
                try:
                    compiled[name] = env.from_string(source)
                except TemplateSyntaxError as err:
                    raise TemplateError(_(
                        "the template {path} has a broken tag in {part} near “{text}”: {error}"
                    ).format(path=path, part=name, text=_near(source, err.lineno),
                             error=err.message)) from None
        style, abstract = _bullet_numbering(blobs)
        return cls(path, infos, blobs, compiled, abstract, style)

    def render(self, context: dict[str, Any], links: Links) -> dict[str, bytes]:
        """The parts of one document: rendered where tagged, the template's own elsewhere."""
        parts = dict(self.blobs)
        for name, template in self.compiled.items():
            try:
                xml = unpatch(template.render(context))
            except UndefinedError as err:
                raise TemplateError(_(
                    "the template {path} uses a value the data does not have: {error}").format(
                        path=self.path, error=err.message)) from None
            except JinjaTemplateError as err:
                raise TemplateError(_("the template {path} failed: {error}").format(
                    path=self.path, error=err)) from None
            if name == DOCUMENT:
                xml, lists = self._number_lists(xml)
                if lists:
                    parts[NUMBERING] = self._numbering_with(lists)
            parts[name] = xml.encode("utf-8")
        if links.ids:
            parts[DOCUMENT_RELS] = _with_links(parts[DOCUMENT_RELS], links)
        return parts

    # -- lists --------------------------------------------------------------------------
    def _number_lists(self, xml: str) -> tuple[str, list[int]]:
        """Give each marked list item paragraph the numbering instance of its list."""
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
            if self.bullet_abstract is None:
                return para
            return _set_num_id(para, LIST_NUM_BASE + index)

        if "<!--uppdrag:list=" not in xml:
            return xml, lists
        return _PARAGRAPH.sub(fix, xml), lists

    def _numbering_with(self, lists: list[int]) -> bytes:
        xml = self.blobs[NUMBERING].decode("utf-8")
        nums = "".join(
            f'<w:num w:numId="{LIST_NUM_BASE + i}"><w:abstractNumId w:val="{self.bullet_abstract}"/>'
            f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
            for i in lists
        )
        # w:num elements follow the abstractNums; w:numIdMacAtCleanup, if any, comes last.
        cut = xml.find("<w:numIdMacAtCleanup")
        if cut < 0:
            cut = xml.rfind("</w:numbering>")
        return (xml[:cut] + nums + xml[cut:]).encode("utf-8")


def _set_num_id(paragraph: str, num_id: int) -> str:
    numpr = f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'
    paragraph = re.sub(r"<w:numPr>.*?</w:numPr>", "", paragraph, flags=re.DOTALL)
    ppr = re.search(r"<w:pPr>(.*?)</w:pPr>|<w:pPr/>", paragraph, re.DOTALL)
    if ppr is None:
        head = re.match(r"<w:p[^>]*>", paragraph)
        assert head is not None
        return paragraph[: head.end()] + f"<w:pPr>{numpr}</w:pPr>" + paragraph[head.end():]
    inner = ppr.group(1) or ""
    insert_at = 0
    for tag in _BEFORE_NUMPR:
        m = re.search(rf"<{tag}\b[^>]*?(/>|>.*?</{tag}>)", inner, re.DOTALL)
        if m:
            insert_at = max(insert_at, m.end())
    inner = inner[:insert_at] + numpr + inner[insert_at:]
    return paragraph[: ppr.start()] + f"<w:pPr>{inner}</w:pPr>" + paragraph[ppr.end():]


def _bullet_numbering(blobs: dict[str, bytes]) -> tuple[str | None, str | None]:
    """The style id of "List Bullet" and the abstract numbering it uses.

    Found by the style's name, not its id: a template saved by a Swedish Word calls the style
    ``Punktlista`` in its id but keeps the name ``List Bullet``.
    """
    styles = blobs.get("word/styles.xml", b"").decode("utf-8")
    numbering = blobs.get(NUMBERING, b"").decode("utf-8")
    for style in re.finditer(r"<w:style [^>]*w:styleId=\"([^\"]+)\"[^>]*>(.*?)</w:style>", styles,
                             re.DOTALL):
        if re.search(r'<w:name w:val="(?i:List Bullet)"/>', style.group(2)):
            num = re.search(r'<w:numId w:val="(\d+)"/>', style.group(2))
            if num is None:
                return style.group(1), None
            abstract = re.search(
                rf'<w:num w:numId="{num.group(1)}"[^>]*>\s*<w:abstractNumId w:val="(\d+)"/>',
                numbering)
            return style.group(1), abstract.group(1) if abstract else None
    return None, None


def _with_links(rels: bytes, links: Links) -> bytes:
    extra = "".join(
        f'<Relationship Id="{rid}" Type="{HYPERLINK_TYPE}" Target={quoteattr(url)} '
        f'TargetMode="External"/>'
        for url, rid in links.ids.items()
    )
    text = rels.decode("utf-8")
    cut = text.rfind("</Relationships>")
    return (text[:cut] + extra + text[cut:]).encode("utf-8")


def _near(source: str, lineno: int | None) -> str:
    if not lineno:
        return ""
    lines = source.splitlines()
    line = lines[lineno - 1] if 0 < lineno <= len(lines) else ""
    return re.sub(r"<[^>]+>", "", line)[:80]


def core_xml(*, title: str, subject: str, creator: str, identifier: str, created: str,
             language: str = "sv-SE") -> bytes:
    """``docProps/core.xml``: what Word shows under File › Properties, and what archives read."""
    stamp = f"{created}T00:00:00Z"
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties '
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:subject>{escape(subject)}</dc:subject>"
        f"<dc:creator>{escape(creator)}</dc:creator>"
        f"<dc:identifier>{escape(identifier)}</dc:identifier>"
        f"<dc:language>{language}</dc:language>"
        "<cp:lastModifiedBy>uppdrag</cp:lastModifiedBy><cp:revision>1</cp:revision>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode("utf-8")


def write_docx(template: CompiledTemplate, parts: dict[str, bytes],
               write: Callable[[bytes], None] | None = None) -> bytes:
    """Zip the parts in the template's order (``[Content_Types].xml`` first, as Word expects)."""
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for info in template.infos:
            entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            zf.writestr(entry, parts[info.filename])
    data = buffer.getvalue()
    if write is not None:
        write(data)
    return data
