"""What each paragraph of a document is: head block, body, decision date, signature or
distribution list, and the head-block values.

Both readers end here (:func:`assemble_source`), so a .docx and its text export are understood
alike.  A paragraph that cannot be placed is a problem of the :class:`~.source.Source`, raised
with everything else by :func:`~.convert.to_council`, never dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from generator.exceptions import UsageError
from generator.i18n import _
from generator.importer.source import Paragraph, Source, fold, key
from generator.model import Settings
from generator.workspace import Library

# ---------------------------------------------------------------------------------------------
# Words of the documents (Swedish text, not user-interface messages)
# ---------------------------------------------------------------------------------------------

DISTRIBUTION_TITLE = "Uppdraget skickas till"
DECISION_LABEL = "Datum för beslut"
DECISION_PLACEHOLDER = "(ifylls av beslutsfattaren vid godkännande)"
DRAFT_DNR = "(tilldelas vid registrering)"
#: Labels of the head block, by what they hold.
HEAD_LABELS = {
    "datum": "date",
    "diarienummer": "dnr",
    "diarienr": "dnr",
    "dnr": "dnr",
    "ersätter": "supersedes",
    "ansvarsområde": "responsibility",
    "uppdragsgivare": "issuer",
    "uppdragstagare": "recipient",
}
#: Standard sub-sections: a plain title line in a text export does not say its level.
SUBSECTIONS = {"beslutsordning": ("rapportering", "beslutsfattande")}
_MONTHS = {
    m: i
    for i, m in enumerate(
        (
            "januari",
            "februari",
            "mars",
            "april",
            "maj",
            "juni",
            "juli",
            "augusti",
            "september",
            "oktober",
            "november",
            "december",
        ),
        start=1,
    )
}


def _parse_date(text: str) -> dt.date | None:
    """``2024-05-21`` or ``21 maj 2024``; None when the text is not a date."""
    text = fold(text).rstrip(".")
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
        m = re.fullmatch(r"(\d{1,2}) ([a-zåäö]+) (\d{4})", text.lower())
        if m and m.group(2) in _MONTHS:
            return dt.date(int(m.group(3)), _MONTHS[m.group(2)], int(m.group(1)))
    except ValueError:
        return None
    return None


# ---------------------------------------------------------------------------------------------
# Roles: head block, body, decision date, signature, distribution list
# ---------------------------------------------------------------------------------------------


def _label_value(piece: str) -> tuple[str, str] | None:
    """("dnr", "RS 2024-00784") for ``Diarienummer: RS 2024-00784`` (also after "UTKAST – ")."""
    m = re.fullmatch(r"(?:UTKAST\s*[-–—]\s*)?([^\W\d][\w .]*?)\s*:\s*(.*)", piece, re.IGNORECASE)
    if not m:
        return None
    what = HEAD_LABELS.get(m.group(1).strip().lower().rstrip("."))
    return (what, m.group(2).strip()) if what else None


def assemble_source(
    path: Path,
    display: str,
    paragraphs: list[Paragraph],
    header: list[Paragraph],
    settings: Settings | None,
    library: Library | None,
    notes: list[str],
) -> Source:
    """Give every paragraph its role and collect the head-block values."""
    source = Source(path=path, display=display, paragraphs=header + paragraphs, notes=list(notes))
    for p in header:
        p.role = "header"
    if library is not None:
        mark_section_titles(paragraphs, library)
    # The head block of the body ends with its last head label before the first section.
    first_heading = next(
        (i for i, p in enumerate(paragraphs) if p.kind == "heading" or _is_distribution_title(p)),
        len(paragraphs),
    )
    head_end = -1
    for i, p in enumerate(paragraphs[:first_heading]):
        if any(_label_value(x) for x in p.pieces):
            head_end = i
    while (
        0 <= head_end < first_heading - 1
        and paragraphs[head_end].pieces
        and (_label_value(paragraphs[head_end].pieces[-1]) or ("", "x"))[1] == ""
    ):
        head_end += 1  # "Uppdragstagare:" in one table cell, its value in the next
    if head_end < 0 and paragraphs and _looks_like_title(paragraphs[0], settings):
        head_end = 0  # the head block is elsewhere (page header); only the title is here
    for p in paragraphs[: head_end + 1]:
        p.role = "head"
    _read_head(source, paragraphs[: head_end + 1], header, settings)
    _read_tail(source, paragraphs[head_end + 1 :], settings)
    return source


def _is_distribution_title(p: Paragraph) -> bool:
    return (
        p.kind != "bullet"
        and "\n" not in p.text
        and fold(p.text).rstrip(":").casefold() == DISTRIBUTION_TITLE.casefold()
    )


def _looks_like_title(p: Paragraph, settings: Settings | None) -> bool:
    """The document title ("Uppdragshandling för samordningsråd"), which the settings hold."""
    if p.kind != "plain" or any(_label_value(x) for x in p.pieces):
        return False
    if p.style.lower() == "title":
        return True
    if settings is not None and key(p.text) == key(settings.title):
        return True
    return p.bold and fold(p.text).lower().startswith("uppdragshandling")


def _head_lines(
    paragraphs: list[Paragraph],
    source: Source,
    strict: bool,
    values: dict[str, tuple[str, Paragraph]],
) -> list[tuple[str, Paragraph]]:
    """Labelled values into ``values``; the unlabelled lines are returned."""
    unlabelled: list[tuple[str, Paragraph]] = []
    pieces = [(piece, p) for p in paragraphs for piece in p.pieces]
    i = 0
    while i < len(pieces):
        piece, p = pieces[i]
        found = _label_value(piece)
        if found and not found[1] and i + 1 < len(pieces) and not _label_value(pieces[i + 1][0]):
            found = (found[0], pieces[i + 1][0])  # "Datum:" | "2024-05-21" in two table cells
            i += 1
        if found:
            what, value = found
            if what not in values or not values[what][0]:
                values[what] = (value, p)
            elif value and fold(values[what][0]) != fold(value) and strict:
                source.problem(
                    p,
                    _(
                        "the head block gives two different values for {label}: "
                        "{first!r} and {second!r}"
                    ).format(label=what, first=values[what][0], second=value),
                )
        elif strict or not re.fullmatch(r"(?i)(sida )?\d+( (av|\() ?\d+\)?)?", piece):
            unlabelled.append((piece, p))
        i += 1
    return unlabelled


def _read_head(
    source: Source, head: list[Paragraph], header: list[Paragraph], settings: Settings | None
) -> None:
    """Title, date, number, organisation, council and the three head fields."""
    values: dict[str, tuple[str, Paragraph]] = {}
    rest: dict[bool, list[Paragraph]] = {True: [], False: []}
    for strict, paragraphs in ((True, head), (False, header)):
        for p in paragraphs:
            if source.title is None and _looks_like_title(p, settings):
                source.title = p.text
            else:
                rest[strict].append(p)
    body_lines = _dedupe(_head_lines(rest[True], source, True, values))
    seen = {fold(text).casefold() for text, _p in body_lines}
    header_lines = [
        x
        for x in _dedupe(_head_lines(rest[False], source, False, values))
        if fold(x[0]).casefold() not in seen
    ]
    # The unlabelled lines are the organisation and the council's name, in that order.
    org_name = fold(settings.organisation).casefold() if settings else None
    for lines, strict in ((body_lines, True), (header_lines, False)):
        remaining = list(lines)
        org = next((x for x in remaining if fold(x[0]).casefold() == org_name), None)
        if org is None and source.organisation is None and len(remaining) >= 2:
            org = remaining[0]
        if org is not None:
            source.organisation = source.organisation or org[0]
            remaining.remove(org)
        if source.council is None and remaining:
            source.council = fold(remaining.pop(0)[0])
        for text, p in remaining:
            if strict:
                source.problem(p, _("this line of the head block is not understood"))
            else:
                source.notes.append(
                    _("{file}: the page header line {text!r} is not imported").format(
                        file=source.display, text=text
                    )
                )
    if "date" in values:
        source.date = _parse_date(values["date"][0])
        if source.date is None:
            source.problem(values["date"][1], _("the date is not a date (YYYY-MM-DD)"))
    if "dnr" in values:
        raw = fold(values["dnr"][0])
        if raw and raw.casefold() != DRAFT_DNR.casefold():
            from generator.dnr import DiaryNumber

            try:
                source.dnr = str(DiaryNumber.parse(raw))
            except UsageError:
                source.dnr = raw
                source.notes.append(
                    _("{file}: the diary number {dnr!r} is not in the standard form").format(
                        file=source.display, dnr=raw
                    )
                )
    if "supersedes" in values:
        source.supersedes = fold(values["supersedes"][0])
    for what in ("responsibility", "issuer", "recipient"):
        if what in values:
            setattr(source, what, fold(values[what][0]))


def _dedupe(lines: list[tuple[str, Paragraph]]) -> list[tuple[str, Paragraph]]:
    """The organisation stands in the page header and in the head block: once is enough."""
    seen: set[str] = set()
    out = []
    for text, p in lines:
        k = fold(text).casefold()
        if k not in seen:
            seen.add(k)
            out.append((text, p))
    return out


def _read_tail(source: Source, rest: list[Paragraph], settings: Settings | None) -> None:
    """Decision date, signature and distribution list: the end of the document."""
    dist = None
    for i, p in enumerate(rest):
        if _is_distribution_title(p):
            dist = i
    end = dist if dist is not None else len(rest)
    decision = None
    for i, p in enumerate(rest[:end]):
        if p.kind == "plain" and fold(p.text).casefold().startswith(DECISION_LABEL.casefold()):
            decision = i
    lines: list[str] = []
    signature: list[Paragraph] = []
    if decision is not None:
        p = rest[decision]
        p.role = "decision"
        source.decision_found = True
        first, _sep, after = p.text.partition("\n")
        lines = [x for x in after.split("\n") if x.strip()]
        value = fold(first[len(DECISION_LABEL) :].lstrip(" :"))
        if value.startswith("(") or not value:
            if value and value.casefold() != DECISION_PLACEHOLDER.casefold():
                source.notes.append(
                    _("{file}: the decision date {text!r} is read as not yet decided").format(
                        file=source.display, text=value
                    )
                )
        else:
            source.decided = _parse_date(value)
            if source.decided is None:
                source.problem(p, _("the decision date is not a date (YYYY-MM-DD)"))
        signature = rest[decision + 1 : end]
    else:
        source.notes.append(
            _("{file}: there is no '{label}' line; the rendered document will have one").format(
                file=source.display, label=DECISION_LABEL
            )
        )
        if settings is not None:
            start = next(
                (
                    i
                    for i in range(end - 1, -1, -1)
                    if rest[i].kind == "plain"
                    and fold(rest[i].text.split("\n")[0]) == fold(settings.signatory_name)
                ),
                None,
            )
            if start is not None:
                signature = rest[start:end]
    for p in signature:
        p.role = "signature"
        if p.kind == "heading":
            source.problem(
                p, _("a heading between the signature and the distribution list is not understood")
            )
        lines.extend(x for x in p.text.split("\n") if x.strip())
    source.signature = [fold(x) for x in lines]
    if len(source.signature) > 2:
        where = signature[-1] if signature else rest[decision] if decision is not None else None
        source.problem(
            where,
            _("the signature has more than two lines (name and title); the rest would be lost"),
        )
    if dist is not None:
        rest[dist].role = "distribution-title"
        for p in rest[dist + 1 :]:
            if p.kind == "heading":
                source.problem(p, _("a heading after the distribution list is not understood"))
                p.role = "ignored"
            else:
                p.role = "distribution"


def mark_section_titles(paragraphs: list[Paragraph], library: Library) -> None:
    """A plain line equal to a section title is a heading; a standard sub-section (Rapportering
    under Beslutsordning) is then at level 2, since a text export does not show levels."""
    titles = {fold(t).casefold(): k for k, t in library.titles.items()}
    current: str | None = None
    for p in paragraphs:
        if p.role != "body":
            continue
        section_key = titles.get(fold(p.text).casefold()) if "\n" not in p.text else None
        if p.kind == "plain" and section_key is not None:
            p.kind = "heading"
            sub = current is not None and section_key in SUBSECTIONS.get(current, ())
            p.level = 2 if sub else 1
        if p.kind == "heading" and p.level == 1:
            current = section_key
