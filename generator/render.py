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
