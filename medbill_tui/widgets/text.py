"""Small formatting helpers shared by screens and widgets (plain strings, no I/O)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from medbill_tui.domain.money import fmt_money

NONE_SHOWN = "—"
"""What a screen shows for a value that is not there (instead of a blank that may confuse)."""


def fmt_date(value: date | None) -> str:
    """US billing style date, MM/DD/YYYY."""
    return value.strftime("%m/%d/%Y") if value is not None else NONE_SHOWN


def fmt_date_short(value: date | None) -> str:
    """MM/DD/YY for narrow table columns."""
    return value.strftime("%m/%d/%y") if value is not None else NONE_SHOWN


def fmt_datetime(value: datetime) -> str:
    return value.strftime("%m/%d/%Y %H:%M")


def money(amount: Decimal) -> str:
    return fmt_money(amount)


def clip(text: str, width: int) -> str:
    """Cut `text` to `width` characters, marking the cut with an ellipsis."""
    if width <= 0:
        return ""
    return text if len(text) <= width else text[: width - 1] + "…"


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"
