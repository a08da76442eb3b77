"""Build ``templates/uppdragshandling.docx``, the docxtpl template of an uppdragshandling.

The committed template is the source of truth: a secretary may open it in Word or LibreOffice and
restyle it (fonts, spacing, heading look) without touching the ``{{ … }}`` tags.  This script
regenerates it from scratch, so that the layout is reviewable as code:

    .venv/bin/python templates/build_template.py

The template mirrors the layout of the region's mandates: title; head block (Datum, Diarienummer,
organisation, council, Ansvarsområde, Uppdragsgivare, Uppdragstagare); then the body (intro and
sections, which come from the data so that a council can add sections without template changes);
Datum för beslut; signature; Uppdraget skickas till.
"""

from __future__ import annotations

import copy
import re
import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor, Twips

HERE = Path(__file__).resolve().parent
TARGET = HERE / "uppdragshandling.docx"
LANGUAGE = "sv-SE"


def tag_paragraph(doc, text: str) -> None:
    """A paragraph holding only a ``{%p … %}`` tag: docxtpl removes the paragraph when rendering."""
    doc.add_paragraph(text)


def labelled(doc, label: str, value: str, style: str | None = None):
    """``Label: value`` with the label in bold, as the head block and fields are set."""
    p = doc.add_paragraph(style=style)
    p.paragraph_format.space_after = Pt(2)
    p.add_run(f"{label}:").bold = True
    p.add_run(f" {value}")
    return p


def field_run(paragraph, instruction: str, placeholder: str) -> None:
    """A complex field (PAGE, NUMPAGES) that Word and LibreOffice update when laying out pages."""

    def run_with(child):
        r = OxmlElement("w:r")
        r.append(child)
        paragraph._p.append(r)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    t = OxmlElement("w:t")
    t.text = placeholder
    run_with(t)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def set_language(doc) -> None:
    """sv-SE as the document language, in the style defaults (spell-checking, screen readers)."""
    styles = doc.styles.element
    rpr_default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr_default.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr_default.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)
    lang.set(qn("w:bidi"), "ar-SA")
    settings = doc.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), LANGUAGE)


def style_fonts(doc) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(8)
    normal.paragraph_format.line_spacing = 1.1
    for name, size, before in (("Title", 20, 0), ("Heading 1", 14, 14), ("Heading 2", 12, 10)):
        style = doc.styles[name]
        style.font.name = "Calibri"
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(6)
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is not None:
            for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                fonts.attrib.pop(qn(attr), None)
    title = doc.styles["Title"]
    ppr = title.element.get_or_add_pPr()
    border = ppr.find(qn("w:pBdr"))
    if border is not None:
        ppr.remove(border)
    title.paragraph_format.space_after = Pt(18)


def page_setup(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)

    # The Header/Footer styles carry Word's default centre (4680) and right (9360) tab stops;
    # clear them so the one right-aligned stop at the text edge is the one used.
    for style_name in ("Header", "Footer"):
        stops = doc.styles[style_name].paragraph_format.tab_stops
        for pos in (4680, 9360):
            stops.add_tab_stop(Twips(pos), WD_TAB_ALIGNMENT.CLEAR)
    header = section.header.paragraphs[0]
    header.paragraph_format.tab_stops.add_tab_stop(Cm(16.0), WD_TAB_ALIGNMENT.RIGHT)
    header.add_run("{{ organisation }}")
    header.add_run("\t")
    header.add_run("{% if draft %}UTKAST – {% endif %}Diarienummer: {{ dnr_text }}")

    footer = section.footer.paragraphs[0]
    footer.paragraph_format.tab_stops.add_tab_stop(Cm(16.0), WD_TAB_ALIGNMENT.RIGHT)
    footer.add_run("{{ document_type }}, {{ council_name }}")
    footer.add_run("\tSida ")
    field_run(footer, "PAGE", "1")
    footer.add_run(" av ")
    field_run(footer, "NUMPAGES", "1")


