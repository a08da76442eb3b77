"""What the register, library, import and job tests share: issued mandates and another role."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from generator import issuing
from generator.command import Written
from generator.web import access
from generator.workspace import Workspace


def issue_all(root: Path, date: dt.date = dt.date(2026, 1, 5)) -> list[Written]:
    """Every council of the workspace issued, as ``uppdrag render`` does."""
    return issuing.render(Workspace(root), [], date=date)


def act_as(monkeypatch: pytest.MonkeyPatch, role: str) -> None:
    """Make every request of the test come from a person with only ``role``."""
    monkeypatch.setattr(access, "_loader", lambda: access.User(f"prov-{role}", role))


_DNR_LINK = re.compile(r'href="/diarium/nummer/([^"/]+)"')


def dnr_links(html: str) -> list[str]:
    from urllib.parse import unquote

    return [unquote(m) for m in _DNR_LINK.findall(html)]
