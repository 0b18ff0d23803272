"""Follow-up rules with no I/O: next-action dates typed as shortcuts, the payer-call note."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from medbill_tui.records.followups import PayerCall

CALL_OUTCOMES = (
    "in process",
    "paid — awaiting check",
    "denied",
    "need more info",
    "no record of claim",
    "other",
)
"""What a payer said about a claim on the phone (the payer-call outcome list)."""

DENIAL_WARNING_DAYS = 7
"""A denial whose due date is this close (or past) rises to the top of the follow-up list."""

DATE_HELP = "+7, +30, 11/15, 11/15/2026 or 2026-11-15"

_SHORTCUT = re.compile(r"\+\s*(\d{1,3})\s*([dw]?)", re.IGNORECASE)
_MONTH_DAY = re.compile(r"(\d{1,2})/(\d{1,2})")


class FollowupInvalid(ValueError):
    """Follow-up input that cannot be used; the message says why in plain words."""


class DateInvalid(FollowupInvalid):
    """A next-action date that cannot be used (wrong format, not a day, in the past)."""


def parse_date(value: str, today: date | None = None) -> date:
    """A typed date: `+7` / `+2w` (days / weeks from today), `MM/DD` (the next such day),
    `MM/DD/YYYY` or `YYYY-MM-DD`. DateInvalid in words otherwise."""
    text = value.strip()
    base = today or date.today()
    if not text:
        raise DateInvalid(f"Type a date like {DATE_HELP}")
    shortcut = _SHORTCUT.fullmatch(text)
    if shortcut:
        days = int(shortcut.group(1)) * (7 if shortcut.group(2).lower() == "w" else 1)
        return base + timedelta(days=days)
    month_day = _MONTH_DAY.fullmatch(text)
    if month_day:
        month, day = int(month_day.group(1)), int(month_day.group(2))
        for year in range(base.year, base.year + 5):
            try:
                found = date(year, month, day)
            except ValueError:
                continue
            if found >= base:
                return found
        raise DateInvalid(f"'{text}' is not a day of the calendar")
    for fmt in ("%m/%d/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise DateInvalid(f"'{text}' is not a date: type {DATE_HELP}")


def next_action_date(value: str, today: date) -> date:
    """`parse_date`, refusing a day before `today` (a next action cannot be in the past)."""
    day = parse_date(value, today)
    check_not_past(day, today)
    return day


def check_not_past(day: date, today: date) -> None:
    """DateInvalid when `day` is before `today`."""
    if day < today:
        raise DateInvalid(
            f"{day:%m/%d/%Y} is in the past (today is {today:%m/%d/%Y}): pick today or later"
        )


def call_note(call: PayerCall, body: str) -> str:
    """The note a payer call leaves: one line a person (or a report) can read back."""
    if call.outcome not in CALL_OUTCOMES:
        raise FollowupInvalid(f"'{call.outcome}' is not one of: {', '.join(CALL_OUTCOMES)}")
    text = (
        f"Payer call · rep: {call.rep.strip() or 'not given'} · "
        f"ref: {call.reference.strip() or 'none'} · outcome: {call.outcome}"
    )
    return f"{text} · {body.strip()}" if body.strip() else text
