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
        }
        for issue in issues
    ]
