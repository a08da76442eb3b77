"""The mandate as HTML, beside the editor: the same merged model the Word document is made of.

Rendering the ``.docx`` and converting it to show it would take LibreOffice seconds; the HTML
here is made from the :class:`~generator.model.Mandate` in about a millisecond, so it can follow
every save.  It reads like the document: title, head, the body in order, the signature and the
distribution list.  Every text is escaped; only ``[text](https://…)`` becomes a link.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from markupsafe import Markup, escape

from generator import dates
from generator.editing import shared
from generator.inline import LINK
from generator.mandate import load_mandate
from generator.model import Mandate, Settings
from generator.render import DECISION_PLACEHOLDER, DRAFT_DNR
from generator.workspace import Workspace


def inline_html(text: str) -> Markup:
    """One text as HTML: escaped, line breaks as ``<br>``, links as ``<a>``."""
    out: list[str] = []
    pos = 0
    for match in LINK.finditer(text):
        out.append(str(escape(text[pos : match.start()])))
        out.append(
            f'<a href="{escape(match.group(2))}" rel="noopener noreferrer">'
            f"{escape(match.group(1))}</a>"
        )
        pos = match.end()
    out.append(str(escape(text[pos:])))
    return Markup("".join(out).replace("\n", "<br>"))


def mandate_html(
    mandate: Mandate, settings: Settings, date: dt.date | None = None, heading_level: int = 2
) -> Markup:
    """The mandate as an HTML fragment; document headings start at ``heading_level``."""
    date = date or dates.today()
    top = min(heading_level, 6)
    out = [
        '<div class="mandate-preview">',
        f'<p class="doc-title">{inline_html(settings.title)}</p>',
        f"<p>Datum: {escape(dates.iso(date))}</p>",
        f"<p>Diarienummer: {escape(DRAFT_DNR)}</p>",
        f"<p>{escape(settings.organisation)}</p>",
        f'<h{top} class="doc-name">{escape(mandate.name)}</h{top}>',
        f"<p>Ansvarsområde: {inline_html(mandate.responsibility)}</p>",
        f"<p>Uppdragsgivare: {inline_html(mandate.issuer)}</p>",
        f"<p>Uppdragstagare: {inline_html(mandate.recipient)}</p>",
    ]
    open_list: int | None = None
    for item in mandate.body:
        if item.kind == "bullet":
            if open_list != item.list_index:
                if open_list is not None:
                    out.append("</ul>")
                out.append("<ul>")
                open_list = item.list_index
            out.append(f"<li>{inline_html(item.text)}</li>")
            continue
        if open_list is not None:
            out.append("</ul>")
            open_list = None
        if item.kind == "heading":
            level = min(top + item.level, 6)
            out.append(f"<h{level}>{escape(item.text)}</h{level}>")
        elif item.kind == "field":
            out.append(f"<p><strong>{escape(item.label)}:</strong> {inline_html(item.text)}</p>")
        else:
            out.append(f"<p>{inline_html(item.text)}</p>")
    if open_list is not None:
        out.append("</ul>")
    out.append(f"<p>Datum för beslut: {escape(DECISION_PLACEHOLDER)}</p>")
    out.append(
        f'<p class="doc-signature">{escape(settings.signatory_name)}<br>'
        f"{escape(settings.signatory_title)}</p>"
    )
    if mandate.distribution:
        level = min(top + 1, 6)
        out.append(f"<h{level}>Uppdraget skickas till</h{level}>")
        out.append("<ul>")
        out.extend(f"<li>{inline_html(text)}</li>" for text in mandate.distribution)
        out.append("</ul>")
    out.append("</div>")
    return Markup("\n".join(out))


def council_preview(workspace: Workspace, path: Path) -> Markup:
    """The preview of the council file ``path`` as it is saved (DataError when it has problems)."""
    settings = shared.settings(workspace)
    mandate = load_mandate(path, shared.library(workspace), settings)
    return mandate_html(mandate, settings, heading_level=3)