def body(doc) -> None:
    doc.add_paragraph("{{r title_runs }}", style="Title")

    labelled(doc, "Datum", "{{ date_text }}")
    labelled(doc, "Diarienummer", "{{ dnr_text }}")
    tag_paragraph(doc, "{%p if supersedes %}")
    labelled(doc, "Ersätter", "{{ supersedes }}")
    tag_paragraph(doc, "{%p endif %}")
    doc.add_paragraph("{{ organisation }}").paragraph_format.space_after = Pt(2)
    council = doc.add_paragraph()
    council.paragraph_format.space_after = Pt(2)
    council.add_run("{{ council_name }}").bold = True
    labelled(doc, "Ansvarsområde", "{{ responsibility }}")
    labelled(doc, "Uppdragsgivare", "{{ issuer }}")
    labelled(doc, "Uppdragstagare", "{{ recipient }}").paragraph_format.space_after = Pt(14)

    # The body: intro, sections and sub-sections, flattened by the generator.
    tag_paragraph(doc, "{%p for item in body %}")
    tag_paragraph(doc, '{%p if item.kind == "heading" and item.level == 1 %}')
    doc.add_paragraph("{{ item.text }}", style="Heading 1")
    tag_paragraph(doc, '{%p elif item.kind == "heading" %}')
    doc.add_paragraph("{{ item.text }}", style="Heading 2")
    tag_paragraph(doc, '{%p elif item.kind == "bullet" %}')
    doc.add_paragraph("{{r item.runs }}", style="List Bullet")
    tag_paragraph(doc, '{%p elif item.kind == "field" %}')
    field = doc.add_paragraph()
    field.add_run("{{ item.label }}:").bold = True
    field.add_run(" ")
    field.add_run("{{r item.runs }}")
    tag_paragraph(doc, "{%p else %}")
    doc.add_paragraph("{{r item.runs }}")
    tag_paragraph(doc, "{%p endif %}")
    tag_paragraph(doc, "{%p endfor %}")

    decision = doc.add_paragraph()
    decision.paragraph_format.space_before = Pt(18)
    decision.add_run("Datum för beslut:").bold = True
    decision.add_run(
        " {% if decided_text %}{{ decided_text }}{% else %}"
        "(ifylls av beslutsfattaren vid godkännande){% endif %}"
    )

    signature = doc.add_paragraph()
    signature.paragraph_format.space_before = Pt(18)
    signature.add_run("{{ signatory_name }}")
    signature.add_run().add_break()
    signature.add_run("{{ signatory_title }}")

    doc.add_paragraph("Uppdraget skickas till", style="Heading 1")
    tag_paragraph(doc, "{%p for line in distribution %}")
    doc.add_paragraph("{{r line }}", style="List Bullet")
    tag_paragraph(doc, "{%p endfor %}")


def core_properties(doc) -> None:
    props = doc.core_properties
    props.title = "{{ core_title }}"
    props.subject = "{{ council_name }}"
    props.author = "{{ organisation }}"
    props.language = LANGUAGE
    props.comments = ""
    props.keywords = ""
    props.last_modified_by = "uppdrag"
    props.revision = 1


def build(target: Path = TARGET) -> Path:
    doc = Document()
    set_language(doc)
    style_fonts(doc)
    page_setup(doc)
    # python-docx starts with one empty paragraph in some versions; start clean.
    for p in list(doc.paragraphs):
        p._p.getparent().remove(p._p)
    body(doc)
    core_properties(doc)
    doc.save(target)
    _strip_extras(target)
    return target


def _strip_extras(path: Path) -> None:
    """Leave out what python-docx's stock document carries that does not belong to this one.

    - the stock thumbnail;
    - ``word/stylesWithEffects.xml``, Word 2010's second copy of the styles: the stock one no
      longer matches ``styles.xml`` once the styles are set here (Header/Footer missing,
      Heading 1/2, Normal and Title different), and Word 2013 and later neither need nor write it;
    - ``docProps/app.xml`` claiming "Microsoft Macintosh Word", 1 page and 0 words: it names
      the product instead (rendering writes the same, see ``generator.docx_parts``);
    - ``<w:zoom w:val="bestFit"/>`` lacks its required ``w:percent``.
    """
    import zipfile

    sys.path.insert(0, str(HERE.parent))
    from generator.docx_parts import app_xml, with_zoom_percent

    data = {}
    with zipfile.ZipFile(path) as zin:
        for info in zin.infolist():
            data[info.filename] = (copy.copy(info), zin.read(info.filename))
    out: dict[str, tuple[zipfile.ZipInfo, bytes]] = {}
    for name, (info, blob) in data.items():
        if name in ("docProps/thumbnail.jpeg", "word/stylesWithEffects.xml"):
            continue
        if name == "_rels/.rels":
            blob = re.sub(rb"<Relationship [^>]*thumbnail[^>]*/>", b"", blob)
        if name == "word/_rels/document.xml.rels":
            blob = re.sub(rb"<Relationship [^>]*stylesWithEffects[^>]*/>", b"", blob)
        if name == "[Content_Types].xml":
            blob = blob.replace(b'<Default Extension="jpeg" ContentType="image/jpeg"/>', b"")
            blob = re.sub(rb"<Override [^>]*stylesWithEffects[^>]*/>", b"", blob)
        if name == "docProps/app.xml":
            blob = app_xml()
        if name == "word/settings.xml":
            blob = with_zoom_percent(blob)
        out[name] = (info, blob)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, (_info, blob) in out.items():
            zout.writestr(name, blob, compress_type=zipfile.ZIP_DEFLATED)


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else TARGET))
