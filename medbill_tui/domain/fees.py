"""Fee schedules: parse a price list and work out what importing it would change (pure)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal

from medbill_tui.domain.codefiles import BadRow
from medbill_tui.domain.money import to_money

PROCEDURE_RE = re.compile(r"^([0-9]{4}[0-9FTU]|[A-V][0-9]{4})$")
MODIFIER_RE = re.compile(r"^[0-9A-Z]{2}$")

FeeKey = tuple[str, str]
"""(code, modifier) — modifier '' when the price applies without one."""


@dataclass(frozen=True, slots=True)
class FeeChange:
    """One line of an import preview: `old` None for a new price."""

    code: str
    modifier: str
    old: Decimal | None
    new: Decimal


@dataclass(frozen=True, slots=True)
class FeeFile:
    prices: dict[FeeKey, Decimal]
    errors: tuple[BadRow, ...]


def parse_fee_csv(text: str) -> FeeFile:
    """Read `code,modifier,price` rows (header required; modifier may be empty)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in next(reader, [])]
    if header[:3] != ["code", "modifier", "price"]:
        return FeeFile({}, (BadRow(1, "the first line must be the header code,modifier,price"),))
    prices: dict[FeeKey, Decimal] = {}
    errors: list[BadRow] = []
    for line_no, row in enumerate(reader, start=2):
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) < 3:
            errors.append(BadRow(line_no, "expected three columns: code,modifier,price"))
            continue
        code, modifier, price_text = row[0].strip().upper(), row[1].strip().upper(), row[2]
        if not PROCEDURE_RE.match(code):
            errors.append(BadRow(line_no, f"{code!r} is not a CPT or HCPCS code"))
            continue
        if modifier and not MODIFIER_RE.match(modifier):
            errors.append(BadRow(line_no, f"modifier {modifier!r} must be two letters or digits"))
            continue
        try:
            price = to_money(price_text)
        except ValueError:
            errors.append(BadRow(line_no, f"price {price_text.strip()!r} is not an amount"))
            continue
        if price <= 0:
            errors.append(BadRow(line_no, f"price for {code} must be more than zero"))
        elif (code, modifier) in prices:
            errors.append(BadRow(line_no, f"{code} {modifier or '(no modifier)'} appears twice"))
        else:
            prices[(code, modifier)] = price
    if not prices and not errors:
        errors.append(BadRow(0, "the file has no prices"))
    return FeeFile(prices, tuple(errors))


def fee_changes(current: dict[FeeKey, Decimal], incoming: dict[FeeKey, Decimal]) -> list[FeeChange]:
    """New and changed prices, in code order; unchanged prices are left out."""
    return [
        FeeChange(code, modifier, current.get((code, modifier)), price)
        for (code, modifier), price in sorted(incoming.items())
        if current.get((code, modifier)) != price
    ]
