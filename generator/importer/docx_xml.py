"""The WordprocessingML names and XML helpers the Word reader walks a package with.

Kept apart from the walk itself so that the style table (:mod:`.docx_styles`), the paragraph
walk (:mod:`.docx_walk`) and the package reading (:mod:`.docx_reader`) name elements the same way
and parse every part with the same safe parser.
"""

from __future__ import annotations

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
HEADER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"


def w(tag: str) -> str:
    """Clark notation for a WordprocessingML tag, as lxml names elements."""
    return f"{{{W_NS}}}{tag}"


W_P, W_R, W_T, W_TBL, W_TR, W_TC = w("p"), w("r"), w("t"), w("tbl"), w("tr"), w("tc")
W_PPR, W_RPR, W_VAL = w("pPr"), w("rPr"), w("val")
W_TXBX = w("txbxContent")
MC_ALT, MC_CHOICE, MC_FALLBACK = (
    f"{{{MC_NS}}}AlternateContent",
    f"{{{MC_NS}}}Choice",
    f"{{{MC_NS}}}Fallback",
)
#: What a toggle such as ``w:b`` means "on" with (no ``w:val`` at all is on too).
ON_VALUES = {"1", "true", "on", None}


def parse_part(blob: bytes) -> etree._Element:
    """A part of the package parsed without entities, network or huge trees: the file is
    someone else's, and an XML bomb or an external entity must not reach the machine."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True
    )
    return etree.fromstring(blob, parser)


def nearest(el: etree._Element, tag: str) -> etree._Element | None:
    """The nearest ancestor of ``el`` with ``tag``: which table or paragraph it belongs to."""
    node = el.getparent()
    while node is not None and node.tag != tag:
        node = node.getparent()
    return node


def under(el: etree._Element, tag: str, stop: etree._Element) -> bool:
    """Whether an ancestor of ``el`` below ``stop`` has ``tag`` (e.g. a fallback copy)."""
    node = el.getparent()
    while node is not None and node is not stop:
        if node.tag == tag:
            return True
        node = node.getparent()
    return False
