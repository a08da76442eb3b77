"""Dates as the region writes them, through Babel's Swedish locale data.

The head block uses ISO dates (``2024-05-21``), which Swedish guidance accepts for dating
documents; running text may use the long form (``21 maj 2024``) when the settings ask for it.
"Today" is today in Stockholm, whatever the machine's time zone.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel.dates import format_date

from generator.exceptions import UsageError
from generator.i18n import _

TIME_ZONE = ZoneInfo("Europe/Stockholm")
LOCALE = "sv_SE"


def today() -> dt.date:
    return dt.datetime.now(TIME_ZONE).date()


def parse_date(text: str, option: str) -> dt.date:
    """``YYYY-MM-DD`` or a clear error naming the option."""
    try:
        if len(text) != 10:
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            _(
                "{option}: '{value}' is not a date; write it as YYYY-MM-DD, for example 2024-05-21"
            ).format(option=option, value=text)
        ) from None


def iso(date: dt.date) -> str:
    return format_date(date, "yyyy-MM-dd", locale=LOCALE)


def long_form(date: dt.date) -> str:
    """``21 maj 2024``."""
    return format_date(date, "d MMMM y", locale=LOCALE)


def styled(date: dt.date, style: str) -> str:
    return long_form(date) if style == "lång" else iso(date)


def local_time(timestamp: str) -> str:
    """A recorded time (ISO, stored in UTC) as a person reads a clock: Swedish time, minutes;
    a text that is no time is shown as it is."""
    try:
        moment = dt.datetime.fromisoformat(timestamp)
    except ValueError:
        return timestamp
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(TIME_ZONE).strftime("%Y-%m-%d %H:%M")
