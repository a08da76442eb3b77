"""Render a mandate into the bytes of a ``.docx``: the context the template sees, and the parts.

The template context is the document model in the shape the template loops over, with every
piece of inline text already turned into escaped run XML (see :mod:`generator.inline`).

A batch renders the same clause texts over and over, so the run XML of a text without links and
the formatted dates are remembered (bounded caches; Babel formats a date in ~15 µs); a text with a
link is always converted anew, since its relationship id belongs to the document being rendered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from markupsafe import Markup

from generator import dates, inline
from generator.docx_parts import CORE, Links, core_xml
from generator.docx_zip import write_docx
from generator.model import Mandate, Settings
from generator.template import CompiledTemplate

DRAFT_DNR = "(tilldelas vid registrering)"
#: The names a template can use: the keys of :func:`build_context` (a test keeps them in step).
#: The template check (:mod:`generator.lint`) knows them without any council's data.
CONTEXT_NAMES = frozenset(
    {
        "title_runs",
        "core_title",
        "document_type",
        "organisation",
        "council_name",
        "responsibility",
        "issuer",
        "recipient",
        "date_text",
        "dnr_text",
        "draft",
        "supersedes",
        "decided_text",
        "signatory_name",
        "signatory_title",
        "body",
        "distribution",
    }
)


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


_CACHE_SIZE = 4096
_runs_cache: dict[tuple[str, int | None], Markup] = {}


def _runs(text: str, link_id: Callable[[str], str], list_index: int | None = None) -> Markup:
    """:func:`inline.runs`, remembered for texts that hold no link.

    Whether a text holds a link is what :func:`inline.runs` itself finds: a text for which it asks
    ``link_id`` is never remembered, since the relationship id belongs to one document.  The
    cache is a plain dict, emptied when full: a batch cycles through a few hundred clause texts.
    """
    key = (text, list_index)
    found = _runs_cache.get(key)
    if found is not None:
        return found
    linked = False

    def recording(url: str) -> str:
        nonlocal linked
        linked = True
        return link_id(url)

    result = inline.runs(text, recording, list_index)
    if not linked:
        if len(_runs_cache) >= _CACHE_SIZE:
            _runs_cache.clear()
        _runs_cache[key] = result
    return result


_iso = lru_cache(maxsize=_CACHE_SIZE)(dates.iso)
_styled = lru_cache(maxsize=_CACHE_SIZE)(dates.styled)


def build_context(
    mandate: Mandate, settings: Settings, stamp: Stamp, link_id: Callable[[str], str]
) -> dict[str, Any]:
    """The template context; ``link_id(url)`` gives a link's relationship id in the document.

    ``link_id`` is a parameter so that the same context renders through docxtpl as well
    (``DocxTemplate.build_url_id``), which is how the equivalence test and the benchmark compare
    the product's path with plain docxtpl.
    """
    body = []
    for item in mandate.body:
        entry: dict[str, Any] = {
            "kind": item.kind,
            "level": item.level,
            "label": item.label,
            "text": item.text,
        }
        if item.kind != "heading":
            entry["runs"] = _runs(
                item.text, link_id, item.list_index if item.kind == "bullet" else None
            )
        body.append(entry)
    distribution_list = 1 + max((i.list_index for i in mandate.body), default=-1)
    return {
        "title_runs": _runs(settings.title, link_id),
        "core_title": f"{settings.title.replace(chr(10), ' ')} – {mandate.name}",
        "document_type": settings.document_type,
        "organisation": settings.organisation,
        "council_name": mandate.name,
        "responsibility": mandate.responsibility,
        "issuer": mandate.issuer,
        "recipient": mandate.recipient,
        "date_text": _iso(stamp.date),
        "dnr_text": stamp.dnr or DRAFT_DNR,
        "draft": stamp.draft,
        "supersedes": stamp.supersedes or "",
        "decided_text": _styled(stamp.decided, settings.date_style) if stamp.decided else "",
        "signatory_name": settings.signatory_name,
        "signatory_title": settings.signatory_title,
        "body": body,
        "distribution": [_runs(text, link_id, distribution_list) for text in mandate.distribution],
    }


def render_parts(
    template: CompiledTemplate, mandate: Mandate, settings: Settings, stamp: Stamp
) -> dict[str, bytes]:
    """The parts of the document, by name, before they are zipped (see :func:`render_docx`).

    A re-issue that only needs to read what a document says (``word/document.xml``) before its
    number is known takes the parts rather than zipping a document and unzipping it again.
    """
    links = Links()
    context = build_context(mandate, settings, stamp, links.id_for)
    parts = template.render(context, links)
    parts[CORE] = core_xml(
        title=context["core_title"],
        subject=mandate.name,
        creator=settings.organisation,
        identifier=stamp.dnr or "",
        created=_iso(stamp.date),
    )
    return parts


def render_docx(
    template: CompiledTemplate, mandate: Mandate, settings: Settings, stamp: Stamp
) -> bytes:
    """The finished ``.docx`` as bytes; the same inputs always give the same bytes."""
    return write_docx(template, render_parts(template, mandate, settings, stamp))


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
