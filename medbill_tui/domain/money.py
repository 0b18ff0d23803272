"""Money: always `Decimal` rounded to cents, never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_money(value: Decimal | int | str) -> Decimal:
    """Parse or round a value to cents; raises ValueError for anything that is not money."""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    try:
        amount = Decimal(str(value).strip().replace(",", "").lstrip("$"))
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount of money") from None
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not an amount of money")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def fmt_money(amount: Decimal) -> str:
    """Format for a screen: thousands separators, two decimals, minus sign in front."""
    return f"{amount:,.2f}"


def money_str(amount: Decimal) -> str:
    """Format for machines (JSON, CSV): plain decimal string with two places."""
    return str(amount.quantize(CENT))
