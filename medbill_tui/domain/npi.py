"""National Provider Identifier (NPI) check digit.

An NPI is 10 digits; the last is a Luhn check digit computed over the card-issuer prefix
"80840" followed by the first 9 digits.
"""

from __future__ import annotations

NPI_PREFIX = "80840"
"""Prefix the Luhn check digit of an NPI is computed over (health-care issuer, USA)."""


def luhn_check_digit(digits: str) -> str:
    """The Luhn check digit to append to a string of decimal digits."""
    if not digits.isascii() or not digits.isdigit():
        raise ValueError(f"{digits!r} is not a string of digits")
    total = 0
    # Walk from the right: the digit next to the (future) check digit is doubled.
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def npi_is_valid(npi: str) -> bool:
    """True when `npi` is exactly 10 ASCII digits and its last digit is the right check digit."""
    if len(npi) != 10 or not npi.isascii() or not npi.isdigit():
        return False
    return luhn_check_digit(NPI_PREFIX + npi[:9]) == npi[9]


def npi_with_check_digit(first9: str) -> str:
    """Complete a 9-digit NPI stem with its check digit; ValueError if it is not 9 digits."""
    if len(first9) != 9 or not first9.isascii() or not first9.isdigit():
        raise ValueError(f"{first9!r} is not 9 digits")
    return first9 + luhn_check_digit(NPI_PREFIX + first9)
