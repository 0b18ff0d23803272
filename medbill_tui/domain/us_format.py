"""How dates, ZIP codes and phone numbers read on paper in the US (pure)."""

from __future__ import annotations

from datetime import date


def us_date(day: date) -> str:
    """MM/DD/YYYY."""
    return f"{day.month:02d}/{day.day:02d}/{day.year:04d}"


def zip_text(zip_code: str) -> str:
    """ZIP+4 as 12345-6789; a five-digit ZIP (or anything else) as it is."""
    digits = zip_code.strip()
    return f"{digits[:5]}-{digits[5:]}" if len(digits) == 9 and digits.isdigit() else digits


def phone_text(phone: str) -> str:
    """Ten digits as (555) 555-0100; anything else as it is."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10:
        return phone.strip()
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
