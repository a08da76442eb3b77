"""Render a mandate into the bytes of a ``.docx``: the context the template sees, and the parts.

The template context is the document model in the shape the template loops over, with every
piece of inline text already turned into escaped run XML (see :mod:`generator.inline`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator import dates, inline
from generator.model import Mandate, Settings
from generator.template import CORE, CompiledTemplate, Links, core_xml, write_docx

DRAFT_DNR = "(tilldelas vid registrering)"


@dataclass(frozen=True)
class Stamp:
    """What makes one issue of a mandate: its date, number, decision date and predecessor."""

    date: dt.date
    dnr: str | None
    decided: dt.date | None = None
    supersedes: str | None = None

    @property
    def draft(self) -> bool:
        return self.dnr is None


def build_context(mandate: Mandate, settings: Settings, stamp: Stamp,
                  link_id: Callable[[str], str]) -> dict[str, Any]:
    body = []
    for item in mandate.body:
        entry: dict[str, Any] = {"kind": item.kind, "level": item.level, "label": item.label,
                                 "text": item.text}
        if item.kind != "heading":
            entry["runs"] = inline.runs(item.text, link_id,
                                        item.list_index if item.kind == "bullet" else None)
        body.append(entry)
    distribution_list = 1 + max((i.list_index for i in mandate.body), default=-1)
    return {
        "title_runs": inline.runs(settings.title, link_id),
        "core_title": f"{settings.title.replace(chr(10), ' ')} – {mandate.name}",
        "document_type": settings.document_type,
        "organisation": settings.organisation,
        "council_name": mandate.name,
        "responsibility": mandate.responsibility,
        "issuer": mandate.issuer,
        "recipient": mandate.recipient,
        "date_text": dates.iso(stamp.date),
        "dnr_text": stamp.dnr or DRAFT_DNR,
        "draft": stamp.draft,
        "supersedes": stamp.supersedes or "",
        "decided_text": dates.styled(stamp.decided, settings.date_style) if stamp.decided else "",
        "signatory_name": settings.signatory_name,
        "signatory_title": settings.signatory_title,
        "body": body,
        "distribution": [inline.runs(text, link_id, distribution_list)
                         for text in mandate.distribution],
    }


def render_docx(template: CompiledTemplate, mandate: Mandate, settings: Settings,
                stamp: Stamp) -> bytes:
    """The finished ``.docx`` as bytes; the same inputs always give the same bytes."""
    links = Links()
    context = build_context(mandate, settings, stamp, links.id_for)
    parts = template.render(context, links)
    parts[CORE] = core_xml(
        title=context["core_title"],
        subject=mandate.name,
        creator=settings.organisation,
        identifier=stamp.dnr or "",
        created=dates.iso(stamp.date),
    )
    return write_docx(template, parts)


DECISION_PLACEHOLDER = "(ifylls av beslutsfattaren vid godkännande)"


def fill_decision_date(docx: bytes, decided_text: str) -> bytes | None:
    """The decided version of an issued draft: the same document with the decision date in place
    of the placeholder, or None when the draft has no placeholder.

    The issued file is the record, so the decided version is made from it, not re-rendered from
    data that may have changed since.
    """
    import io
    import zipfile
    from xml.sax.saxutils import escape

    out = io.BytesIO()
    found = False
    with zipfile.ZipFile(io.BytesIO(docx)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            blob = zin.read(info.filename)
            if info.filename == "word/document.xml":
                text = blob.decode("utf-8")
                if text.count(DECISION_PLACEHOLDER) != 1:
                    return None
                found = True
                blob = text.replace(DECISION_PLACEHOLDER, escape(decided_text)).encode("utf-8")
            zout.writestr(info, blob, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue() if found else None
