"""Report dates: ISO text in, a checked date or range out (no I/O)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

DEFAULT_DAYS = 30
"""A report with no start date covers this many days up to its end date."""

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


class PeriodError(ValueError):
    """A date or range a report cannot use; the message says why in plain words."""


def parse_day(text: str, label: str) -> date:
    """`text` as a YYYY-MM-DD date; `label` names the field in the message."""
    value = text.strip()
    if not _ISO.fullmatch(value):
        raise PeriodError(f"{label} {value!r} is not a date: use YYYY-MM-DD, e.g. 2026-11-02")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PeriodError(f"{label} {value!r} is not a real day of the calendar") from None


def parse_optional_day(text: str | None, label: str) -> date | None:
    """Like `parse_day`, but blank or None means "not given"."""
    if text is None or not text.strip():
        return None
    return parse_day(text, label)


def check_as_of(as_of: date | None, today: date) -> date:
    """The as-of date to use (today when not given); a date after today is refused."""
    if as_of is None:
        return today
    if as_of > today:
        raise PeriodError(f"The as-of date {as_of} is in the future (today is {today})")
    return as_of


def resolve_range(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """(start, end), both inclusive: the end defaults to today, the start to DEFAULT_DAYS
    days ending on the end date. An end after today, or a start after the end, is refused."""
    if end is not None and end > today:
        raise PeriodError(f"The end date {end} is in the future (today is {today})")
    last = end or today
    first = start or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise PeriodError(f"The start date {first} is after the end date {last}")
    return first, last


def day_start(day: date) -> datetime:
    """00:00 UTC of `day`: reports read timestamps in UTC days."""
    return datetime.combine(day, time(), UTC)
