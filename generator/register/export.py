"""Flat rows of the register for JSON, CSV and the official diarium."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from generator.register.records import (
    Issue,
)

# -- export ------------------------------------------------------------------------------------


ISSUE_COLUMNS = (
    "dnr",
    "council",
    "date",
    "decided",
    "status",
    "subject",
    "path",
    "sha256",
    "supersedes",
    "superseded_by",
    "reason",
)


#: The columns of ``register list --format csv`` as a spreadsheet shows them: the registrar's
#: words, the same in every language (a saved spreadsheet's columns must not change with the
#: reader's locale), named like those of the diarium export.
ISSUE_CSV_HEADERS = {
    "dnr": "Diarienummer",
    "council": "Råd",
    "date": "Datum",
    "decided": "Beslutsdatum",
    "status": "Status",
    "subject": "Ärendemening",
    "path": "Fil",
    "sha256": "SHA-256",
    "supersedes": "Ersätter",
    "superseded_by": "Ersatt av",
    "reason": "Skäl",
}


def issues_as_csv_rows(issues: list[Issue]) -> list[dict[str, Any]]:
    """Rows for ``register list --format csv``: :func:`issues_as_dicts` under Swedish headers."""
    return [
        {ISSUE_CSV_HEADERS[key]: value for key, value in row.items()}
        for row in issues_as_dicts(issues)
    ]


def issues_as_dicts(issues: list[Issue]) -> list[dict[str, Any]]:
    """Flat dictionaries for JSON and CSV output (files are summarised by the newest one)."""
    return [
        {
            "dnr": issue.dnr,
            "council": issue.council,
            "date": issue.date,
            "decided": issue.decided,
            "status": issue.status,
            "subject": issue.subject,
            "path": issue.path,
            "sha256": issue.sha256,
            "supersedes": issue.supersedes,
            "superseded_by": issue.superseded_by,
            "reason": issue.reason,
        }
        for issue in issues
    ]


DIARIUM_COLUMNS = (
    "Diarienummer",
    "Datum",
    "Ärendemening",
    "Dokumenttyp",
    "Avsändare",
    "Mottagare",
    "Status",
    "Beslutsdatum",
    "Ersätter",
    "Ersatt av",
    "Makuleringsskäl",
)


def diarium_csv_rows(
    issues: list[Issue],
    document_type: str,
    sender: str,
    recipient_of: Callable[[Issue], str],
) -> list[dict[str, str]]:
    """Rows for import into the official diarium, which by law records date, number, parties and
    subject; the caller chooses which issues to export (e.g. leaves out pending ones)."""
    return [
        {
            "Diarienummer": issue.dnr,
            "Datum": issue.date,
            "Ärendemening": issue.subject,
            "Dokumenttyp": document_type,
            "Avsändare": sender,
            "Mottagare": recipient_of(issue),
            "Status": issue.status,
            "Beslutsdatum": issue.decided or "",
            "Ersätter": issue.supersedes or "",
            "Ersatt av": issue.superseded_by or "",
            # The reason column holds why a number was voided, or why it was replaced.
            "Makuleringsskäl": (issue.reason or "") if issue.status == "makulerad" else "",
        }
        for issue in issues
    ]
