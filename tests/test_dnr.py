"""Diary numbers: the standard form, the sloppy variants accepted, and what is refused."""

from __future__ import annotations

import pytest

from generator.dnr import DiaryNumber, normalise_references
from generator.exceptions import UsageError


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """Assert on the English msgids, whatever catalog is installed."""
    monkeypatch.setenv("LANGUAGE", "en")


def test_format_and_slug() -> None:
    number = DiaryNumber("RS", 2024, 784)
    assert str(number) == "RS 2024-00784"
    assert number.slug == "RS_2024-00784"
    assert str(DiaryNumber("SSN", 2025, 1)) == "SSN 2025-00001"


def test_ordering_is_prefix_year_serial() -> None:
    numbers = [DiaryNumber("SSN", 2024, 1), DiaryNumber("RS", 2025, 1), DiaryNumber("RS", 2024, 9)]
    assert [str(n) for n in sorted(numbers)] == ["RS 2024-00009", "RS 2025-00001", "SSN 2024-00001"]


@pytest.mark.parametrize(
    "text",
    [
        "RS 2024-00784",
        "RS 2024 – 00784",
        "RS 2024 — 00784",
        "RS 2024-784",
        "rs 2024-00784",
        "RS\u00a02024\u00a0\u2013\u00a000784",
        "RS\u202f2024-00784",
        "  RS 2024-00784\n",
        "RS2024-00784",
        "RS 2024\u2212784",
        "RS 2024-\u200b00784",
    ],
)
def test_parse_accepts_sloppy_variants(text: str) -> None:
    assert DiaryNumber.parse(text) == DiaryNumber("RS", 2024, 784)


def test_parse_swedish_letters_and_long_prefix() -> None:
    assert str(DiaryNumber.parse("säs 2023-12")) == "SÄS 2023-00012"
    assert str(DiaryNumber.parse("ABCDEF 2023-99999")) == "ABCDEF 2023-99999"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "RS",
        "RS 00784",
        "RS 24-00784",
        "RS 2024-00000",
        "RS 2024-0",
        "RS 2024-100000",
        "RS 2024-000784",
        "RS 2024-00A84",
        "RS 2024-",
        "2024-00784",
        "ABCDEFG 2024-00784",
        "R5 2024-00784",
        "RS 2019-03137-40",
        "RS 2019 – 03137 – 40",
        "Dnr RS 2024-00784",
    ],
)
def test_parse_refuses(text: str) -> None:
    with pytest.raises(UsageError) as info:
        DiaryNumber.parse(text)
    message = str(info.value)
    assert "RS 2024-00784" in message  # the expected form
    if text.strip():
        assert text in message  # the given text


def test_parse_suffix_message_names_the_suffix() -> None:
    with pytest.raises(UsageError, match="document suffix"):
        DiaryNumber.parse("RS 2019-03137-40")


@pytest.mark.parametrize(
    ("prefix", "year", "serial"),
    [("rs", 2024, 1), ("", 2024, 1), ("RS", 24, 1), ("RS", 2024, 0), ("RS", 2024, 100000)],
)
def test_constructor_validates(prefix: str, year: int, serial: int) -> None:
    with pytest.raises(UsageError):
        DiaryNumber(prefix, year, serial)


def test_references_in_text() -> None:
    text = (
        "Uppdraget ersätter RS 2024 – 00370 och bygger på RS 2019-3137-40.\n"
        "Se även SSN 2023-00012, RS 2024-00784 och RS2022-15.\n"
        "Korrekt: RS 2019-03137-40."
    )
    assert normalise_references(text) == [
        ("RS 2024 – 00370", "RS 2024-00370"),
        ("RS 2019-3137-40", "RS 2019-03137-40"),
        ("RS2022-15", "RS 2022-00015"),
    ]


def test_references_nbsp_and_en_dash_suffix() -> None:
    text = "Dnr RS\u00a02024-00784\u201340 gäller."
    assert normalise_references(text) == [
        ("RS\u00a02024-00784\u201340", "RS 2024-00784-40"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Beslutat 21 maj 2024-05-21.",  # lower-case word before a date
        "SKR 2024-05-21 gäller.",  # upper-case word before an ISO date
        "RUP 2024–2030 anger riktningen.",  # a year range
        "ISO 9001-2015",  # a standard, not a year
        "RS 2024-00784 – 5 möten per år",  # dash after a correct number is running text
        "rs 2024-784",  # lower-case prefix in running text is not taken for a reference
        "RS 2024-00000",  # no valid serial: nothing to propose
        "RS 2024-007845",  # six digits: not a reference
    ],
)
def test_references_ignore_lookalikes(text: str) -> None:
    assert normalise_references(text) == []


def test_references_each_occurrence_in_order() -> None:
    text = "RS 2024-1 och RS 2024-1 och SSN 2024 -2"
    assert normalise_references(text) == [
        ("RS 2024-1", "RS 2024-00001"),
        ("RS 2024-1", "RS 2024-00001"),
        ("SSN 2024 -2", "SSN 2024-00002"),
    ]
