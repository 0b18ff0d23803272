"""Frozen records of front-desk payments and refunds (safe for screens to import)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Receipt:
    """What was posted, for the receipt file and the screen."""

    receipt_no: int
    kind: str  # payment | refund
    account_no: str
    patient_name: str
    on: date
    method: str
    reference: str
    amount: Decimal
    lines: tuple[tuple[int, date, Decimal], ...]
    """(encounter id, date of service, amount applied) per visit."""
    credit: Decimal
    balance_after: Decimal
    """The patient side of the account after this (negative: a credit)."""


@dataclass(frozen=True, slots=True)
class PaymentPreview:
    """Where a payment would go, before the desk confirms it."""

    account_no: str
    patient_name: str
    balance: Decimal
    amount: Decimal
    lines: tuple[tuple[int, date, Decimal], ...]
    credit: Decimal


@dataclass(frozen=True, slots=True)
class PaymentEntry:
    """What the desk typed in the payment dialog (checked again by the service)."""

    kind: str  # payment | refund
    amount: str
    method: str
    reference: str = ""
    visits: tuple[int, ...] = ()
