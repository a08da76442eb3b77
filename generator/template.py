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

Writing the ``.docx`` is the other half of the cost: the template's styles alone are close to a
megabyte of XML, and deflating them again for every document took most of the time.  The ZIP
container is therefore written here (:func:`write_docx`): every part the document does not change
is copied as the raw deflate stream made once at :meth:`CompiledTemplate.load`, and only the parts
that change (the body, header, footer, core properties, and numbering or relationships when there
are lists or links) are deflated per document.  Entry order and timestamps come from the template,
so the same input always gives the same bytes.
"""

from __future__ import annotations

import re
import struct
import threading
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from jinja2 import Template
from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import TemplateError as JinjaTemplateError

from generator.environment import TemplateLimit, make_environment
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
class Links:
    """The hyperlinks of one document: one relationship id per distinct address."""

    ids: dict[str, str] = field(default_factory=dict)

    def id_for(self, url: str) -> str:
        if url not in self.ids:
            self.ids[url] = f"rIdUppdragLink{len(self.ids) + 1}"
        return self.ids[url]


@dataclass(frozen=True)
class Deflated:
    """One part as a ZIP entry stores it: a raw deflate stream, and the CRC-32 and size of the
    uncompressed bytes."""

    data: bytes
    crc: int
    size: int


@dataclass
class _Entry:
    """A template part's place in the ZIP container, with what never changes prepared once.

    ``own_local`` is the local file header and deflated data of the template's own bytes, ready
    to copy; ``own_central`` its central directory record up to (not including) the offset.
    """

    info: zipfile.ZipInfo
    own: Deflated
    raw_name: bytes = field(init=False)
    flags: int = field(init=False)
    dostime: int = field(init=False)
    dosdate: int = field(init=False)
    own_local: bytes = field(init=False, repr=False)
    own_central: bytes = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.raw_name = self.info.filename.encode("utf-8")
        self.flags = 0 if self.info.filename.isascii() else 0x800  # bit 11: the name is UTF-8
        year, month, day, hour, minute, second = self.info.date_time
        self.dosdate = (max(year, 1980) - 1980) << 9 | month << 5 | day
        self.dostime = hour << 11 | minute << 5 | second // 2
        self.own_local = self.local_header(self.own) + self.own.data
        self.own_central = self.central_head(self.own)

    @property
    def name(self) -> str:
        return self.info.filename

    def local_header(self, part: Deflated) -> bytes:
        return (
            struct.pack(
                "<4s2B4HL2L2H",
                b"PK\x03\x04",
                max(self.info.extract_version, 20),
                0,
                self.flags,
                zipfile.ZIP_DEFLATED,
                self.dostime,
                self.dosdate,
                part.crc,
                len(part.data),
                part.size,
                len(self.raw_name),
                0,
            )
            + self.raw_name
        )

    def central_head(self, part: Deflated) -> bytes:
        info = self.info
        return struct.pack(
            "<4s4B4HL2L5HL",
            b"PK\x01\x02",
            max(info.create_version, 20),
            info.create_system,
            max(info.extract_version, 20),
            0,
            self.flags,
            zipfile.ZIP_DEFLATED,
            self.dostime,
            self.dosdate,
            part.crc,
            len(part.data),
            part.size,
            len(self.raw_name),
            0,
            0,
            0,
            info.internal_attr,
            info.external_attr,
        )


# Deflate level of the parts deflated for each document; the template's own parts are deflated
# once, at level 9.  On the real mandates level 1 deflates the changed parts in less than half the
# time of zlib's default 6, and the .docx grows by ~1.7 % (~640 bytes of ~37.5 kB): most of a
# document is the template's styles, deflated once.
DEFLATE_LEVEL = 1
_OWN_LEVEL = 9
# After Z_FULL_FLUSH the stream is byte aligned and no later data refers back to it; this empty
# final block (BFINAL=1, fixed Huffman, end-of-block) then closes it as a complete deflate stream.
_FINAL_BLOCK = b"\x03\x00"
_deflaters = threading.local()
_CACHE_LIMIT = 64
# Parts whose bytes repeat between documents (the same lists, the same links), worth a cache.
_REPEATING = (NUMBERING, DOCUMENT_RELS)


def deflate(data: bytes, level: int = DEFLATE_LEVEL) -> Deflated:
    """``data`` as a complete raw deflate stream, for a ZIP entry.

    ``zlib.compressobj`` costs ~60 µs to set up (it allocates ~256 kB of state and clears its hash
    table), more than deflating a header or core.xml; so one compressor per thread and level is
    kept and reset with ``Z_FULL_FLUSH`` after each part instead (valid DEFLATE: a byte-aligned
    empty stored block, then an empty final block; Python's zipfile, Info-ZIP, Java and
    LibreOffice read it).  A compressor left mid-stream by an exception is dropped, never reused.
    """
    pool: dict[int, Any] | None = getattr(_deflaters, "pool", None)
    if pool is None:
        pool = _deflaters.pool = {}
    compressor = pool.pop(level, None) or zlib.compressobj(level, zlib.DEFLATED, -15)
    stream = compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH) + _FINAL_BLOCK
    pool[level] = compressor
    return Deflated(stream, zlib.crc32(data), len(data))


def _deflate_once(data: bytes) -> Deflated:
    """A template part deflated as hard as zlib can: done once per process, copied thereafter."""
    compressor = zlib.compressobj(_OWN_LEVEL, zlib.DEFLATED, -15)
    return Deflated(compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data))


@dataclass
class CompiledTemplate:
    """A template ready to render: its parts, the compiled Jinja of the tagged ones, what it
    takes to number lists, and each part's ZIP entry prepared for :func:`write_docx`."""

    path: Path
    infos: list[zipfile.ZipInfo]
    blobs: dict[str, bytes]
    compiled: dict[str, Template]
    bullet_abstract: str | None
    bullet_style: str | None
    entries: list[_Entry] = field(init=False, repr=False)
    # Bounded caches of what repeats between documents; plain dicts, cleared when full.
    _numbering: dict[tuple[int, ...], bytes] = field(init=False, repr=False, default_factory=dict)
    _deflated: dict[bytes, Deflated] = field(init=False, repr=False, default_factory=dict)
    _numbered_heads: dict[tuple[bytes, int], bytes] = field(
        init=False, repr=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        self.entries = [
            _Entry(info, _deflate_once(self.blobs[info.filename])) for info in self.infos
        ]

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
        blobs = _product_parts(blobs)
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
        style, abstract = _bullet_numbering(blobs)
        return cls(path, infos, blobs, compiled, abstract, style)

    def render(self, context: dict[str, Any], links: Links) -> dict[str, bytes]:
        """The parts of one document: rendered where tagged, the template's own elsewhere.

        A part the document does not change is the template's own ``bytes`` object, which is how
        :func:`write_docx` knows it may copy the precomputed entry.
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
                blob, lists = self._number_lists(blob)
                if lists:
                    parts[NUMBERING] = self._numbering_for(lists)
            # Lists are numbered before the newlines patch_tags added are taken out: a newline only
            # ever stands before a paragraph's start, which numbering neither adds nor removes.
            parts[name] = unpatch_bytes(blob)
        if links.ids:
            parts[DOCUMENT_RELS] = _with_links(parts[DOCUMENT_RELS], links)
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

    # -- lists --------------------------------------------------------------------------
    def _number_lists(self, xml: bytes) -> tuple[bytes, list[int]]:
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
        """:meth:`_number_lists` by matching every paragraph: slower, and sure for any layout."""
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

        return _PARAGRAPH.sub(fix, xml), lists

    def _numbered(self, para: bytes, index: int) -> bytes:
        """The paragraph as an item of list ``index``; the marker already removed.

        Only the paragraph's start tag and properties change, and they are the same for every
        item of a list style; so the edited start is remembered per (start, list).
        """
        if self.bullet_abstract is None:
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
            return _set_num_id(para.decode("utf-8"), num_id).encode("utf-8")
        key = (para[:head_end], num_id)
        head = self._numbered_heads.get(key)
        if head is None:
            if len(self._numbered_heads) >= _CACHE_LIMIT * 4:
                self._numbered_heads.clear()
            edited = _set_num_id(key[0].decode("utf-8") + "</w:p>", num_id)
            head = self._numbered_heads[key] = edited[: -len("</w:p>")].encode("utf-8")
        return head + rest

    def _numbering_for(self, lists: list[int]) -> bytes:
        """numbering.xml with a numbering instance per list: the same lists, the same bytes."""
        key = tuple(lists)
        found = self._numbering.get(key)
        if found is None:
            if len(self._numbering) >= _CACHE_LIMIT:
                self._numbering.clear()
            found = self._numbering[key] = self._numbering_with(lists)
        return found

    def _numbering_with(self, lists: list[int]) -> bytes:
        xml = self.blobs[NUMBERING].decode("utf-8")
        abstract = self.bullet_abstract
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


APP = "docProps/app.xml"
SETTINGS = "word/settings.xml"
_ZOOM = re.compile(rb"<w:zoom\b([^>]*?)\s*/>")


def app_xml() -> bytes:
    """``docProps/app.xml`` naming the product that wrote the document.

    A template saved by Word or LibreOffice names that program and counts the template's own
    pages and words; every document would repeat the claim.  The counts are left out: they are
    optional, and only a program that lays out the pages knows them.
    """
    from generator import __version__

    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"<Application>uppdrag {escape(__version__)}</Application>"
        "<DocSecurity>0</DocSecurity></Properties>"
    ).encode()


def with_zoom_percent(settings: bytes) -> bytes:
    """``<w:zoom>`` with the ``w:percent`` the schema requires (python-docx's stock settings
    have ``<w:zoom w:val="bestFit"/>`` without it)."""

    def fix(match: re.Match[bytes]) -> bytes:
        if b"w:percent=" in match.group(1):
            return match.group(0)
        return b"<w:zoom" + match.group(1) + b' w:percent="100"/>'

    return _ZOOM.sub(fix, settings)


def _product_parts(blobs: dict[str, bytes]) -> dict[str, bytes]:
    """The template's parts as every document has them: app.xml naming the product, the zoom
    complete.  Done once at load, so rendering still copies these parts as they are."""
    blobs = dict(blobs)
    if APP in blobs:
        blobs[APP] = app_xml()
    if SETTINGS in blobs:
        blobs[SETTINGS] = with_zoom_percent(blobs[SETTINGS])
    return blobs


def _set_num_id(paragraph: str, num_id: int) -> str:
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


def _bullet_numbering(blobs: dict[str, bytes]) -> tuple[str | None, str | None]:
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


def core_xml(
    *,
    title: str,
    subject: str,
    creator: str,
    identifier: str,
    created: str,
    language: str = "sv-SE",
) -> bytes:
    """``docProps/core.xml``: what Word shows under File › Properties, and what archives read."""
    stamp = f"{created}T00:00:00Z"
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        "<cp:coreProperties "
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
    ).encode()


def write_docx(template: CompiledTemplate, parts: dict[str, bytes]) -> bytes:
    """Zip the parts in the template's order (``[Content_Types].xml`` first, as Word expects).

    The container is written here rather than with :mod:`zipfile`: a part that is still the
    template's own ``bytes`` object is copied as the entry prepared at load (header and deflated
    data), and only the others are deflated.  Timestamps and attributes are the template's, so
    the same parts always give the same bytes.  Neither ZIP64 nor data descriptors are needed: a
    document is far below 4 GB and every size is known before its header is written.
    """
    chunks: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for entry in template.entries:
        blob = parts[entry.name]
        central_head = entry.own_central
        if blob is template.blobs[entry.name]:
            chunks.append(entry.own_local)
            size = len(entry.own_local)
        else:
            part = template.deflated(entry.name, blob)
            header = entry.local_header(part)
            central_head = entry.central_head(part)
            chunks += (header, part.data)
            size = len(header) + len(part.data)
        central.append(central_head + struct.pack("<L", offset) + entry.raw_name)
        offset += size
    directory = b"".join(central)
    count = len(template.entries)
    chunks.append(directory)
    chunks.append(
        struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), offset, 0)
    )
    return b"".join(chunks)
