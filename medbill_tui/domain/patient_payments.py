"""Applying a patient's payment to their visits: oldest first, or chosen visits first.

Pure: given what each visit owes the patient side, say how much of the payment goes where.
What is left after every visit is paid is a credit balance (kept on the newest visit, shown,
refundable).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from medbill_tui.domain.money import ZERO
from medbill_tui.records.payments import Receipt

METHODS = ("cash", "check", "card")


class PaymentRefused(ValueError):
    """The payment or refund cannot be posted as asked (message in words)."""


@dataclass(frozen=True, slots=True)
class VisitOwed:
    """What one visit owes on the patient side."""

    encounter_id: int
    dos: date
    owed: Decimal


@dataclass(frozen=True, slots=True)
class Allocation:
    """Where a payment goes: (encounter id, amount) per visit, and the credit left over."""

    applied: tuple[tuple[int, Decimal], ...]
    credit: Decimal
    credit_encounter_id: int | None


def parse_amount(text: str) -> Decimal:
    """'40', '$1,234.50' -> Decimal; refuses zero, negatives, fractions of a cent."""
    cleaned = text.strip().replace("$", "").replace(",", "")
    try:
        value = Decimal(cleaned)
    except ArithmeticError:
        raise PaymentRefused(f"{text!r} is not an amount") from None
    if not value.is_finite() or value <= 0:
        raise PaymentRefused(f"{text!r} is not an amount above zero")
    if value != value.quantize(Decimal("0.01")):
        raise PaymentRefused(f"{text!r} has fractions of a cent")
    return value.quantize(Decimal("0.01"))


def allocate(
    amount: Decimal, visits: Sequence[VisitOwed], chosen: Sequence[int] = ()
) -> Allocation:
    """Apply `amount` to the chosen visits (in the order given), then to the rest oldest
    first; anything left is a credit on the newest visit (or the last chosen)."""
    if amount <= 0:
        raise PaymentRefused("a payment must be above zero")
    by_id = {v.encounter_id: v for v in visits}
    unknown = [str(e) for e in chosen if e not in by_id]
    if unknown:
        raise PaymentRefused(f"visit(s) {', '.join(unknown)} are not on this account")
    oldest = sorted(visits, key=lambda v: (v.dos, v.encounter_id))
    order = [by_id[e] for e in chosen] + [v for v in oldest if v.encounter_id not in chosen]
    left = amount
    applied: list[tuple[int, Decimal]] = []
    for visit in order:
        if left <= 0:
            break
        share = min(left, visit.owed)
        if share > 0:
            applied.append((visit.encounter_id, share))
            left -= share
    credit_on = None
    if left > 0:
        if chosen:
            credit_on = chosen[-1]
        elif oldest:
            credit_on = oldest[-1].encounter_id
    return Allocation(tuple(applied), left + ZERO, credit_on)


def receipt_text(receipt: Receipt, practice: str) -> str:
    """A printable 80-column receipt (or refund slip) in plain text."""
    title = "PAYMENT RECEIPT" if receipt.kind == "payment" else "REFUND"
    method = receipt.method + (f" {receipt.reference}" if receipt.reference else "")
    lines = [
        practice.upper().center(80).rstrip(),
        title.center(80).rstrip(),
        "",
        f"Receipt no.  {receipt.receipt_no:<20} Date     {receipt.on:%m/%d/%Y}",
        f"Account      {receipt.account_no:<20} Patient  {receipt.patient_name}",
        f"Method       {method:<20} Amount   {receipt.amount:>12,.2f}",
        "",
        f"{'Visit':<12}{'Date of service':<20}{'Applied':>14}",
        "-" * 46,
    ]
    for encounter_id, dos, amount in receipt.lines:
        lines.append(f"{'#' + str(encounter_id):<12}{dos:%m/%d/%Y}{'':<10}{amount:>14,.2f}")
    lines.append("-" * 46)
    if receipt.credit > 0:
        lines.append(f"{'Left as a credit on the account':<32}{receipt.credit:>14,.2f}")
    after = receipt.balance_after
    words = "Credit on the account" if after < 0 else "Balance you owe now"
    lines += [f"{words:<32}{abs(after):>14,.2f}", "", "Thank you.", ""]
    return "\n".join(lines)
